// The administrative regions of the platform (DESIGN.md §1, §6): Quanzhou city and its 11
// county-level divisions, with GB/T 2260 codes. Staff roles are scoped to a region: city staff
// see the city and all its counties, county staff their own county (RegionWithin).
//
// The table is data in region.cc, fixed at build time; the functional zones 泉州开发区 and
// 泉州台商投资区 have no GB/T 2260 code and are not regions here.
#pragma once

#include <span>
#include <string_view>

namespace zhida::core {

enum class RegionLevel { kCity, kCounty };

struct Region {
  std::string_view code;        // GB/T 2260, 6 digits: "350582"
  std::string_view name;        // full name: "晋江市"
  std::string_view short_name;  // without the suffix 市/区/县: "晋江"
  std::string_view parent;      // the code of the enclosing region: "350500"; "350000" (福建省,
                                // not in the table) for the city
  RegionLevel level;
};

// The city of the platform, 泉州市.
inline constexpr std::string_view kCityRegion = "350500";

// The region with `code`, or nullptr. The pointer stays valid for the life of the program.
const Region* FindRegion(std::string_view code);
// The region whose name or short name is `name` ("晋江市" or "晋江"), or nullptr.
const Region* FindRegionByName(std::string_view name);
// Every region: the city first, then its counties in code order.
std::span<const Region> AllRegions();
// Whether region `code` is `ancestor` or lies within it: a county is within itself, its city
// (350500) and the province (350000); the city is within itself and 350000. False for an
// unknown `code`.
bool RegionWithin(std::string_view code, std::string_view ancestor);

}  // namespace zhida::core

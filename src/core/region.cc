#include "core/region.h"

namespace zhida::core {
namespace {

// GB/T 2260 codes of Quanzhou (see the field list of the bench data and policies/REAL.md).
constexpr Region kRegions[] = {
    {"350500", "泉州市", "泉州", "350000", RegionLevel::kCity},
    {"350502", "鲤城区", "鲤城", "350500", RegionLevel::kCounty},
    {"350503", "丰泽区", "丰泽", "350500", RegionLevel::kCounty},
    {"350504", "洛江区", "洛江", "350500", RegionLevel::kCounty},
    {"350505", "泉港区", "泉港", "350500", RegionLevel::kCounty},
    {"350521", "惠安县", "惠安", "350500", RegionLevel::kCounty},
    {"350524", "安溪县", "安溪", "350500", RegionLevel::kCounty},
    {"350525", "永春县", "永春", "350500", RegionLevel::kCounty},
    {"350526", "德化县", "德化", "350500", RegionLevel::kCounty},
    {"350581", "石狮市", "石狮", "350500", RegionLevel::kCounty},
    {"350582", "晋江市", "晋江", "350500", RegionLevel::kCounty},
    {"350583", "南安市", "南安", "350500", RegionLevel::kCounty},
};

// Regions nest at most this deep (province → city → county); bounds the walk up the parents.
constexpr int kDepthMax = 4;

}  // namespace

const Region* FindRegion(std::string_view code) {
  for (const Region& r : kRegions) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

const Region* FindRegionByName(std::string_view name) {
  for (const Region& r : kRegions) {
    if (r.name == name || r.short_name == name) return &r;
  }
  return nullptr;
}

std::span<const Region> AllRegions() { return kRegions; }

bool RegionWithin(std::string_view code, std::string_view ancestor) {
  const Region* region = FindRegion(code);
  if (region == nullptr) return false;
  std::string_view current = code;
  for (int depth = 0; depth < kDepthMax; ++depth) {
    if (current == ancestor) return true;
    const Region* r = FindRegion(current);
    if (r == nullptr) return false;
    current = r->parent;
  }
  return false;
}

}  // namespace zhida::core

#include "core/region.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace zhida::core {
namespace {

TEST(RegionTest, TheTable) {
  const std::span<const Region> all = AllRegions();
  ASSERT_EQ(all.size(), 12u);
  EXPECT_EQ(all[0].code, kCityRegion);
  EXPECT_EQ(all[0].name, "泉州市");
  EXPECT_EQ(all[0].level, RegionLevel::kCity);
  std::set<std::string_view> codes;
  for (const Region& r : all) {
    EXPECT_EQ(r.code.size(), 6u);
    EXPECT_TRUE(codes.insert(r.code).second) << r.code;
    EXPECT_TRUE(r.name.starts_with(r.short_name)) << r.name;
    if (r.level == RegionLevel::kCounty) {
      EXPECT_EQ(r.parent, kCityRegion);
      EXPECT_TRUE(r.code.starts_with("3505"));
    }
  }
  const std::set<std::string_view> expected = {"350500", "350502", "350503", "350504",
                                               "350505", "350521", "350524", "350525",
                                               "350526", "350581", "350582", "350583"};
  EXPECT_EQ(codes, expected);
}

TEST(RegionTest, Find) {
  const Region* jinjiang = FindRegion("350582");
  ASSERT_NE(jinjiang, nullptr);
  EXPECT_EQ(jinjiang->name, "晋江市");
  EXPECT_EQ(jinjiang->short_name, "晋江");
  EXPECT_EQ(jinjiang->level, RegionLevel::kCounty);
  EXPECT_EQ(FindRegion("350521")->name, "惠安县");
  EXPECT_EQ(FindRegion("350502")->name, "鲤城区");
  EXPECT_EQ(FindRegion("350000"), nullptr);
  EXPECT_EQ(FindRegion(""), nullptr);
  EXPECT_EQ(FindRegion("3505820"), nullptr);
  EXPECT_EQ(FindRegionByName("南安市")->code, "350583");
  EXPECT_EQ(FindRegionByName("南安")->code, "350583");
  EXPECT_EQ(FindRegionByName("泉州")->code, "350500");
  EXPECT_EQ(FindRegionByName("厦门市"), nullptr);
}

TEST(RegionTest, Within) {
  EXPECT_TRUE(RegionWithin("350582", "350582"));  // itself
  EXPECT_TRUE(RegionWithin("350582", kCityRegion));
  EXPECT_TRUE(RegionWithin("350582", "350000"));  // the province
  EXPECT_TRUE(RegionWithin(kCityRegion, kCityRegion));
  EXPECT_FALSE(RegionWithin(kCityRegion, "350582"));  // the city is not within a county
  EXPECT_FALSE(RegionWithin("350582", "350583"));
  EXPECT_FALSE(RegionWithin("350200", "350000"));  // unknown code (厦门)
  EXPECT_FALSE(RegionWithin("", ""));
  for (const Region& r : AllRegions()) EXPECT_TRUE(RegionWithin(r.code, kCityRegion));
}

}  // namespace
}  // namespace zhida::core

#include "services/demo_enterprises.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/region.h"
#include "core/uscc.h"
#include "gtest/gtest.h"

namespace zhida::services {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// Data lines of a generated CSV (header and the final empty piece removed).
std::vector<std::string_view> DataLines(std::string_view csv) {
  std::vector<std::string_view> lines = Split(csv, '\n');
  EXPECT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "");  // the file ends with a line break
  lines.pop_back();
  lines.erase(lines.begin());
  return lines;
}

std::string Generate(int64_t count, uint64_t seed) {
  std::string csv;
  WriteDemoEnterprisesCsv({.count = count, .seed = seed}, &csv);
  return csv;
}

// An independent GB 32100-2015 check (not the generator's code).
bool UsccValid(std::string_view u) {
  static constexpr std::string_view kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  if (u.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const size_t v = kChars.find(u[i]);
    if (v == std::string_view::npos) return false;
    sum += static_cast<int>(v) * kWeights[i];
  }
  return kChars[(31 - sum % 31) % 31] == u[17];
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "123.45": digits, a dot, exactly two digits; no sign.
bool IsMoney(std::string_view s) {
  const size_t dot = s.find('.');
  return dot != std::string_view::npos && dot + 3 == s.size() && IsDigits(s.substr(0, dot)) &&
         IsDigits(s.substr(dot + 1)) && (dot == 1 || s[0] != '0');
}

int64_t ParseInt(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

const std::set<std::string_view> kRegions = {"350502", "350503", "350504", "350505",
                                             "350521", "350524", "350525", "350526",
                                             "350581", "350582", "350583"};

TEST(DemoEnterprisesTest, HeaderHasTheDatasetColumnsThenTheRegistryColumns) {
  const std::string csv = Generate(0, 1);
  EXPECT_EQ(csv,
            "uscc,name,region,industry,scale,established,employees,insured_employees,revenue,"
            "revenue_prev,tax_paid,tax_paid_prev,rd_expense,rd_expense_prev,export_value,"
            "export_value_prev,fixed_asset_investment,high_tech,specialized_sme,listed,"
            "tax_credit_grade,dishonest,loan_default,contact_name,contact_phone,bank_name,"
            "bank_account\n");
  EXPECT_NE(csv.substr(0, 3), "\xEF\xBB\xBF");  // no BOM
}

TEST(DemoEnterprisesTest, WritesTheRequestedNumberOfRows) {
  for (int64_t count : {1, 7, 1234}) {
    const std::string csv = Generate(count, 3);
    EXPECT_EQ(static_cast<int64_t>(DataLines(csv).size()), count);
  }
}

TEST(DemoEnterprisesTest, SameOptionsGiveIdenticalBytes) {
  EXPECT_EQ(Generate(3000, 42), Generate(3000, 42));
  EXPECT_NE(Generate(100, 42), Generate(100, 43));
}

TEST(DemoEnterprisesTest, AppendsToExistingText) {
  std::string csv = "x";
  WriteDemoEnterprisesCsv({.count = 5, .seed = 1}, &csv);
  EXPECT_EQ(csv.substr(1), Generate(5, 1));
  EXPECT_EQ(csv[0], 'x');
}

// Row i depends only on (seed, i): a larger run starts with the smaller one.
TEST(DemoEnterprisesTest, LargerRunStartsWithSmallerRun) {
  const std::string small = Generate(1000, 9);
  const std::string large = Generate(5000, 9);
  EXPECT_EQ(large.substr(0, small.size()), small);
}

TEST(DemoEnterprisesTest, RandomAccessMatchesTheCsv) {
  const std::vector<std::string_view> lines = [] {
    static const std::string csv = Generate(300, 5);
    return DataLines(csv);
  }();
  for (int64_t i : {0, 1, 150, 299}) {
    DemoEnterprise e;
    MakeDemoEnterprise(5, i, &e);
    std::string row;
    AppendDemoCsvRow(e, &row);
    EXPECT_EQ(row.substr(0, row.size() - 1), lines[i]);
    EXPECT_EQ(row.back(), '\n');
  }
}

// Field-by-field validation of a run that crosses the first 字号 tier (2 → 3 characters).
TEST(DemoEnterprisesTest, EveryRowIsWellFormedAndKeysAreUnique) {
  const std::string csv = Generate(60000, 1);
  const std::vector<std::string_view> lines = DataLines(csv);
  ASSERT_EQ(lines.size(), 60000u);
  std::unordered_set<std::string_view> usccs, names, accounts;
  for (size_t row = 0; row < lines.size(); ++row) {
    SCOPED_TRACE("row " + std::to_string(row) + ": " + std::string(lines[row]));
    const std::vector<std::string_view> f = Split(lines[row], ',');
    ASSERT_EQ(f.size(), static_cast<size_t>(kDemoCsvColumnCount));
    // uscc: valid, unique, "91" + region code.
    EXPECT_TRUE(UsccValid(f[0]));
    EXPECT_TRUE(core::ValidateUscc(f[0]).ok());
    EXPECT_EQ(f[0].substr(0, 2), "91");
    EXPECT_EQ(f[0].substr(2, 6), f[2]);
    EXPECT_TRUE(usccs.insert(f[0]).second) << "duplicate uscc";
    // name: unique, ends in 有限公司.
    EXPECT_TRUE(names.insert(f[1]).second) << "duplicate name";
    EXPECT_TRUE(f[1].ends_with("有限公司"));
    EXPECT_TRUE(kRegions.count(f[2]));
    const core::Region* region = core::FindRegion(f[2]);
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(region->level, core::RegionLevel::kCounty);
    ASSERT_EQ(f[3].size(), 5u);
    EXPECT_TRUE(f[3][0] >= 'A' && f[3][0] <= 'T' && IsDigits(f[3].substr(1)));
    EXPECT_TRUE(f[4] == "micro" || f[4] == "small" || f[4] == "medium" || f[4] == "large");
    // established: YYYY-MM-DD within 1985-01-01 … 2026-10-31 (string order is date order).
    ASSERT_EQ(f[5].size(), 10u);
    EXPECT_TRUE(f[5][4] == '-' && f[5][7] == '-');
    EXPECT_GE(f[5], "1985-01-01");
    EXPECT_LE(f[5], "2026-10-31");
    ASSERT_TRUE(IsDigits(f[6]) && IsDigits(f[7]));
    EXPECT_GE(ParseInt(f[6]), 1);
    EXPECT_LE(ParseInt(f[7]), ParseInt(f[6]));
    for (int k = 8; k <= 16; ++k) EXPECT_TRUE(IsMoney(f[k])) << kDemoCsvColumns[k] << " " << f[k];
    for (int k : {17, 18, 19, 21, 22}) EXPECT_TRUE(f[k] == "true" || f[k] == "false");
    EXPECT_TRUE(f[20] == "A" || f[20] == "B" || f[20] == "M" || f[20] == "C" || f[20] == "D");
    EXPECT_FALSE(f[23].empty());
    EXPECT_EQ(f[24].size(), 11u);
    EXPECT_TRUE(IsDigits(f[24]) && f[24][0] == '1');
    EXPECT_TRUE(f[25].ends_with("银行") || f[25].ends_with("支行"));
    EXPECT_TRUE(IsDigits(f[26]) && f[26].size() >= 16 && f[26].size() <= 19);
    EXPECT_NE(f[26][0], '0');
    EXPECT_TRUE(accounts.insert(f[26]).second) << "duplicate bank account";
    if (HasFailure()) return;  // one broken row is enough to read
  }
}

// The shape of the data imitates Quanzhou; these bounds are loose on purpose.
TEST(DemoEnterprisesTest, DistributionsArePlausible) {
  const std::string csv = Generate(20000, 1);
  const std::vector<std::string_view> lines = DataLines(csv);
  std::map<std::string_view, int> regions, scales, sections;
  int high_tech = 0, specialized = 0, listed = 0, exporters = 0, above_scale_industry = 0;
  int rd_growth = 0, dishonest = 0, new_firms = 0;
  std::map<std::string_view, int> c_classes_in_nanan;
  for (std::string_view line : lines) {
    const std::vector<std::string_view> f = Split(line, ',');
    ++regions[f[2]];
    ++scales[f[4]];
    ++sections[f[3].substr(0, 1)];
    high_tech += f[17] == "true";
    specialized += f[18] == "true";
    listed += f[19] == "true";
    dishonest += f[21] == "true";
    new_firms += f[5] >= "2025-01-01";
    exporters += f[14] != "0.00";
    // 规上工业 proxy: industrial section and revenue >= 20,000,000.00.
    const bool industrial = f[3][0] == 'B' || f[3][0] == 'C' || f[3][0] == 'D';
    const int64_t revenue_yuan = ParseInt(f[8].substr(0, f[8].find('.')));
    above_scale_industry += industrial && revenue_yuan >= 20000000;
    const int64_t rd = ParseInt(f[12].substr(0, f[12].find('.')));
    const int64_t rd_prev = ParseInt(f[13].substr(0, f[13].find('.')));
    rd_growth += f[17] == "true" && rd > 2000000 && rd - rd_prev >= 1000000;
    if (f[2] == "350583" && f[3][0] == 'C') ++c_classes_in_nanan[f[3]];
  }
  // 晋江 is the largest region, then 南安; every region has firms.
  std::string_view largest;
  for (const auto& [code, n] : regions) {
    if (largest.empty() || n > regions[largest]) largest = code;
  }
  EXPECT_EQ(largest, "350582");
  EXPECT_GT(regions["350583"], regions["350581"]);
  EXPECT_EQ(regions.size(), 11u);
  // Mostly micro and small firms.
  EXPECT_GT(scales["micro"] + scales["small"], 17000);
  EXPECT_GT(scales["large"], 100);
  // Manufacturing leads, then trade.
  EXPECT_GT(sections["C"], 7000);
  EXPECT_GT(sections["F"], 2500);
  // 南安's commonest manufacturing class is stone (C3032).
  std::string_view nanan_top;
  for (const auto& [code, n] : c_classes_in_nanan) {
    if (nanan_top.empty() || n > c_classes_in_nanan[nanan_top]) nanan_top = code;
  }
  EXPECT_EQ(nanan_top, "C3032");
  // Enough firms for the demo policies to find someone, but flags stay rare.
  EXPECT_GT(high_tech, 200);
  EXPECT_LT(high_tech, 2000);
  EXPECT_GT(specialized, 30);
  EXPECT_GT(listed, 5);
  EXPECT_GT(exporters, 1500);
  EXPECT_GT(above_scale_industry, 400);
  EXPECT_GT(rd_growth, 10);
  EXPECT_GT(dishonest, 50);
  EXPECT_LT(dishonest, 1000);
  EXPECT_GT(new_firms, 500);
}

TEST(DemoEnterprisesTest, NewFirmsHaveNoPreviousYear) {
  const std::string csv = Generate(5000, 2);
  for (std::string_view line : DataLines(csv)) {
    const std::vector<std::string_view> f = Split(line, ',');
    if (f[5] < "2025-01-01") continue;
    EXPECT_EQ(f[9], "0.00") << line;
    EXPECT_EQ(f[11], "0.00") << line;
    EXPECT_EQ(f[13], "0.00") << line;
    EXPECT_EQ(f[15], "0.00") << line;
    if (f[5] >= "2026-01-01") {
      EXPECT_EQ(f[8], "0.00") << line;
    }
  }
}

}  // namespace
}  // namespace zhida::services

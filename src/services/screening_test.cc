#include "services/screening.h"

#include <string>
#include <vector>

#include "core/test_files.h"
#include "gtest/gtest.h"

namespace zhida::services {
namespace {

using core::testing::FirstDifference;
using core::testing::ReadTestFile;

const std::string kSampleDir = std::string(ZHIDA_SOURCE_DIR) + "/tests/data/bench-sample/";

// The header of enterprises.csv, and one enterprise line with every fact known; tests replace
// single cells.
const char kHeader[] =
    "uscc,name,region,industry,scale,established,employees,insured_employees,revenue,"
    "revenue_prev,tax_paid,tax_paid_prev,rd_expense,rd_expense_prev,export_value,"
    "export_value_prev,fixed_asset_investment,high_tech,specialized_sme,listed,"
    "tax_credit_grade,dishonest,loan_default\n";

std::string Enterprise(const std::string& uscc, const std::string& revenue,
                       const std::string& employees, const std::string& dishonest = "false") {
  return uscc + ",甲公司,350503,C1951,small,2010-05-01," + employees + ",10," + revenue +
         ",1000.00,10.00,10.00,0.00,0.00,0.00,0.00,0.00,false,false,false,A," + dishonest +
         ",false\n";
}

EnterpriseTable Table(const std::string& csv) {
  absl::StatusOr<EnterpriseTable> table = EnterpriseTable::FromCsv(csv);
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

const core::Date kAsOf = core::Date::FromYmd(2026, 11, 30);

class BenchSampleScreenTest : public ::testing::TestWithParam<int> {};

// The 50 sample policies over the 10,000 sample enterprises must give expected.csv (what DuckDB
// and PostgreSQL compute from the SQL translation) byte for byte, whatever the thread count.
TEST_P(BenchSampleScreenTest, MatchesExpectedCsvByteForByte) {
  absl::StatusOr<std::vector<ScreenPolicy>> policies =
      LoadScreenPolicies(ReadTestFile(kSampleDir + "policies.json"));
  ASSERT_TRUE(policies.ok()) << policies.status();
  ASSERT_EQ(policies->size(), 50u);
  absl::StatusOr<EnterpriseTable> table =
      EnterpriseTable::FromCsv(ReadTestFile(kSampleDir + "enterprises.csv"));
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->size(), 10000);

  int64_t last_done = -1, last_total = -1;
  int calls = 0;
  ScreenResult result = Screen(*policies, *table, kAsOf, GetParam(), [&](int64_t d, int64_t t) {
    EXPECT_GE(d, last_done);  // progress never goes back
    last_done = d;
    last_total = t;
    ++calls;
  });
  EXPECT_GE(calls, 1);
  EXPECT_EQ(last_done, 500000);
  EXPECT_EQ(last_total, 500000);
  EXPECT_TRUE(result.policy_errors.empty());
  EXPECT_EQ(result.pairs_evaluated, 500000);
  EXPECT_EQ(result.eligible, 13157);
  EXPECT_EQ(result.cannot_determine, 0);
  EXPECT_EQ(result.errors, 0);
  EXPECT_EQ(result.eligible + result.not_eligible, 500000);

  std::string out;
  WriteScreenCsv(result, &out);
  const std::string expected = ReadTestFile(kSampleDir + "expected.csv");
  ASSERT_FALSE(expected.empty());
  EXPECT_TRUE(out == expected) << "output differs from expected.csv: "
                               << FirstDifference(out, expected);
}

INSTANTIATE_TEST_SUITE_P(Threads, BenchSampleScreenTest, ::testing::Values(1, 3));

// Unknown is not zero: an empty cell the rule needs gives "cannot determine", not "not eligible";
// a rule decided without it (`dishonest && ...` with dishonest false) is simply not eligible.
TEST(ScreenTest, EmptyCellIsCannotDetermine) {
  EnterpriseTable table = Table(std::string(kHeader) + Enterprise("B2", "", "5") +
                                Enterprise("A1", "5000.00", "5") + Enterprise("C3", "10.00", "5"));
  std::vector<ScreenPolicy> policies = {
      {"P1", "revenue >= 100.00", "revenue * 0.1", std::nullopt},
      {"P2", "dishonest && revenue >= 100.00", "100.00", std::nullopt},
  };
  ScreenResult result = Screen(policies, table, kAsOf, 2);
  EXPECT_EQ(result.pairs_evaluated, 6);
  EXPECT_EQ(result.eligible, 1);
  EXPECT_EQ(result.cannot_determine, 1);  // P1 × B2
  EXPECT_EQ(result.missing_by_field["revenue"], 1);
  EXPECT_EQ(result.not_eligible, 4);  // P1 × C3, P2 × all three
  EXPECT_EQ(result.errors, 0);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].uscc, "A1");
  EXPECT_EQ(result.rows[0].award.ToString(), "500.00");
}

// A policy that does not compile is reported; the others still run.
TEST(ScreenTest, CompileErrorIsReportedAndOthersRun) {
  EnterpriseTable table = Table(std::string(kHeader) + Enterprise("A1", "5000.00", "5"));
  std::vector<ScreenPolicy> policies = {
      {"P2", "revenue >= 1.00", "1.005", std::nullopt},
      {"P1", "revenu >= 1.00", "1.00", std::nullopt},      // unknown field
      {"P3", "revenue >= 1.00", "\"abc\"", std::nullopt},  // award not a number
  };
  ScreenResult result = Screen(policies, table, kAsOf, 1);
  ASSERT_EQ(result.policy_errors.size(), 2u);
  EXPECT_EQ(result.policy_errors[0].policy_id, "P1");
  EXPECT_NE(result.policy_errors[0].message.find("eligibility"), std::string::npos);
  EXPECT_EQ(result.policy_errors[1].policy_id, "P3");
  EXPECT_NE(result.policy_errors[1].message.find("award"), std::string::npos);
  EXPECT_EQ(result.pairs_evaluated, 1);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].policy_id, "P2");
  EXPECT_EQ(result.rows[0].award.ToString(), "1.01");  // half-up once at the end
}

// A run-time error for one enterprise makes that pair an error with its reason, not a crash; the
// other enterprises of the same policy are screened as usual. A cap applies before rounding.
TEST(ScreenTest, RunTimeErrorIsAnErrorForThatPair) {
  EnterpriseTable table =
      Table(std::string(kHeader) + Enterprise("Z9", "3000.00", "0") +
            Enterprise("A1", "3000.00", "4") + Enterprise("M5", "9000.00", "3"));
  std::vector<ScreenPolicy> policies = {
      {"P1", "revenue >= 1.00", "revenue / employees", core::Money::FromFen(200000)},
  };
  for (int threads : {1, 3}) {
    ScreenResult result = Screen(policies, table, kAsOf, threads);
    EXPECT_EQ(result.errors, 1);
    EXPECT_EQ(result.errors_by_code["eval.division_by_zero"], 1);
    EXPECT_EQ(result.eligible, 2);
    std::string out;
    WriteScreenCsv(result, &out);
    // Sorted by uscc; 9000 / 3 = 3000 is capped at 2000.00.
    EXPECT_EQ(out, "policy_id,uscc,award\nP1,A1,750.00\nP1,M5,2000.00\n");
  }
}

TEST(ScreenTest, WriteQuotesFieldsThatNeedIt) {
  ScreenResult result;
  result.rows.push_back({"P,1", "A\"1", core::Money::FromFen(5)});
  std::string out;
  WriteScreenCsv(result, &out);
  EXPECT_EQ(out, "policy_id,uscc,award\n\"P,1\",\"A\"\"1\",0.05\n");
}

// Output large enough to be formatted in parts on several threads: the same bytes as line by
// line, Money::ToString for the awards, quotes where needed.
TEST(ScreenTest, WriteInPartsEqualsLineByLine) {
  ScreenResult result;
  const std::vector<std::string> ids = {"P1", "P,2", "P\"3"};
  std::string want = "policy_id,uscc,award\n";
  for (int i = 0; i < 250000; ++i) {
    const std::string& id = ids[static_cast<size_t>(i % 3)];
    const core::Money award = core::Money::FromFen((i % 7 == 0 ? -1 : 1) * int64_t{i} * 37);
    result.rows.push_back({id, "9135", award});
    const std::string quoted = i % 3 == 0 ? id : (i % 3 == 1 ? "\"P,2\"" : "\"P\"\"3\"");
    want += quoted + ",9135," + award.ToString() + "\n";
  }
  std::string out = "x";  // appended to
  WriteScreenCsv(result, &out);
  EXPECT_TRUE(out == "x" + want) << out.size() << " vs " << want.size() + 1;
}

TEST(ScreenTest, BadPoliciesNameThePolicyAndTheKey) {
  absl::StatusOr<std::vector<ScreenPolicy>> p = LoadScreenPolicies(
      R"([{"id": "P1", "eligibility": "true", "award": "1.00", "sql_where": "x"},
          {"id": "P2", "eligibility": "true"}])");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("P2"), std::string::npos) << p.status();
  EXPECT_NE(p.status().message().find("award"), std::string::npos) << p.status();

  p = LoadScreenPolicies(R"([{"id": "P1", "eligibility": "true", "award": "1"},
                            {"id": "P1", "eligibility": "true", "award": "1"}])");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("重复"), std::string::npos) << p.status();

  p = LoadScreenPolicies("[{\"id\": ");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("line 1"), std::string::npos) << p.status();

  p = LoadScreenPolicies(R"([{"id": "P1", "eligibility": "true", "award": "1", "name": "x"}])");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)[0].id, "P1");
  EXPECT_EQ((*p)[0].award, "1");
}

TEST(ScreenTest, BadEnterprisesNameTheLineAndColumn) {
  absl::StatusOr<EnterpriseTable> t = EnterpriseTable::FromCsv(
      std::string(kHeader) + Enterprise("A1", "10.00", "5") + Enterprise("B2", "12,5", "5"));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("第 3 行"), std::string::npos) << t.status();

  t = EnterpriseTable::FromCsv(std::string(kHeader) + Enterprise("A1", "1x", "5"));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("第 2 行"), std::string::npos) << t.status();
  EXPECT_NE(t.status().message().find("revenue"), std::string::npos) << t.status();

  t = EnterpriseTable::FromCsv("uscc,revenu\nA1,1.00\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("revenu"), std::string::npos) << t.status();

  // Columns in another order, some missing: the missing facts are unknown, in the eligibility
  // and in the award alike.
  t = EnterpriseTable::FromCsv("revenue,uscc\n\"5000.00\",A1\n");
  ASSERT_TRUE(t.ok()) << t.status();
  ScreenResult result = Screen({{"P1", "revenue >= 1.00 && employees > 0", "1.00", std::nullopt},
                                {"P2", "revenue >= 1.00", "employees * 100.00", std::nullopt}},
                               *t, kAsOf, 1);
  EXPECT_EQ(result.cannot_determine, 2);
  EXPECT_EQ(result.missing_by_field["employees"], 2);
  EXPECT_TRUE(result.rows.empty());
}

// The rows read alike by index, by iteration and by ForEach, in order, with their strings kept
// alive by the result itself.
TEST(ScreenTest, RowsReadAlikeEveryWayAndOutliveTheirInputs) {
  ScreenResult result;
  {
    EnterpriseTable table =
        Table(std::string(kHeader) + Enterprise("C3", "300.00", "5") +
              Enterprise("A1", "100.00", "5") + Enterprise("B2", "200.00", "5"));
    std::vector<ScreenPolicy> policies = {
        {"P2", "revenue >= 150.00", "revenue * 0.5", std::nullopt},
        {"P1", "true", "1.005", std::nullopt},
        {"P3", "false", "1.00", std::nullopt},
    };
    result = Screen(policies, table, kAsOf, 2);
  }  // the table and the policies are gone
  const std::vector<std::string> want = {"P1 A1 1.01", "P1 B2 1.01", "P1 C3 1.01", "P2 B2 100.00",
                                         "P2 C3 150.00"};
  ASSERT_EQ(result.rows.size(), want.size());
  auto text = [](const ScreenRow& r) {
    return std::string(r.policy_id) + " " + std::string(r.uscc) + " " + r.award.ToString();
  };
  std::vector<std::string> by_index, by_iteration, by_each;
  for (size_t i = 0; i < result.rows.size(); ++i) by_index.push_back(text(result.rows[i]));
  for (const ScreenRow& row : result.rows) by_iteration.push_back(text(row));
  result.rows.ForEach([&](const ScreenRow& row) { by_each.push_back(text(row)); });
  EXPECT_EQ(by_index, want);
  EXPECT_EQ(by_iteration, want);
  EXPECT_EQ(by_each, want);
}

// A table from elsewhere (a registry snapshot): any schema, the usccs given beside it.
TEST(ScreenTest, SnapshotTableScreensLikeACsv) {
  auto schema = std::make_shared<rules::Schema>();
  ASSERT_TRUE(
      schema->AddField(rules::FieldDef{"revenue", "营业收入", "元", rules::FieldType::kDecimal})
          .ok());
  rules::ColumnTableBuilder builder(schema);
  for (const char* revenue : {"50.00", "", "500.00"}) {
    ASSERT_TRUE(builder.AppendText(0, revenue).ok());
    builder.EndRow();
  }
  std::vector<rules::ColumnTableBuilder> parts;
  parts.push_back(std::move(builder));
  auto columns = std::make_shared<const rules::ColumnTable>(
      rules::ColumnTableBuilder::Concat(std::move(parts)));
  EnterpriseTable table = EnterpriseTable::FromSnapshot(columns, {"Z9", "M5", "A1"});
  EXPECT_EQ(table.uscc(0), "Z9");
  EXPECT_EQ(table.uscc_rank(0), 2);
  ScreenResult result =
      Screen({{"P1", "revenue >= 10.00", "revenue * 0.1", std::nullopt}}, table, kAsOf, 1);
  EXPECT_EQ(result.cannot_determine, 1);
  EXPECT_EQ(result.missing_by_field["revenue"], 1);
  std::string out;
  WriteScreenCsv(result, &out);
  EXPECT_EQ(out, "policy_id,uscc,award\nP1,A1,50.00\nP1,Z9,5.00\n");
}

}  // namespace
}  // namespace zhida::services

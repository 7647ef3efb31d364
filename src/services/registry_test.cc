#include "services/registry.h"

#include "gtest/gtest.h"
#include "services/demo_enterprises.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

using testing::NewTestEnv;
using testing::StaffActor;
using testing::ThreeEnterprisesCsv;

std::string FactOf(const EnterpriseView& view, const std::string& field) {
  for (const FactValue& f : view.facts) {
    if (f.field == field) return f.value;
  }
  return "<unknown>";
}

TEST(RegistryTest, ImportsGoodRowsAndReadsThemBack) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  auto report = registry.ImportEnterprises(Actor::System(), ThreeEnterprisesCsv(), {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->committed);
  EXPECT_EQ(report->rows_ok, 3);
  EXPECT_EQ(report->rows_failed, 0);
  EXPECT_EQ(report->enterprises_created, 3);

  auto view = registry.Get(Actor::System(), "91350582MA6KKM2WX5");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->enterprise.name, "泉州嘉德塑胶鞋业有限公司");
  EXPECT_EQ(view->enterprise.region, "350582");
  EXPECT_EQ(FactOf(*view, "employees"), "40");
  EXPECT_EQ(FactOf(*view, "high_tech"), "true");
  // An empty cell is unknown, not zero.
  EXPECT_EQ(FactOf(*view, "revenue"), "<unknown>");
  auto first = registry.Get(Actor::System(), "91350581133456810F");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(FactOf(*first, "revenue"), "2072768.47");
  EXPECT_EQ(first->enterprise.bank_account, "6222020000000001");
  for (const FactValue& f : first->facts) {
    EXPECT_EQ(f.source, "import");
    EXPECT_EQ(f.period, "2025");  // the year before the (fake) import date 2026-11-30
  }
}

TEST(RegistryTest, BadRowsAreReportedWithLineColumnAndReasonAndNotImported) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  std::string csv =
      "uscc,name,region,industry,scale,revenue\n"
      "91350581133456810F,甲公司,350581,G5437,micro,100.00\n"
      "91350581133456810E,乙公司,350581,G5437,micro,100.00\n"   // bad check digit
      "913505038728481487,丙公司,110101,F5131,micro,100.00\n"   // region not in Quanzhou
      "91350582MA6KKM2WX5,丁公司,350582,C1953,huge,100.00\n"    // bad scale
      "91350581133456810F,戊公司,350581,G5437,small,1.00\n";      // duplicate uscc
  auto report = registry.ImportEnterprises(Actor::System(), csv, {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows_total, 5);
  EXPECT_EQ(report->rows_ok, 1);
  EXPECT_EQ(report->rows_failed, 4);
  ASSERT_EQ(report->issues.size(), 4u);
  EXPECT_EQ(report->issues[0].line, 3);
  EXPECT_EQ(report->issues[0].column, "uscc");
  EXPECT_EQ(report->issues[1].line, 4);
  EXPECT_EQ(report->issues[1].column, "region");
  EXPECT_NE(report->issues[1].message.find("110101"), std::string::npos);
  EXPECT_EQ(report->issues[2].line, 5);
  EXPECT_EQ(report->issues[2].column, "scale");
  EXPECT_EQ(report->issues[3].line, 6);
  EXPECT_EQ(report->issues[3].code, "import.duplicate_uscc");
  auto first = registry.Get(Actor::System(), "91350581133456810F");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->enterprise.name, "甲公司");  // the duplicate did not replace it
  EXPECT_TRUE(registry.Get(Actor::System(), "91350581133456810F").ok());
  EXPECT_FALSE(registry.Get(Actor::System(), "913505038728481487").ok());
}

// A file of several megabytes is validated in parts on several threads: line numbers, the order
// of issues and the duplicate check across parts must be those of reading it whole.
TEST(RegistryTest, ALargeFileReadInPartsReportsLinesInFileOrder) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  std::string csv;
  AppendDemoCsvHeader(&csv);
  DemoEnterprise e;
  constexpr int kRows = 12000;  // ~3 MB: three parts of at least 1 MiB
  std::string first_uscc;
  for (int i = 0; i < kRows; ++i) {
    MakeDemoEnterprise(7, i, &e);
    if (i == 0) first_uscc = e.uscc;
    if (i == 9000) e.uscc = first_uscc;          // a duplicate far from the first occurrence
    if (i == 4000 || i == 11000) e.scale = "huge";  // bad rows in later parts
    AppendDemoCsvRow(e, &csv);
  }
  auto report = registry.ImportEnterprises(Actor::System(), csv, {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows_total, kRows);
  EXPECT_EQ(report->rows_failed, 3);
  EXPECT_EQ(report->rows_ok, kRows - 3);
  ASSERT_EQ(report->issues.size(), 3u);
  // Data row i is on line i + 2 (the header is line 1).
  EXPECT_EQ(report->issues[0].line, 4002);
  EXPECT_EQ(report->issues[0].column, "scale");
  EXPECT_EQ(report->issues[1].line, 9002);
  EXPECT_EQ(report->issues[1].code, "import.duplicate_uscc");
  EXPECT_EQ(report->issues[2].line, 11002);
  auto view = registry.Get(Actor::System(), first_uscc);
  ASSERT_TRUE(view.ok()) << view.status();
  MakeDemoEnterprise(7, 0, &e);
  EXPECT_EQ(view->enterprise.name, e.name);  // the first occurrence won
}

// A quoted file — names with commas and a line break inside quotes — is read in parts too, with
// the same rows and line numbers as read whole; a literal quote in an unquoted cell sends the
// reading back to one part, with the same result.
TEST(RegistryTest, AQuotedLargeFileReadsAsWhole) {
  for (const bool literal : {false, true}) {
    auto env = NewTestEnv();
    RegistryService registry(*env->store, env->clock);
    std::string csv;
    AppendDemoCsvHeader(&csv);
    DemoEnterprise e;
    constexpr int kRows = 12000;
    for (int i = 0; i < kRows; ++i) {
      MakeDemoEnterprise(8, i, &e);
      if (i % 3 == 0) e.name = "\"" + e.name + "，泉州分公司, 二部\"";
      if (i == 100) e.name = "\"泉州\n\"\"新\"\"鞋业有限公司\"";  // two lines, doubled quotes
      if (literal && i == 6000) e.name = "泉州5\"屏显示器有限公司";
      if (i == 8000) e.scale = "huge";
      AppendDemoCsvRow(e, &csv);
    }
    auto report = registry.ImportEnterprises(Actor::System(), csv, {});
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->rows_total, kRows);
    EXPECT_EQ(report->rows_ok, kRows - 1);
    ASSERT_EQ(report->issues.size(), 1u);
    EXPECT_EQ(report->issues[0].line, 8000 + 2 + 1);  // row 100 took two lines
    for (int i : {0, 100, 6000, 11999}) {
      MakeDemoEnterprise(8, i, &e);
      auto view = registry.Get(Actor::System(), e.uscc);
      ASSERT_TRUE(view.ok()) << view.status();
      std::string name = e.name;
      if (i % 3 == 0) name += "，泉州分公司, 二部";
      if (i == 100) name = "泉州\n\"新\"鞋业有限公司";
      if (literal && i == 6000) name = "泉州5\"屏显示器有限公司";
      EXPECT_EQ(view->enterprise.name, name) << "row " << i << " literal " << literal;
    }
  }
}

// Records written before schema version 2 are JSON objects (field code → value) in a batch
// without a field list; they are read as they always were, and a newer batch still wins.
TEST(RegistryTest, ReadsFactRecordsOfTheEarlierObjectFormat) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  ASSERT_TRUE(registry.ImportEnterprises(Actor::System(), ThreeEnterprisesCsv(), {}).ok());
  const std::string uscc = "91350582MA6KKM2WX5";
  ASSERT_TRUE(env->store
                  ->InTx(store::TxMode::kWrite,
                         [&](store::Tx& tx) -> absl::Status {
                           RETURN_IF_ERROR(
                               tx.Exec("INSERT INTO fact_batches (source, period, as_of, "
                                       "created_at) VALUES ('350500.tax', '2024', "
                                       "'2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
                                   .status());
                           return tx
                               .Exec("INSERT INTO fact_records (uscc, batch_id, facts) SELECT ?, "
                                     "max(id), '{\"rd_expense\":\"12.50\",\"employees\":\"1\"}' "
                                     "FROM fact_batches WHERE source = '350500.tax'",
                                     {uscc})
                               .status();
                         })
                  .ok());
  auto view = registry.Get(Actor::System(), uscc);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(FactOf(*view, "rd_expense"), "12.50");  // only the old batch has it
  EXPECT_EQ(FactOf(*view, "employees"), "40");      // the later import wins
}

TEST(RegistryTest, StrictImportIsAllOrNothing) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  std::string csv = ThreeEnterprisesCsv() + "91350581133456810F,重复公司,350581,G5437,micro,,,,,,,\n";
  ImportOptions strict;
  strict.strict = true;
  auto report = registry.ImportEnterprises(Actor::System(), csv, strict);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->committed);
  EXPECT_EQ(report->rows_ok, 0);
  EXPECT_EQ(report->rows_failed, 1);
  EXPECT_EQ(report->issues.at(0).line, 5);
  EXPECT_FALSE(registry.Get(Actor::System(), "91350581133456810F").ok());
}

TEST(RegistryTest, FileLevelProblemsAreErrorsThatChangeNothing) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  auto unknown = registry.ImportEnterprises(Actor::System(), "uscc,name,region,industry,scale,"
                                            "favourite_colour\n", {});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(unknown.status()), "favourite_colour");
  auto missing = registry.ImportEnterprises(Actor::System(), "uscc,name,region\n", {});
  EXPECT_EQ(ErrorField(missing.status()), "industry");
  auto empty = registry.ImportEnterprises(Actor::System(), "", {});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RegistryTest, AcceptsBomAndGb18030) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  auto bom = registry.ImportEnterprises(Actor::System(), "\xEF\xBB\xBF" + ThreeEnterprisesCsv(),
                                        {});
  ASSERT_TRUE(bom.ok()) << bom.status();
  EXPECT_EQ(bom->rows_ok, 3);
  // "uscc,name,region,industry,scale\n<uscc>,泉州甲,350581,G5437,micro\n" with 泉州甲 in GB18030.
  std::string gb = "uscc,name,region,industry,scale\n91350581133456810F,\xC8\xAA\xD6\xDD\xBC\xD7,"
                   "350581,G5437,micro\n";
  auto report = registry.ImportEnterprises(Actor::System(), gb, {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->encoding, "gb18030");
  auto view = registry.Get(Actor::System(), "91350581133456810F");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->enterprise.name, "泉州甲");
}

TEST(RegistryTest, ANewBatchKeepsHistoryAndUnknownCellsDoNotEraseFacts) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  ASSERT_TRUE(registry.ImportEnterprises(Actor::System(), ThreeEnterprisesCsv(), {}).ok());
  env->clock.Advance(absl::Hours(24));
  ImportOptions tax;
  tax.source = "350500.sw";
  tax.period = "2025";
  auto report = registry.ImportFacts(Actor::System(),
                                     "uscc,revenue,employees\n91350581133456810F,2100000.00,\n",
                                     tax);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows_ok, 1);
  auto view = registry.Get(Actor::System(), "91350581133456810F");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(FactOf(*view, "revenue"), "2100000.00");
  EXPECT_EQ(FactOf(*view, "employees"), "4");  // the empty cell did not erase it
  for (const FactValue& f : view->facts) {
    if (f.field == "revenue") {
      EXPECT_EQ(f.source, "350500.sw");
    }
  }
  int64_t records = 0;
  ASSERT_TRUE(env->store->InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, tx.Query("SELECT COUNT(*) FROM fact_records WHERE uscc = ?",
                                               {std::string("91350581133456810F")}));
    records = r.rows[0].Int(0);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(records, 2);  // both batches are kept
}

// Facts as of a past day are those stated on or before it: an evaluation for that day sees what
// was known then, not a figure delivered later.
TEST(RegistryTest, FactsAsOfADayLeaveOutLaterBatches) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  const core::Date first_day = core::TodayIn(env->clock.Now());
  ASSERT_TRUE(registry.ImportEnterprises(Actor::System(), ThreeEnterprisesCsv(), {}).ok());
  env->clock.Advance(absl::Hours(24 * 3));
  ASSERT_TRUE(registry
                  .ImportFacts(Actor::System(),
                               "uscc,revenue,rd_expense\n91350581133456810F,2100000.00,50000.00\n",
                               {})
                  .ok());
  const std::string uscc = "91350581133456810F";
  auto now = registry.Get(Actor::System(), uscc);
  auto then = registry.Get(Actor::System(), uscc, first_day);
  auto before = registry.Get(Actor::System(), uscc, first_day.AddDays(-1));
  ASSERT_TRUE(now.ok() && then.ok() && before.ok());
  EXPECT_EQ(FactOf(*now, "revenue"), "2100000.00");
  EXPECT_EQ(FactOf(*now, "rd_expense"), "50000.00");
  EXPECT_EQ(FactOf(*then, "revenue"), "2072768.47");  // the first import's figure
  EXPECT_EQ(FactOf(*then, "rd_expense"), "<unknown>");  // not yet delivered then
  EXPECT_TRUE(before->facts.empty());
}

TEST(RegistryTest, FactsForUnknownEnterprisesAreReported) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  ASSERT_TRUE(registry.ImportEnterprises(Actor::System(), ThreeEnterprisesCsv(), {}).ok());
  ImportOptions strict;
  strict.strict = true;
  auto report = registry.ImportFacts(
      Actor::System(), "uscc,revenue\n91350581133456810F,1.00\n91350500MA2XN8XK6T,2.00\n", strict);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->committed);
  ASSERT_FALSE(report->issues.empty());
  EXPECT_EQ(report->issues.back().line, 3);
  auto view = registry.Get(Actor::System(), "91350581133456810F");
  EXPECT_EQ(FactOf(*view, "revenue"), "2072768.47");  // the strict import changed nothing
}

TEST(RegistryTest, ScopeCountyStaffAndEnterpriseUsers) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  ASSERT_TRUE(registry.ImportEnterprises(Actor::System(), ThreeEnterprisesCsv(), {}).ok());
  Actor jinjiang = StaffActor("policy_officer", "350582", "350582.gxj");
  EXPECT_TRUE(registry.Get(jinjiang, "91350582MA6KKM2WX5").ok());
  EXPECT_EQ(registry.Get(jinjiang, "91350581133456810F").status().code(),
            absl::StatusCode::kNotFound);
  Actor city = StaffActor("leader", "350500");
  EXPECT_TRUE(registry.Get(city, "91350581133456810F").ok());
  Actor ent;
  ent.kind = "enterprise";
  ent.enterprise_uscc = "91350581133456810F";
  ent.roles.push_back(RoleGrant{"enterprise", "350500", ""});
  EXPECT_TRUE(registry.Get(ent, "91350581133456810F").ok());
  EXPECT_EQ(registry.Get(ent, "91350582MA6KKM2WX5").status().code(), absl::StatusCode::kNotFound);
  // Only administrators import.
  EXPECT_EQ(registry.ImportEnterprises(jinjiang, ThreeEnterprisesCsv(), {}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace zhida::services

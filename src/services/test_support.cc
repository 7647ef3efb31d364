#include "services/test_support.h"

#include <cstdlib>
#include <filesystem>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/demo.h"
#include "services/policy.h"

namespace zhida::services::testing {

TestEnv::~TestEnv() {
  store.reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
}

std::unique_ptr<TestEnv> NewTestEnv() {
  auto env = std::make_unique<TestEnv>();
  env->clock.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 9, 0, 0), absl::UTCTimeZone()));
  const char* pg = std::getenv("ZHIDA_TEST_PG");
  std::string url;
  if (pg != nullptr && *pg != '\0') {
    url = pg;
  } else {
    char tmpl[] = "/tmp/zhida-services-XXXXXX";
    char* made = mkdtemp(tmpl);
    EXPECT_NE(made, nullptr);
    env->dir = made;
    url = env->dir + "/test.db";
  }
  auto store = store::Store::Open(url);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  env->store = std::move(*store);
  if (env->store->dialect() == store::Dialect::kPostgres) {
    absl::Status st = env->store->InTx(store::TxMode::kWrite, [](store::Tx& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.Exec("DROP SCHEMA public CASCADE").status());
      return tx.Exec("CREATE SCHEMA public").status();
    });
    EXPECT_TRUE(st.ok()) << st;
  }
  absl::Status migrated = env->store->Migrate();
  EXPECT_TRUE(migrated.ok()) << migrated;
  absl::Status seeded = SeedReferenceData(*env->store);
  EXPECT_TRUE(seeded.ok()) << seeded;
  return env;
}

Actor StaffActor(std::string role, std::string region, std::string dept) {
  Actor actor;
  actor.user_id = 0;
  actor.username = "test-" + role;
  actor.display_name = "测试用户";
  actor.kind = "staff";
  actor.roles.push_back(RoleGrant{std::move(role), std::move(region), std::move(dept)});
  return actor;
}

std::string ThreeEnterprisesCsv() {
  return "uscc,name,region,industry,scale,established,employees,insured_employees,revenue,"
         "high_tech,tax_credit_grade,bank_account\n"
         "91350581133456810F,泉州利瑞城市配送有限公司,350581,G5437,micro,2002-01-16,4,0,"
         "2072768.47,false,M,6222020000000001\n"
         "913505038728481487,泉州金银纺织品贸易有限公司,350503,F5131,micro,1989-04-20,3,2,"
         "3524016.87,false,B,\n"
         "91350582MA6KKM2WX5,泉州嘉德塑胶鞋业有限公司,350582,C1953,small,2025-11-24,40,38,"
         ",true,A,\n";
}

nlohmann::json PolicyJson(const std::string& title, const std::string& region,
                          const std::string& eligibility, const std::string& award,
                          const std::string& cap, const std::string& from,
                          const std::string& to) {
  const bool city = region == "350500";
  return {{"title", title},
          {"level", city ? "city" : "county"},
          {"region", region},
          {"owner_dept", region + ".gxj"},
          {"basis", {{{"document", "泉政文〔2021〕12号"}, {"article", "第三条"}}}},
          {"summary", "测试政策。"},
          {"beneficiaries", "工业企业"},
          {"eligibility", eligibility},
          {"award", award},
          {"award_cap", cap},
          {"mode", "auto"},
          {"industries", nlohmann::json::array()},
          {"accepting_dept", region + ".xzfw"},
          {"contact", {{"name", "张科长"}, {"phone", "0595-22561234"}}},
          {"fund_source", "专项资金"},
          {"effective", {{"from", from}, {"to", to}}}};
}

::testing::AssertionResult ImportAll(RegistryService& registry, const std::string& csv,
                                     int64_t rows) {
  absl::StatusOr<ImportReport> report = registry.ImportEnterprises(Actor::System(), csv, {});
  if (!report.ok()) return ::testing::AssertionFailure() << report.status();
  if (report->rows_total == rows && report->rows_ok == rows && report->rows_failed == 0) {
    return ::testing::AssertionSuccess();
  }
  ::testing::AssertionResult failure = ::testing::AssertionFailure()
                                       << report->rows_ok << " of " << report->rows_total
                                       << " rows imported, wanted all " << rows;
  if (!report->issues.empty()) {
    const ImportIssue& first = report->issues[0];
    failure << "; line " << first.line << " " << first.column << ": " << first.message;
  }
  return failure;
}

int64_t CreatePolicy(CatalogService& catalog, const nlohmann::json& body, bool publish) {
  absl::StatusOr<PolicyBody> parsed = PolicyBodyFromJson(body);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return 0;
  absl::StatusOr<int64_t> id = catalog.Create(Actor::System(), *parsed);
  EXPECT_TRUE(id.ok()) << id.status();
  if (!id.ok()) return 0;
  if (publish) {
    absl::StatusOr<int> published = catalog.Publish(Actor::System(), *id);
    EXPECT_TRUE(published.ok()) << published.status();
  }
  return *id;
}

void RegistryAndCatalogTest::SetUp() {
  env_ = NewTestEnv();
  ASSERT_NE(env_, nullptr);
  registry_ = std::make_unique<RegistryService>(*env_->store, env_->clock);
  catalog_ = std::make_unique<CatalogService>(*env_->store, env_->clock);
}

}  // namespace zhida::services::testing

#include "services/demo.h"

#include <set>
#include <sstream>

#include "gtest/gtest.h"
#include "services/accounts.h"
#include "services/catalog.h"
#include "services/funds.h"
#include "services/reconciliation.h"
#include "services/rule_check.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

TEST(DemoTest, BuildsAccountsEnterprisesAndPoliciesThatPassTheRuleChecker) {
  auto env = testing::NewTestEnv();
  auto rules = LoadRuleValidator(*env->store);
  ASSERT_TRUE(rules.ok()) << rules.status();
  std::ostringstream progress;
  auto summary = BuildDemo(*env->store, env->clock, env->ids,
                           DemoConfig{500, 1, "demo-pass-123"}, *rules, progress);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->enterprises, 500);
  EXPECT_GE(summary->policies, 20);
  std::set<std::string> usernames;
  for (const DemoAccount& a : summary->accounts) usernames.insert(a.username);
  for (const char* u : {"sysadmin", "secadmin", "auditadmin", "officer", "officer-jj", "finance",
                        "reviewer-credit", "reviewer-tax", "reviewer-court", "reviewer-police",
                        "reviewer-bank", "leader", "ent1", "ent2", "finance2", "finance-jj"}) {
    EXPECT_EQ(usernames.count(u), 1u) << u;
  }
  AccountService accounts(*env->store, env->clock, env->ids);
  auto ent1 = accounts.Login("ent1", "demo-pass-123");
  auto ent2 = accounts.Login("ent2", "demo-pass-123");
  ASSERT_TRUE(ent1.ok() && ent2.ok());
  EXPECT_NE(ent1->actor.enterprise_uscc, ent2->actor.enterprise_uscc);
  auto jj = accounts.Login("officer-jj", "demo-pass-123");
  ASSERT_TRUE(jj.ok());
  EXPECT_EQ(jj->actor.roles.at(0).dept, "350582.gxj");

  CatalogService catalog(*env->store, env->clock);
  Actor system = Actor::System();
  auto all = catalog.Search(&system, PolicyQuery{.status = "all", .size = 100});
  ASSERT_TRUE(all.ok());
  int city = 0, county = 0, autos = 0, applies = 0;
  for (const PolicyRecord& p : all->items) {
    (p.body.level == "city" ? city : county)++;
    (p.body.mode == "auto" ? autos : applies)++;
  }
  EXPECT_GT(city, 0);
  EXPECT_GT(county, 0);
  EXPECT_GT(autos, 0);
  EXPECT_GT(applies, 0);
  auto rd = catalog.Search(nullptr, PolicyQuery{.q = "研发"});
  ASSERT_TRUE(rd.ok());
  EXPECT_GE(rd->total, 1);
  // This year's funds, with a history that passes `zhida ledger verify` (issue 4 §7).
  auto verified = VerifyFunds(*env->store, env->clock);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << verified->first->message_zh;
  EXPECT_GT(verified->ledger.transfers, 30);
  EXPECT_GT(verified->live_orders, 0);
  FundsService funds(*env->store, env->clock);
  auto settlement = funds.Settlement(Actor::System(), FundKey{"KJCX", 2026});
  ASSERT_TRUE(settlement.ok()) << settlement.status();
  EXPECT_TRUE(settlement->total.balanced);
  EXPECT_GT(settlement->total.paid_fen, 0);
  // A demo is never mixed into a database that has users.
  auto again = BuildDemo(*env->store, env->clock, env->ids, DemoConfig{500, 1, "demo-pass-123"},
                         *rules, progress);
  EXPECT_EQ(ErrorCode(again.status()), "demo.not_empty");
}

}  // namespace
}  // namespace zhida::services

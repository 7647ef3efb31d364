// SimulationService over a real store (SQLite, or PostgreSQL under tests/pg/with_pg.sh): the
// result must equal an independent count — every enterprise's stored facts through EvalRow and
// ComputeAward one by one — and breakdowns, what-if changes, version diffs, county scope and
// snapshot reproducibility must hold.
#include "services/simulation.h"

#include "gtest/gtest.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "services/catalog.h"
#include "services/demo_enterprises.h"
#include "services/fact_sheet.h"
#include "services/registry.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

using nlohmann::json;

constexpr int kEnterprises = 400;
constexpr char kRule[] = "revenue >= 5000000.00 && !dishonest";
constexpr char kAward[] = "min(round(revenue * 0.01, 2), 300000.00)";

class SimulationTest : public testing::RegistryAndCatalogTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(RegistryAndCatalogTest::SetUp());
    std::string csv;
    AppendDemoCsvHeader(&csv);
    DemoEnterprise e;
    for (int i = 0; i < kEnterprises; ++i) {
      MakeDemoEnterprise(11, i, &e);
      AppendDemoCsvRow(e, &csv);
    }
    ASSERT_TRUE(testing::ImportAll(*registry_, csv, kEnterprises));
    policy_ = AddPolicy("350500", kRule, kAward);
  }

  json Body(const std::string& region, const std::string& rule, const std::string& award) {
    return testing::PolicyJson("事前评估测试政策", region, rule, award, "250000.00");
  }

  // A draft: a simulation comes before publishing.
  int64_t AddPolicy(const std::string& region, const std::string& rule, const std::string& award) {
    return testing::CreatePolicy(*catalog_, Body(region, rule, award), /*publish=*/false);
  }

  // The oracle: each enterprise's stored facts through EvalRow, in `region` ("" = all).
  struct Count {
    int64_t eligible = 0, cannot_determine = 0;
    int64_t cost_fen = 0;
  };
  Count Oracle(const std::string& rule, const std::string& award, const std::string& cap,
               const std::string& region = "") {
    std::vector<FieldDef> fields;
    std::vector<std::string> usccs;
    EXPECT_TRUE(env_->store
                    ->InTx(store::TxMode::kRead,
                           [&](store::Tx& tx) -> absl::Status {
                             ASSIGN_OR_RETURN(fields, ListFields(tx));
                             ASSIGN_OR_RETURN(store::Result r,
                                              tx.Query("SELECT uscc, region FROM enterprises"));
                             for (const store::Row& row : r.rows) {
                               if (region.empty() || row.Text(1) == region) {
                                 usccs.push_back(row.Text(0));
                               }
                             }
                             return absl::OkStatus();
                           })
                    .ok());
    auto schema = *RulesSchema(fields);
    auto eligibility = rules::Compile(rule, schema, rules::ResultKind::kBool).program;
    auto formula = rules::Compile(award, schema, rules::ResultKind::kDecimal).program;
    const core::Date as_of = core::Date::FromYmd(2026, 11, 30);
    Count count;
    for (const std::string& uscc : usccs) {
      auto view = registry_->Get(Actor::System(), uscc);
      EXPECT_TRUE(view.ok());
      auto sheet = FactSheetFromRegistry(schema, *view, "", as_of);
      EXPECT_TRUE(sheet.ok());
      rules::EligibilityDecision d = rules::Decide(rules::EvalRow(*eligibility, sheet->activation).value);
      if (d.outcome == rules::Eligibility::kCannotDetermine) ++count.cannot_determine;
      if (d.outcome != rules::Eligibility::kEligible) continue;
      rules::Value v = rules::ComputeAward(*formula, sheet->activation, *core::Decimal::Parse(cap));
      ++count.eligible;
      count.cost_fen += core::Money::FromDecimal(v.decimal_value(), core::RoundingMode::kHalfUp)->fen();
    }
    return count;
  }

  int64_t policy_ = 0;
};

TEST_F(SimulationTest, EqualsTheEnterpriseByEnterpriseCountAndBreaksItDown) {
  SimulationService simulation(*env_->store, env_->clock, 2);
  SimulationRequest request;
  request.policy_id = policy_;
  auto r = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(r.ok()) << r.status();
  Count oracle = Oracle(kRule, kAward, "250000.00");
  ASSERT_GT(oracle.eligible, 0);
  EXPECT_EQ(r->enterprises, kEnterprises);
  EXPECT_EQ(r->eligible, oracle.eligible);
  EXPECT_EQ(r->cost.fen(), oracle.cost_fen);
  EXPECT_EQ(r->cannot_determine, oracle.cannot_determine);
  EXPECT_EQ(r->eligible + r->not_eligible + r->cannot_determine + r->errors, r->enterprises);
  EXPECT_EQ(r->version, 1);  // the draft: a simulation comes before publishing
  for (const auto* groups : {&r->by_region, &r->by_industry, &r->by_scale}) {
    int64_t eligible = 0, fen = 0;
    for (const SimulationGroup& g : *groups) {
      eligible += g.eligible;
      fen += g.cost.fen();
      EXPECT_FALSE(g.label.empty());
    }
    EXPECT_EQ(eligible, r->eligible);
    EXPECT_EQ(fen, r->cost.fen());
  }
  EXPECT_FALSE(r->diff.has_value());
}

TEST_F(SimulationTest, WhatIfRulesAndCapAndTheDiffAgainstAVersion) {
  // Publish version 1, then edit to a lower threshold (version 2, a draft).
  ASSERT_TRUE(catalog_->Publish(Actor::System(), policy_).ok());
  auto edited = PolicyBodyFromJson(Body("350500", "revenue >= 3000000.00 && !dishonest", kAward));
  ASSERT_TRUE(edited.ok());
  ASSERT_EQ(*catalog_->Update(Actor::System(), policy_, *edited), 2);
  SimulationService simulation(*env_->store, env_->clock, 2);
  SimulationRequest request;
  request.policy_id = policy_;
  request.compare_version = 1;
  auto r = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version, 2);
  Count wider = Oracle("revenue >= 3000000.00 && !dishonest", kAward, "250000.00");
  Count narrower = Oracle(kRule, kAward, "250000.00");
  EXPECT_EQ(r->eligible, wider.eligible);
  ASSERT_TRUE(r->diff.has_value());
  EXPECT_EQ(r->diff->baseline_eligible, narrower.eligible);
  EXPECT_EQ(r->diff->gained, wider.eligible - narrower.eligible);  // a lower bar loses no one
  EXPECT_EQ(r->diff->lost, 0);
  EXPECT_EQ(r->diff->cost_change.fen(), wider.cost_fen - narrower.cost_fen);
  ASSERT_FALSE(r->diff->largest_changes.empty());
  EXPECT_FALSE(r->diff->largest_changes[0].name.empty());

  // What if: no cap, and a rule error is refused with its position.
  SimulationRequest what_if;
  what_if.policy_id = policy_;
  what_if.version = 1;
  what_if.replace_cap = true;
  auto uncapped = simulation.Simulate(Actor::System(), what_if);
  ASSERT_TRUE(uncapped.ok()) << uncapped.status();
  EXPECT_TRUE(uncapped->what_if);
  EXPECT_EQ(uncapped->cost.fen(), Oracle(kRule, kAward, "1000000000.00").cost_fen);
  what_if.eligibility = "revenue >= ";
  auto bad = simulation.Simulate(Actor::System(), what_if);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(bad.status()), "eligibility");
}

// A policy's parameters: the value in force on the as-of date is screened, and a changed
// parameter (what-if) is screened in its place — each equal to the oracle with the value written
// into the rule.
TEST_F(SimulationTest, ParametersByDateAndWhatIfParameters) {
  json body = Body("350500", "revenue >= floor && !dishonest",
                   "min(round(revenue * rate, 2), 300000.00)");
  body["parameters"] = json::parse(R"([
    {"code": "floor", "label": "营业收入门槛", "unit": "元",
     "versions": [{"from": "2026-01-01", "value": "5000000.00", "basis": "泉政文〔2026〕1号"}]},
    {"code": "rate", "label": "奖励比例",
     "versions": [{"from": "2026-01-01", "value": "0.01", "basis": "泉政文〔2026〕1号"},
                  {"from": "2026-12-01", "value": "0.02", "basis": "泉政文〔2026〕9号"}]}])");
  auto parsed = PolicyBodyFromJson(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto id = catalog_->Create(Actor::System(), *parsed);
  ASSERT_TRUE(id.ok()) << id.status();
  SimulationService simulation(*env_->store, env_->clock, 2);
  SimulationRequest request;
  request.policy_id = *id;
  auto november = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(november.ok()) << november.status();
  Count one_percent = Oracle(kRule, kAward, "250000.00");
  ASSERT_GT(one_percent.eligible, 0);
  EXPECT_EQ(november->eligible, one_percent.eligible);
  EXPECT_EQ(november->cost.fen(), one_percent.cost_fen);
  EXPECT_FALSE(november->what_if);

  request.as_of = core::Date::FromYmd(2026, 12, 15);
  auto december = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(december.ok()) << december.status();
  Count two_percent = Oracle(kRule, "min(round(revenue * 0.02, 2), 300000.00)", "250000.00");
  EXPECT_EQ(december->cost.fen(), two_percent.cost_fen);
  EXPECT_GT(december->cost.fen(), november->cost.fen());

  // What if the floor were 300 万元 (from the start): replaced by code, the rate kept.
  request.as_of.reset();
  request.parameters = {PolicyParameter{"floor", "营业收入门槛", "元", "decimal",
                                        {{"2026-01-01", "3000000.00", "试算"}}}};
  auto lower = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(lower.ok()) << lower.status();
  EXPECT_TRUE(lower->what_if);
  Count wider = Oracle("revenue >= 3000000.00 && !dishonest", kAward, "250000.00");
  EXPECT_EQ(lower->eligible, wider.eligible);
  EXPECT_EQ(lower->cost.fen(), wider.cost_fen);
  EXPECT_GT(wider.eligible, one_percent.eligible);

  // A changed parameter that is wrong is refused on the request's own path.
  request.parameters[0].versions[0].value = "三百万";
  auto bad = simulation.Simulate(Actor::System(), request);
  EXPECT_EQ(ErrorField(bad.status()), "parameters[0].versions[0].value") << bad.status();

  // A new version that only raises the rate: against version 1, nobody gains or loses, and the
  // cost changes by what the oracle says the rate is worth.
  ASSERT_TRUE(catalog_->Publish(Actor::System(), *id).ok());
  body["parameters"][1]["versions"][0]["value"] = "0.015";
  auto raised = PolicyBodyFromJson(body);
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(*catalog_->Update(Actor::System(), *id, *raised), 2);
  SimulationRequest diff;
  diff.policy_id = *id;
  diff.compare_version = 1;
  auto compared = simulation.Simulate(Actor::System(), diff);
  ASSERT_TRUE(compared.ok()) << compared.status();
  ASSERT_TRUE(compared->diff.has_value());
  Count one_and_a_half = Oracle(kRule, "min(round(revenue * 0.015, 2), 300000.00)", "250000.00");
  EXPECT_EQ(compared->cost.fen(), one_and_a_half.cost_fen);
  EXPECT_EQ(compared->diff->gained, 0);
  EXPECT_EQ(compared->diff->lost, 0);
  EXPECT_EQ(compared->diff->cost_change.fen(), one_and_a_half.cost_fen - one_percent.cost_fen);
  EXPECT_GT(compared->diff->changed, 0);
}

TEST_F(SimulationTest, CountyScopeSnapshotsAndWhoMaySimulate) {
  const int64_t county = AddPolicy("350582", kRule, kAward);
  SimulationService simulation(*env_->store, env_->clock, 1);
  SimulationRequest request;
  request.policy_id = county;
  auto r = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(r.ok()) << r.status();
  Count jinjiang = Oracle(kRule, kAward, "250000.00", "350582");
  EXPECT_EQ(r->eligible, jinjiang.eligible);
  EXPECT_LT(r->enterprises, kEnterprises);
  for (const SimulationGroup& g : r->by_region) EXPECT_EQ(g.key, "350582");

  // A later import changes the facts; the earlier snapshot still gives the earlier result.
  request.policy_id = policy_;
  auto before = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(before.ok());
  env_->clock.Advance(absl::Hours(1));
  std::string raise = "uscc,revenue\n";
  DemoEnterprise e;
  for (int i = 0; i < 50; ++i) {
    MakeDemoEnterprise(11, i, &e);
    raise += e.uscc + ",90000000.00\n";
  }
  ASSERT_TRUE(registry_->ImportFacts(Actor::System(), raise, {}).ok());
  auto after = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(after.ok());
  EXPECT_GT(after->snapshot_batch_id, before->snapshot_batch_id);
  EXPECT_GT(after->eligible, before->eligible);
  request.snapshot_batch_id = before->snapshot_batch_id;
  auto again = simulation.Simulate(Actor::System(), request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->eligible, before->eligible);
  EXPECT_EQ(again->cost, before->cost);

  // An enterprise user may not; another county's officer does not see a county draft.
  Actor enterprise;
  enterprise.kind = "enterprise";
  EXPECT_EQ(simulation.Simulate(enterprise, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  SimulationRequest other;
  other.policy_id = county;
  EXPECT_EQ(simulation.Simulate(testing::StaffActor("policy_officer", "350583", "350583.gxj"), other)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zhida::services

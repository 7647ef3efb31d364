#include "services/catalog.h"

#include "gtest/gtest.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

using testing::NewTestEnv;
using testing::StaffActor;

PolicyBody Body(std::string title, std::string region = "350500", std::string dept_kind = "gxj") {
  PolicyBody b;
  b.title = std::move(title);
  b.level = region == "350500" ? "city" : "county";
  b.region = region;
  b.owner_dept = region + "." + dept_kind;
  b.basis = {{"泉政文〔2021〕12号", "第三条"}};
  b.summary = "对研发投入增长的企业给予奖补。";
  b.beneficiaries = "在泉州市登记注册的工业企业。";
  b.eligibility = "rd_expense > rd_expense_prev && !dishonest";
  b.award = "(rd_expense - rd_expense_prev) * 0.10";
  b.award_cap = core::Money::Parse("500000.00").value();
  b.mode = "auto";
  b.industries = {"C"};
  b.accepting_dept = region + ".xzfw";
  b.contact_name = "张科长";
  b.contact_phone = "0595-22561234";
  b.fund_source = "市级工业和信息化发展专项资金";
  b.effective = {"2024-01-01", "2026-12-31"};
  return b;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewTestEnv();
    catalog_ = std::make_unique<CatalogService>(*env_->store, env_->clock);
  }
  std::unique_ptr<testing::TestEnv> env_;
  std::unique_ptr<CatalogService> catalog_;
  Actor officer_ = StaffActor("policy_officer", "350500", "350500.gxj");
};

TEST_F(CatalogTest, DraftsAreHiddenFromThePublicUntilPublished) {
  auto id = catalog_->Create(officer_, Body("企业研发经费投入奖补"), "rd");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(catalog_->Get(nullptr, *id, std::nullopt).status().code(),
            absl::StatusCode::kNotFound);
  auto page = catalog_->Search(nullptr, PolicyQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
  ASSERT_TRUE(catalog_->Publish(officer_, *id).ok());
  auto record = catalog_->Get(nullptr, *id, std::nullopt);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->version, 1);
  EXPECT_EQ(record->status, "published");
  EXPECT_EQ(record->body.award_cap->ToString(), "500000.00");
  EXPECT_EQ(catalog_->IdForKey("rd").value(), *id);
}

TEST_F(CatalogTest, EditingAPublishedPolicyMakesANewDraftAndKeepsThePublishedVersion) {
  auto id = catalog_->Create(officer_, Body("企业研发经费投入奖补"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(catalog_->Publish(officer_, *id).ok());
  PolicyBody changed = Body("企业研发经费投入奖补（2026 年修订）");
  changed.award = "(rd_expense - rd_expense_prev) * 0.15";
  auto version = catalog_->Update(officer_, *id, changed);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2);
  // The public still sees version 1, unchanged.
  auto pub = catalog_->Get(nullptr, *id, std::nullopt);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->version, 1);
  EXPECT_EQ(pub->body.award, "(rd_expense - rd_expense_prev) * 0.10");
  EXPECT_EQ(pub->versions.size(), 1u);  // the draft is not listed publicly
  // Staff see the draft.
  auto latest = catalog_->Get(&officer_, *id, std::nullopt, /*latest=*/true);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->version_status, "draft");
  // Editing again changes the same draft, not a third version.
  EXPECT_EQ(catalog_->Update(officer_, *id, changed).value(), 2);
  ASSERT_EQ(catalog_->Publish(officer_, *id).value(), 2);
  auto v1 = catalog_->Get(nullptr, *id, 1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->version_status, "superseded");
  EXPECT_EQ(v1->body.award, "(rd_expense - rd_expense_prev) * 0.10");
  EXPECT_EQ(catalog_->Get(nullptr, *id, std::nullopt)->version, 2);
  // Nothing left to publish.
  EXPECT_EQ(ErrorCode(catalog_->Publish(officer_, *id).status()), "policy.no_draft");
}

TEST_F(CatalogTest, OnlyOfficersOfTheOwnerDepartmentEdit) {
  Actor other = StaffActor("policy_officer", "350500", "350500.kjj");
  EXPECT_EQ(catalog_->Create(other, Body("企业研发经费投入奖补")).status().code(),
            absl::StatusCode::kPermissionDenied);
  Actor jinjiang = StaffActor("policy_officer", "350582", "350582.gxj");
  EXPECT_EQ(catalog_->Create(jinjiang, Body("企业研发经费投入奖补")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(catalog_->Create(jinjiang, Body("晋江市技改补助", "350582")).ok());
  Actor leader = StaffActor("leader", "350500");
  EXPECT_EQ(catalog_->Create(leader, Body("企业研发经费投入奖补")).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CatalogTest, InvalidBodiesNameTheFieldAndChangeNothing) {
  PolicyBody b = Body("企业研发经费投入奖补");
  b.effective = {"2026-12-31", "2024-01-01"};
  EXPECT_EQ(ErrorField(catalog_->Create(officer_, b).status()), "effective.to");
  b = Body("企业研发经费投入奖补");
  b.materials = {Material{"营业执照", {"exe"}, true, 10}};
  EXPECT_EQ(ErrorField(catalog_->Create(officer_, b).status()), "materials[0].formats");
  b = Body("企业研发经费投入奖补");
  b.accepting_dept = "350500.nope";
  EXPECT_EQ(ErrorField(catalog_->Create(officer_, b).status()), "accepting_dept");
  b = Body("企业研发经费投入奖补");
  b.region = "350582";  // a city officer's department in a county policy
  EXPECT_FALSE(catalog_->Create(officer_, b).ok());
  auto page = catalog_->Search(&officer_, PolicyQuery{.status = "all"});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

TEST_F(CatalogTest, RuleValidatorIsConsulted) {
  CatalogService strict(*env_->store, env_->clock, [](const PolicyBody& body) {
    return body.eligibility.find("nonsense") != std::string::npos
               ? InvalidField("policy.rule", "eligibility", "申报条件规则有误：第 1 行第 1 列：未知字段")
               : absl::OkStatus();
  });
  PolicyBody b = Body("企业研发经费投入奖补");
  b.eligibility = "nonsense > 1";
  auto status = strict.Create(officer_, b).status();
  EXPECT_EQ(ErrorField(status), "eligibility");
  EXPECT_NE(std::string(status.message()).find("未知字段"), std::string::npos);
}

TEST_F(CatalogTest, SearchFindsTwoCharacterWordsAndFiltersByRegionModeIndustry) {
  Actor jinjiang = StaffActor("policy_officer", "350582", "350582.gxj");
  PolicyBody tech = Body("晋江市技术改造投资补助", "350582");
  tech.summary = "支持企业设备更新。";
  tech.mode = "apply";
  tech.guide = "登录平台在线申报。";
  PolicyBody trade = Body("外贸出口增量奖励", "350500", "gxj");
  trade.summary = "鼓励出口增长。";
  trade.industries = {"F51"};
  for (auto [actor, body] : {std::pair{&officer_, Body("企业研发经费投入奖补")},
                             std::pair{&jinjiang, tech}, std::pair{&officer_, trade}}) {
    auto id = catalog_->Create(*actor, body);
    ASSERT_TRUE(id.ok()) << id.status();
    ASSERT_TRUE(catalog_->Publish(*actor, *id).ok());
  }
  auto rd = catalog_->Search(nullptr, PolicyQuery{.q = "研发"});
  ASSERT_TRUE(rd.ok()) << rd.status();
  ASSERT_EQ(rd->total, 1);
  EXPECT_EQ(rd->items[0].body.title, "企业研发经费投入奖补");
  // A document number finds the policy by its basis.
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.q = "泉政文〔2021〕12号"})->total, 3);
  // A county sees its own policies and the city's; the city filter shows city-level only.
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.region = "350582"})->total, 3);
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.region = "350583"})->total, 2);
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.region = "350500"})->total, 2);
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.mode = "apply"})->total, 1);
  // Industry: a C-class enterprise matches the C policies, an F5131 wholesaler the F51 one.
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.industry = "C1951"})->total, 2);
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.industry = "F5131"})->total, 1);
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.in_force_on = "2027-01-01"})->total, 0);
  // Paging.
  auto page2 = catalog_->Search(nullptr, PolicyQuery{.page = 2, .size = 2});
  ASSERT_TRUE(page2.ok());
  EXPECT_EQ(page2->total, 3);
  EXPECT_EQ(page2->items.size(), 1u);
  // Bad parameters name the field.
  EXPECT_EQ(ErrorField(catalog_->Search(nullptr, PolicyQuery{.region = "110101"}).status()),
            "region");
  EXPECT_EQ(ErrorField(catalog_->Search(nullptr, PolicyQuery{.size = 1000}).status()), "size");
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.status = "draft"}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CatalogTest, StatusTransitionsAreCheckedAndAudited) {
  auto id = catalog_->Create(officer_, Body("企业研发经费投入奖补"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(ErrorCode(catalog_->SetStatus(officer_, *id, "suspended", "资金用完")),
            "policy.transition");  // a draft cannot be suspended
  ASSERT_TRUE(catalog_->Publish(officer_, *id).ok());
  EXPECT_EQ(ErrorField(catalog_->SetStatus(officer_, *id, "suspended", "")), "reason");
  ASSERT_TRUE(catalog_->SetStatus(officer_, *id, "suspended", "资金用完").ok());
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{})->total, 0);
  EXPECT_EQ(catalog_->Search(nullptr, PolicyQuery{.status = "suspended"})->total, 1);
  ASSERT_TRUE(catalog_->SetStatus(officer_, *id, "expired", "有效期届满").ok());
  EXPECT_EQ(ErrorCode(catalog_->Update(officer_, *id, Body("企业研发经费投入奖补")).status()),
            "policy.expired");
  int64_t audits = 0;
  ASSERT_TRUE(env_->store->InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, tx.Query("SELECT COUNT(*) FROM audit_log WHERE "
                                               "object_type = 'policy' AND object_id = ?",
                                               {std::to_string(*id)}));
    audits = r.rows[0].Int(0);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(audits, 4);  // create, publish, suspend, expire
}

}  // namespace
}  // namespace zhida::services

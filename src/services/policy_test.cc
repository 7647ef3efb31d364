#include "services/policy.h"

#include "gtest/gtest.h"

namespace zhida::services {
namespace {

nlohmann::json Sample() {
  return nlohmann::json::parse(R"({
    "title": "企业研发经费投入奖补", "level": "city", "region": "350500",
    "owner_dept": "350500.kjj", "basis": [{"document": "泉政文〔2021〕12号", "article": "第三条"}],
    "summary": "对研发投入增长的企业给予奖补。", "beneficiaries": "工业企业",
    "eligibility": "rd_expense > 0", "award": "rd_expense * 0.1", "award_cap": "500000.00",
    "mode": "apply", "industries": ["C", "I65"], "guide": "在线申报。",
    "materials": [{"name": "研发费用专项审计报告", "formats": ["pdf"], "required": true, "max_size_mb": 20}],
    "steps": [{"name": "企业申报", "description": "在线填报", "days": 0}],
    "accepting_dept": "350500.xzfw", "contact": {"name": "张科长", "phone": "0595-22561234"},
    "fund_source": "市级科技专项资金", "window": {"from": "2026-03-01", "to": "2026-06-30"},
    "effective": {"from": "2024-01-01", "to": null}
  })");
}

TEST(PolicyTest, JsonRoundTripIsExact) {
  auto body = PolicyBodyFromJson(Sample());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->award_cap->fen(), 50000000);
  EXPECT_TRUE(ValidatePolicyBody(*body, nullptr).ok());
  nlohmann::json again = PolicyBodyToJson(*body);
  EXPECT_EQ(again, Sample());
}

TEST(PolicyTest, ErrorsNameTheFieldPath) {
  auto j = Sample();
  j["materials"][0]["max_size_mb"] = "big";
  EXPECT_EQ(ErrorField(PolicyBodyFromJson(j).status()), "materials[0].max_size_mb");
  j = Sample();
  j["award_cap"] = "1.234";
  EXPECT_EQ(ErrorField(PolicyBodyFromJson(j).status()), "award_cap");
  j = Sample();
  j.erase("contact");
  EXPECT_EQ(ErrorField(PolicyBodyFromJson(j).status()), "contact");
  j = Sample();
  j["mode"] = "maybe";
  EXPECT_EQ(ErrorField(ValidatePolicyBody(*PolicyBodyFromJson(j), nullptr)), "mode");
  j = Sample();
  j["industries"] = {"Z99"};
  EXPECT_EQ(ErrorField(ValidatePolicyBody(*PolicyBodyFromJson(j), nullptr)), "industries[0]");
  j = Sample();
  j["contact"]["phone"] = "call me";
  EXPECT_EQ(ErrorField(ValidatePolicyBody(*PolicyBodyFromJson(j), nullptr)), "contact.phone");
  j = Sample();
  j["level"] = "county";
  EXPECT_EQ(ErrorField(ValidatePolicyBody(*PolicyBodyFromJson(j), nullptr)), "region");
}

TEST(PolicyTest, IndustryApplies) {
  EXPECT_TRUE(IndustryApplies({}, "C1951"));
  EXPECT_TRUE(IndustryApplies({"C"}, "C1951"));
  EXPECT_TRUE(IndustryApplies({"F51", "C19"}, "C1951"));
  EXPECT_FALSE(IndustryApplies({"C18"}, "C1951"));
}

}  // namespace
}  // namespace zhida::services

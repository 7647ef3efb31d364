#include "services/policy.h"

#include <functional>

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
    "effective": {"from": "2024-01-01", "to": null},
    "parameters": [{"code": "rate_rd", "label": "研发费用补助比例", "unit": "", "type": "decimal",
                    "versions": [{"from": "2024-01-01", "value": "0.10", "basis": "泉政文〔2021〕12号 第三条"},
                                 {"from": "2026-07-01", "value": "0.12", "basis": "泉政文〔2026〕3号"}]}]
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

TEST(PolicyTest, ParametersAreCheckedOnTheirPath) {
  auto body = PolicyBodyFromJson(Sample());
  ASSERT_TRUE(body.ok()) << body.status();
  ASSERT_EQ(body->parameters.size(), 1u);
  EXPECT_EQ(body->parameters[0].versions[1].value, "0.12");
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> change;
    const char* field;
  };
  const Case cases[] = {
      {"a code that is not an identifier", [](auto& p) { p["code"] = "研发比例"; },
       "parameters[0].code"},
      {"a code starting with a digit", [](auto& p) { p["code"] = "2rate"; }, "parameters[0].code"},
      {"no label", [](auto& p) { p["label"] = ""; }, "parameters[0].label"},
      {"an unknown type", [](auto& p) { p["type"] = "percent"; }, "parameters[0].type"},
      {"no values", [](auto& p) { p["versions"] = nlohmann::json::array(); },
       "parameters[0].versions"},
      {"a bad date", [](auto& p) { p["versions"][1]["from"] = "2026-13-01"; },
       "parameters[0].versions[1].from"},
      {"dates out of order", [](auto& p) { p["versions"][1]["from"] = "2023-12-31"; },
       "parameters[0].versions[1].from"},
      {"the same date twice", [](auto& p) { p["versions"][1]["from"] = "2024-01-01"; },
       "parameters[0].versions[1].from"},
      {"a value without its basis", [](auto& p) { p["versions"][0]["basis"] = ""; },
       "parameters[0].versions[0].basis"},
      {"no value in force when the policy starts",
       [](auto& p) { p["versions"][0]["from"] = "2024-02-01"; },
       "parameters[0].versions[0].from"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = Sample();
    c.change(j["parameters"][0]);
    auto parsed = PolicyBodyFromJson(j);
    ASSERT_TRUE(parsed.ok()) << c.what << ": " << parsed.status();
    absl::Status status = ValidatePolicyBody(*parsed, nullptr);
    EXPECT_EQ(ErrorField(status), c.field) << c.what << ": " << status;
  }
  nlohmann::json twice = Sample();
  twice["parameters"].push_back(twice["parameters"][0]);
  EXPECT_EQ(ErrorField(ValidatePolicyBody(*PolicyBodyFromJson(twice), nullptr)),
            "parameters[1].code");
  // Reading: a value may be a JSON number or bool; an object is refused where it stands.
  nlohmann::json number = Sample();
  number["parameters"][0]["versions"][0]["value"] = 0.1;
  EXPECT_EQ(PolicyBodyFromJson(number)->parameters[0].versions[0].value, "0.1");
  number["parameters"][0]["versions"][0]["value"] = nlohmann::json::object();
  EXPECT_EQ(ErrorField(PolicyBodyFromJson(number).status()), "parameters[0].versions[0].value");
  number["parameters"][0].erase("versions");
  EXPECT_EQ(ErrorField(PolicyBodyFromJson(number).status()), "parameters[0].versions");
  // A body without parameters (every policy saved before they existed) reads as none.
  nlohmann::json old = Sample();
  old.erase("parameters");
  EXPECT_TRUE(PolicyBodyFromJson(old)->parameters.empty());
}

TEST(PolicyTest, IndustryApplies) {
  EXPECT_TRUE(IndustryApplies({}, "C1951"));
  EXPECT_TRUE(IndustryApplies({"C"}, "C1951"));
  EXPECT_TRUE(IndustryApplies({"F51", "C19"}, "C1951"));
  EXPECT_FALSE(IndustryApplies({"C18"}, "C1951"));
}

}  // namespace
}  // namespace zhida::services

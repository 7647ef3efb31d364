// A small enterprise schema for the rules unit tests (a subset of tests/data/bench-sample).
#pragma once

#include <memory>

#include "rules/schema.h"

namespace zhida::rules::testing {

inline std::shared_ptr<Schema> TestSchema() {
  auto s = std::make_shared<Schema>();
  auto add = [&](const char* code, const char* label, const char* unit, FieldType t) {
    ZCHECK(s->AddField(FieldDef{code, label, unit, t}).ok());
  };
  add("region", "所在县（市、区）", "", FieldType::kString);
  add("industry", "国民经济行业分类", "", FieldType::kString);
  add("scale", "企业规模", "", FieldType::kString);
  add("established", "成立日期", "", FieldType::kDate);
  add("employees", "从业人数", "人", FieldType::kInt);
  add("insured_employees", "参保职工人数", "人", FieldType::kInt);
  add("revenue", "上年度营业收入", "元", FieldType::kDecimal);
  add("revenue_prev", "前年度营业收入", "元", FieldType::kDecimal);
  add("high_tech", "高新技术企业", "", FieldType::kBool);
  add("dishonest", "列入失信被执行人名单", "", FieldType::kBool);
  add("codes", "资质代码", "", FieldType::kList);
  ParameterDef rate{"rate_rd", "研发费用补助比例", "", FieldType::kDecimal, {}};
  rate.versions.push_back(ParameterVersion{core::Date::FromYmd(2023, 1, 1),
                                           Value::Dec(*core::Decimal::Parse("0.08")),
                                           "泉政文〔2022〕5号 第二条"});
  rate.versions.push_back(ParameterVersion{core::Date::FromYmd(2024, 1, 1),
                                           Value::Dec(*core::Decimal::Parse("0.10")),
                                           "闽政〔2023〕12号 第三条"});
  ZCHECK(s->AddParameter(std::move(rate)).ok());
  return s;
}

}  // namespace zhida::rules::testing

// The schema the fuzz targets compile against: the rules unit tests' schema (with a list field
// and a dated parameter) plus the other fields of the bench and demo policies, so that every seed
// of corpus/rules compiles and the fuzzer starts from rules that reach the evaluator.
#pragma once

#include <memory>

#include "rules/test_schema.h"

namespace zhida::fuzz {

inline std::shared_ptr<const rules::Schema> FuzzSchema() {
  using rules::FieldType;
  auto s = rules::testing::TestSchema();
  auto add = [&](const char* code, const char* label, const char* unit, FieldType t) {
    ZCHECK(s->AddField(rules::FieldDef{code, label, unit, t}).ok());
  };
  add("tax_paid", "上年度纳税额", "元", FieldType::kDecimal);
  add("tax_paid_prev", "前年度纳税额", "元", FieldType::kDecimal);
  add("rd_expense", "上年度研发费用", "元", FieldType::kDecimal);
  add("rd_expense_prev", "前年度研发费用", "元", FieldType::kDecimal);
  add("export_value", "上年度出口额", "元", FieldType::kDecimal);
  add("export_value_prev", "前年度出口额", "元", FieldType::kDecimal);
  add("fixed_asset_investment", "上年度固定资产投资", "元", FieldType::kDecimal);
  add("specialized_sme", "专精特新中小企业", "", FieldType::kBool);
  add("listed", "上市企业", "", FieldType::kBool);
  add("tax_credit_grade", "纳税信用等级", "", FieldType::kString);
  add("loan_default", "银行贷款违约", "", FieldType::kBool);
  return s;
}

}  // namespace zhida::fuzz

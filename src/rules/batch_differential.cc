#include "rules/batch_differential.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/batch.h"
#include "rules/limits.h"
#include "rules/program.h"

namespace zhida::rules::testing {
namespace {

constexpr const char* kDecimalFields[] = {
    "revenue",         "revenue_prev", "tax_paid",          "tax_paid_prev",         "rd_expense",
    "rd_expense_prev", "export_value", "export_value_prev", "fixed_asset_investment"};
constexpr const char* kIntFields[] = {"employees", "insured_employees"};
constexpr const char* kBoolFields[] = {"high_tech", "specialized_sme", "listed", "dishonest",
                                       "loan_default"};
constexpr const char* kStringFields[] = {"region",           "industry", "scale",
                                         "tax_credit_grade", "name",     "uscc"};
constexpr const char* kRegions[] = {"350502", "350503", "350504", "350505", "350521", "350524",
                                    "350525", "350526", "350581", "350582", "350583"};
constexpr const char* kIndustries[] = {"C1951", "C3011", "F5131", "F5437", "G5437",
                                       "I6510", "M7320", "L7212", "A0111", "C13"};
constexpr const char* kScales[] = {"micro", "small", "medium", "large"};
constexpr const char* kGrades[] = {"A", "B", "M", "C", "D"};

template <typename T, std::size_t N>
const char* PickFrom(std::mt19937_64& rng, const T (&items)[N]) {
  return items[rng() % N];
}

}  // namespace

std::shared_ptr<const Schema> DifferentialSchema() {
  auto s = std::make_shared<Schema>();
  auto add = [&](const char* code, FieldType t) {
    ZCHECK(s->AddField(FieldDef{code, code, "", t}).ok());
  };
  add("uscc", FieldType::kString);
  add("name", FieldType::kString);
  add("region", FieldType::kString);
  add("industry", FieldType::kString);
  add("scale", FieldType::kString);
  add("established", FieldType::kDate);
  for (const char* f : kIntFields) add(f, FieldType::kInt);
  for (const char* f : kDecimalFields) add(f, FieldType::kDecimal);
  for (const char* f : kBoolFields) add(f, FieldType::kBool);
  add("tax_credit_grade", FieldType::kString);
  add("codes", FieldType::kList);
  auto param = [&](const char* code, int year, const char* value) {
    ParameterDef p{code, code, "", FieldType::kDecimal, {}};
    p.versions.push_back(ParameterVersion{core::Date::FromYmd(year, 1, 1),
                                          Value::Dec(*core::Decimal::Parse(value)), "test"});
    ZCHECK(s->AddParameter(std::move(p)).ok());
  };
  param("rate", 2020, "0.125");
  param("old_rate", 2099, "0.05");
  return s;
}

std::string RuleGenerator::CompareOp() {
  static constexpr const char* kOps[] = {"<", "<=", ">", ">=", "==", "!="};
  return PickFrom(rng_, kOps);
}

std::string RuleGenerator::DecimalLiteral() {
  static constexpr const char* kSpecial[] = {"0.00",
                                             "0.0",
                                             "1.5",
                                             "0.10",
                                             "0.002",
                                             "500000.00",
                                             "99999999999999999.99",
                                             "92233720368547758.07",
                                             "0.000000000000000001",
                                             "123456789012345678901234.5",
                                             "1e3",
                                             "2.5E-2"};
  if (Chance(30)) return PickFrom(rng_, kSpecial);
  const int scale = Pick(5);
  std::string digits = std::to_string(rng_() % (Chance(50) ? 1000 : 100000000000ULL));
  if (scale == 0) return digits + ".0";
  if (static_cast<int>(digits.size()) <= scale) {
    digits = std::string(static_cast<std::size_t>(scale) + 1 - digits.size(), '0') + digits;
  }
  const std::size_t point = digits.size() - static_cast<std::size_t>(scale);
  return absl::StrCat(digits.substr(0, point), ".", digits.substr(point));
}

std::string RuleGenerator::IntLiteral() {
  static constexpr const char* kSpecial[] = {
      "0", "1", "2", "3", "7", "10", "100", "9223372036854775807", "4611686018427387904"};
  if (Chance(50)) return PickFrom(rng_, kSpecial);
  return std::to_string(rng_() % 1000000);
}

std::string RuleGenerator::StringLiteral() {
  switch (Pick(5)) {
    case 0:
      return absl::StrCat("\"", PickFrom(rng_, kRegions), "\"");
    case 1:
      return absl::StrCat("\"", PickFrom(rng_, kIndustries), "\"");
    case 2:
      return absl::StrCat("\"", PickFrom(rng_, kScales), "\"");
    case 3:
      return absl::StrCat("\"", PickFrom(rng_, kGrades), "\"");
    default:
      return Chance(50) ? "\"\"" : "\"C\"";
  }
}

std::string RuleGenerator::Date() {
  switch (Pick(4)) {
    case 0:
      return "as_of";
    case 1:
      return absl::StrCat("date(\"", 1995 + Pick(35), "-0", 1 + Pick(9), "-1", Pick(9), "\")");
    default:
      return "established";
  }
}

std::string RuleGenerator::String(int depth) {
  if (depth > 0 && Chance(15)) {
    return absl::StrCat("(", Bool(depth - 1), " ? ", String(depth - 1), " : ", String(depth - 1),
                        ")");
  }
  if (Chance(20)) return StringLiteral();
  if (Chance(5)) return absl::StrCat("string(", Int(0), ")");
  return PickFrom(rng_, kStringFields);
}

std::string RuleGenerator::Int(int depth) {
  if (depth <= 0 || Chance(35)) {
    if (Chance(55)) return PickFrom(rng_, kIntFields);
    return IntLiteral();
  }
  static constexpr const char* kOps[] = {" + ", " - ", " * ", " / ", " % "};
  switch (Pick(7)) {
    case 0:
    case 1:
    case 2:
      return absl::StrCat("(", Int(depth - 1), PickFrom(rng_, kOps), Int(depth - 1), ")");
    case 3:
      return absl::StrCat("-", Int(depth - 1));
    case 4:
      return absl::StrCat("(", Bool(depth - 1), " ? ", Int(depth - 1), " : ", Int(depth - 1), ")");
    case 5:
      return Chance(50) ? absl::StrCat("size(", String(depth - 1), ")")
                        : absl::StrCat("years_between(", Date(), ", ", Date(), ")");
    default:
      return Chance(50) ? absl::StrCat("int(", Number(depth - 1), ")")
                        : absl::StrCat(Chance(50) ? "min(" : "max(", Int(depth - 1), ", ",
                                       Int(depth - 1), ")");
  }
}

std::string RuleGenerator::Number(int depth) {
  if (depth <= 0 || Chance(30)) {
    switch (Pick(6)) {
      case 0:
        return DecimalLiteral();
      case 1:
        return PickFrom(rng_, kIntFields);
      case 2:
        return Chance(80) ? "rate" : "old_rate";
      default:
        return PickFrom(rng_, kDecimalFields);
    }
  }
  static constexpr const char* kOps[] = {" + ", " - ", " * ", " * ", " / "};
  switch (Pick(8)) {
    case 0:
    case 1:
    case 2:
      return absl::StrCat("(", Number(depth - 1), PickFrom(rng_, kOps), Number(depth - 1), ")");
    case 3:
      return absl::StrCat("-", Number(depth - 1));
    case 4:
    case 5:
      return absl::StrCat("(", Bool(depth - 1), " ? ", Number(depth - 1), " : ", Number(depth - 1),
                          ")");
    case 6: {
      std::string args = absl::StrCat(Number(depth - 1), ", ", Number(depth - 1));
      if (Chance(30)) absl::StrAppend(&args, ", ", Number(depth - 1));
      return absl::StrCat(Chance(50) ? "min(" : "max(", args, ")");
    }
    default:
      return Chance(70) ? absl::StrCat("round(", Number(depth - 1), ", ", Pick(4), ")")
                        : Int(depth);
  }
}

std::string RuleGenerator::Bool(int depth) {
  if (depth <= 0 || Chance(10)) {
    switch (Pick(4)) {
      case 0:
        return absl::StrCat("has(", PickFrom(rng_, kDecimalFields), ")");
      case 1:
        return Chance(50) ? "true" : "false";
      default:
        return absl::StrCat(Chance(30) ? "!" : "", PickFrom(rng_, kBoolFields));
    }
  }
  switch (Pick(15)) {
    case 0:
    case 1:
    case 2:
      return absl::StrCat(Number(depth - 1), " ", CompareOp(), " ", Number(depth - 1));
    case 3:
      return absl::StrCat(Int(depth - 1), " ", CompareOp(), " ", Int(depth - 1));
    case 4:
      return absl::StrCat(Date(), " ", CompareOp(), " ", Date());
    case 5: {
      static constexpr const char* kFns[] = {"startsWith", "endsWith", "contains"};
      return absl::StrCat(String(depth - 1), ".", PickFrom(rng_, kFns), "(", StringLiteral(), ")");
    }
    case 6:
      return absl::StrCat(String(depth - 1), Chance(50) ? " == " : " != ", String(depth - 1));
    case 7: {
      std::string items = StringLiteral();
      for (int i = Pick(4); i > 0; --i) absl::StrAppend(&items, ", ", StringLiteral());
      return absl::StrCat(String(depth - 1), " in [", items, "]");
    }
    case 8:
      return absl::StrCat("!(", Bool(depth - 1), ")");
    case 9:
    case 10: {
      std::string out = Bool(depth - 1);
      const char* op = Chance(60) ? " && " : " || ";
      for (int i = 1 + Pick(3); i > 0; --i) absl::StrAppend(&out, op, Bool(depth - 1));
      return absl::StrCat("(", out, ")");
    }
    case 11:
      return absl::StrCat("(", Bool(depth - 1), " ? ", Bool(depth - 1), " : ", Bool(depth - 1),
                          ")");
    case 12:
      return absl::StrCat(Number(depth - 1), " in [", DecimalLiteral(), ", ", IntLiteral(), "]");
    case 13:
      return absl::StrCat(String(depth - 1), " < ", String(depth - 1));
    default:
      switch (Pick(4)) {
        case 0:
          return "codes.exists(c, c == \"A\")";
        case 1:
          return "size(codes) > 1";
        case 2:
          return "industry.matches(\"^C[0-9]+$\")";
        default:
          return absl::StrCat("{\"a\": ", Number(0), "}[\"a\"] > 0");
      }
  }
}

}  // namespace zhida::rules::testing

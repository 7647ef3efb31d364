// libFuzzer target: a rule and the facts it is evaluated over (issue 3 §6). Input: the rule text,
// a NUL, then bytes that choose each fact of the schema (unknown, or a value from a set of edge
// cases: zero, ±1, the int64 limits, decimals at the scale limit, empty and Chinese strings, dates
// at the ends of the calendar) and the as-of date. The evaluator must never crash: run-time
// problems are error values; traced and untraced evaluation must agree, and an award is either a
// two-place decimal, unknown or an error.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "core/decimal.h"
#include "core/status.h"
#include "fuzz_input.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "fuzz_schema.h"

namespace {

using zhida::core::Date;
using zhida::core::Decimal;
using zhida::rules::FieldType;
using zhida::rules::Value;

Value Pick(FieldType type, zhida::fuzz::FuzzInput& in) {
  const uint8_t choice = in.TakeByte();
  switch (type) {
    case FieldType::kBool:
      return Value::Bool(choice % 2 == 1);
    case FieldType::kInt: {
      const int64_t edges[] = {0, 1, -1, 2, 1000, std::numeric_limits<int64_t>::max(),
                               std::numeric_limits<int64_t>::min()};
      if (choice % 8 == 7) return Value::Int(static_cast<int64_t>(in.TakeU64()));
      return Value::Int(edges[choice % 7]);
    }
    case FieldType::kDecimal: {
      const char* edges[] = {"0", "0.00", "1.5", "-0.01", "99999999999999999999999999999999999999",
                             "0.000000000000000001", "50000000.00"};
      if (choice % 8 == 7) {
        int64_t coefficient = static_cast<int64_t>(in.TakeU64());
        return Value::Dec(*Decimal::FromParts(coefficient, in.TakeByte() % 19));
      }
      return Value::Dec(*Decimal::Parse(edges[choice % 7]));
    }
    case FieldType::kString: {
      const char* edges[] = {"", "350582", "C1951", "泉州", "F", "\\", "a\"b"};
      return Value::String(edges[choice % 7]);
    }
    case FieldType::kDate: {
      const Date edges[] = {Date::FromYmd(1900, 1, 1), Date::FromYmd(2024, 2, 29),
                            Date::FromYmd(2200, 12, 31), Date::FromYmd(2024, 6, 30)};
      return Value::Date(edges[choice % 4]);
    }
    default: {  // lists: empty, of ints, of strings, nested
      zhida::rules::ValueList items;
      for (int i = 0; i < choice % 4; ++i) {
        items.push_back(i % 2 == 0 ? Value::Int(i) : Value::String(i == 1 ? "C1" : "C3"));
      }
      return Value::List(std::move(items));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zhida::rules;
  static const auto schema = zhida::fuzz::FuzzSchema();
  zhida::fuzz::FuzzInput in(data, size);
  std::string_view text = in.TakeUntilNul();
  CompileResult result = Compile(text, schema, ResultKind::kAny);
  if (!result.ok()) return 0;
  const Program& program = *result.program;
  const Date as_of = Date::FromDays(static_cast<int32_t>(in.TakeU64() % 120000) - 25567);
  Activation facts(schema, as_of);
  for (size_t i = 0; i < schema->fields().size(); ++i) {
    if (in.TakeByte() % 4 == 0) continue;  // unknown
    facts.SetIndex(static_cast<int>(i), Pick(schema->fields()[i].type, in));
  }
  EvalOptions traced;
  traced.trace = true;
  EvalResult with_trace = EvalRow(program, facts, traced);
  ZCHECK(with_trace.value.DebugString() == EvalRow(program, facts).value.DebugString());
  ZCHECK(with_trace.trace.size() == program.conditions().size());
  (void)Decide(with_trace.value);
  Value award = ComputeAward(program, facts, *Decimal::Parse("500000.00"));
  ZCHECK(award.is_unknown() || award.is_error() || (award.is_decimal() &&
                                                     award.decimal_value().scale() == 2));
  return 0;
}

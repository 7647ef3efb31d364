#include "rules/eval.h"

#include <thread>

#include "gtest/gtest.h"
#include "rules/program.h"
#include "rules/test_schema.h"

namespace zhida::rules {
namespace {

class EvalTest : public ::testing::Test {
 protected:
  EvalTest() : schema_(testing::TestSchema()), act_(schema_, core::Date::FromYmd(2024, 6, 30)) {}

  std::shared_ptr<const Program> Prog(std::string_view src, ResultKind kind = ResultKind::kAny) {
    CompileResult r = Compile(src, schema_, kind);
    EXPECT_TRUE(r.ok()) << src << ": " << (r.ok() ? "" : FormatIssue(r.issues[0]));
    return r.program;
  }
  Value Eval(std::string_view src) {
    auto p = Prog(src);
    return p ? EvalRow(*p, act_).value : Value::Error("test", "", "");
  }
  std::string Str(std::string_view src) { return Eval(src).DebugString(); }
  void Set(const char* code, std::string_view text) {
    const FieldDef* f = schema_->FindField(code);
    ASSERT_NE(f, nullptr);
    ASSERT_TRUE(act_.Set(code, *ParseFactText(text, f->type, code)).ok());
  }

  std::shared_ptr<const Schema> schema_;
  Activation act_;
};

TEST_F(EvalTest, ExactDecimals) {
  Set("revenue", "0.10");
  EXPECT_EQ(Str("revenue + 0.20 == 0.30"), "true");  // never 0.30000000000000004
  EXPECT_EQ(Str("revenue * 3"), "0.30");
  EXPECT_EQ(Str("1 / 4.0"), "0.25");
  EXPECT_EQ(Str("1.0 / 3"), "0.333333333333333333");
  EXPECT_EQ(Str("round(2.345, 2)"), "2.35");
  EXPECT_EQ(Str("round(-2.345, 2)"), "-2.35");
  EXPECT_EQ(Str("round(7)"), "7");
  EXPECT_EQ(Str("min(3, 2.5, 4)"), "2.5");
  EXPECT_EQ(Str("max([1, 5, 3])"), "5");
  EXPECT_EQ(Str("int(-2.9)"), "-2");
  EXPECT_EQ(Str("decimal('12.50') + 1"), "13.50");
  EXPECT_EQ(Str("string(1.50)"), "\"1.50\"");
}

TEST_F(EvalTest, RunTimeErrorsAreValues) {
  EXPECT_EQ(Str("1 / 0"), "error(eval.division_by_zero)");
  EXPECT_EQ(Str("1.5 / 0"), "error(eval.division_by_zero)");
  EXPECT_EQ(Str("9223372036854775807 + 1"), "error(eval.int_overflow)");
  EXPECT_EQ(Str("[1, 2][2]"), "error(eval.index_out_of_range)");
  EXPECT_EQ(Str("{'a': 1}['b']"), "error(eval.no_such_key)");
  EXPECT_EQ(Str("int('12x')"), "error(eval.bad_conversion)");
  EXPECT_EQ(Str("date('2024-' + '13-01') > as_of"), "error(eval.bad_date)");
  EXPECT_EQ(Str("100000000000000000000.0 * 100000000000000000000.0"), "error(decimal.overflow)");
  EXPECT_EQ(Str("false && 1 / 0 == 1"), "false");
  EXPECT_EQ(Str("1 / 0 == 1 || true"), "true");
  EXPECT_EQ(Str("min([])"), "error(eval.empty_list)");
  EXPECT_EQ(Decide(Eval("1 / 0 == 1")).outcome, Eligibility::kError);
  EXPECT_EQ(Decide(Eval("1 / 0 == 1")).error.code, "eval.division_by_zero");
}

TEST_F(EvalTest, UnknownIsNotZero) {
  // Nothing set: every fact is unknown.
  EXPECT_EQ(Str("revenue > 0"), "unknown(revenue)");
  EXPECT_EQ(Str("revenue - revenue_prev"), "unknown(revenue, revenue_prev)");
  EXPECT_EQ(Str("revenue > 0 && high_tech"), "unknown(high_tech, revenue)");
  EXPECT_EQ(Str("false && revenue > 0"), "false");
  EXPECT_EQ(Str("revenue > 0 && false"), "false");
  EXPECT_EQ(Str("true || revenue > 0"), "true");
  EXPECT_EQ(Str("revenue > 0 || true"), "true");
  EXPECT_EQ(Str("!high_tech"), "unknown(high_tech)");
  EXPECT_EQ(Str("high_tech ? 1 : 2"), "unknown(high_tech)");
  EXPECT_EQ(Str("region in ['350582']"), "unknown(region)");
  EXPECT_EQ(Str("has(revenue)"), "false");
  Set("revenue", "100.00");
  EXPECT_EQ(Str("has(revenue)"), "true");
  EXPECT_EQ(Str("revenue > 0 && revenue_prev > 0"), "unknown(revenue_prev)");
  EXPECT_EQ(Str("revenue > 1000 && revenue_prev > 0"), "false");
  // Unknown wins over an error in && (it might have been decided by the missing fact).
  EXPECT_EQ(Str("1 / 0 == 1 && revenue_prev > 0"), "unknown(revenue_prev)");
  EligibilityDecision d = Decide(Eval("revenue > 0 && revenue_prev > 0 && high_tech"));
  EXPECT_EQ(d.outcome, Eligibility::kCannotDetermine);
  EXPECT_EQ(d.missing, (std::vector<std::string>{"high_tech", "revenue_prev"}));
}

TEST_F(EvalTest, DatesUseAsOfNeverTheClock) {
  Set("established", "2020-07-01");
  EXPECT_EQ(Str("years_between(established, as_of)"), "3");
  EXPECT_EQ(Str("days_between(established, date('2020-07-11'))"), "10");
  EXPECT_EQ(Str("established < date('2021-01-01')"), "true");
  act_.set_as_of(core::Date::FromYmd(2024, 7, 1));
  EXPECT_EQ(Str("years_between(established, as_of)"), "4");
  EXPECT_EQ(Str("string(as_of)"), "\"2024-07-01\"");
}

TEST_F(EvalTest, ParametersPickTheValueInForce) {
  Set("revenue", "1000.00");
  EXPECT_EQ(Str("revenue * rate_rd"), "100.0000");
  act_.set_as_of(core::Date::FromYmd(2023, 12, 31));
  EXPECT_EQ(Str("revenue * rate_rd"), "80.0000");
  act_.set_as_of(core::Date::FromYmd(2022, 12, 31));
  EXPECT_EQ(Str("revenue * rate_rd"), "error(eval.parameter_not_in_force)");
}

TEST_F(EvalTest, StringsListsMapsMacros) {
  Set("industry", "C1951");
  EXPECT_EQ(Str("industry.startsWith('C') && industry.endsWith('51')"), "true");
  EXPECT_EQ(Str("industry.matches('^C[0-9]{4}$')"), "true");
  EXPECT_EQ(Str("size('泉州市')"), "3");
  EXPECT_EQ(Str("[1, 2, 3].filter(x, x > 1).map(x, x * 10)"), "[20, 30]");
  EXPECT_EQ(Str("[1, 2, 3].map(x, x > 1, x * 10)"), "[20, 30]");
  EXPECT_EQ(Str("[1, 2, 3].exists_one(x, x == 2)"), "true");
  EXPECT_EQ(Str("{'a': 1, 'b': 2}.all(k, k in {'a': 0, 'b': 0})"), "true");
  EXPECT_EQ(Str("[[1], [2, 3]].map(l, l.map(x, x + 1))"), "[[2], [3, 4]]");
  EXPECT_EQ(Str("{'k': {'j': 2}}.k.j"), "2");
  EXPECT_EQ(Str("has({'k': 1}.k) && !has({'k': 1}.j)"), "true");
  act_.SetIndex(schema_->FieldIndex("codes"),
                Value::List({Value::String("A1"), Value::String("B2")}));
  EXPECT_EQ(Str("codes.exists(c, c.startsWith('B'))"), "true");
  EXPECT_EQ(Str("size(codes) + codes.size()"), "4");
}

TEST_F(EvalTest, ConstantsAreFolded) {
  auto p = Prog("region in ['350582', '350583'] && 1 + 2 == 3");
  ASSERT_TRUE(p);
  // `1 + 2 == 3` folds to true; the list is one constant with a hash set.
  int consts = 0, sets = 0;
  for (const Step& s : p->steps()) {
    consts += s.op == OpCode::kConst;
    sets += s.string_set != nullptr;
  }
  EXPECT_EQ(consts, 2);
  EXPECT_EQ(sets, 1);
  EXPECT_EQ(p->conditions().size(), 2u);
  EXPECT_EQ(p->fields_used(), std::vector<int>{schema_->FieldIndex("region")});
}

TEST_F(EvalTest, TraceShowsEveryConditionWithItsValues) {
  Set("industry", "F5131");
  Set("revenue", "60000000.00");
  Set("revenue_prev", "58000000.00");
  Set("region", "350503");
  auto p = Prog(
      "industry.startsWith(\"F\") && revenue >= 50000000.00 && "
      "revenue - revenue_prev >= revenue_prev * 0.10 && region in [\"350503\"] && !dishonest",
      ResultKind::kBool);
  ASSERT_TRUE(p);
  EvalOptions opts;
  opts.trace = true;
  EvalResult r = EvalRow(*p, act_, opts);
  EXPECT_EQ(r.value.DebugString(), "false");  // growth fails; dishonest is unknown
  ASSERT_EQ(r.trace.size(), 5u);
  EXPECT_EQ(r.trace[0].outcome, ConditionOutcome::kHeld);
  EXPECT_EQ(r.trace[1].outcome, ConditionOutcome::kHeld);
  EXPECT_EQ(r.trace[2].outcome, ConditionOutcome::kFailed);
  EXPECT_EQ(r.trace[2].text, "revenue - revenue_prev >= revenue_prev * 0.10");
  ASSERT_EQ(r.trace[2].operands.size(), 2u);
  EXPECT_EQ(r.trace[2].operands[0].text, "revenue - revenue_prev");
  EXPECT_EQ(r.trace[2].operands[0].value.DebugString(), "2000000.00");
  EXPECT_EQ(r.trace[2].operands[1].value.DebugString(), "5800000.0000");
  EXPECT_EQ(r.trace[3].outcome, ConditionOutcome::kHeld);
  EXPECT_EQ(r.trace[4].outcome, ConditionOutcome::kUnknown);
  EXPECT_EQ(r.trace[4].pos.column, 128);
  // Without a trace the result is the same.
  EXPECT_EQ(EvalRow(*p, act_).value.DebugString(), "false");
}

TEST_F(EvalTest, AwardIsCappedThenRoundedOnce) {
  Set("revenue", "1234.565");
  auto p = Prog("revenue * 2", ResultKind::kDecimal);
  ASSERT_TRUE(p);
  EXPECT_EQ(ComputeAward(*p, act_).DebugString(), "2469.13");
  EXPECT_EQ(ComputeAward(*p, act_, *core::Decimal::Parse("1000")).DebugString(), "1000.00");
  // Rounded once at the end: 0.004 + 0.004 = 0.008 → 0.01 (rounding each would give 0.00).
  auto q = Prog("0.004 + 0.004", ResultKind::kDecimal);
  EXPECT_EQ(ComputeAward(*q, act_).DebugString(), "0.01");
  auto u = Prog("revenue_prev * 2", ResultKind::kDecimal);
  EXPECT_EQ(ComputeAward(*u, act_).DebugString(), "unknown(revenue_prev)");
  auto i = Prog("employees * 0 + 5", ResultKind::kDecimal);
  Set("employees", "3");
  EXPECT_EQ(ComputeAward(*i, act_).DebugString(), "5.00");
}

TEST_F(EvalTest, ProgramIsSharedAcrossThreads) {
  auto p = Prog("industry.matches('^C') && revenue * rate_rd > 100", ResultKind::kBool);
  ASSERT_TRUE(p);
  std::vector<std::thread> threads;
  std::vector<int> held(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Activation a(schema_, core::Date::FromYmd(2024, 6, 30));
      for (int i = 0; i < 2000; ++i) {
        ASSERT_TRUE(a.Set("industry", Value::String(i % 2 ? "C1" : "F1")).ok());
        ASSERT_TRUE(a.Set("revenue", Value::Int(2000)).ok());
        held[static_cast<std::size_t>(t)] += EvalRow(*p, a).value.bool_value();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int h : held) EXPECT_EQ(h, 1000);
}

TEST_F(EvalTest, ActivationChecksFields) {
  EXPECT_EQ(act_.Set("nope", Value::Int(1)).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(act_.Set("revenue", Value::String("x")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(act_.Set("revenue", Value::Int(5)).ok());  // int promotes
}

}  // namespace
}  // namespace zhida::rules

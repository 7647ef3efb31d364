// EvalRow micro-benchmarks (issue 3 §5 asks for EvalRow with a full trace under 2 µs per
// enterprise-policy pair): a typical sample policy over one enterprise, with and without trace.
#include "benchmark/benchmark.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/test_schema.h"

namespace zhida::rules {
namespace {

constexpr const char* kEligibility =
    "industry.startsWith(\"F\") && revenue >= 50000000.00 && revenue - revenue_prev >= "
    "revenue_prev * 0.10 && region in [\"350503\", \"350524\", \"350581\"] && !dishonest";

struct Fixture {
  Fixture() : schema(testing::TestSchema()), facts(schema, core::Date::FromYmd(2024, 6, 30)) {
    program = Compile(kEligibility, schema, ResultKind::kBool).program;
    award = Compile("revenue * 0.002 <= 500000.00 ? revenue * 0.002 : 500000.00", schema,
                    ResultKind::kDecimal)
                .program;
    ZCHECK(facts.Set("industry", Value::String("F5131")).ok());
    ZCHECK(facts.Set("revenue", Value::Dec(*core::Decimal::Parse("66000000.00"))).ok());
    ZCHECK(facts.Set("revenue_prev", Value::Dec(*core::Decimal::Parse("58000000.00"))).ok());
    ZCHECK(facts.Set("region", Value::String("350524")).ok());
    ZCHECK(facts.Set("dishonest", Value::Bool(false)).ok());
  }
  std::shared_ptr<const Schema> schema;
  Activation facts;
  std::shared_ptr<const Program> program;
  std::shared_ptr<const Program> award;
};

void BM_EvalRow(benchmark::State& state) {
  Fixture f;
  EvalOptions options;
  options.trace = state.range(0) != 0;
  for (auto _ : state) benchmark::DoNotOptimize(EvalRow(*f.program, f.facts, options));
}
BENCHMARK(BM_EvalRow)->Arg(0)->Arg(1);

void BM_ComputeAward(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) benchmark::DoNotOptimize(ComputeAward(*f.award, f.facts));
}
BENCHMARK(BM_ComputeAward);

void BM_Compile(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) benchmark::DoNotOptimize(Compile(kEligibility, f.schema, ResultKind::kBool));
}
BENCHMARK(BM_Compile);

}  // namespace
}  // namespace zhida::rules

BENCHMARK_MAIN();

// EvalBatch micro-benchmarks (issue 3 §5): the bench sample's 50 policies over its 10,000
// enterprises (tests/data/bench-sample), one thread, eligibility for every pair and the award
// for the eligible ones — the work of `zhida screen` without loading and sorting. Reported per
// enterprise-policy pair, next to EvalRow on the same data for scale.
#include "benchmark/benchmark.h"
#include "core/test_files.h"
#include "nlohmann/json.hpp"
#include "rules/batch.h"
#include "rules/columns_csv.h"
#include "rules/eval.h"
#include "rules/limits.h"
#include "rules/program.h"

namespace zhida::rules {
namespace {

using core::testing::ReadTestFile;

const std::string kDir = std::string(ZHIDA_SOURCE_DIR) + "/tests/data/bench-sample/";
const core::Date kAsOf = core::Date::FromYmd(2024, 6, 30);

struct Sample {
  Sample() {
    schema = *SchemaFromJson(nlohmann::json::parse(ReadTestFile(kDir + "schema.json")));
    table = *ColumnTableFromCsv(ReadTestFile(kDir + "enterprises.csv"), schema, CsvTableOptions{});
    for (const nlohmann::json& p : nlohmann::json::parse(ReadTestFile(kDir + "policies.json"))) {
      auto e = Compile(p["eligibility"].get<std::string>(), schema, ResultKind::kBool).program;
      auto a = Compile(p["award"].get<std::string>(), schema, ResultKind::kDecimal).program;
      eligibility.push_back(BatchProgram::Prepare(e, &table, kAsOf));
      award.push_back(BatchProgram::Prepare(a, &table, kAsOf));
    }
  }
  std::shared_ptr<const Schema> schema;
  ColumnTable table;
  std::vector<std::shared_ptr<const BatchProgram>> eligibility, award;
};

const Sample& GetSample() {
  static const Sample* sample = new Sample();
  return *sample;
}

void BM_EvalBatchSample(benchmark::State& state) {
  const Sample& s = GetSample();
  BatchScratch scratch;
  std::uint16_t eligible[kBatchRows];
  std::int64_t awards = 0, pairs = 0;
  for (auto _ : state) {
    for (std::int64_t begin = 0; begin < s.table.rows(); begin += kBatchRows) {
      const int count =
          static_cast<int>(std::min<std::int64_t>(kBatchRows, s.table.rows() - begin));
      for (std::size_t p = 0; p < s.eligibility.size(); ++p) {
        BatchResult r = EvalBatch(*s.eligibility[p], begin, count, nullptr, 0, &scratch);
        const int n = r.SelectTrue(eligible);
        pairs += count;
        if (n == 0) continue;
        AwardBatch a =
            ComputeAwardBatch(*s.award[p], std::nullopt, begin, count, eligible, n, &scratch);
        std::int64_t fen = 0;
        for (int k = 0; k < n; ++k) awards += a.Fen(eligible[k], &fen) ? fen : 0;
      }
    }
  }
  benchmark::DoNotOptimize(awards);
  state.counters["ns_per_pair"] = benchmark::Counter(
      static_cast<double>(pairs), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_EvalBatchSample)->Unit(benchmark::kMillisecond);

// The reference on the same pairs (eligibility only), for scale.
void BM_EvalRowSample(benchmark::State& state) {
  const Sample& s = GetSample();
  Activation activation(s.schema, kAsOf);
  std::int64_t eligible = 0, pairs = 0;
  for (auto _ : state) {
    for (std::int64_t row = 0; row < s.table.rows(); ++row) {
      s.table.Fill(row, &activation);
      for (const auto& p : s.eligibility) {
        const Value v = EvalRow(p->program(), activation).value;
        eligible += v.is_bool() && v.bool_value();
        ++pairs;
      }
    }
  }
  benchmark::DoNotOptimize(eligible);
  state.counters["ns_per_pair"] = benchmark::Counter(
      static_cast<double>(pairs), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_EvalRowSample)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zhida::rules

BENCHMARK_MAIN();

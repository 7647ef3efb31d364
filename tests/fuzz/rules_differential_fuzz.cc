// libFuzzer target: the differential test as a fuzzer (issue 3 §6). Input: a rule text; it is
// compiled against the differential schema and evaluated over a fixed table of random enterprises
// (unknowns, zeros, int64 limits, mixed scales, wide coefficients) with EvalRow and with EvalBatch,
// as a boolean rule and as an award. Any row where the two evaluators differ is a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "rules/batch_differential.h"
#include "rules/program.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zhida::rules;
  static const auto schema = testing::DifferentialSchema();
  // 600 enterprises in 2 parts: enough for every kind of cell, small enough for ~1000 runs/s.
  static const testing::Enterprises enterprises = testing::RandomEnterprises(schema, 600, 2, 1);
  static const auto as_of = zhida::core::Date::FromYmd(2024, 6, 30);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CompileResult compiled = Compile(text, schema, ResultKind::kAny);
  if (!compiled.ok()) return 0;
  testing::DiffReport report;
  testing::CompareEvaluators(compiled.program, enterprises, as_of, /*award=*/false, std::nullopt,
                             /*seed=*/0, &report);
  testing::CompareEvaluators(compiled.program, enterprises, as_of, /*award=*/true,
                             *zhida::core::Decimal::Parse("100000.00"), /*seed=*/0, &report);
  if (report.mismatches != 0) {
    for (const std::string& example : report.examples) std::fprintf(stderr, "%s\n", example.c_str());
  }
  ZCHECK(report.mismatches == 0);
  return 0;
}

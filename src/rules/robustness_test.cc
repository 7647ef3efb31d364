// Robustness: mangled rule text must never crash the parser, checker, planner or evaluator —
// every outcome is an Issue or a value. A deterministic stand-in for the libFuzzer targets
// (issue 3 §6), run in every `ctest`; the seed is printed and can be set with ZHIDA_SEED.
#include <cstdlib>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/test_schema.h"

namespace zhida::rules {
namespace {

TEST(RobustnessTest, MutatedRulesNeverCrash) {
  const char* seeds[] = {
      "industry.startsWith(\"F\") && revenue >= 50000000.00 && revenue - revenue_prev >= "
      "revenue_prev * 0.10 && region in [\"350503\", \"350524\"] && !dishonest",
      "revenue * 0.002 <= 500000.00 ? revenue * 0.002 : 500000.00",
      "[1, 2, 3].map(x, x * 2).filter(y, y > 2).exists_one(z, z == 4) && {'a': [1]}['a'][0] == 1",
      "years_between(established, as_of) >= 3 && round(min(revenue * rate_rd, 1e3), 2) > 0.5",
      "has(revenue) ? int(string(employees)) / (employees - 3) : size('泉州') % 0",
      "codes.all(c, c.matches('^[A-Z][0-9]$')) || -9223372036854775808 - 1 < 0",
  };
  const char kAlphabet[] = "()[]{}.,:?!-+*/%<>=&|'\"\\ 0123456789abcxyz_.eEuU\n\t泉";
  unsigned seed = 20240630;
  if (const char* env = std::getenv("ZHIDA_SEED")) seed = static_cast<unsigned>(std::atoi(env));
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  auto schema = testing::TestSchema();
  Activation act(schema, core::Date::FromYmd(2024, 6, 30));
  ASSERT_TRUE(act.Set("revenue", Value::Int(3)).ok());
  ASSERT_TRUE(act.Set("employees", Value::Int(3)).ok());
  int compiled = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = seeds[rng() % std::size(seeds)];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text.erase(at, 1 + rng() % 3);
          break;
        case 1:
          text.insert(at, 1, kAlphabet[rng() % (sizeof(kAlphabet) - 1)]);
          break;
        default:
          text[at] = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
          break;
      }
    }
    CheckOptions options;
    options.check_types = rng() % 2 == 0;
    CompileResult r = Compile(text, schema, ResultKind::kAny, options);
    if (!r.ok()) continue;
    ++compiled;
    EvalOptions eval_options;
    eval_options.trace = true;
    EvalResult traced = EvalRow(*r.program, act, eval_options);
    // Tracing evaluates every condition (no short circuit) yet must give the same result.
    EXPECT_EQ(traced.value.DebugString(), EvalRow(*r.program, act).value.DebugString()) << text;
  }
  EXPECT_GT(compiled, 100);
}

}  // namespace
}  // namespace zhida::rules

// libFuzzer target: any bytes as rule text through the lexer, parser, checker and planner
// (issue 3 §6). Every outcome must be issues with positions inside the text, or a program that
// evaluates — over facts that are all unknown — to the same value traced and untraced.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "fuzz_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zhida::rules;
  static const auto schema = zhida::fuzz::FuzzSchema();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool check_types : {true, false}) {
    CheckOptions options;
    options.check_types = check_types;
    CompileResult result = Compile(text, schema, ResultKind::kAny, options);
    if (!result.ok()) {
      for (const Issue& issue : result.issues) {
        ZCHECK(issue.line >= 1 && issue.column >= 1);
        ZCHECK(!issue.message_zh.empty());
      }
      continue;
    }
    ZCHECK(result.program != nullptr);
#ifdef ZHIDA_FUZZ_PLANTED_BUG
    // The negative control of run.sh: a crash one mutation away from the seeds ("!dishonest" →
    // "!!dishonest"), which a working fuzzer must find and report.
    ZCHECK(text.find("!!") == std::string_view::npos);
#endif
    const Program& program = *result.program;
    for (std::int32_t condition : program.conditions()) (void)program.StepText(condition);
    Activation unknown_facts(schema, zhida::core::Date::FromYmd(2024, 6, 30));
    EvalOptions traced;
    traced.trace = true;
    std::string a = EvalRow(program, unknown_facts, traced).value.DebugString();
    std::string b = EvalRow(program, unknown_facts).value.DebugString();
    ZCHECK(a == b);
  }
  return 0;
}

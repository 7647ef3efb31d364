// The conformance runner: evaluates the CEL conformance cases of
// tests/conformance/cel/README.md (one JSON array of cases per file) and reports each failure.
// Used by the `rules_conformance` executable, ctest, and later `zhida rules conformance DIR`.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "nlohmann/json.hpp"
#include "rules/value.h"

namespace zhida::rules {

struct ConformanceCounts {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

// Runs every `*.json` case file in `dir` (in name order). Cases listed in `dir`/SKIP are counted
// as skipped; each SKIP line is `<file stem>/<section>/<name>: <reason>` (blank lines and lines
// starting with '#' are ignored) and a line without a reason is an error. Prints one line per
// failure and, last, exactly "N passed, N failed" followed by ", N skipped" when any were
// skipped. Errors (NotFound, InvalidArgument) only for an unreadable directory, a malformed
// case file or a malformed SKIP file — a failing case is a count, not an error.
absl::StatusOr<ConformanceCounts> RunConformance(const std::string& dir, std::ostream& out);

// Equality for expected results: like the language's ==, but an int never equals a decimal and
// every element must have the same kind (maps ignore order; decimals compare by value, so
// 1.50 matches "1.5").
bool SameTypedValue(const Value& a, const Value& b);

}  // namespace zhida::rules

// The parser: rule text → Ast, by recursive descent over CEL's grammar (bounded depth, a
// position on every node). Macros (has, all, exists, exists_one, map, filter) are expanded into
// kSelect(test_only) and kComprehension nodes here; `&&` and `||` chains are flattened.
#pragma once

#include <string_view>
#include <vector>

#include "rules/ast.h"
#include "rules/issue.h"

namespace zhida::rules {

struct ParseResult {
  Ast ast;                    // meaningful only when issues is empty
  std::vector<Issue> issues;  // syntax mistakes and limits exceeded (limits.h), with positions
  bool ok() const { return issues.empty(); }
};

// Parses one rule. Never fails with a Status: every problem in the text is an Issue. Refuses
// text over kMaxSourceBytes, text that is not UTF-8, trees deeper than kMaxDepth or larger than
// kMaxNodes, and list or map literals longer than kMaxListSize.
ParseResult Parse(std::string_view source);

}  // namespace zhida::rules

// Every limit of the rule language, in one place (STYLE.md: "put a limit on everything", after
// SQLite's sqliteLimit.h). Each limit says why it is that number.
//
// A rule that goes over a limit is refused when the policy is saved (the checker reports an Issue
// with the limit's code), never at run time. The run-time checks on list size and comprehension
// iterations remain as a second line of defence: they turn into an error value for that one
// enterprise, not a crash.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zhida::rules {

// Largest rule text, in bytes of UTF-8. The longest rule in the sample policies is ~330 bytes and
// a real policy's conditions fit on a printed page (~3 KB of Chinese text); 32 KiB leaves a
// tenfold margin while bounding the time and memory one save request can cost the server.
inline constexpr std::size_t kMaxSourceBytes = 32 * 1024;

// Deepest nesting of the syntax tree (and of the parser's recursion). The CEL specification asks
// for at least 32 nested parentheses and 12 nested lists or indexes; real rules nest fewer than
// 10 levels. 100 levels keeps the recursive-descent parser, the checker and the row evaluator
// (each a few hundred bytes of native stack per level) far below a thread's stack size.
// Chains of `&&` and `||` are flattened and count as one level.
inline constexpr int kMaxDepth = 100;

// Most nodes in one rule's syntax tree. The densest 32 KiB rule ("1,1,1,...") has ~16,400 nodes;
// 20,000 bounds the arena, the program and the trace of one rule independently of the text limit
// (a longest code list of kMaxListSize entries still fits).
inline constexpr int kMaxNodes = 20000;

// Most elements in any list or map, written or computed (`+`, `map`, `filter`). Code lists in
// real rules (regions, GB/T 4754 industry classes: ~1,400 in all) stay well below 10,000, and the
// limit bounds the memory one evaluation can allocate.
inline constexpr std::int64_t kMaxListSize = 10000;

// Most iterations of comprehension bodies (`all exists exists_one map filter`) in one evaluation,
// nested comprehensions multiplying. 100,000 lets a rule test every element of the largest
// allowed list against ten others, and bounds one enterprise-policy pair to well under a
// millisecond so that a batch of a million enterprises cannot be stalled by one rule.
inline constexpr std::int64_t kMaxComprehensionIterations = 100000;

// Longest regular expression (bytes of pattern) for `matches`. Patterns in rules match codes
// (industry, region, names); 1 KiB is ample, and RE2 compiles in time linear in the pattern.
inline constexpr std::size_t kMaxRegexBytes = 1024;

// Most memory RE2 may use to compile one pattern (RE2::Options::max_mem). RE2's default is
// 8 MiB; patterns of kMaxRegexBytes need far less, and a small budget keeps a shared program
// (one compiled regex per literal pattern) cheap. A pattern that needs more is refused.
inline constexpr std::int64_t kMaxRegexMemoryBytes = 1 << 20;

// Most digits after the decimal point in a decimal value. core::Decimal keeps up to 18 places;
// money needs 2 and rates at most 6, so 18 is never reached by a real rule. Division is carried
// to kDivisionScale places, then trailing zeros are dropped.
inline constexpr int kMaxDecimalScale = 18;
inline constexpr int kDivisionScale = 18;

// Longest string a rule may build at run time (by `+`), in bytes. Facts are short codes and
// names; 64 KiB bounds the memory of repeated concatenation in a comprehension.
inline constexpr std::size_t kMaxStringBytes = 64 * 1024;

// Rows the batch evaluator (batch.h) takes at a time. DuckDB's vector size: the operands of a
// typical rule (a few columns of 8 bytes, their states and selection vectors, ~100 KB in all)
// stay in a core's L2 cache, while the cost of walking the program once per batch is spread
// over enough rows to vanish. Selection vectors hold row offsets in 16 bits, so at most 65,536.
inline constexpr int kBatchRows = 2048;

// Most distinct texts a string column keeps in a dictionary (columns.h). Codes of a county
// (11 in Quanzhou), an industry class (~1,400 in GB/T 4754) or a grade fit many times over; a
// column with more (names, ids) is not low-cardinality and is stored as plain text. The bound
// also keeps a per-entry predicate table (one byte an entry) within a core's L1 cache.
inline constexpr int kDictionaryEntriesMax = 4096;

// Most distinct facts one program may read for the batch evaluator's typed path: an unknown
// value's missing fields travel as a 64-bit mask, one bit per fact the program reads. Real rules
// read fewer than ten; a program that reads more is evaluated row by row (EvalRow), exactly.
inline constexpr int kBatchFieldsMax = 64;

}  // namespace zhida::rules

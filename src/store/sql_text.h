// Lexical helpers over portable SQL text: skipping quotes and comments, splitting a migration into
// statements, and rewriting `?` placeholders for PostgreSQL.
//
// The SQL these see is ours (services and schema/*.sql), never user input. It is portable SQL:
// single-quoted strings with '' as the only escape (standard_conforming_strings), double-quoted
// identifiers with "" as the escape, `--` line comments and `/* */` block comments (not nested).
// PostgreSQL's E'…' strings, dollar quoting ($$…$$) and the jsonb operators `?`, `?|`, `?&` are
// not portable and are not supported: every `?` outside quotes and comments is a placeholder.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zhida::store {

// When a quoted string, quoted identifier or comment starts at `sql[pos]`, returns the index just
// past its end (the end of `sql` when it is not terminated); otherwise returns `pos`.
size_t SkipQuotedOrComment(std::string_view sql, size_t pos);

// True when `sql` holds nothing but whitespace and comments.
bool IsBlankSql(std::string_view sql);

// Splits a migration script into statements. The rule: a statement ends at a `;` outside quotes
// and comments that is the last thing on its line (only whitespace or a `--` comment may follow
// it before the newline or the end of the text). A `;` elsewhere (inside a string, or followed by
// more SQL on the same line) does not split. The returned statements exclude the terminating
// `;`; statements holding only whitespace and comments are dropped. Text after the last `;` is
// the last statement.
std::vector<std::string> SplitStatements(std::string_view sql);

// Rewrites each `?` outside quotes and comments to $1, $2, … (PostgreSQL's placeholders) and
// stores their number in `*count`.
std::string RewritePlaceholders(std::string_view sql, int* count);

}  // namespace zhida::store

#include "store/sql_text.h"

#include <cctype>

namespace zhida::store {

// Index past a quoted run starting at `pos` with `quote`; a doubled quote is an escaped quote.
static size_t SkipQuoted(std::string_view sql, size_t pos, char quote) {
  size_t i = pos + 1;
  while (i < sql.size()) {
    if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return sql.size();
}

size_t SkipQuotedOrComment(std::string_view sql, size_t pos) {
  if (pos >= sql.size()) return pos;
  char c = sql[pos];
  if (c == '\'' || c == '"') return SkipQuoted(sql, pos, c);
  if (c == '-' && pos + 1 < sql.size() && sql[pos + 1] == '-') {
    size_t end = sql.find('\n', pos);
    return end == std::string_view::npos ? sql.size() : end;  // the newline stays code
  }
  if (c == '/' && pos + 1 < sql.size() && sql[pos + 1] == '*') {
    size_t end = sql.find("*/", pos + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  return pos;
}

static bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool IsBlankSql(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (IsSpace(sql[i])) {
      ++i;
      continue;
    }
    if (sql[i] == '-' || sql[i] == '/') {
      size_t next = SkipQuotedOrComment(sql, i);
      if (next != i) {
        i = next;
        continue;
      }
    }
    return false;
  }
  return true;
}

// True when only spaces, tabs, CRs or a `--` comment follow `pos` on its line.
static bool EndsLine(std::string_view sql, size_t pos) {
  for (size_t i = pos; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\n') return true;
    if (c == ' ' || c == '\t' || c == '\r') continue;
    return c == '-' && i + 1 < sql.size() && sql[i + 1] == '-';
  }
  return true;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> statements;
  size_t start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) {
    std::string_view statement = sql.substr(start, end - start);
    if (!IsBlankSql(statement)) statements.emplace_back(statement);
  };
  while (i < sql.size()) {
    size_t next = SkipQuotedOrComment(sql, i);
    if (next != i) {
      i = next;
      continue;
    }
    if (sql[i] == ';' && EndsLine(sql, i + 1)) {
      flush(i);
      start = i + 1;
    }
    ++i;
  }
  flush(sql.size());
  return statements;
}

std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  while (i < sql.size()) {
    size_t next = SkipQuotedOrComment(sql, i);
    if (next != i) {
      out.append(sql.substr(i, next - i));
      i = next;
      continue;
    }
    if (sql[i] == '?') {
      out.push_back('$');
      out.append(std::to_string(++n));
    } else {
      out.push_back(sql[i]);
    }
    ++i;
  }
  *count = n;
  return out;
}

}  // namespace zhida::store

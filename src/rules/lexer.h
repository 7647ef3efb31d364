// The lexer: rule text → tokens with positions. CEL's lexical grammar: identifiers, int literals
// (decimal and hex), decimal literals (with '.' or an exponent; there are no doubles), strings
// (single, double and triple quotes, raw prefix r/R, CEL's escapes), operators and punctuation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/issue.h"

namespace zhida::rules {

enum class TokenKind : std::uint8_t {
  kEnd,
  kIdent,
  kInt,
  kDecimal,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kComma,
  kDot,
  kColon,
  kQuestion,
  kNot,
  kMinus,
  kPlus,
  kStar,
  kSlash,
  kPercent,
  kLt,
  kLe,
  kGt,
  kGe,
  kEqEq,
  kNe,
  kAndAnd,
  kOrOr,
  kIn,
  kTrue,
  kFalse,
  kNull,
  kReserved,  // a word CEL reserves (if, let, var, ...): allowed only as a field name after '.'
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Position pos;
  // kIdent / kReserved: the word; kInt: the digits as written (hex keeps "0x");
  // kDecimal: plain decimal text (exponent applied); kString: the unescaped UTF-8 value.
  std::string text;
};

// Splits `source` into tokens ending with kEnd. Lexical mistakes are added to `issues` (the
// offending characters are skipped so that later mistakes are reported too).
std::vector<Token> Lex(std::string_view source, IssueList& issues);

// Converts a decimal literal's text ("1.5e-3", ".5", "9.0e+3") to plain form ("0.0015", "0.5",
// "9000.0"). Returns false when the text is not a decimal literal.
bool PlainDecimalText(std::string_view literal, std::string* plain);

// Appends the UTF-8 encoding of code point `cp` (must be a valid scalar value).
void AppendUtf8(std::uint32_t cp, std::string* out);

// Number of Unicode characters in valid UTF-8 text.
std::int64_t Utf8Length(std::string_view text);

}  // namespace zhida::rules

#include "rules/lexer.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"

namespace zhida::rules {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Words CEL reserves: usable only as field names after '.'.
bool IsReservedWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
      "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};
  for (std::string_view k : kWords) {
    if (w == k) return true;
  }
  return false;
}

class Lexer {
 public:
  Lexer(std::string_view src, IssueList& issues) : src_(src), issues_(issues) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      Token tok;
      tok.pos = PositionAt(pos_);
      if (pos_ >= src_.size()) {
        tok.kind = TokenKind::kEnd;
        out.push_back(std::move(tok));
        return out;
      }
      if (LexOne(tok)) out.push_back(std::move(tok));
    }
  }

 private:
  Position PositionAt(std::size_t offset) {
    offset = std::min(offset, src_.size());  // the end of the text is a position; past it is not
    // Advance the line bookkeeping monotonically: tokens are produced in order.
    while (scan_ < offset) {
      if (src_[scan_] == '\n') {
        ++line_;
        line_start_ = scan_ + 1;
      }
      ++scan_;
    }
    int column = 1;
    for (std::size_t i = line_start_; i < offset; ++i) {
      if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) ++column;
    }
    return Position{line_, column, static_cast<int>(offset)};
  }

  void Error(std::size_t offset, std::string code, std::string zh, std::string en) {
    issues_.Add(PositionAt(offset), std::move(code), std::move(zh), std::move(en));
  }

  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }

  void SkipSpaceAndComments() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '/' && Peek(1) == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else if (static_cast<unsigned char>(c) == 0xE3 && Peek(1) == '\x80' && Peek(2) == '\x80') {
        pos_ += 3;  // U+3000 ideographic space, common in text typed with a Chinese IME
      } else {
        return;
      }
    }
  }

  bool LexOne(Token& tok) {
    char c = src_[pos_];
    if ((c == 'r' || c == 'R') && (Peek(1) == '"' || Peek(1) == '\'')) {
      ++pos_;
      return LexString(tok, /*raw=*/true);
    }
    if (IsIdentStart(c)) return LexWord(tok);
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumber(tok);
    if (c == '"' || c == '\'') return LexString(tok, /*raw=*/false);
    return LexPunct(tok);
  }

  bool LexWord(Token& tok) {
    std::size_t start = pos_;
    while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
    tok.text = std::string(src_.substr(start, pos_ - start));
    if (tok.text == "in") {
      tok.kind = TokenKind::kIn;
    } else if (tok.text == "true") {
      tok.kind = TokenKind::kTrue;
    } else if (tok.text == "false") {
      tok.kind = TokenKind::kFalse;
    } else if (tok.text == "null") {
      tok.kind = TokenKind::kNull;
    } else if (IsReservedWord(tok.text)) {
      tok.kind = TokenKind::kReserved;
    } else {
      tok.kind = TokenKind::kIdent;
    }
    return true;
  }

  bool LexNumber(Token& tok) {
    std::size_t start = pos_;
    if (src_[pos_] == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      pos_ += 2;
      std::size_t digits = pos_;
      while (pos_ < src_.size() && HexValue(src_[pos_]) >= 0) ++pos_;
      if (pos_ == digits) {
        Error(start, "lex.bad_number", "十六进制数缺少数字", "hex literal without digits");
        return false;
      }
      tok.kind = TokenKind::kInt;
      tok.text = std::string(src_.substr(start, pos_ - start));
      return CheckNoUnsignedSuffix(start);
    }
    bool is_decimal = false;
    while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    if (Peek() == '.' && IsDigit(Peek(1))) {
      is_decimal = true;
      ++pos_;
      while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      std::size_t k = 1;
      if (Peek(k) == '+' || Peek(k) == '-') ++k;
      if (IsDigit(Peek(k))) {
        is_decimal = true;
        pos_ += k;
        while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
      }
    }
    std::string_view text = src_.substr(start, pos_ - start);
    if (is_decimal) {
      tok.kind = TokenKind::kDecimal;
      if (!PlainDecimalText(text, &tok.text)) {
        Error(start, "lex.bad_number", absl::StrCat("无法识别的数字 ", std::string(text)),
              absl::StrCat("malformed number ", std::string(text)));
        return false;
      }
    } else {
      tok.kind = TokenKind::kInt;
      tok.text = std::string(text);
    }
    return CheckNoUnsignedSuffix(start);
  }

  bool CheckNoUnsignedSuffix(std::size_t start) {
    if (Peek() == 'u' || Peek() == 'U') {
      ++pos_;
      Error(start, "lex.unsigned", "不支持无符号整数（u 后缀）",
            "unsigned integers (suffix u) are not supported");
      return false;
    }
    if (IsIdentChar(Peek())) {
      Error(pos_, "lex.bad_number", "数字后紧跟字母", "a number is followed by a letter");
      while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
      return false;
    }
    return true;
  }

  // Reads `n` hex digits at pos_ into *value; false when there are fewer.
  bool ReadHex(int n, std::uint32_t* value) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      int h = HexValue(Peek());
      if (h < 0) return false;
      v = v * 16 + static_cast<std::uint32_t>(h);
      ++pos_;
    }
    *value = v;
    return true;
  }

  // Decodes one escape; pos_ is just past the backslash.
  bool Escape(std::size_t at, std::string* out) {
    char c = Peek();
    // A backslash at the very end has nothing to escape: stay at the end (the caller reports the
    // unterminated string), never past it.
    if (pos_ < src_.size()) ++pos_;
    switch (c) {
      case '\\':
        out->push_back('\\');
        return true;
      case '?':
        out->push_back('?');
        return true;
      case '"':
        out->push_back('"');
        return true;
      case '\'':
        out->push_back('\'');
        return true;
      case '`':
        out->push_back('`');
        return true;
      case 'a':
        out->push_back('\a');
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'v':
        out->push_back('\v');
        return true;
      default:
        break;
    }
    std::uint32_t cp = 0;
    bool ok = false;
    if (c >= '0' && c <= '3') {
      char d1 = Peek(), d2 = Peek(1);
      if (d1 >= '0' && d1 <= '7' && d2 >= '0' && d2 <= '7') {
        cp = static_cast<std::uint32_t>((c - '0') * 64 + (d1 - '0') * 8 + (d2 - '0'));
        pos_ += 2;
        ok = true;
      }
    } else if (c == 'x' || c == 'X') {
      ok = ReadHex(2, &cp);
    } else if (c == 'u') {
      ok = ReadHex(4, &cp);
    } else if (c == 'U') {
      ok = ReadHex(8, &cp);
    }
    if (ok && (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (!ok) {
      Error(at, "lex.bad_escape", "字符串中的转义序列无效", "invalid escape sequence in string");
      return false;
    }
    AppendUtf8(cp, out);
    return true;
  }

  bool LexString(Token& tok, bool raw) {
    std::size_t start = raw ? pos_ - 1 : pos_;
    char quote = src_[pos_];
    bool triple = Peek(1) == quote && Peek(2) == quote;
    pos_ += triple ? 3 : 1;
    std::string value;
    bool ok = true;
    while (true) {
      if (pos_ >= src_.size()) {
        Error(start, "lex.unterminated_string", "字符串缺少结束引号",
              "string literal is not terminated");
        return false;
      }
      char c = src_[pos_];
      if (c == quote) {
        if (!triple) {
          ++pos_;
          break;
        }
        if (Peek(1) == quote && Peek(2) == quote) {
          pos_ += 3;
          break;
        }
      }
      if (!triple && (c == '\n' || c == '\r')) {
        Error(start, "lex.unterminated_string", "字符串缺少结束引号（单行字符串不能换行）",
              "string literal is not terminated (a one-line string cannot span lines)");
        return false;
      }
      if (c == '\\' && !raw) {
        std::size_t at = pos_;
        ++pos_;
        if (!Escape(at, &value)) ok = false;
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
    tok.kind = TokenKind::kString;
    tok.text = std::move(value);
    return ok;
  }

  bool LexPunct(Token& tok) {
    char c = src_[pos_];
    char n = Peek(1);
    auto two = [&](TokenKind k) {
      pos_ += 2;
      tok.kind = k;
      return true;
    };
    auto one = [&](TokenKind k) {
      pos_ += 1;
      tok.kind = k;
      return true;
    };
    switch (c) {
      case '(':
        return one(TokenKind::kLParen);
      case ')':
        return one(TokenKind::kRParen);
      case '[':
        return one(TokenKind::kLBracket);
      case ']':
        return one(TokenKind::kRBracket);
      case '{':
        return one(TokenKind::kLBrace);
      case '}':
        return one(TokenKind::kRBrace);
      case ',':
        return one(TokenKind::kComma);
      case '.':
        return one(TokenKind::kDot);
      case ':':
        return one(TokenKind::kColon);
      case '?':
        return one(TokenKind::kQuestion);
      case '+':
        return one(TokenKind::kPlus);
      case '-':
        return one(TokenKind::kMinus);
      case '*':
        return one(TokenKind::kStar);
      case '/':
        return one(TokenKind::kSlash);
      case '%':
        return one(TokenKind::kPercent);
      case '!':
        return n == '=' ? two(TokenKind::kNe) : one(TokenKind::kNot);
      case '<':
        return n == '=' ? two(TokenKind::kLe) : one(TokenKind::kLt);
      case '>':
        return n == '=' ? two(TokenKind::kGe) : one(TokenKind::kGt);
      case '=':
        if (n == '=') return two(TokenKind::kEqEq);
        Error(pos_, "lex.single_equals", "“=” 不是比较运算符，判断相等请用 “==”",
              "'=' is not an operator; use '==' to compare");
        pos_ += 1;
        return false;
      case '&':
        if (n == '&') return two(TokenKind::kAndAnd);
        break;
      case '|':
        if (n == '|') return two(TokenKind::kOrOr);
        break;
      default:
        break;
    }
    // Skip one whole UTF-8 character so the column of later issues stays right.
    std::size_t start = pos_;
    ++pos_;
    while (pos_ < src_.size() && (static_cast<unsigned char>(src_[pos_]) & 0xC0) == 0x80) ++pos_;
    std::string ch(src_.substr(start, pos_ - start));
    Error(start, "lex.bad_character", absl::StrCat("无法识别的字符 “", ch, "”"),
          absl::StrCat("unexpected character '", ch, "'"));
    return false;
  }

  std::string_view src_;
  IssueList& issues_;
  std::size_t pos_ = 0;
  std::size_t scan_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
};

}  // namespace

std::vector<Token> Lex(std::string_view source, IssueList& issues) {
  return Lexer(source, issues).Run();
}

bool PlainDecimalText(std::string_view literal, std::string* plain) {
  // Exponents beyond this cannot give a value core::Decimal holds; refusing them keeps the
  // plain text short.
  constexpr int kMaxExponentMagnitude = 60;
  std::string digits;
  int point = -1;  // number of digits before the point
  std::size_t i = 0;
  for (; i < literal.size(); ++i) {
    char c = literal[i];
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c == '.' && point < 0) {
      point = static_cast<int>(digits.size());
    } else {
      break;
    }
  }
  if (digits.empty()) return false;
  if (point < 0) point = static_cast<int>(digits.size());
  int exponent = 0;
  if (i < literal.size()) {
    if (literal[i] != 'e' && literal[i] != 'E') return false;
    ++i;
    bool negative = false;
    if (i < literal.size() && (literal[i] == '+' || literal[i] == '-')) {
      negative = literal[i] == '-';
      ++i;
    }
    if (i >= literal.size()) return false;
    for (; i < literal.size(); ++i) {
      if (!IsDigit(literal[i])) return false;
      exponent = exponent * 10 + (literal[i] - '0');
      if (exponent > kMaxExponentMagnitude) return false;
    }
    if (negative) exponent = -exponent;
  }
  point += exponent;
  // Build "int.frac" digit by digit: place k of the value (k = 0 is the first written digit,
  // the point sits before place `point`) is digits[k] when 0 <= k < n, else a zero.
  const int n = static_cast<int>(digits.size());
  auto digit_at = [&](int k) {
    return k >= 0 && k < n ? digits[static_cast<std::size_t>(k)] : '0';
  };
  std::string out;
  for (int k = 0; k < point; ++k) {
    char d = digit_at(k);
    if (out.empty() && d == '0') continue;  // leading zero
    out.push_back(d);
  }
  if (out.empty()) out.push_back('0');
  out.push_back('.');
  const int frac_end = std::max(n, point + 1);
  for (int k = point; k < frac_end; ++k) {
    out.push_back(digit_at(k));
  }
  *plain = std::move(out);
  return true;
}

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::int64_t Utf8Length(std::string_view text) {
  std::int64_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace zhida::rules

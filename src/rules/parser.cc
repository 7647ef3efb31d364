#include "rules/parser.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rules/lexer.h"
#include "rules/limits.h"

namespace zhida::rules {
namespace {

// Validates UTF-8 (no overlongs, no surrogates); returns the offset of the first bad byte or -1.
int FirstInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return static_cast<int>(i);
    }
    if (i + static_cast<std::size_t>(n) >= s.size()) return static_cast<int>(i);
    for (int k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d & 0xC0) != 0x80) return static_cast<int>(i);
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return static_cast<int>(i);
    }
    i += static_cast<std::size_t>(n) + 1;
  }
  return -1;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, IssueList& issues)
      : toks_(std::move(tokens)), issues_(issues) {}

  Ast Run() {
    ExprId root = ParseExpr();
    if (!failed_ && Cur().kind != TokenKind::kEnd) {
      Fail(Cur().pos, "parse.unexpected_token", "表达式已结束，但后面还有多余内容",
           "unexpected text after the end of the expression");
    }
    ast_.set_root(root);
    return std::move(ast_);
  }

 private:
  const Token& Cur() const { return toks_[idx_]; }
  const Token& Ahead(std::size_t n) const { return toks_[std::min(idx_ + n, toks_.size() - 1)]; }
  bool At(TokenKind k) const { return Cur().kind == k; }
  void Advance() {
    if (idx_ + 1 < toks_.size()) ++idx_;
  }
  bool Accept(TokenKind k) {
    if (!At(k)) return false;
    Advance();
    return true;
  }

  void Fail(Position pos, std::string code, std::string zh, std::string en) {
    if (failed_) return;  // report the first syntax mistake only; the rest follow from it
    failed_ = true;
    issues_.Add(pos, std::move(code), std::move(zh), std::move(en));
  }

  bool Expect(TokenKind k, const char* what) {
    if (Accept(k)) return true;
    Fail(Cur().pos, "parse.expected", absl::StrCat("此处应为 “", what, "”"),
         absl::StrCat("expected '", what, "'"));
    return false;
  }

  // Adds a node, tracking tree depth and node count against the limits.
  ExprId Add(Expr e) {
    int depth = 1;
    for (ExprId a : e.args) depth = std::max(depth, depth_of_[static_cast<std::size_t>(a)] + 1);
    if (depth > kMaxDepth) {
      Fail(e.pos, "limit.depth", absl::StrCat("表达式嵌套超过 ", kMaxDepth, " 层，请拆分或简化"),
           absl::StrCat("expression nests deeper than ", kMaxDepth, " levels"));
    }
    if (ast_.size() >= kMaxNodes) {
      Fail(e.pos, "limit.nodes", absl::StrCat("表达式过长：超过 ", kMaxNodes, " 个节点"),
           absl::StrCat("expression has more than ", kMaxNodes, " nodes"));
    }
    depth_of_.push_back(depth);
    return ast_.Add(std::move(e));
  }

  ExprId Error() {
    Expr e;
    e.pos = Cur().pos;
    return Add(std::move(e));
  }

  static Expr Make(ExprKind kind, Position pos) {
    Expr e;
    e.kind = kind;
    e.pos = pos;
    return e;
  }

  ExprId ParseExpr() {
    if (failed_) return Error();
    if (++nesting_ > kMaxDepth) {
      Fail(Cur().pos, "limit.depth",
           absl::StrCat("表达式嵌套超过 ", kMaxDepth, " 层，请拆分或简化"),
           absl::StrCat("expression nests deeper than ", kMaxDepth, " levels"));
      --nesting_;
      return Error();
    }
    ExprId cond = ParseOr();
    if (At(TokenKind::kQuestion)) {
      Position pos = Cur().pos;
      Advance();
      ExprId yes = ParseOr();
      Expect(TokenKind::kColon, ":");
      ExprId no = ParseExpr();
      Expr e = Make(ExprKind::kCond, pos);
      e.args = {cond, yes, no};
      cond = Add(std::move(e));
    }
    --nesting_;
    return cond;
  }

  // Parses `sub (op sub)*` for && and || into one flattened node.
  template <typename Sub>
  ExprId ParseChain(TokenKind op, ExprKind kind, Sub sub) {
    ExprId first = (this->*sub)();
    if (!At(op)) return first;
    Expr e = Make(kind, Cur().pos);
    e.args.push_back(first);
    while (!failed_ && Accept(op)) e.args.push_back((this->*sub)());
    return Add(std::move(e));
  }
  ExprId ParseOr() { return ParseChain(TokenKind::kOrOr, ExprKind::kOr, &Parser::ParseAnd); }
  ExprId ParseAnd() {
    return ParseChain(TokenKind::kAndAnd, ExprKind::kAnd, &Parser::ParseRelation);
  }

  static bool RelOp(TokenKind k, BinaryOp* op) {
    switch (k) {
      case TokenKind::kEqEq:
        *op = BinaryOp::kEq;
        return true;
      case TokenKind::kNe:
        *op = BinaryOp::kNe;
        return true;
      case TokenKind::kLt:
        *op = BinaryOp::kLt;
        return true;
      case TokenKind::kLe:
        *op = BinaryOp::kLe;
        return true;
      case TokenKind::kGt:
        *op = BinaryOp::kGt;
        return true;
      case TokenKind::kGe:
        *op = BinaryOp::kGe;
        return true;
      case TokenKind::kIn:
        *op = BinaryOp::kIn;
        return true;
      default:
        return false;
    }
  }
  static bool AddOp(TokenKind k, BinaryOp* op) {
    if (k == TokenKind::kPlus)
      *op = BinaryOp::kAdd;
    else if (k == TokenKind::kMinus)
      *op = BinaryOp::kSub;
    else
      return false;
    return true;
  }
  static bool MulOp(TokenKind k, BinaryOp* op) {
    if (k == TokenKind::kStar)
      *op = BinaryOp::kMul;
    else if (k == TokenKind::kSlash)
      *op = BinaryOp::kDiv;
    else if (k == TokenKind::kPercent)
      *op = BinaryOp::kMod;
    else
      return false;
    return true;
  }

  // Left-associative binary level: sub (op sub)*.
  template <typename Sub>
  ExprId ParseBinary(bool (*match)(TokenKind, BinaryOp*), Sub sub) {
    ExprId left = (this->*sub)();
    BinaryOp op = BinaryOp::kAdd;
    while (!failed_ && match(Cur().kind, &op)) {
      Position pos = Cur().pos;
      Advance();
      ExprId right = (this->*sub)();
      Expr e = Make(ExprKind::kBinary, pos);
      e.binary_op = op;
      e.args = {left, right};
      left = Add(std::move(e));
    }
    return left;
  }
  ExprId ParseRelation() { return ParseBinary(&Parser::RelOp, &Parser::ParseAddition); }
  ExprId ParseAddition() { return ParseBinary(&Parser::AddOp, &Parser::ParseMultiplication); }
  ExprId ParseMultiplication() { return ParseBinary(&Parser::MulOp, &Parser::ParseUnary); }

  ExprId ParseUnary() {
    // A run of '!' or '-' is read iteratively (CEL allows `!!!!x`, `----19`).
    std::vector<std::pair<UnaryOp, Position>> ops;
    while (At(TokenKind::kNot) || At(TokenKind::kMinus)) {
      // `-` directly before an int or decimal literal is part of the literal, so that
      // -9223372036854775808 is representable.
      if (At(TokenKind::kMinus) &&
          (Ahead(1).kind == TokenKind::kInt || Ahead(1).kind == TokenKind::kDecimal)) {
        break;
      }
      ops.emplace_back(At(TokenKind::kNot) ? UnaryOp::kNot : UnaryOp::kNeg, Cur().pos);
      Advance();
    }
    bool negate_literal = false;
    Position minus_pos = Cur().pos;
    if (At(TokenKind::kMinus)) {
      negate_literal = true;
      Advance();
    }
    ExprId operand = ParseMember(negate_literal, minus_pos);
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
      Expr e = Make(ExprKind::kUnary, it->second);
      e.unary_op = it->first;
      e.args = {operand};
      operand = Add(std::move(e));
    }
    return operand;
  }

  ExprId ParseMember(bool negate_literal, Position minus_pos) {
    ExprId e = ParsePrimary(negate_literal, minus_pos);
    while (!failed_) {
      if (At(TokenKind::kDot)) {
        Position pos = Cur().pos;
        Advance();
        if (!At(TokenKind::kIdent) && !At(TokenKind::kReserved) && !At(TokenKind::kIn) &&
            !At(TokenKind::kTrue) && !At(TokenKind::kFalse) && !At(TokenKind::kNull)) {
          Fail(Cur().pos, "parse.expected_field", "“.” 后应为字段名或函数名",
               "expected a field or function name after '.'");
          return Error();
        }
        std::string name = Cur().text;
        Position name_pos = Cur().pos;
        Advance();
        if (At(TokenKind::kLParen)) {
          e = ParseCall(name, name_pos, e);
        } else {
          Expr s = Make(ExprKind::kSelect, pos);
          s.text = std::move(name);
          s.args = {e};
          e = Add(std::move(s));
        }
      } else if (At(TokenKind::kLBracket)) {
        Position pos = Cur().pos;
        Advance();
        ExprId index = ParseExpr();
        Expect(TokenKind::kRBracket, "]");
        Expr x = Make(ExprKind::kIndex, pos);
        x.args = {e, index};
        e = Add(std::move(x));
      } else {
        break;
      }
    }
    return e;
  }

  ExprId ParseIntLiteral(const Token& tok, bool negate, Position pos) {
    Expr e = Make(ExprKind::kLiteral, pos);
    e.lit_kind = LiteralKind::kInt;
    std::string_view text = tok.text;
    bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    // Read the magnitude as unsigned so that the most negative int64 fits.
    unsigned __int128 v = 0;
    bool overflow = false;
    for (std::size_t i = hex ? 2 : 0; i < text.size(); ++i) {
      char c = text[i];
      int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      v = v * (hex ? 16 : 10) + static_cast<unsigned>(d);
      if (v > (static_cast<unsigned __int128>(1) << 64)) overflow = true;
    }
    const unsigned __int128 max_pos = std::numeric_limits<std::int64_t>::max();
    if (overflow || v > max_pos + (negate ? 1 : 0)) {
      Fail(pos, "parse.int_overflow",
           absl::StrCat("整数 ", negate ? "-" : "", std::string(text),
                        " 超出范围（-2^63 到 2^63-1）"),
           absl::StrCat("integer ", negate ? "-" : "", std::string(text),
                        " is out of range (int64)"));
      return Add(std::move(e));
    }
    if (negate) {
      e.int_value = v == max_pos + 1 ? std::numeric_limits<std::int64_t>::min()
                                     : -static_cast<std::int64_t>(v);
    } else {
      e.int_value = static_cast<std::int64_t>(v);
    }
    return Add(std::move(e));
  }

  ExprId ParsePrimary(bool negate_literal, Position minus_pos) {
    const Token& tok = Cur();
    Position pos = negate_literal ? minus_pos : tok.pos;
    switch (tok.kind) {
      case TokenKind::kInt: {
        Token t = tok;
        Advance();
        return ParseIntLiteral(t, negate_literal, pos);
      }
      case TokenKind::kDecimal: {
        Expr e = Make(ExprKind::kLiteral, pos);
        e.lit_kind = LiteralKind::kDecimal;
        e.text = negate_literal ? absl::StrCat("-", tok.text) : tok.text;
        Advance();
        return Add(std::move(e));
      }
      default:
        break;
    }
    if (negate_literal) {
      Fail(minus_pos, "parse.internal", "负号后应为数字", "expected a number after '-'");
      return Error();
    }
    switch (tok.kind) {
      case TokenKind::kString: {
        Expr e = Make(ExprKind::kLiteral, pos);
        e.lit_kind = LiteralKind::kString;
        e.text = tok.text;
        Advance();
        return Add(std::move(e));
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse: {
        Expr e = Make(ExprKind::kLiteral, pos);
        e.lit_kind = LiteralKind::kBool;
        e.bool_value = tok.kind == TokenKind::kTrue;
        Advance();
        return Add(std::move(e));
      }
      case TokenKind::kNull: {
        Expr e = Make(ExprKind::kLiteral, pos);
        e.lit_kind = LiteralKind::kNull;
        Advance();
        return Add(std::move(e));
      }
      case TokenKind::kIdent: {
        std::string name = tok.text;
        Advance();
        if (At(TokenKind::kLParen)) return ParseCall(name, pos, kNoExpr);
        Expr e = Make(ExprKind::kIdent, pos);
        e.text = std::move(name);
        return Add(std::move(e));
      }
      case TokenKind::kLParen: {
        Advance();
        ExprId inner = ParseExpr();
        Expect(TokenKind::kRParen, ")");
        return inner;
      }
      case TokenKind::kLBracket:
        return ParseList();
      case TokenKind::kLBrace:
        return ParseMap();
      case TokenKind::kReserved:
        Fail(pos, "parse.reserved_word", absl::StrCat("“", tok.text, "” 是保留字，不能作名称"),
             absl::StrCat("'", tok.text, "' is a reserved word"));
        return Error();
      case TokenKind::kDot:
        Fail(pos, "parse.qualified_name", "不支持以 “.” 开头的限定名",
             "qualified names starting with '.' are not supported");
        return Error();
      case TokenKind::kEnd:
        Fail(pos, "parse.unexpected_end", "表达式不完整", "unexpected end of expression");
        return Error();
      default:
        Fail(pos, "parse.unexpected_token", "此处不应出现该符号", "unexpected token");
        return Error();
    }
  }

  void CheckListSize(std::size_t n, Position pos) {
    if (static_cast<std::int64_t>(n) > kMaxListSize) {
      Fail(pos, "limit.list_size", absl::StrCat("列表或映射超过 ", kMaxListSize, " 项"),
           absl::StrCat("list or map has more than ", kMaxListSize, " elements"));
    }
  }

  ExprId ParseList() {
    Expr e = Make(ExprKind::kList, Cur().pos);
    Advance();
    while (!failed_ && !At(TokenKind::kRBracket)) {
      e.args.push_back(ParseExpr());
      CheckListSize(e.args.size(), e.pos);
      if (!Accept(TokenKind::kComma)) break;
    }
    Expect(TokenKind::kRBracket, "]");
    return Add(std::move(e));
  }

  ExprId ParseMap() {
    Expr e = Make(ExprKind::kMap, Cur().pos);
    Advance();
    while (!failed_ && !At(TokenKind::kRBrace)) {
      e.args.push_back(ParseExpr());
      Expect(TokenKind::kColon, ":");
      e.args.push_back(ParseExpr());
      CheckListSize(e.args.size() / 2, e.pos);
      if (!Accept(TokenKind::kComma)) break;
    }
    Expect(TokenKind::kRBrace, "}");
    return Add(std::move(e));
  }

  // Parses `(args)` after a function name; `target` is kNoExpr for a global call. Expands macros.
  ExprId ParseCall(const std::string& name, Position pos, ExprId target) {
    Advance();  // '('
    std::vector<ExprId> args;
    while (!failed_ && !At(TokenKind::kRParen)) {
      args.push_back(ParseExpr());
      if (!Accept(TokenKind::kComma)) break;
    }
    Expect(TokenKind::kRParen, ")");
    if (failed_) return Error();
    if (target == kNoExpr && name == "has" && args.size() == 1 &&
        ast_.node(args[0]).kind == ExprKind::kSelect) {
      ast_.mutable_node(args[0]).test_only = true;
      return args[0];
    }
    if (target != kNoExpr) {
      MacroKind macro = MacroKind::kAll;
      bool is_macro = true;
      if (name == "all")
        macro = MacroKind::kAll;
      else if (name == "exists")
        macro = MacroKind::kExists;
      else if (name == "exists_one")
        macro = MacroKind::kExistsOne;
      else if (name == "map")
        macro = MacroKind::kMap;
      else if (name == "filter")
        macro = MacroKind::kFilter;
      else
        is_macro = false;
      bool arity_ok = args.size() == 2 || (macro == MacroKind::kMap && args.size() == 3);
      if (is_macro && arity_ok) {
        const Expr& var = ast_.node(args[0]);
        if (var.kind != ExprKind::kIdent) {
          Fail(var.pos, "parse.macro_variable", absl::StrCat(name, "() 的第一个参数必须是变量名"),
               absl::StrCat("the first argument of ", name, "() must be a variable name"));
          return Error();
        }
        Expr e = Make(ExprKind::kComprehension, pos);
        e.macro = macro;
        e.text = var.text;
        e.args.push_back(target);
        for (std::size_t i = 1; i < args.size(); ++i) e.args.push_back(args[i]);
        return Add(std::move(e));
      }
    }
    Expr e = Make(ExprKind::kCall, pos);
    e.text = name;
    if (target != kNoExpr) {
      e.has_target = true;
      e.args.push_back(target);
    }
    e.args.insert(e.args.end(), args.begin(), args.end());
    return Add(std::move(e));
  }

  std::vector<Token> toks_;
  IssueList& issues_;
  std::size_t idx_ = 0;
  bool failed_ = false;
  int nesting_ = 0;
  Ast ast_;
  std::vector<int> depth_of_;
};

}  // namespace

ParseResult Parse(std::string_view source) {
  ParseResult result;
  IssueList issues;
  if (source.size() > kMaxSourceBytes) {
    issues.Add(
        Position{}, "limit.source_size",
        absl::StrCat("规则文本过长：", source.size(), " 字节，上限 ", kMaxSourceBytes),
        absl::StrCat("rule text is ", source.size(), " bytes; the limit is ", kMaxSourceBytes));
    result.issues = issues.Release();
    return result;
  }
  if (int bad = FirstInvalidUtf8(source); bad >= 0) {
    issues.Add(Position{1, 1, bad}, "lex.invalid_utf8", "规则文本不是有效的 UTF-8 编码",
               "rule text is not valid UTF-8");
    result.issues = issues.Release();
    return result;
  }
  std::vector<Token> tokens = Lex(source, issues);
  if (!issues.empty()) {
    result.issues = issues.Release();
    return result;
  }
  result.ast = Parser(std::move(tokens), issues).Run();
  result.issues = issues.Release();
  return result;
}

}  // namespace zhida::rules

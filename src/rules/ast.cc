#include "rules/ast.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace zhida::rules {

const char* UnaryOpText(UnaryOp op) { return op == UnaryOp::kNot ? "!" : "-"; }

const char* BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kEq:
      return "==";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kIn:
      return "in";
  }
  return "?";
}

const char* MacroText(MacroKind macro) {
  switch (macro) {
    case MacroKind::kAll:
      return "all";
    case MacroKind::kExists:
      return "exists";
    case MacroKind::kExistsOne:
      return "exists_one";
    case MacroKind::kMap:
      return "map";
    case MacroKind::kFilter:
      return "filter";
  }
  return "?";
}

namespace {

// Binding strength, higher binds tighter (CEL's grammar levels).
enum Prec { kCondPrec = 1, kOrPrec, kAndPrec, kRelPrec, kAddPrec, kMulPrec, kUnaryPrec, kTop };

int BinaryPrec(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return kAddPrec;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      return kMulPrec;
    default:
      return kRelPrec;
  }
}

int PrecOf(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kCond:
      return kCondPrec;
    case ExprKind::kOr:
      return kOrPrec;
    case ExprKind::kAnd:
      return kAndPrec;
    case ExprKind::kBinary:
      return BinaryPrec(e.binary_op);
    case ExprKind::kUnary:
      return kUnaryPrec;
    case ExprKind::kLiteral:
      // A negative number literal prints with its sign, like a unary minus.
      if ((e.lit_kind == LiteralKind::kInt && e.int_value < 0) ||
          (e.lit_kind == LiteralKind::kDecimal && !e.text.empty() && e.text[0] == '-')) {
        return kUnaryPrec;
      }
      return kTop;
    default:
      return kTop;
  }
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += absl::StrFormat("\\x%02X", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

class Printer {
 public:
  explicit Printer(const Ast& ast) : ast_(ast) {}

  std::string Print(ExprId id) {
    out_.clear();
    Emit(id);
    return out_;
  }

 private:
  // Emits `id`, parenthesised when it binds looser than `min_prec`.
  void EmitAt(ExprId id, int min_prec) {
    bool parens = PrecOf(ast_.node(id)) < min_prec;
    if (parens) out_ += "(";
    Emit(id);
    if (parens) out_ += ")";
  }

  void EmitList(const std::vector<ExprId>& args, std::size_t from) {
    for (std::size_t i = from; i < args.size(); ++i) {
      if (i > from) out_ += ", ";
      Emit(args[i]);
    }
  }

  void Emit(ExprId id) {
    const Expr& e = ast_.node(id);
    switch (e.kind) {
      case ExprKind::kLiteral:
        switch (e.lit_kind) {
          case LiteralKind::kNull:
            out_ += "null";
            break;
          case LiteralKind::kBool:
            out_ += e.bool_value ? "true" : "false";
            break;
          case LiteralKind::kInt:
            absl::StrAppend(&out_, e.int_value);
            break;
          case LiteralKind::kDecimal:
            out_ += e.text;
            break;
          case LiteralKind::kString:
            out_ += Quote(e.text);
            break;
        }
        return;
      case ExprKind::kIdent:
        out_ += e.text;
        return;
      case ExprKind::kSelect:
        if (e.test_only) out_ += "has(";
        EmitAt(e.args[0], kTop);
        out_ += ".";
        out_ += e.text;
        if (e.test_only) out_ += ")";
        return;
      case ExprKind::kIndex:
        EmitAt(e.args[0], kTop);
        out_ += "[";
        Emit(e.args[1]);
        out_ += "]";
        return;
      case ExprKind::kUnary:
        out_ += UnaryOpText(e.unary_op);
        EmitAt(e.args[0], kUnaryPrec);
        return;
      case ExprKind::kBinary: {
        int p = BinaryPrec(e.binary_op);
        EmitAt(e.args[0], p);
        absl::StrAppend(&out_, " ", BinaryOpText(e.binary_op), " ");
        EmitAt(e.args[1], p + 1);  // left-associative
        return;
      }
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        int p = e.kind == ExprKind::kAnd ? kAndPrec : kOrPrec;
        for (std::size_t i = 0; i < e.args.size(); ++i) {
          if (i > 0) out_ += e.kind == ExprKind::kAnd ? " && " : " || ";
          EmitAt(e.args[i], p + 1);  // a nested chain of the same kind keeps its parentheses
        }
        return;
      }
      case ExprKind::kCond:
        EmitAt(e.args[0], kOrPrec);
        out_ += " ? ";
        EmitAt(e.args[1], kOrPrec);
        out_ += " : ";
        EmitAt(e.args[2], kCondPrec);
        return;
      case ExprKind::kCall:
        if (e.has_target) {
          EmitAt(e.args[0], kTop);
          absl::StrAppend(&out_, ".", e.text, "(");
          EmitList(e.args, 1);
        } else {
          absl::StrAppend(&out_, e.text, "(");
          EmitList(e.args, 0);
        }
        out_ += ")";
        return;
      case ExprKind::kList:
        out_ += "[";
        EmitList(e.args, 0);
        out_ += "]";
        return;
      case ExprKind::kMap:
        out_ += "{";
        for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
          if (i > 0) out_ += ", ";
          Emit(e.args[i]);
          out_ += ": ";
          Emit(e.args[i + 1]);
        }
        out_ += "}";
        return;
      case ExprKind::kComprehension:
        EmitAt(e.args[0], kTop);
        absl::StrAppend(&out_, ".", MacroText(e.macro), "(", e.text, ", ");
        EmitList(e.args, 1);
        out_ += ")";
        return;
    }
  }

  const Ast& ast_;
  std::string out_;
};

}  // namespace

std::string Print(const Ast& ast, ExprId id) { return Printer(ast).Print(id); }
std::string Print(const Ast& ast) { return Print(ast, ast.root()); }

}  // namespace zhida::rules

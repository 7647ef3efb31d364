#include "rules/parser.h"

#include <string>

#include "gtest/gtest.h"
#include "rules/lexer.h"
#include "rules/limits.h"

namespace zhida::rules {
namespace {

std::string Reprint(std::string_view src) {
  ParseResult r = Parse(src);
  if (!r.ok()) return "ERROR " + FormatIssue(r.issues[0]);
  return Print(r.ast);
}

TEST(ParserTest, PrintsWithMinimalParentheses) {
  EXPECT_EQ(Reprint("a+b*c"), "a + b * c");
  EXPECT_EQ(Reprint("(a+b)*c"), "(a + b) * c");
  EXPECT_EQ(Reprint("a-(b-c)"), "a - (b - c)");
  EXPECT_EQ(Reprint("a && b && c || d"), "a && b && c || d");
  EXPECT_EQ(Reprint("a && (b || c)"), "a && (b || c)");
  EXPECT_EQ(Reprint("x ? y : z ? 1 : 2"), "x ? y : z ? 1 : 2");
  EXPECT_EQ(Reprint("(x ? y : z) ? 1 : 2"), "(x ? y : z) ? 1 : 2");
  EXPECT_EQ(Reprint("!!a"), "!!a");
  EXPECT_EQ(Reprint("-(42)"), "-42");
  EXPECT_EQ(Reprint("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Reprint("1e3 + .5"), "1000.0 + 0.5");
  EXPECT_EQ(Reprint("industry.startsWith('C') && region in ['350582']"),
            "industry.startsWith(\"C\") && region in [\"350582\"]");
  EXPECT_EQ(Reprint("has(m.f) && [1,2].all(x, x > 0)"), "has(m.f) && [1, 2].all(x, x > 0)");
  EXPECT_EQ(Reprint("{'a': 1}['a']"), "{\"a\": 1}[\"a\"]");
  EXPECT_EQ(Reprint("0x1F"), "31");
}

TEST(ParserTest, ReprintIsStable) {
  const char* cases[] = {
      "revenue * 0.002 <= 500000.00 ? revenue * 0.002 : 500000.00",
      "(industry.startsWith(\"I\") || industry.startsWith(\"M\")) && revenue >= 5000000.00",
      "a - -1",
      "(-1).x",
      "[[1], {\"k\": [true, null]}]",
      "l.map(x, x > 1, x * 2)",
  };
  for (const char* c : cases) {
    std::string once = Reprint(c);
    EXPECT_EQ(Reprint(once), once) << c;
  }
}

TEST(ParserTest, PositionsAreLineAndCharacterColumn) {
  ParseResult r = Parse("a &&\n  营收 > 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issues[0].line, 2);
  EXPECT_EQ(r.issues[0].column, 3);
  EXPECT_EQ(r.issues[0].code, "lex.bad_character");

  r = Parse("x == \"中文\" =");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issues[0].column, 11);
  EXPECT_EQ(r.issues[0].code, "lex.single_equals");

  ParseResult ok = Parse("a +\n b");
  ASSERT_TRUE(ok.ok());
  const Expr& root = ok.ast.node(ok.ast.root());
  EXPECT_EQ(root.pos.line, 1);
  EXPECT_EQ(root.pos.column, 3);
  EXPECT_EQ(ok.ast.node(root.args[1]).pos.line, 2);
  EXPECT_EQ(ok.ast.node(root.args[1]).pos.column, 2);
}

TEST(ParserTest, SyntaxErrors) {
  EXPECT_EQ(Parse("a +").issues.at(0).code, "parse.unexpected_end");
  EXPECT_EQ(Parse("(a").issues.at(0).code, "parse.expected");
  EXPECT_EQ(Parse("a b").issues.at(0).code, "parse.unexpected_token");
  EXPECT_EQ(Parse("if").issues.at(0).code, "parse.reserved_word");
  EXPECT_EQ(Parse("9223372036854775808").issues.at(0).code, "parse.int_overflow");
  EXPECT_EQ(Parse("1u").issues.at(0).code, "lex.unsigned");
  EXPECT_EQ(Parse("'abc").issues.at(0).code, "lex.unterminated_string");
  // A backslash as the last character (found by fuzz_rules_differential: the lexer stepped past
  // the end of the text and read beyond it).
  auto trailing = Parse("x > 0 || 'ab\\");
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.issues.back().code, "lex.unterminated_string");
  EXPECT_EQ(trailing.issues.back().column, 10);
  EXPECT_EQ(Parse("'\\q'").issues.at(0).code, "lex.bad_escape");
  EXPECT_EQ(Parse("'\\uD800'").issues.at(0).code, "lex.bad_escape");
  EXPECT_EQ(Parse("[1].all(1, true)").issues.at(0).code, "parse.macro_variable");
  EXPECT_EQ(Parse(std::string("\xff")).issues.at(0).code, "lex.invalid_utf8");
  EXPECT_TRUE(Parse("{'if': 1}.if").ok());
}

TEST(ParserTest, StringLiterals) {
  ParseResult r = Parse(R"('\x41\101\u0042\U0001F431' + r'\n' + """a"b""")");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Print(r.ast), "\"AAB\xF0\x9F\x90\xB1\" + \"\\\\n\" + \"a\\\"b\"");
}

TEST(ParserTest, Limits) {
  std::string deep(kMaxDepth + 5, '(');
  deep += "1" + std::string(kMaxDepth + 5, ')');
  EXPECT_EQ(Parse(deep).issues.at(0).code, "limit.depth");

  std::string ok_deep(32, '(');
  ok_deep += "7" + std::string(32, ')');
  EXPECT_TRUE(Parse(ok_deep).ok());

  std::string long_and = "true";
  for (int i = 0; i < 500; ++i) long_and += " && true";
  EXPECT_TRUE(Parse(long_and).ok()) << "&& chains are flattened: depth 2";

  std::string chain = "1";
  for (int i = 0; i < kMaxDepth + 1; ++i) chain += " + 1";
  EXPECT_EQ(Parse(chain).issues.at(0).code, "limit.depth");

  EXPECT_EQ(Parse(std::string(kMaxSourceBytes + 1, ' ')).issues.at(0).code, "limit.source_size");

  std::string list = "[";
  for (int i = 0; i <= kMaxListSize; ++i) list += "1,";
  list += "]";
  EXPECT_EQ(Parse(list).issues.at(0).code, "limit.list_size");
}

TEST(LexerTest, PlainDecimalText) {
  std::string p;
  ASSERT_TRUE(PlainDecimalText("1.5e-3", &p));
  EXPECT_EQ(p, "0.0015");
  ASSERT_TRUE(PlainDecimalText(".5", &p));
  EXPECT_EQ(p, "0.5");
  ASSERT_TRUE(PlainDecimalText("9.0e+3", &p));
  EXPECT_EQ(p, "9000.0");
  ASSERT_TRUE(PlainDecimalText("0e+0", &p));
  EXPECT_EQ(p, "0.0");
  ASSERT_TRUE(PlainDecimalText("50000000.00", &p));
  EXPECT_EQ(p, "50000000.00");
  EXPECT_FALSE(PlainDecimalText("1e999", &p));
}

}  // namespace
}  // namespace zhida::rules

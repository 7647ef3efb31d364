#include "store/sql_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zhida::store {
namespace {

using ::testing::ElementsAre;

TEST(SplitStatements, SplitsOnSemicolonAtEndOfLine) {
  EXPECT_THAT(SplitStatements("CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y TEXT);  \n"),
              ElementsAre("CREATE TABLE a (x INTEGER)", "\nCREATE TABLE b (y TEXT)"));
}

TEST(SplitStatements, LastStatementNeedsNoSemicolon) {
  EXPECT_THAT(SplitStatements("SELECT 1;\nSELECT 2"), ElementsAre("SELECT 1", "\nSELECT 2"));
}

TEST(SplitStatements, SemicolonFollowedBySqlOnTheSameLineDoesNotSplit) {
  EXPECT_THAT(SplitStatements("SELECT 1; SELECT 2;\n"), ElementsAre("SELECT 1; SELECT 2"));
}

TEST(SplitStatements, SemicolonFollowedByCommentSplits) {
  EXPECT_THAT(SplitStatements("SELECT 1; -- one\nSELECT 2;\r\n"),
              ElementsAre("SELECT 1", " -- one\nSELECT 2"));
}

TEST(SplitStatements, SemicolonInsideQuotesOrCommentsDoesNotSplit) {
  EXPECT_THAT(SplitStatements("INSERT INTO t VALUES ('a;\nb', 'it''s;\n');\n"
                              "-- a comment;\n"
                              "/* block;\n */ SELECT \"odd;\n\";\n"),
              ElementsAre("INSERT INTO t VALUES ('a;\nb', 'it''s;\n')",
                          "\n-- a comment;\n/* block;\n */ SELECT \"odd;\n\""));
}

TEST(SplitStatements, QuoteInsideCommentDoesNotOpenAString) {
  EXPECT_THAT(SplitStatements("-- don't\nSELECT 1;\nSELECT 2;\n"),
              ElementsAre("-- don't\nSELECT 1", "\nSELECT 2"));
}

TEST(SplitStatements, DropsBlankAndCommentOnlyStatements) {
  EXPECT_THAT(SplitStatements("-- header\n\nSELECT 1;\n;\n-- trailer\n"),
              ElementsAre("-- header\n\nSELECT 1"));
}

TEST(IsBlankSql, SeesWhitespaceAndCommentsOnly) {
  EXPECT_TRUE(IsBlankSql(""));
  EXPECT_TRUE(IsBlankSql("  -- x\n /* y */ \n"));
  EXPECT_FALSE(IsBlankSql(" -- x\n SELECT 1"));
  EXPECT_FALSE(IsBlankSql("-"));
}

TEST(RewritePlaceholders, NumbersPlaceholdersOutsideQuotesAndComments) {
  int count = 0;
  EXPECT_EQ(RewritePlaceholders("SELECT a FROM t WHERE b = ? AND c = '?' AND \"?\" = ? -- ?\n"
                                "AND d IN (?, ?) /* ? */",
                                &count),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND \"?\" = $2 -- ?\n"
            "AND d IN ($3, $4) /* ? */");
  EXPECT_EQ(count, 4);
}

TEST(RewritePlaceholders, DoubledQuoteStaysInsideTheString) {
  int count = 0;
  EXPECT_EQ(RewritePlaceholders("SELECT 'it''s ?', ?", &count), "SELECT 'it''s ?', $1");
  EXPECT_EQ(count, 1);
}

TEST(RewritePlaceholders, NoPlaceholders) {
  int count = 7;
  EXPECT_EQ(RewritePlaceholders("SELECT 1", &count), "SELECT 1");
  EXPECT_EQ(count, 0);
}

TEST(SkipQuotedOrComment, UnterminatedRunsToTheEnd) {
  EXPECT_EQ(SkipQuotedOrComment("'abc", 0), 4u);
  EXPECT_EQ(SkipQuotedOrComment("/* abc", 0), 6u);
  EXPECT_EQ(SkipQuotedOrComment("abc", 1), 1u);
}

}  // namespace
}  // namespace zhida::store

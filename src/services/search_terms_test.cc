#include "services/search_terms.h"

#include "gtest/gtest.h"

namespace zhida::services {
namespace {

TEST(SearchTermsTest, IndexHasUnigramsBigramsAndWords) {
  std::map<std::string, int> terms;
  AddIndexTerms("企业研发奖补 2024年 ABC", 3, &terms);
  EXPECT_EQ(terms.count("研发"), 1u);
  EXPECT_EQ(terms.count("研"), 1u);
  EXPECT_EQ(terms.count("奖补"), 1u);
  EXPECT_EQ(terms.count("2024"), 1u);
  EXPECT_EQ(terms.count("abc"), 1u);
  EXPECT_EQ(terms.count("补2"), 0u);  // a bigram never spans a script change
  AddIndexTerms("研发", 1, &terms);
  EXPECT_EQ(terms["研发"], 3);  // the highest weight stays
}

TEST(SearchTermsTest, QueryTerms) {
  EXPECT_EQ(QueryTerms("研发"), std::vector<std::string>{"研发"});
  EXPECT_EQ(QueryTerms("税"), std::vector<std::string>{"税"});
  EXPECT_EQ(QueryTerms("研发费用"), (std::vector<std::string>{"研发", "发费", "费用"}));
  EXPECT_EQ(QueryTerms("泉政文〔2021〕12号"),
            (std::vector<std::string>{"泉政", "政文", "号", "2021", "12"}));
  EXPECT_TRUE(QueryTerms("  ，。 ").empty());
  std::string long_query(200, 'a');
  for (int i = 0; i < 100; ++i) long_query += " w" + std::to_string(i);
  EXPECT_EQ(QueryTerms(long_query).size(), kMaxQueryTerms);
}

}  // namespace
}  // namespace zhida::services

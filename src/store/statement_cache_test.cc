#include "store/statement_cache.h"

#include "gtest/gtest.h"

namespace zhida::store {
namespace {

TEST(StatementCache, EvictsTheLeastRecentlyUsed) {
  StatementCache<int> cache(2);
  EXPECT_FALSE(cache.Insert("a", 1).has_value());
  EXPECT_FALSE(cache.Insert("b", 2).has_value());
  ASSERT_NE(cache.Find("a"), nullptr);  // "a" is now more recent than "b"
  auto evicted = cache.Insert("c", 3);
  ASSERT_TRUE(evicted.has_value());
  EXPECT_EQ(evicted->first, "b");
  EXPECT_EQ(evicted->second, 2);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_EQ(*cache.Find("a"), 1);
  EXPECT_EQ(*cache.Find("c"), 3);
}

TEST(StatementCache, ClearFreesEveryEntry) {
  StatementCache<int> cache(4);
  cache.Insert("a", 1);
  cache.Insert("b", 2);
  int freed = 0;
  cache.Clear([&](int v) { freed += v; });
  EXPECT_EQ(freed, 3);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Find("a"), nullptr);
}

}  // namespace
}  // namespace zhida::store

#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace zhida::core {
namespace {

bool IsLowerHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SecureIdsTest, TokensAreHexOfTheRightLength) {
  for (int bytes : {1, 8, 16, 32, IdSource::kTokenBytesMax}) {
    const std::string token = SecureIds().NewToken(bytes);
    EXPECT_EQ(token.size(), static_cast<size_t>(bytes) * 2);
    EXPECT_TRUE(IsLowerHex(token)) << token;
  }
  const std::string id = SecureIds().NewRequestId();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_TRUE(IsLowerHex(id));
}

TEST(SecureIdsTest, TokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(seen.insert(SecureIds().NewToken(16)).second);
  // Every hex digit shows up in 10,000 random 32-digit tokens.
  std::set<char> digits;
  for (const std::string& s : seen) digits.insert(s.begin(), s.end());
  EXPECT_EQ(digits.size(), 16u);
}

TEST(SecureIdsTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<std::set<std::string>> seen(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&seen, t] {
      for (int i = 0; i < 1000; ++i) seen[t].insert(SecureIds().NewRequestId());
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& s : seen) all.insert(s.begin(), s.end());
  EXPECT_EQ(all.size(), 4000u);
}

TEST(SecureIdsDeathTest, TokenSizeIsBounded) {
  EXPECT_DEATH(SecureIds().NewToken(0), "check failed");
  EXPECT_DEATH(SecureIds().NewToken(IdSource::kTokenBytesMax + 1), "check failed");
}

TEST(SeqIdsTest, Deterministic) {
  SeqIds ids;
  EXPECT_EQ(ids.NewToken(4), "00000001");
  EXPECT_EQ(ids.NewToken(1), "02");
  EXPECT_EQ(ids.NewRequestId(), "req-000000000003");
  SeqIds from(255);
  EXPECT_EQ(from.NewToken(1), "ff");
  EXPECT_EQ(from.NewToken(1), "100");  // longer only when the number does not fit
  IdSource& as_interface = from;
  EXPECT_EQ(as_interface.NewToken(2), "0101");
}

}  // namespace
}  // namespace zhida::core

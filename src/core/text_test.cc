#include "core/text.h"

#include <gtest/gtest.h>

namespace zhida::core {
namespace {

using namespace std::string_literals;

const std::string kBom = "\xEF\xBB\xBF";

TEST(Utf8Test, Valid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii, long enough for the word-at-a-time path"));
  EXPECT_TRUE(IsValidUtf8("泉州市晋江市"));
  EXPECT_TRUE(IsValidUtf8("¥ € 😀"));
  EXPECT_TRUE(IsValidUtf8(kBom + "bom"));
  EXPECT_TRUE(IsValidUtf8("\x7F"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(IsValidUtf8("\0"s));
}

TEST(Utf8Test, Invalid) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));          // truncated 中
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xE4\xB8"));  // truncated after the fast path
  EXPECT_FALSE(IsValidUtf8("\xE4\x41\xAD"));      // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xC8\xAA\xD6\xDD"));  // 泉州 in GB18030
}

TEST(TextTest, StripBom) {
  EXPECT_EQ(StripUtf8Bom(kBom + "a,b"), "a,b");
  EXPECT_EQ(StripUtf8Bom("a,b"), "a,b");
  EXPECT_EQ(StripUtf8Bom("\xEF\xBB"), "\xEF\xBB");
  EXPECT_EQ(StripUtf8Bom(""), "");
}

TEST(TextTest, Gb18030ToUtf8) {
  EXPECT_EQ(*Gb18030ToUtf8("\xC8\xAA\xD6\xDD"), "泉州");
  EXPECT_EQ(*Gb18030ToUtf8("abc,\xD6\xD0\xCE\xC4\n"), "abc,中文\n");
  EXPECT_EQ(*Gb18030ToUtf8("\x81\x30\x84\x36"), "¥");  // a four-byte sequence
  EXPECT_EQ(*Gb18030ToUtf8("\x94\x39\xFC\x36"), "😀");  // outside the BMP
  EXPECT_EQ(*Gb18030ToUtf8("\xA2\xE3"), "€");
  EXPECT_EQ(*Gb18030ToUtf8(""), "");
  // Large enough to need more than one output buffer growth in the worst case.
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "\xD6\xD0";
  std::string expected;
  for (int i = 0; i < 100000; ++i) expected += "中";
  EXPECT_EQ(*Gb18030ToUtf8(big), expected);
}

TEST(TextTest, Gb18030ErrorsNameTheOffset) {
  absl::StatusOr<std::string> bad = Gb18030ToUtf8("ab\xD6\xD0\xFF" + "cd"s);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorCode(bad.status()), "text.encoding");
  EXPECT_NE(std::string(bad.status().message()).find("第 4 字节"), std::string::npos)
      << bad.status();
  absl::StatusOr<std::string> cut = Gb18030ToUtf8("ab\xD6");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(ErrorCode(cut.status()), "text.encoding");
  EXPECT_NE(std::string(cut.status().message()).find("第 2 字节"), std::string::npos)
      << cut.status();
}

TEST(TextTest, DetectAndDecode) {
  EXPECT_EQ(DetectEncoding("abc"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding("泉州"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding("\xC8\xAA\xD6\xDD"), TextEncoding::kGb18030);
  EXPECT_EQ(*DecodeToUtf8(kBom + "泉州,1"), "泉州,1");
  EXPECT_EQ(*DecodeToUtf8("\xC8\xAA\xD6\xDD,1"), "泉州,1");
  EXPECT_EQ(*DecodeToUtf8("plain"), "plain");
  EXPECT_FALSE(DecodeToUtf8("\xC8\xAA\xFF").ok());
}

TEST(TextTest, Utf8LengthCountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("研发"), 2u);
  EXPECT_EQ(Utf8Length("泉州 2026"), 7u);
}

}  // namespace
}  // namespace zhida::core

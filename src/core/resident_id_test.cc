#include "core/resident_id.h"

#include <gtest/gtest.h>

namespace zhida::core {
namespace {

Date P(std::string_view text) { return *Date::Parse(text); }

std::string WithCheck(std::string first17) {
  first17.push_back(ResidentIdCheckChar(first17));
  return first17;
}

std::string CodeOf(std::string_view id, std::optional<Date> today = std::nullopt) {
  const absl::Status s = ValidateResidentId(id, today);
  return s.ok() ? "ok" : ErrorCode(s);
}

TEST(ResidentIdTest, TheStandardsExample) {
  // GB 11643-1999's own example: 北京市朝阳区, born 1949-12-31, check character X.
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(CodeOf("11010519491231002X"), "ok");
  EXPECT_EQ(CodeOf("11010519491231002X", P("2024-01-01")), "ok");
  // Its second example is born in 1880: the check character is right, but the birth year is
  // outside 1900..2200 (Date::Parse's range), which no living person's is.
  EXPECT_EQ(ResidentIdCheckChar("44052418800101001"), '4');
  EXPECT_EQ(CodeOf("440524188001010014"), "resident_id.birth_date");
}

TEST(ResidentIdTest, Valid) {
  const std::string id = WithCheck("35058219900229123");  // 1990 is not a leap year…
  EXPECT_EQ(CodeOf(id), "resident_id.birth_date");
  const std::string leap = WithCheck("35058219920229123");  // …1992 is
  EXPECT_EQ(CodeOf(leap), "ok");
  EXPECT_EQ(CodeOf(WithCheck("35058220000101001")), "ok");
}

TEST(ResidentIdTest, EverySingleDigitCorruptionIsRejected) {
  const std::string valid = WithCheck("35058219920229123");
  for (size_t i = 0; i < 18; ++i) {
    for (char c : std::string_view("0123456789X")) {
      if (c == valid[i]) continue;
      std::string corrupt = valid;
      corrupt[i] = c;
      EXPECT_FALSE(ValidateResidentId(corrupt).ok()) << corrupt;
    }
  }
}

TEST(ResidentIdTest, Errors) {
  EXPECT_EQ(CodeOf(""), "resident_id.length");
  EXPECT_EQ(CodeOf("35058219920229123"), "resident_id.length");
  EXPECT_EQ(CodeOf("3505821992022912345"), "resident_id.length");
  EXPECT_EQ(std::string(ValidateResidentId("350582").message()),
            "居民身份证号码应为 18 位，实际为 6 位");
  EXPECT_EQ(CodeOf("35058219920229A23X"), "resident_id.character");
  EXPECT_EQ(std::string(ValidateResidentId("35058219920229A23X").message()), "第 15 位应为数字");
  EXPECT_EQ(CodeOf("35058219920229123x"), "resident_id.character");
  EXPECT_EQ(std::string(ValidateResidentId("35058219920229123x").message()),
            "第 18 位校验码“x”应为大写“X”");
  EXPECT_EQ(CodeOf("35058219920229123Y"), "resident_id.character");
  EXPECT_EQ(CodeOf("X50582199202291234"), "resident_id.character");
  EXPECT_EQ(CodeOf(WithCheck("99058219920229123")), "resident_id.region");
  EXPECT_EQ(CodeOf(WithCheck("35058219921301123")), "resident_id.birth_date");
  EXPECT_EQ(CodeOf(WithCheck("35058218991231123")), "resident_id.birth_date");
  const std::string valid = WithCheck("35058219920229123");
  std::string wrong = valid;
  wrong[17] = wrong[17] == '0' ? '1' : '0';
  EXPECT_EQ(CodeOf(wrong), "resident_id.check_digit");
  EXPECT_EQ(ErrorField(ValidateResidentId(wrong)), "resident_id");
}

TEST(ResidentIdTest, BirthDateNotInTheFuture) {
  const std::string id = WithCheck("35058220240210123");
  EXPECT_EQ(CodeOf(id), "ok");
  EXPECT_EQ(CodeOf(id, P("2024-02-10")), "ok");  // born today
  EXPECT_EQ(CodeOf(id, P("2024-02-09")), "resident_id.birth_date");
  EXPECT_EQ(std::string(ValidateResidentId(id, P("2024-02-09")).message()),
            "出生日期 2024-02-10 晚于今天");
}

TEST(ResidentIdTest, Mask) {
  EXPECT_EQ(MaskResidentId("350582199001011234"), "350582********1234");
  EXPECT_EQ(MaskResidentId("11010519491231002X"), "110105********002X");
  EXPECT_EQ(MaskResidentId("12345678901"), "123456*8901");
  EXPECT_EQ(MaskResidentId("1234567890"), "**********");
  EXPECT_EQ(MaskResidentId(""), "");
  EXPECT_EQ(MaskResidentId("张三350582199001011234"), std::string(18, '*'));
}

}  // namespace
}  // namespace zhida::core

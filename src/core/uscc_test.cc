#include "core/uscc.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace zhida::core {
namespace {

// Valid codes taken from /work/shared/bench/sample/enterprises.csv (GB 32100-2015 check chars).
constexpr std::string_view kValid[] = {
    "91350581133456810F", "913505038728481487", "91350582MA6KKM2WX5", "913505023516308059",
    "91350502MAD87XGG9A", "91350504309196128X", "91350503MATGFFCP84", "91350582MA8QP18Y3G",
};

std::string CodeOf(std::string_view uscc) {
  const absl::Status s = ValidateUscc(uscc);
  return s.ok() ? "ok" : ErrorCode(s);
}

std::string MessageOf(std::string_view uscc) { return std::string(ValidateUscc(uscc).message()); }

// `first17` completed with its check character.
std::string WithCheck(std::string first17) {
  first17.push_back(UsccCheckChar(first17));
  return first17;
}

TEST(UsccTest, AcceptsValidCodes) {
  for (std::string_view code : kValid) {
    EXPECT_TRUE(ValidateUscc(code).ok()) << code << ": " << ValidateUscc(code);
    EXPECT_EQ(UsccCheckChar(code.substr(0, 17)), code[17]) << code;
  }
}

TEST(UsccTest, RejectsEverySingleCharacterCorruption) {
  // MOD 31-3 with weights that are units mod 31 detects every single substitution.
  for (std::string_view valid : kValid) {
    for (size_t i = 0; i < valid.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        if (static_cast<char>(b) == valid[i]) continue;
        std::string corrupt(valid);
        corrupt[i] = static_cast<char>(b);
        ASSERT_FALSE(ValidateUscc(corrupt).ok()) << corrupt << " (position " << i + 1 << ")";
      }
    }
  }
}

TEST(UsccTest, RejectsAdjacentTranspositions) {
  for (std::string_view valid : kValid) {
    for (size_t i = 0; i + 1 < 17; ++i) {
      if (valid[i] == valid[i + 1]) continue;
      std::string swapped(valid);
      std::swap(swapped[i], swapped[i + 1]);
      EXPECT_FALSE(ValidateUscc(swapped).ok()) << swapped;
    }
  }
}

TEST(UsccTest, Length) {
  EXPECT_EQ(CodeOf(""), "uscc.length");
  EXPECT_EQ(CodeOf("91350581133456810"), "uscc.length");
  EXPECT_EQ(CodeOf("91350581133456810FF"), "uscc.length");
  EXPECT_EQ(MessageOf("91350581133456810"), "统一社会信用代码应为 18 位，实际为 17 位");
  // Characters, not bytes: two Chinese characters are 2 characters (6 bytes).
  EXPECT_EQ(MessageOf("统一"), "统一社会信用代码应为 18 位，实际为 2 位");
  EXPECT_EQ(ErrorField(ValidateUscc("")), "uscc");
  EXPECT_EQ(ValidateUscc("").code(), absl::StatusCode::kInvalidArgument);
}

TEST(UsccTest, Characters) {
  for (char c : {'I', 'O', 'Z', 'S', 'V'}) {
    std::string code(kValid[0]);
    code[9] = c;
    EXPECT_EQ(CodeOf(code), "uscc.character") << code;
    EXPECT_NE(MessageOf(code).find("第 10 位"), std::string::npos) << MessageOf(code);
    EXPECT_NE(MessageOf(code).find("I、O、Z、S、V"), std::string::npos);
  }
  EXPECT_EQ(MessageOf("91350582ma6kkm2wx5"), "第 9 位“m”应为大写字母");
  EXPECT_EQ(CodeOf("91350582MA6KKM2WX "), "uscc.character");
  // A full-width digit is one character of three bytes.
  EXPECT_EQ(CodeOf("91350582MA6KKM2WX５"), "uscc.character");
  EXPECT_NE(MessageOf("91350582MA6KKM2WX５").find("第 18 位"), std::string::npos);
  EXPECT_NE(MessageOf("91350582MA6KKM2WX５").find("全角"), std::string::npos);
}

TEST(UsccTest, RegistrationAuthorityAndEntityType) {
  EXPECT_EQ(CodeOf("B1350581133456810F"), "uscc.registration_authority");
  EXPECT_EQ(CodeOf("01350581133456810F"), "uscc.registration_authority");
  EXPECT_NE(MessageOf("B1350581133456810F").find("第 1 位"), std::string::npos);
  EXPECT_EQ(CodeOf("94350581133456810F"), "uscc.entity_type");  // 工商: 1, 2, 3 only
  EXPECT_EQ(MessageOf("94350581133456810F"),
            "第 2 位机构类别代码“4”与登记管理部门“工商”不符（应为 1、2、3）");
  EXPECT_EQ(CodeOf("Y2350581133456810F"), "uscc.entity_type");  // 其他: 1 only
  EXPECT_EQ(CodeOf("9A350581133456810F"), "uscc.entity_type");
  // Every listed combination passes these two checks.
  for (std::string_view prefix :
       {"11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39",
        "41", "49", "51", "52", "53", "59", "61", "62", "69", "71", "72", "79",
        "81", "89", "91", "92", "93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1"}) {
    EXPECT_TRUE(ValidateUscc(WithCheck(std::string(prefix) + "350582MA6KKM2WX")).ok()) << prefix;
  }
}

TEST(UsccTest, Region) {
  EXPECT_EQ(CodeOf(WithCheck("91990000MA6KKM2WX")), "uscc.region");  // no province 99
  EXPECT_EQ(CodeOf(WithCheck("91003505MA6KKM2WX")), "uscc.region");
  EXPECT_EQ(CodeOf(WithCheck("9135058AMA6KKM2WX")), "uscc.region");  // letters
  EXPECT_EQ(CodeOf(WithCheck("91100000MA6KKM2WX")), "ok");           // central registration
  EXPECT_EQ(CodeOf(WithCheck("91110000MA6KKM2WX")), "ok");           // 北京
  EXPECT_EQ(CodeOf(WithCheck("91820000MA6KKM2WX")), "ok");           // 澳门
  EXPECT_NE(MessageOf(WithCheck("91990000MA6KKM2WX")).find("990000"), std::string::npos);
}

TEST(UsccTest, CheckDigit) {
  EXPECT_EQ(CodeOf("91350581133456810E"), "uscc.check_digit");
  EXPECT_EQ(MessageOf("91350581133456810E"), "统一社会信用代码校验位不正确，请逐位核对");
  EXPECT_EQ(ErrorField(ValidateUscc("91350581133456810E")), "uscc");
  EXPECT_FALSE(ErrorEnglish(ValidateUscc("91350581133456810E")).empty());
  // A check value of 0 is written '0' (31 - 0 would be out of the alphabet).
  for (char c : std::string_view("0123456789ABCDEFGHJKLMNPQRTUWXY")) {
    const std::string code = WithCheck(std::string("9135058200000000") + c);
    EXPECT_TRUE(ValidateUscc(code).ok()) << code;
  }
}

TEST(UsccTest, Region3To8) {
  EXPECT_EQ(UsccRegion("91350582MA6KKM2WX5"), "350582");
  EXPECT_EQ(UsccRegion("9135058"), "");
  EXPECT_EQ(UsccRegion("91350582"), "350582");
}

TEST(UsccDeathTest, CheckCharNeedsSeventeenAlphabetCharacters) {
  EXPECT_DEATH(UsccCheckChar("9135058"), "check failed");
  EXPECT_DEATH(UsccCheckChar("91350582MA6KKM2WI"), "check failed");
}

}  // namespace
}  // namespace zhida::core

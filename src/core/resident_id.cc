#include "core/resident_id.h"

#include "absl/strings/str_format.h"
#include "core/uscc.h"

namespace zhida::core {
namespace {

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

absl::Status IdError(std::string_view code, std::string_view zh, std::string_view en) {
  return InvalidField(code, "resident_id", zh, en);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

char ResidentIdCheckChar(std::string_view first17) {
  ZCHECK(first17.size() == 17);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    ZCHECK(IsDigit(first17[i]));
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheckChars[sum % 11];
}

absl::Status ValidateResidentId(std::string_view id, std::optional<Date> today) {
  int characters = 0;
  for (char c : id) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  if (characters != 18) {
    return IdError("resident_id.length",
                   absl::StrFormat("居民身份证号码应为 18 位，实际为 %d 位", characters),
                   absl::StrFormat("a resident id has 18 characters, got %d", characters));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (IsDigit(c) || (i == 17 && c == 'X')) continue;
    const int position = static_cast<int>(i) + 1;
    if (i == 17 && c == 'x') {
      return IdError("resident_id.character", "第 18 位校验码“x”应为大写“X”",
                     "the check character 'x' must be upper case 'X'");
    }
    return IdError(
        "resident_id.character",
        i == 17 ? std::string("第 18 位应为数字或 X")
                : absl::StrFormat("第 %d 位应为数字", position),
        absl::StrFormat("character %d must be a digit%s", position, i == 17 ? " or X" : ""));
  }
  if (!IsKnownProvincePrefix(id.substr(0, 6))) {
    return IdError("resident_id.region",
                   absl::StrFormat("前 6 位地址码“%s”不是有效的行政区划代码", id.substr(0, 6)),
                   absl::StrFormat("'%s' is not a region code", id.substr(0, 6)));
  }
  const std::string birth =
      absl::StrFormat("%s-%s-%s", id.substr(6, 4), id.substr(10, 2), id.substr(12, 2));
  absl::StatusOr<Date> born = Date::Parse(birth);
  if (!born.ok()) {
    return IdError("resident_id.birth_date",
                   absl::StrFormat("第 7–14 位出生日期 %s 不存在或超出范围", id.substr(6, 8)),
                   absl::StrFormat("birth date %s is invalid", id.substr(6, 8)));
  }
  if (today.has_value() && *born > *today) {
    return IdError("resident_id.birth_date",
                   absl::StrFormat("出生日期 %s 晚于今天", born->ToString()),
                   absl::StrFormat("birth date %s is in the future", born->ToString()));
  }
  if (ResidentIdCheckChar(id.substr(0, 17)) != id[17]) {
    return IdError("resident_id.check_digit", "居民身份证号码校验位不正确，请逐位核对",
                   "wrong check character; please check every digit");
  }
  return absl::OkStatus();
}

std::string MaskResidentId(std::string_view id) {
  bool ascii = true;
  for (char c : id) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (!ascii) return std::string(18, '*');  // length would reveal nothing useful either
  if (id.size() <= 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') +
         std::string(id.substr(id.size() - 4));
}

}  // namespace zhida::core

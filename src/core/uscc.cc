#include "core/uscc.h"

#include "absl/strings/str_format.h"

namespace zhida::core {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// The value of an alphabet character (its index), or -1.
int CharValue(char c) {
  const size_t i = kAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

struct Authority {
  char code;
  std::string_view name;
  std::string_view entity_types;  // allowed second characters
};

// GB 32100-2015 表1 登记管理部门代码 with the entity-type codes (机构类别代码) of each.
constexpr Authority kAuthorities[] = {
    {'1', "机构编制", "1239"},   {'2', "外交", "19"},
    {'3', "司法行政", "123459"}, {'4', "文化", "19"},
    {'5', "民政", "1239"},       {'6', "旅游", "129"},
    {'7', "宗教", "129"},        {'8', "工会", "19"},
    {'9', "工商", "123"},        {'A', "中央军委改革和编制办公室", "19"},
    {'N', "农业", "1239"},       {'Y', "其他", "1"},
};

absl::Status UsccError(std::string_view code, std::string_view zh, std::string_view en) {
  return InvalidField(code, "uscc", zh, en);
}

// The characters of `s` joined by "、", for messages ("1、2、3").
std::string ListChars(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!out.empty()) out += "、";
    out.push_back(c);
  }
  return out;
}

absl::Status CheckCharacters(std::string_view uscc) {
  for (size_t i = 0; i < uscc.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(uscc[i]);
    if (CharValue(uscc[i]) >= 0) continue;
    const int position = static_cast<int>(i) + 1;
    if (c >= 'a' && c <= 'z') {
      return UsccError("uscc.character", absl::StrFormat("第 %d 位“%c”应为大写字母", position, c),
                       absl::StrFormat("character %d '%c' must be upper case", position, c));
    }
    if (c > ' ' && c < 0x7f) {
      return UsccError(
          "uscc.character",
          absl::StrFormat("第 %d 位“%c”不允许：统一社会信用代码只由数字和大写字母组成，且不使用 "
                          "I、O、Z、S、V",
                          position, c),
          absl::StrFormat("character %d '%c' is not allowed (digits and upper-case letters "
                          "except I, O, Z, S, V)",
                          position, c));
    }
    return UsccError(
        "uscc.character",
        absl::StrFormat("第 %d 位不是半角数字或大写字母（可能是空格、全角字符或汉字）", position),
        absl::StrFormat("character %d is not an ASCII digit or letter", position));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsKnownProvincePrefix(std::string_view region_code) {
  static constexpr std::string_view kProvinces[] = {
      "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
      "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
      "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};
  if (region_code.size() < 2) return false;
  for (std::string_view p : kProvinces) {
    if (region_code.substr(0, 2) == p) return true;
  }
  return false;
}

absl::Status ValidateUscc(std::string_view uscc) {
  // Count characters, not bytes, so that a message about a full-width character is right.
  int characters = 0;
  for (char c : uscc) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  if (characters != 18) {
    return UsccError(
        "uscc.length", absl::StrFormat("统一社会信用代码应为 18 位，实际为 %d 位", characters),
        absl::StrFormat("a unified social credit code has 18 characters, got %d", characters));
  }
  RETURN_IF_ERROR(CheckCharacters(uscc));  // also rejects any multi-byte character

  const Authority* authority = nullptr;
  for (const Authority& a : kAuthorities) {
    if (a.code == uscc[0]) authority = &a;
  }
  if (authority == nullptr) {
    return UsccError(
        "uscc.registration_authority",
        absl::StrFormat("第 1 位登记管理部门代码“%c”不存在（应为 1–9、A、N 或 Y）", uscc[0]),
        absl::StrFormat("no registration authority '%c' (1-9, A, N or Y)", uscc[0]));
  }
  if (authority->entity_types.find(uscc[1]) == std::string_view::npos) {
    return UsccError(
        "uscc.entity_type",
        absl::StrFormat("第 2 位机构类别代码“%c”与登记管理部门“%s”不符（应为 %s）", uscc[1],
                        authority->name, ListChars(authority->entity_types)),
        absl::StrFormat("entity type '%c' does not exist for registration authority '%c' "
                        "(expected one of %s)",
                        uscc[1], uscc[0], authority->entity_types));
  }
  const std::string_view region = uscc.substr(2, 6);
  bool digits = true;
  for (char c : region) digits = digits && c >= '0' && c <= '9';
  // "100000" is the code for registrations by central authorities.
  if (!digits || !(region == "100000" || IsKnownProvincePrefix(region))) {
    return UsccError("uscc.region",
                     absl::StrFormat("第 3–8 位登记管理机关行政区划码“%s”不正确，应为 6 位数字的"
                                     "行政区划代码（如 350582）",
                                     region),
                     absl::StrFormat("positions 3-8 '%s' are not a GB/T 2260 region code", region));
  }
  if (UsccCheckChar(uscc.substr(0, 17)) != uscc[17]) {
    // The expected character is deliberately not shown: a check-digit mismatch usually means a
    // mistyped character elsewhere, and "fixing" the last one would make a wrong code look valid.
    return UsccError("uscc.check_digit", "统一社会信用代码校验位不正确，请逐位核对",
                     "wrong check character; please check every character");
  }
  return absl::OkStatus();
}

char UsccCheckChar(std::string_view first17) {
  ZCHECK(first17.size() == 17);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const int v = CharValue(first17[i]);
    ZCHECK(v >= 0);
    sum += v * kWeights[i];
  }
  return kAlphabet[(31 - sum % 31) % 31];
}

std::string UsccRegion(std::string_view uscc) {
  return uscc.size() < 8 ? std::string() : std::string(uscc.substr(2, 6));
}

}  // namespace zhida::core

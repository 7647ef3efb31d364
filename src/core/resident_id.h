// 居民身份证号码 (citizen identity number), GB 11643-1999, 18 characters:
//   1–6    address code (GB/T 2260 region of the first registration)
//   7–14   date of birth, YYYYMMDD
//   15–17  sequence code (odd for men, even for women)
//   18     check character, ISO 7064 MOD 11-2: weights 2^(17-i) mod 11 =
//          7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; sum mod 11 → 1 0 X 9 8 7 6 5 4 3 2
//
// A resident id is personal information: log and display it masked (MaskResidentId).
//
// Error codes (field "resident_id"): resident_id.length, resident_id.character,
// resident_id.region, resident_id.birth_date, resident_id.check_digit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"

namespace zhida::core {

// OK when `id` is a well-formed 18-character number: 17 digits and a digit or upper-case 'X',
// a known province in the address code, an existing birth date in 1900..2200 that is not after
// `today` (when given), and the right check character. Errors name the first problem found, in
// Chinese. Strict: no trimming, lower-case 'x' is rejected with a hint.
absl::Status ValidateResidentId(std::string_view id, std::optional<Date> today = std::nullopt);

// The check character ('0'–'9' or 'X') for the first 17 characters; ZCHECKs 17 digits.
char ResidentIdCheckChar(std::string_view first17);

// Keeps the first 6 and the last 4 characters and masks the rest with '*':
// "350582199001011234" → "350582********1234". Input of 10 characters or fewer, or with any
// non-ASCII byte, is masked entirely, so nothing personal leaks from malformed input.
std::string MaskResidentId(std::string_view id);

}  // namespace zhida::core

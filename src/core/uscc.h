// 统一社会信用代码 (unified social credit code, "uscc"), GB 32100-2015.
//
// 18 characters from the 31-character alphabet 0-9 A-H J-N P-R T-U W-Y (no I, O, Z, S, V):
//   1     registration authority (登记管理部门代码): 1 机构编制, 2 外交, 3 司法行政, 4 文化,
//         5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他
//   2     entity type (机构类别代码), a digit whose allowed values depend on position 1
//         (e.g. 91 企业, 92 个体工商户, 93 农民专业合作社, 51 社会团体, 12 事业单位)
//   3–8   region of the registration authority (登记管理机关行政区划码, GB/T 2260), 6 digits
//   9–17  subject identifier (主体标识码, the GB 11714 organization code)
//   18    check character: ISO 7064 MOD 31-3 with weights 3^(i-1) mod 31 =
//         1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
//
// Error codes (field "uscc"): uscc.length, uscc.character, uscc.registration_authority,
// uscc.entity_type, uscc.region, uscc.check_digit.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace zhida::core {

// OK when `uscc` is a well-formed code with a correct check character; otherwise a status whose
// Chinese message names the first problem found, in the order of the list above. Validation is
// strict: no trimming, no lower case (callers may upper-case user input first).
absl::Status ValidateUscc(std::string_view uscc);

// The check character for the first 17 characters. ZCHECKs that `first17` has 17 characters of
// the alphabet (a programmer error otherwise: validate user input with ValidateUscc).
char UsccCheckChar(std::string_view first17);

// Positions 3–8, the registration authority's region code ("350582"); "" when `uscc` is shorter
// than 8 characters. Does not validate.
std::string UsccRegion(std::string_view uscc);

// Whether the first two characters of a GB/T 2260 code name a province-level division
// (11 北京 … 35 福建 … 65 新疆, 71 台湾, 81 香港, 82 澳门).
bool IsKnownProvincePrefix(std::string_view region_code);

}  // namespace zhida::core

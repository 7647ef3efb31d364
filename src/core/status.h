// Status plumbing shared by every layer (STYLE.md "Errors, three channels").
//
// Operating errors travel as absl::Status / absl::StatusOr<T>. A status message is the text a
// user may read, in Chinese; the HTTP layer maps the status code to an HTTP status in one table.
// A status may carry a machine code (e.g. "uscc.check_digit") and the field it concerns as
// payloads, so that the API can say which field was wrong and why.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zhida {

// Payload keys used on absl::Status.
inline constexpr std::string_view kErrorCodePayload = "zhida/code";
inline constexpr std::string_view kErrorFieldPayload = "zhida/field";
inline constexpr std::string_view kErrorEnglishPayload = "zhida/en";

// Builds a status with a machine code, the field concerned (may be empty), the Chinese message
// and its English translation.
absl::Status MakeError(absl::StatusCode code, std::string_view machine_code,
                       std::string_view field, std::string_view message_zh,
                       std::string_view message_en = {});

// Shorthands for the common cases.
absl::Status InvalidField(std::string_view machine_code, std::string_view field,
                          std::string_view message_zh, std::string_view message_en = {});
absl::Status NotFoundError(std::string_view machine_code, std::string_view message_zh,
                           std::string_view message_en = {});

// Reads the payloads back; empty when absent.
std::string ErrorCode(const absl::Status& status);
std::string ErrorField(const absl::Status& status);
std::string ErrorEnglish(const absl::Status& status);

}  // namespace zhida

#define ZHIDA_CONCAT_INNER(a, b) a##b
#define ZHIDA_CONCAT(a, b) ZHIDA_CONCAT_INNER(a, b)

// Returns the status of `expr` from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    if (absl::Status _st = (expr); !_st.ok()) return _st; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, StatusOrExpr()): unwraps the value or returns the status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(ZHIDA_CONCAT(_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

// Programmer errors (never user input): abort with the location.
#define ZCHECK(cond)                                                                     \
  do {                                                                                   \
    if (!(cond)) ::zhida::internal::CheckFailed(__FILE__, __LINE__, #cond);              \
  } while (0)

namespace zhida::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);
}  // namespace zhida::internal

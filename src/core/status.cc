#include "core/status.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/cord.h"

namespace zhida {

// Debian 12's abseil has its own absl::string_view (not std::string_view): convert explicitly.
static absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status MakeError(absl::StatusCode code, std::string_view machine_code,
                       std::string_view field, std::string_view message_zh,
                       std::string_view message_en) {
  absl::Status status(code, Absl(message_zh));
  if (!machine_code.empty()) status.SetPayload(Absl(kErrorCodePayload), absl::Cord(Absl(machine_code)));
  if (!field.empty()) status.SetPayload(Absl(kErrorFieldPayload), absl::Cord(Absl(field)));
  if (!message_en.empty()) status.SetPayload(Absl(kErrorEnglishPayload), absl::Cord(Absl(message_en)));
  return status;
}

absl::Status InvalidField(std::string_view machine_code, std::string_view field,
                          std::string_view message_zh, std::string_view message_en) {
  return MakeError(absl::StatusCode::kInvalidArgument, machine_code, field, message_zh,
                   message_en);
}

absl::Status NotFoundError(std::string_view machine_code, std::string_view message_zh,
                           std::string_view message_en) {
  return MakeError(absl::StatusCode::kNotFound, machine_code, {}, message_zh, message_en);
}

static std::string Payload(const absl::Status& status, std::string_view key) {
  auto payload = status.GetPayload(Absl(key));
  return payload ? std::string(*payload) : std::string();
}

std::string ErrorCode(const absl::Status& status) { return Payload(status, kErrorCodePayload); }
std::string ErrorField(const absl::Status& status) { return Payload(status, kErrorFieldPayload); }
std::string ErrorEnglish(const absl::Status& status) {
  return Payload(status, kErrorEnglishPayload);
}

namespace internal {
void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, condition);
  std::abort();
}
}  // namespace internal

}  // namespace zhida

// Error construction shared by the store's backends (internal to src/store).
#pragma once

#include <string_view>

#include "core/status.h"

namespace zhida::store {

// Debian 12's abseil has its own absl::string_view: convert explicitly.
inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A status for a failed statement: "<what_zh>：<detail>（SQL：<sql>）" with the English twin as
// payload. `detail` is the backend's message and `sql` the statement: both are for operators
// (logs); the HTTP layer shows clients only a text chosen by the status code.
absl::Status StatementError(absl::StatusCode code, std::string_view machine_code,
                            std::string_view what_zh, std::string_view what_en,
                            std::string_view detail, std::string_view sql);

// The status code, machine code and Chinese/English descriptions for a failed statement, shared
// so that both backends describe the same failure the same way.
struct ErrorKind {
  absl::StatusCode code;
  std::string_view machine_code;
  std::string_view what_zh;
  std::string_view what_en;
};
inline constexpr ErrorKind kUniqueViolation = {absl::StatusCode::kAlreadyExists, "store.unique",
                                               "记录已存在（唯一约束冲突）",
                                               "unique constraint violated"};
inline constexpr ErrorKind kConstraintViolation = {absl::StatusCode::kFailedPrecondition,
                                                   "store.constraint", "数据约束不满足",
                                                   "constraint violated"};
inline constexpr ErrorKind kConflict = {absl::StatusCode::kAborted, "store.conflict",
                                        "并发冲突，请重试", "concurrent transaction conflict"};
inline constexpr ErrorKind kUnavailable = {absl::StatusCode::kUnavailable, "store.unavailable",
                                           "数据库连接中断", "database connection lost"};
inline constexpr ErrorKind kDatabaseError = {absl::StatusCode::kInternal, "store.internal",
                                             "数据库错误", "database error"};

inline absl::Status StatementError(const ErrorKind& kind, std::string_view detail,
                                   std::string_view sql) {
  return StatementError(kind.code, kind.machine_code, kind.what_zh, kind.what_en, detail, sql);
}

}  // namespace zhida::store

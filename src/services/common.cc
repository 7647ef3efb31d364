#include "services/common.h"

namespace zhida::services {

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseTimeText(std::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, absl::string_view(text.data(), text.size()), &t,
                       &err)) {
    return InvalidField("time.syntax", "", "时间格式应为 RFC 3339：" + std::string(text),
                        "time must be RFC 3339: " + std::string(text));
  }
  return t;
}

absl::Status Audit(store::Tx& tx, absl::Time at, const Actor& actor, std::string_view action,
                   std::string_view object_type, std::string_view object_id,
                   const nlohmann::json& detail) {
  return tx
      .Exec("INSERT INTO audit_log (at, user_id, username, action, object_type, object_id, "
            "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {TimeText(at), actor.user_id == 0 ? store::Null() : store::Value(actor.user_id),
             actor.username, std::string(action), std::string(object_type),
             std::string(object_id), detail.dump()})
      .status();
}

absl::Status Forbidden(std::string_view what_zh, std::string_view what_en) {
  return MakeError(absl::StatusCode::kPermissionDenied, "auth.forbidden", "",
                   "无权操作：" + std::string(what_zh), "forbidden: " + std::string(what_en));
}

absl::Status NotLoggedIn() {
  return MakeError(absl::StatusCode::kUnauthenticated, "auth.required", "",
                   "请先登录", "please log in first");
}

}  // namespace zhida::services

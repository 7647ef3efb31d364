// Small pieces every service uses: time stamps at rest and the audit log.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "core/status.h"
#include "nlohmann/json.hpp"
#include "services/actor.h"
#include "store/store.h"

namespace zhida::services {

// RFC 3339 UTC with milliseconds, e.g. 2026-11-30T07:01:02.123Z: the form of every time at rest.
std::string TimeText(absl::Time t);
// Parses TimeText's form back; kInvalidArgument otherwise.
absl::StatusOr<absl::Time> ParseTimeText(std::string_view text);

// Appends one line to the audit log in `tx`, so that the change and its record commit together.
absl::Status Audit(store::Tx& tx, absl::Time at, const Actor& actor, std::string_view action,
                   std::string_view object_type, std::string_view object_id,
                   const nlohmann::json& detail = nlohmann::json::object());

// kPermissionDenied with a Chinese message naming what is missing.
absl::Status Forbidden(std::string_view what_zh, std::string_view what_en);
// kUnauthenticated: "请先登录".
absl::Status NotLoggedIn();

}  // namespace zhida::services

#include "http/api_util.h"

#include <charconv>

#include "core/log.h"
#include "http/api.h"
#include "http/server.h"
#include "services/common.h"

namespace zhida::http {

using nlohmann::json;

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kFailedPrecondition: return 409;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

static bool WantsEnglish(const Request& request) {
  auto lang = request.Header("Accept-Language");
  return lang && lang->size() >= 2 && ((*lang)[0] == 'e' || (*lang)[0] == 'E') &&
         ((*lang)[1] == 'n' || (*lang)[1] == 'N');
}

Response ErrorFor(const Request& request, const absl::Status& status) {
  int http_status = HttpStatusFor(status.code());
  std::string code = ErrorCode(status);
  std::string message(status.message());
  if (http_status >= 500) {
    // Operators read the detail in the log; clients get no internal text.
    core::Log(core::LogLevel::kError, "internal error",
              {{"request_id", request.request_id}, {"status", status.ToString()}});
    code = http_status == 503 ? "unavailable" : "internal";
    message = http_status == 503 ? "服务暂时不可用，请稍后重试" : "服务器内部错误，请稍后重试";
    if (WantsEnglish(request)) {
      message = http_status == 503 ? "service unavailable, please retry later"
                                   : "internal server error, please retry later";
    }
  } else {
    if (code.empty()) code = "error";
    std::string english = ErrorEnglish(status);
    if (WantsEnglish(request) && !english.empty()) message = english;
  }
  json error = {{"code", code}, {"message", message}, {"request_id", request.request_id}};
  std::string field = ErrorField(status);
  if (!field.empty()) error["field"] = field;
  return Json(http_status, json{{"error", error}});
}

Response Json(int status, const json& body) {
  return JsonResponse(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

absl::StatusOr<json> ParseBody(const Request& request) {
  auto type = request.Header("Content-Type");
  if (!type || type->find("application/json") == std::string_view::npos) {
    return MakeError(absl::StatusCode::kInvalidArgument, "request.content_type", "",
                     "请求体应为 JSON（Content-Type: application/json）",
                     "the body must be JSON (Content-Type: application/json)");
  }
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "request.json", "",
                     "请求体不是有效的 JSON", "the body is not valid JSON");
  }
  return body;
}

absl::StatusOr<int64_t> IntParam(std::string_view text, std::string_view field, int64_t fallback,
                                 int64_t max) {
  if (text.empty()) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
    return InvalidField("request.integer", field,
                        std::string(field) + " 应为 1 至 " + std::to_string(max) + " 的整数",
                        std::string(field) + " must be an integer from 1 to " +
                            std::to_string(max));
  }
  return value;
}

std::optional<services::Actor> OptionalActor(services::AccountService& accounts,
                                             const Request& request) {
  std::string token = request.Cookie(kSessionCookie);
  if (token.empty()) return std::nullopt;
  auto actor = accounts.Authenticate(token);
  if (!actor.ok()) return std::nullopt;
  return *actor;
}

absl::StatusOr<services::Actor> RequireActor(services::AccountService& accounts,
                                             const Request& request) {
  std::string token = request.Cookie(kSessionCookie);
  if (token.empty()) return services::NotLoggedIn();
  return accounts.Authenticate(token);
}

void TagUser(Response* response, const std::optional<services::Actor>& actor) {
  if (actor) response->headers.emplace_back(std::string(kUserLogHeader), actor->username);
}

}  // namespace zhida::http

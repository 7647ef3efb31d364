#include "http/message.h"

#include <nlohmann/json.hpp>

#include "http/url.h"

namespace zhida::http {
namespace {

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view Request::QueryParam(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return {};
}

std::string Request::Cookie(std::string_view name) const {
  // RFC 6265 §5.4: "a=1; b=2". Browsers send one Cookie header, but HTTP/2 proxies may split it,
  // so every Cookie header is searched in order.
  for (const auto& [key, value] : headers) {
    if (!EqualsIgnoreCase(key, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semicolon = rest.find(';');
      std::string_view pair = TrimSpaces(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || TrimSpaces(pair.substr(0, eq)) != name) continue;
      std::string_view cookie = TrimSpaces(pair.substr(eq + 1));
      if (cookie.size() >= 2 && cookie.front() == '"' && cookie.back() == '"') {
        cookie = cookie.substr(1, cookie.size() - 2);
      }
      return std::string(cookie);
    }
  }
  return {};
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view request_id) {
  nlohmann::ordered_json error;
  error["code"] = code;
  error["message"] = message;
  if (!request_id.empty()) error["request_id"] = request_id;
  nlohmann::ordered_json body;
  body["error"] = std::move(error);
  return JsonResponse(status,
                      body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

std::optional<Request> MakeRequest(std::string method, std::string target, std::string body) {
  Request request;
  if (!ParseTarget(target, &request.path, &request.query)) return std::nullopt;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  return request;
}

}  // namespace zhida::http

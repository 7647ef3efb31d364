// The HTTP request and response as our handlers see them: plain structs, no HTTP library types,
// so that handlers, the router and their tests compile without Boost (only server.cc knows
// Boost.Beast).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhida::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request as received. The server fills every field; tests may build one with MakeRequest().
struct Request {
  std::string method;  // as sent, e.g. "GET"; HTTP methods are case-sensitive
  std::string target;  // raw request-target, e.g. "/api/v1/policies?q=%E7%A8%8E"
  std::string path;    // target's path, percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space), in order
  HeaderList headers;  // names as sent; repeated headers appear repeatedly
  std::string body;
  std::string remote_addr;  // peer IP address, e.g. "127.0.0.1"
  std::string request_id;   // echoed in X-Request-Id (see server.h)

  // The value of the first header named `name` (ASCII case-insensitive), or nullopt. The view
  // points into `headers`.
  std::optional<std::string_view> Header(std::string_view name) const;

  // The value of the first query parameter `name`, "" when absent. The view points into `query`.
  std::string_view QueryParam(std::string_view name) const;

  // The value of cookie `name` from the Cookie header(s), "" when absent. Quotes around the value
  // are removed; no percent-decoding (cookie values are opaque to us).
  std::string Cookie(std::string_view name) const;
};

// A response to send. The server adds framing (Content-Length, Connection), X-Request-Id and the
// security headers; a header set here with the same name as a security header replaces it.
struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";  // empty: no Content-Type
  HeaderList headers;
  std::string body;
};

// A response with the given status and a JSON body (the caller guarantees it is JSON).
Response JsonResponse(int status, std::string body);

// The error shape every Zhida endpoint uses:
//   {"error":{"code":"not_found","message":"…","request_id":"…"}}
// `message` is the text a user reads (Chinese); "request_id" is omitted when empty.
Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view request_id = {});

// Builds a request from a method and a raw target, filling path and query as the server does.
// Returns nullopt when the target is malformed (see url.h). For tests and in-process callers.
std::optional<Request> MakeRequest(std::string method, std::string target, std::string body = {});

// ASCII case-insensitive equality, as header names compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace zhida::http

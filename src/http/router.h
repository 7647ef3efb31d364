// Our own small router: method + path pattern → handler.
//
// Patterns are absolute paths whose segments are literals or parameters in braces:
//   "/api/v1/policies/{id}/versions/{version}"
// Matching rules (decided here, relied on by the API and its OpenAPI description):
// - Segment by segment on the RAW target path, each segment percent-decoded on its own: an encoded
//   slash ("a%2Fb") stays inside its segment, so a parameter never spans two segments. Literal
//   segments compare to the decoded segment, exactly (case-sensitive).
// - A parameter matches any non-empty segment. Empty segments ("//") never match.
// - Trailing slash is strict: "/api/v1/policies/" does not match "/api/v1/policies" (404). API
//   clients are generated from the OpenAPI description and never add one; accepting both would give
//   every resource two URLs. The pattern "/" matches only "/".
// - When several patterns match, the most literal wins, compared segment by segment from the left:
//   "/policies/search" beats "/policies/{id}" for "/policies/search". Two routes with the same
//   method and the same shape are a programmer error (checked in Add).
// - HEAD is served by the GET route when no HEAD route exists (the server drops the body).
// - A path that matches some route but not for this method gives 405 with an Allow header.
//
// Thread-safety: Add() during setup only; Dispatch() and Find() are const and may run concurrently.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace zhida::http {

// Decoded parameter values, in pattern order, e.g. {{"id", "42"}, {"version", "3"}}.
using PathParams = std::vector<std::pair<std::string, std::string>>;

// A route's handler. Called on a server worker thread; it may block (database).
using RouteHandler = std::function<Response(const Request&, const PathParams&)>;

// A registered route, for listing (the OpenAPI check compares these to the description).
struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string name;
};

// The value of parameter `name` in `params`, "" when absent.
std::string_view PathParam(const PathParams& params, std::string_view name);

class Router {
 public:
  // The outcome of Find().
  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed };
    Kind kind = Kind::kNotFound;
    const RouteHandler* handler = nullptr;  // kFound: owned by the router
    const RouteInfo* route = nullptr;       // kFound: owned by the router
    PathParams params;                      // kFound
    std::vector<std::string> allowed;       // kMethodNotAllowed: methods the path has, sorted
  };

  // Registers `handler` for `method` (upper case, e.g. "GET") and `pattern` (see above); `name`
  // is a free label for listings and logs. A malformed pattern (not starting with '/', an empty
  // or unclosed "{}", a brace inside a literal, a repeated parameter name) or a route with the
  // same method and shape as an existing one aborts: routes are fixed at compile time.
  void Add(std::string method, std::string pattern, RouteHandler handler, std::string name = "");

  // Finds the route for the request's method and target (the raw target's path; when `target`
  // is empty, `path` is used as the raw path, for hand-built requests).
  Match Find(const Request& request) const;

  // Calls the matching handler, or answers
  //   404 {"error":{"code":"not_found","message":"…"}} when no route has this path, or
  //   405 {"error":{"code":"method_not_allowed",…}} with "Allow: GET, HEAD" when routes have it
  //   for other methods only; a path segment with a malformed escape is 404.
  // Exceptions from handlers propagate (the server turns them into 500).
  Response Dispatch(const Request& request) const;

  // All routes in registration order.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // the literal, or the parameter name
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    RouteHandler handler;
  };

  // Matches `segments` (decoded) against `route`; fills `params` on success.
  static bool MatchRoute(const Route& route, const std::vector<std::string>& segments,
                         PathParams* params);
  // True when `a` is more specific than `b` (the leftmost differing segment is a literal in `a`).
  static bool MoreSpecific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace zhida::http

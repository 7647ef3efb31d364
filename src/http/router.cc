#include "http/router.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/status.h"
#include "http/url.h"

namespace zhida::http {
namespace {

// Splits a path "/a/b" into {"a", "b"}; "/" gives {""} and "/a/" gives {"a", ""}, so that a
// trailing slash is an empty segment (which never matches: see router.h).
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// Decodes each raw segment; nullopt when one has a malformed escape.
std::optional<std::vector<std::string>> DecodeSegments(std::string_view raw_path) {
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(raw_path)) {
    std::optional<std::string> decoded = PercentDecode(raw);
    if (!decoded) return std::nullopt;
    segments.push_back(std::move(*decoded));
  }
  return segments;
}

std::string JoinAllow(const std::vector<std::string>& methods) {
  std::string allow;
  for (const std::string& method : methods) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  return allow;
}

}  // namespace

std::string_view PathParam(const PathParams& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

void Router::Add(std::string method, std::string pattern, RouteHandler handler, std::string name) {
  ZCHECK(!method.empty());
  ZCHECK(!pattern.empty() && pattern.front() == '/');
  ZCHECK(handler != nullptr);
  Route route;
  std::set<std::string> param_names;
  // The root pattern "/" is the single empty segment, like the path "/".
  for (std::string_view part : SplitPath(pattern)) {
    Segment segment;
    if (!part.empty() && part.front() == '{') {
      ZCHECK(part.size() > 2 && part.back() == '}');
      segment.is_param = true;
      segment.text = std::string(part.substr(1, part.size() - 2));
      ZCHECK(segment.text.find_first_of("{}") == std::string::npos);
      ZCHECK(param_names.insert(segment.text).second);
    } else {
      ZCHECK(part.find_first_of("{}") == std::string_view::npos);
      ZCHECK(!part.empty() || pattern == "/");
      segment.text = std::string(part);
    }
    route.segments.push_back(std::move(segment));
  }
  for (const Route& existing : routes_) {
    if (existing.info.method != method || existing.segments.size() != route.segments.size()) {
      continue;
    }
    bool same_shape = true;
    for (size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const Segment& a = existing.segments[i];
      const Segment& b = route.segments[i];
      same_shape = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    ZCHECK(!same_shape);
  }
  route.info = RouteInfo{std::move(method), std::move(pattern), std::move(name)};
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

bool Router::MatchRoute(const Route& route, const std::vector<std::string>& segments,
                        PathParams* params) {
  if (route.segments.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (segment.is_param) {
      if (segments[i].empty()) return false;
      params->emplace_back(segment.text, segments[i]);
    } else if (segment.text != segments[i]) {
      return false;
    }
  }
  return true;
}

bool Router::MoreSpecific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
  }
  return false;
}

Router::Match Router::Find(const Request& request) const {
  Match match;
  std::string_view raw_path =
      request.target.empty() ? std::string_view(request.path) : TargetPath(request.target);
  std::optional<std::vector<std::string>> segments = DecodeSegments(raw_path);
  if (!segments || segments->empty()) return match;
  // A linear scan: an API has on the order of a hundred routes, and matching one is a few string
  // compares, small next to the database work of any handler. A trie would pay off past thousands.
  const Route* best = nullptr;
  const Route* best_get = nullptr;  // HEAD falls back to GET
  PathParams params;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!MatchRoute(route, *segments, &params)) continue;
    allowed.insert(route.info.method);
    if (route.info.method == "GET") allowed.insert("HEAD");
    const Route** slot = route.info.method == request.method                      ? &best
                         : request.method == "HEAD" && route.info.method == "GET" ? &best_get
                                                                                  : nullptr;
    if (slot != nullptr && (*slot == nullptr || MoreSpecific(route, **slot))) *slot = &route;
  }
  if (best == nullptr) best = best_get;
  if (best == nullptr) {
    if (!allowed.empty()) {
      match.kind = Match::Kind::kMethodNotAllowed;
      match.allowed.assign(allowed.begin(), allowed.end());
    }
    return match;
  }
  match.kind = Match::Kind::kFound;
  match.handler = &best->handler;
  match.route = &best->info;
  MatchRoute(*best, *segments, &match.params);
  return match;
}

Response Router::Dispatch(const Request& request) const {
  Match match = Find(request);
  switch (match.kind) {
    case Match::Kind::kFound:
      return (*match.handler)(request, match.params);
    case Match::Kind::kMethodNotAllowed: {
      Response response =
          ErrorResponse(405, "method_not_allowed", "不支持该请求方法", request.request_id);
      response.headers.emplace_back("Allow", JoinAllow(match.allowed));
      return response;
    }
    case Match::Kind::kNotFound:
      break;
  }
  return ErrorResponse(404, "not_found", "未找到请求的资源", request.request_id);
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> infos;
  infos.reserve(routes_.size());
  for (const Route& route : routes_) infos.push_back(route.info);
  return infos;
}

}  // namespace zhida::http

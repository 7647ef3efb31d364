#include "http/static_files.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <string_view>
#include <system_error>
#include <utility>

namespace zhida::http {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

// True when every segment of the decoded path is a plain name: no NUL or backslash (Windows-style
// separators mean nothing to us but are a classic bypass), no "." or ".." segment.
bool IsSafePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

bool HasDotFileSegment(std::string_view path) { return path.find("/.") != std::string_view::npos; }

std::string_view LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsUnder(const fs::path& root, const fs::path& file) {
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return root_end == root.end();
}

std::string ETagFor(uintmax_t size, fs::file_time_type mtime) {
  auto ticks = static_cast<long long>(mtime.time_since_epoch().count());
  // Built with append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
  std::string etag = "\"";
  etag.append(std::to_string(size)).append("-").append(std::to_string(ticks)).append("\"");
  return etag;
}

bool ETagMatches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  // A list of entity tags, possibly weak (W/"…"); weak comparison is right for a GET.
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    std::string_view tag = if_none_match.substr(
        pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

std::string ContentTypeForPath(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  std::string_view name = LastSegment(path);
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view extension = name.substr(dot);
    for (const auto& [ext, type] : kTypes) {
      if (extension == ext) return std::string(type);
    }
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string root) {
  std::error_code error;
  root_ = fs::absolute(fs::path(std::move(root)), error).lexically_normal();
}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  const std::string& path = request.path;
  if (IsApiPath(path)) return std::nullopt;
  if (!IsSafePath(path)) {
    return ErrorResponse(400, "bad_path", "请求路径无效", request.request_id);
  }
  if (HasDotFileSegment(path)) return std::nullopt;

  // Canonicalised per request, not once: the root may be created or re-pointed (a symlink to the
  // current build) after the server started. A few syscalls, small next to reading the file.
  std::error_code error;
  fs::path root = fs::weakly_canonical(root_, error);
  if (error) return std::nullopt;
  fs::path index = root / "index.html";
  if (path != "/") {
    fs::path file = fs::weakly_canonical(root / fs::path(path.substr(1)), error);
    // Outside the root (a symlink pointing away, or "//etc/x", which std::filesystem joins as an
    // absolute path): refuse as if it did not exist.
    if (error || !IsUnder(root, file)) return std::nullopt;
    if (fs::is_regular_file(file, error)) return ServeFile(request, file, file == index);
    // SPA fallback only for extension-less paths; a missing asset stays missing.
    if (LastSegment(path).find('.') != std::string_view::npos) return std::nullopt;
  }
  if (!fs::is_regular_file(index, error)) return std::nullopt;
  return ServeFile(request, index, true);
}

std::optional<Response> StaticFiles::ServeFile(const Request& request, const fs::path& file,
                                               bool is_index) const {
  std::error_code error;
  uintmax_t size = fs::file_size(file, error);
  if (error || size > kMaxFileBytes) return std::nullopt;
  fs::file_time_type mtime = fs::last_write_time(file, error);
  if (error) return std::nullopt;

  Response response;
  response.content_type = ContentTypeForPath(file.filename().string());
  bool immutable = !is_index && request.path.starts_with("/assets/");
  response.headers.emplace_back("Cache-Control", immutable ? kImmutable : kNoCache);
  std::string etag = ETagFor(size, mtime);
  response.headers.emplace_back("ETag", etag);
  if (std::optional<std::string_view> if_none_match = request.Header("If-None-Match");
      if_none_match && ETagMatches(*if_none_match, etag)) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return response;
}

}  // namespace zhida::http

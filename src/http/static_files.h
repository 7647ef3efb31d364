// Serves the web UI: the static files Vite builds into web/dist.
//
// - GET and HEAD only; paths under /api/ (and "/api" itself) are never served from here.
// - Content-Type by extension (html, js, mjs, css, svg, png, jpg/jpeg, ico, woff, woff2, json,
//   map, txt; anything else is application/octet-stream).
// - Caching: /assets/* carry content hashes in their names, so they are
//   "public, max-age=31536000, immutable" (a year, the longest value caches honour); everything
//   else — index.html first of all, which names the current hashes — is "no-cache" (revalidate
//   every time) with an ETag so revalidation costs a 304 and no body.
// - SPA fallback: a path whose last segment has no extension and that names no file is answered
//   with index.html, so that the Vue router's history-mode URLs (/policies/42) survive a reload.
//   A missing file WITH an extension (/assets/gone.js) is not found, not index.html.
// - Safety: a decoded path with NUL, backslash or a "." / ".." segment is rejected with 400
//   before the file system is touched (so "%2e%2e" is caught too: Request::path is decoded); the
//   resolved file must still lie under the canonical root (weakly_canonical, so symlinks that
//   leave the root are refused too). Dot-files (".env") are never served.
//
// Files are read per request: the bundle is small and the page cache keeps it in memory.
// Thread-safe: Serve() is const and touches no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "http/message.h"

namespace zhida::http {

class StaticFiles {
 public:
  // Serves files under `root` (made absolute here; symlinks in it are resolved per request). The
  // root need not exist yet (the UI may be built after the server starts); Serve() then finds
  // nothing.
  explicit StaticFiles(std::string root);

  // The response for `request`: 200 with the file (the body is filled for HEAD too: the server
  // drops it), 304 when If-None-Match matches, 400 for a path that tries to escape the root.
  // Returns nullopt when this request is not ours or names no file, so the caller answers 404.
  std::optional<Response> Serve(const Request& request) const;

  // Why: a Vite chunk is well under 5 MiB; a file this large under web/dist is a mistake, and
  // reading it per request would hold that much memory per concurrent request.
  static constexpr uintmax_t kMaxFileBytes = 64 * 1024 * 1024;

 private:
  // The response for an existing regular file at `file` (already checked to be under root_).
  std::optional<Response> ServeFile(const Request& request, const std::filesystem::path& file,
                                    bool is_index) const;

  std::filesystem::path root_;
};

// The Content-Type for a file name by its extension.
std::string ContentTypeForPath(std::string_view path);

}  // namespace zhida::http

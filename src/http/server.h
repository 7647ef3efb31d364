// The HTTP/1.1 server: the only code that knows the HTTP library (Boost.Beast, in server.cc).
//
// Threads: one io_context run by `io_threads` threads does all socket work (accept, parse,
// write), each connection on its own strand. Handlers run on a separate pool of `threads`
// workers, because they block on the database; the response is posted back to the connection's
// strand. A connection handles one request at a time (pipelined requests wait in its buffer).
//
// Every response gets:
// - X-Request-Id: the request's X-Request-Id when sane (1–64 chars of [A-Za-z0-9_-]), otherwise
//   a fresh 32-hex-digit id. Handlers see it as Request::request_id.
// - Security headers: X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
//   Referrer-Policy: same-origin, and a Content-Security-Policy for the Vite-built Vue app served
//   from this origin (default-src 'self'; img-src 'self' data:; font-src 'self' data: — Vant's
//   icon font is inlined as a data: URL; style-src 'self' 'unsafe-inline' — Element Plus sets
//   inline styles). A handler header of the same name replaces the default.
// Errors the server answers itself, always as {"error":{"code","message","request_id"}} and then
// closing the connection: 400 (malformed request or target), 408 (request not complete within
// read_timeout_ms), 413 (body over the limit), 431 (header block over header_limit_bytes), 500 (the
// handler threw: the exception text goes to the log only, never to the client).
//
// Access log: one line per request through core/log.h ("msg":"request") with request_id, user,
// method, route (the decoded path), status, duration_ms (from the request's first byte to the
// response written) and bytes (response body). "user" comes from the response header
// X-Zhida-User, which a handler sets to the authenticated user's id; the server logs it and
// STRIPS it, so it never reaches the client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "http/message.h"

namespace zhida::http {

// Response header a handler sets to name the user for the access log; never sent.
inline constexpr std::string_view kUserLogHeader = "X-Zhida-User";

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IP address or a name resolved once at start
  uint16_t port = 8080;            // 0 = any free port (tests); see Server::port()
  // Handler workers. Why 4: handlers mostly wait on the database; 4 keeps a small machine busy
  // without more concurrent transactions than SQLite's single writer can use.
  int threads = 4;
  // Socket threads. Why 1: parsing and writing are microseconds per request; one thread saturates
  // far more than the handlers can serve. Raise it on many-core machines behind heavy traffic.
  int io_threads = 1;
  // Why 16 MiB: the largest JSON a client sends (a policy with its rules and guide, a batch of
  // facts) is well under 1 MiB; 16 MiB leaves room without letting one request pin much memory.
  // Uploads of application materials come later through their own routes with a larger limit:
  // see body_limit_by_prefix.
  size_t body_limit_bytes = 16u * 1024 * 1024;
  // Per-route hook: requests whose decoded path starts with a prefix get that limit instead
  // (the longest matching prefix wins), e.g. {{"/api/v1/materials/", 200u << 20}}.
  std::vector<std::pair<std::string, size_t>> body_limit_by_prefix;
  // Why 16 KiB: a session cookie, a bearer token and a proxy's forwarding headers fit in a few
  // KiB; nginx's default large buffer is 8 KiB. Twice that bounds per-connection memory.
  size_t header_limit_bytes = 16u * 1024;
  // Time to receive one whole request once its first byte arrived (and for a new connection's
  // first request); also the time allowed to write a response. Why 30 s: a 16 MiB body over a
  // slow 5 Mbit/s link takes ~27 s.
  int read_timeout_ms = 30000;
  // A keep-alive connection with no new request for this long is closed. Why 60 s: browsers keep
  // idle connections ~60–300 s; 60 s serves a user's next click without hoarding sockets.
  int idle_timeout_ms = 60000;
  // Stop(): time in-flight requests get to finish before connections are closed. Why 10 s:
  // under the 30 s systemd/Kubernetes default stop timeout, with margin for the rest of shutdown.
  int shutdown_grace_ms = 10000;
  // Why 1000: the default soft limit on open files is 1024; past it accept() would fail anyway.
  // Connections over the limit are closed at once.
  int max_connections = 1000;
};

// Called on a worker thread for every well-formed request; may block; may throw (→ 500).
using Handler = std::function<Response(Request&)>;

class Server {
 public:
  // Binds host:port, starts the io and worker threads and begins accepting. Errors: the address
  // does not resolve or cannot be bound (in use, no permission) → kUnavailable; invalid options
  // (threads < 1, …) → kInvalidArgument.
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options, Handler handler);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Stops (as Stop()) and waits (as Wait()).
  ~Server();

  // The bound port (the real one when options.port was 0).
  uint16_t port() const;

  // Begins a graceful stop and returns at once; safe from any thread (a handler, a signal
  // callback), any number of times. It stops accepting, closes idle keep-alive connections, lets
  // requests already received finish (their responses carry Connection: close) for up to
  // shutdown_grace_ms, then closes whatever is left.
  void Stop();

  // Blocks until the server has stopped: all connections closed, all threads joined. Handlers
  // still running after the grace period are waited for (a thread cannot be killed): handlers
  // bound their own work, e.g. with statement timeouts. Must not be called from a handler or an
  // io thread.
  void Wait();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  friend void InstallStopSignals(Server& server);

  std::unique_ptr<Impl> impl_;
};

// Makes SIGTERM and SIGINT call server.Stop() (through asio::signal_set, so the work happens on
// an io thread, not in a signal handler). Lasts until the server stops.
void InstallStopSignals(Server& server);

}  // namespace zhida::http

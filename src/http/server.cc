// The one file that knows Boost.Beast and Boost.Asio (STYLE.md: "Only one file knows the HTTP
// library"). Everything outside sees http/message.h.
#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/status/status.h"
#include "core/log.h"
#include "core/status.h"
#include "http/url.h"

namespace zhida::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using core::Log;
using core::LogLevel;

// After an error response the connection is closed; the client may still be sending (a body we
// refused with 413). Closing a socket with unread input makes the kernel send RST, which can
// destroy our response in the client's buffers before it is read. So we shut down our side and
// read-and-discard for up to this long first (nginx's lingering_close does the same, 5 s). Why 2 s:
// enough for a client on a slow link to see our FIN and stop; short enough not to hold sockets.
constexpr int kLingerMs = 2000;

// Bytes read at once while waiting for a request's first bytes or while draining. Why 8 KiB: a
// typical header block fits, and Beast reads larger pieces itself once a request is underway.
constexpr size_t kReadChunkBytes = 8 * 1024;

// After a failed accept (e.g. EMFILE: out of file descriptors) retrying at once would spin.
constexpr int kAcceptRetryMs = 100;

// Why 64: long enough for a UUID, a W3C trace id or a proxy's id with a prefix; short and plain
// enough ([A-Za-z0-9_-]) that it cannot inject anything into headers or logs.
constexpr size_t kRequestIdMaxChars = 64;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Set in io and handler threads, so that Wait() can refuse to deadlock on itself.
thread_local bool t_in_server_thread = false;

// The security headers of server.h, set on every response.
constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
     "style-src 'self' 'unsafe-inline'"},
};

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kRequestIdMaxChars) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// 128 random bits as 32 hex digits: unique enough to find one request in years of logs.
std::string NewRequestId() {
  thread_local std::mt19937_64 random(std::random_device{}());
  char buffer[33];
  std::snprintf(buffer, sizeof(buffer), "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return buffer;
}

// A header name must be an RFC 9110 token and a value must not break the header block.
bool IsValidHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!token) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers the server owns: a handler cannot set them (message framing).
bool IsFramingHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection");
}

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

}  // namespace

class Session;

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        strand_(net::make_strand(ioc_)),
        acceptor_(strand_),
        accept_retry_timer_(strand_),
        grace_timer_(strand_),
        pool_(static_cast<size_t>(options_.threads)) {
    max_body_limit_bytes_ = options_.body_limit_bytes;
    for (const auto& [prefix, limit] : options_.body_limit_by_prefix) {
      max_body_limit_bytes_ = std::max(max_body_limit_bytes_, limit);
    }
  }

  ~Impl() {
    Stop();
    Wait();
  }

  // Resolves and binds the listening socket.
  absl::Status Listen();
  // Starts the io threads and the accept loop.
  void Run();
  void Stop();
  void Wait();
  void InstallSignals();

  uint16_t port() const { return port_; }
  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stop_requested_.load(); }
  size_t max_body_limit_bytes() const { return max_body_limit_bytes_; }
  net::thread_pool& pool() { return pool_; }

  // The body limit for a request to the decoded `path` (options: the longest prefix wins).
  size_t BodyLimitFor(std::string_view path) const;

  // Runs the handler, turning an exception into the 500 response (the text goes to the log).
  Response CallHandler(Request& request);

  // Called by ~Session, from any thread.
  void Unregister(uint64_t id);

 private:
  void DoAccept();
  void OnAccept(const beast::error_code& ec, tcp::socket socket);
  void BeginShutdown();    // on strand_
  void FinishIfDrained();  // on strand_

  const ServerOptions options_;
  const Handler handler_;
  size_t max_body_limit_bytes_ = 0;
  uint16_t port_ = 0;
  std::atomic<bool> stop_requested_{false};
  // Set when the io_context is stopped; from then on nothing may be posted to strand_ (it may be
  // destroyed before the io_context destroys the last sessions).
  std::atomic<bool> finished_{false};

  // Guards sessions_ and next_session_id_.
  std::mutex sessions_mutex_;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions_;
  uint64_t next_session_id_ = 0;

  // Guards signals_ (created by the caller's thread, cancelled on strand_).
  std::mutex signals_mutex_;

  // Guards the joining in Wait().
  std::mutex wait_mutex_;
  bool joined_ = false;

  // Declared after everything sessions touch in their destructors: the io_context destroys the
  // sessions it still holds when it is destroyed, and they unregister themselves.
  net::io_context ioc_;
  net::strand<net::io_context::executor_type> strand_;  // acceptor, signals, shutdown
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_timer_;
  net::steady_timer grace_timer_;
  std::unique_ptr<net::signal_set> signals_;
  net::thread_pool pool_;
  std::vector<std::thread> io_threads_;
};

// One connection: reads a request, hands it to the pool, writes the response, repeats while
// keep-alive. All its members are touched only on its strand (the stream's executor).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Server::Impl* server, tcp::socket socket, uint64_t id)
      : server_(server), id_(id), stream_(std::move(socket)), timer_(stream_.get_executor()) {
    beast::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_addr_ = remote.address().to_string();
  }

  ~Session() { server_->Unregister(id_); }

  // The strand every member runs on.
  net::any_io_executor executor() { return stream_.get_executor(); }

  void Start() { WaitForRequest(server_->options().read_timeout_ms); }

  // Closes the connection if it is waiting for a new request (Stop()).
  void CloseIfIdle() {
    if (state_ == State::kIdle) Close(/*linger=*/false);
  }

  // Closes the connection whatever it is doing (the grace period is over). Safe only when no
  // other thread runs this session's handlers: from its strand, or once the io threads are gone.
  void ForceClose() {
    state_ = State::kClosed;
    DisarmTimer();
    beast::error_code ec;
    stream_.socket().close(ec);
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosed };

  // Waits up to `timeout_ms` for the first bytes of the next request; closes silently if none
  // come (an idle keep-alive connection, or a browser's speculative connection).
  void WaitForRequest(int timeout_ms) {
    state_ = State::kIdle;
    if (server_->stopping()) return Close(/*linger=*/false);
    if (buffer_.size() > 0) return StartRequest();  // pipelined: already here
    ArmTimer(timeout_ms);
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                              if (self->state_ == State::kClosed) return;
                              self->DisarmTimer();
                              if (ec) return self->Close(/*linger=*/false);
                              self->buffer_.commit(bytes);
                              self->StartRequest();
                            });
  }

  void StartRequest() {
    state_ = State::kReading;
    started_ = Clock::now();
    log_method_.clear();
    log_path_.clear();
    request_id_.clear();
    version_ = 11;
    is_head_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options().header_limit_bytes));
    // The largest limit of any route, so that the header parses; OnHeader narrows it.
    parser_->body_limit(server_->max_body_limit_bytes());
    ArmTimer(server_->options().read_timeout_ms);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    log_method_ = std::string(header.method_string());
    version_ = header.version();
    is_head_ = header.method() == bhttp::verb::head;
    std::string_view id = header["X-Request-Id"];
    request_id_ = IsSaneRequestId(id) ? std::string(id) : NewRequestId();
    if (!ParseTarget(header.target(), &path_, &query_)) {
      log_path_ = std::string(TargetPath(header.target()));
      return WriteError(400, "bad_request", "请求地址格式错误");
    }
    log_path_ = path_;
    size_t limit = server_->BodyLimitFor(path_);
    if (auto length = parser_->content_length(); length && *length > limit) {
      return WriteError(413, "payload_too_large", "请求内容过大");
    }
    parser_->body_limit(limit);
    if (parser_->is_done()) return Dispatch();
    if (EqualsIgnoreCase(header[bhttp::field::expect], "100-continue")) {
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code ec, size_t) {
                                if (self->state_ == State::kClosed) return;
                                if (ec) return self->Close(/*linger=*/false);
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (self->state_ == State::kClosed) return;
                        if (ec) return self->OnReadError(ec);
                        self->Dispatch();
                      });
  }

  void OnReadError(const beast::error_code& ec) {
    DisarmTimer();
    if (timed_out_) return WriteError(408, "request_timeout", "请求超时");
    if (ec == bhttp::error::body_limit) {
      return WriteError(413, "payload_too_large", "请求内容过大");
    }
    if (ec == bhttp::error::header_limit) {
      return WriteError(431, "header_too_large", "请求头过大");
    }
    if (IsParseError(ec) && ec != bhttp::error::partial_message &&
        ec != bhttp::error::end_of_stream) {
      return WriteError(400, "bad_request", "请求格式错误");
    }
    Close(/*linger=*/false);  // the peer went away mid-request: nobody to answer
  }

  void Dispatch() {
    DisarmTimer();  // a handler may take long; the read timeout is for the client
    state_ = State::kHandling;
    bhttp::request<bhttp::string_body> message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    Request request;
    request.method = log_method_;
    request.target = std::string(message.target());
    request.path = std::move(path_);
    request.query = std::move(query_);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote_addr = remote_addr_;
    request.request_id = request_id_;
    net::post(server_->pool(), [self = shared_from_this(), request = std::move(request)]() mutable {
      t_in_server_thread = true;
      Response response = self->server_->CallHandler(request);
      net::any_io_executor executor = self->executor();
      net::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
        self->Write(std::move(response), /*close_after=*/false);
      });
    });
  }

  // Answers a request the server rejects itself, then closes: the rest of the stream cannot be
  // trusted to start at a request boundary.
  void WriteError(int status, std::string_view code, std::string_view message) {
    if (request_id_.empty()) request_id_ = NewRequestId();
    Write(ErrorResponse(status, code, message, request_id_), /*close_after=*/true);
  }

  void Write(Response response, bool close_after) {
    std::string user;
    if (state_ == State::kClosed) {  // force-closed during the handler: log it and stop
      ExtractUser(response, &user);
      LogAccess(response.status, user, 0);
      return;
    }
    state_ = State::kWriting;
    if (response.status < 200 || response.status > 599) {
      Log(LogLevel::kError, "handler returned an invalid status",
          {{"request_id", request_id_}, {"status", response.status}});
      response = ErrorResponse(500, "internal", "服务器内部错误，请稍后重试", request_id_);
    }
    bool keep_alive = keep_alive_ && !close_after && !server_->stopping();
    close_after_write_ = !keep_alive;
    linger_after_write_ = close_after;
    BuildResponse(std::move(response), keep_alive, &user);
    user_ = std::move(user);
    stream_.expires_after(std::chrono::milliseconds(server_->options().read_timeout_ms));
    bhttp::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  static void ExtractUser(const Response& response, std::string* user) {
    for (const auto& [name, value] : response.headers) {
      if (EqualsIgnoreCase(name, kUserLogHeader)) *user = value;
    }
  }

  void BuildResponse(Response response, bool keep_alive, std::string* user) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : kSecurityHeaders) response_.set(name, value);
    response_.set("X-Request-Id", request_id_);
    bool no_body = response.status == 204 || response.status == 304;
    if (!response.content_type.empty() && !no_body) {
      response_.set(bhttp::field::content_type, response.content_type);
    }
    std::vector<std::string_view> replaced;  // defaults a handler header has replaced
    for (const auto& [name, value] : response.headers) {
      if (EqualsIgnoreCase(name, kUserLogHeader)) {
        *user = value;  // logged, never sent
        continue;
      }
      if (IsFramingHeader(name)) continue;
      if (!IsValidHeader(name, value)) {
        Log(LogLevel::kError, "handler set an invalid header; dropped",
            {{"request_id", request_id_}, {"header", name}});
        continue;
      }
      auto is_name = [&](std::string_view other) { return EqualsIgnoreCase(other, name); };
      bool is_default = std::any_of(std::begin(kSecurityHeaders), std::end(kSecurityHeaders),
                                    [&](const auto& h) { return is_name(h.first); }) ||
                        is_name("X-Request-Id") || is_name("Content-Type");
      if (is_default && std::none_of(replaced.begin(), replaced.end(), is_name)) {
        response_.erase(name);
        replaced.push_back(name);
      }
      response_.insert(name, value);
    }
    response_.keep_alive(keep_alive);
    body_bytes_ = 0;
    if (!no_body) {
      // HEAD: the length GET would have, and no body (RFC 9110 §9.3.2).
      response_.content_length(response.body.size());
      if (!is_head_) {
        body_bytes_ = response.body.size();
        response_.body() = std::move(response.body);
      }
    }
    status_ = response.status;
  }

  void OnWrite(beast::error_code ec) {
    stream_.expires_never();
    LogAccess(status_, user_, ec ? 0 : body_bytes_);
    response_ = {};
    if (state_ == State::kClosed) return;
    if (ec) return Close(/*linger=*/false);
    if (close_after_write_) return Close(linger_after_write_);
    WaitForRequest(server_->options().idle_timeout_ms);
  }

  void LogAccess(int status, const std::string& user, size_t bytes) {
    auto duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
    Log(status >= 500 ? LogLevel::kWarn : LogLevel::kInfo, "request",
        {{"request_id", request_id_},
         {"user", user},
         {"method", log_method_},
         {"route", log_path_},
         {"status", status},
         {"duration_ms", duration_ms},
         {"bytes", bytes},
         {"remote_addr", remote_addr_}});
  }

  // With `linger`, shuts down our side and drains input for kLingerMs first (see kLingerMs).
  void Close(bool linger) {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    DisarmTimer();
    beast::error_code ec;
    if (!linger) {
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
      return;
    }
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    ArmTimer(kLingerMs);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) return self->Drain();
                              self->DisarmTimer();
                              beast::error_code ignored;
                              self->stream_.socket().close(ignored);
                            });
  }

  // On expiry, cancels the pending read (it completes with operation_aborted) and marks the
  // session timed out. A generation counter ignores an expiry that raced with a disarm.
  void ArmTimer(int timeout_ms) {
    timed_out_ = false;
    uint64_t generation = ++timer_generation_;
    timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->timer_generation_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void DisarmTimer() {
    ++timer_generation_;
    timer_.cancel();
  }

  Server::Impl* const server_;
  const uint64_t id_;
  beast::tcp_stream stream_;
  net::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  bool timed_out_ = false;
  State state_ = State::kIdle;
  std::string remote_addr_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::array<char, kReadChunkBytes> drain_buffer_;

  // The current request.
  Clock::time_point started_;
  std::string request_id_;
  std::string log_method_;
  std::string log_path_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> query_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool is_head_ = false;

  // The response being written (kept alive across async_write).
  bhttp::response<bhttp::string_body> response_;
  int status_ = 0;
  size_t body_bytes_ = 0;
  std::string user_;
  bool close_after_write_ = false;
  bool linger_after_write_ = false;
};

absl::Status Server::Impl::Listen() {
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return MakeError(absl::StatusCode::kUnavailable, "http.resolve", "host",
                     "无法解析监听地址 " + options_.host,
                     "cannot resolve " + options_.host + ": " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  auto fail = [&](std::string_view what) {
    std::string address = options_.host + ":" + std::to_string(options_.port);
    return MakeError(absl::StatusCode::kUnavailable, "http.bind", "port",
                     "无法监听 " + address + "：" + ec.message(),
                     std::string(what) + " " + address + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec)) return fail("open");
  // Lets a restarted server bind while old connections sit in TIME_WAIT.
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec)) return fail("setsockopt");
  if (acceptor_.bind(endpoint, ec)) return fail("bind");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return fail("getsockname");
  return absl::OkStatus();
}

void Server::Impl::Run() {
  net::post(strand_, [this] { DoAccept(); });
  for (int i = 0; i < options_.io_threads; ++i) {
    io_threads_.emplace_back([this] {
      t_in_server_thread = true;
      while (true) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          Log(LogLevel::kError, "exception on an io thread", {{"error", e.what()}});
        }
      }
    });
  }
}

void Server::Impl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Server::Impl::OnAccept(const beast::error_code& ec, tcp::socket socket) {
  if (stopping() || !acceptor_.is_open()) return;
  if (ec) {
    Log(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
    accept_retry_timer_.expires_after(std::chrono::milliseconds(kAcceptRetryMs));
    accept_retry_timer_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopping()) DoAccept();
    });
    return;
  }
  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    if (sessions_.size() < static_cast<size_t>(options_.max_connections)) {
      uint64_t id = next_session_id_++;
      session = std::make_shared<Session>(this, std::move(socket), id);
      sessions_.emplace(id, session);
    }
  }
  if (session) {
    net::post(session->executor(), [session] { session->Start(); });
  } else {
    Log(LogLevel::kWarn, "connection refused: too many connections",
        {{"max_connections", options_.max_connections}});
    beast::error_code ignored;
    socket.close(ignored);
  }
  DoAccept();
}

size_t Server::Impl::BodyLimitFor(std::string_view path) const {
  size_t limit = options_.body_limit_bytes;
  size_t best_prefix = 0;
  for (const auto& [prefix, prefix_limit] : options_.body_limit_by_prefix) {
    if (path.starts_with(prefix) && prefix.size() >= best_prefix) {
      best_prefix = prefix.size();
      limit = prefix_limit;
    }
  }
  return limit;
}

Response Server::Impl::CallHandler(Request& request) {
  try {
    return handler_(request);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "handler threw",
        {{"request_id", request.request_id}, {"route", request.path}, {"error", e.what()}});
  } catch (...) {
    Log(LogLevel::kError, "handler threw",
        {{"request_id", request.request_id},
         {"route", request.path},
         {"error", "(not a std::exception)"}});
  }
  return ErrorResponse(500, "internal", "服务器内部错误，请稍后重试", request.request_id);
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(sessions_mutex_);
  sessions_.erase(id);
  if (sessions_.empty() && stopping() && !finished_.load()) {
    net::post(strand_, [this] { FinishIfDrained(); });
  }
}

void Server::Impl::Stop() {
  if (stop_requested_.exchange(true)) return;
  net::post(strand_, [this] { BeginShutdown(); });
}

void Server::Impl::BeginShutdown() {
  Log(LogLevel::kInfo, "server stopping", {{"port", port_}});
  beast::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_timer_.cancel();
  {
    std::lock_guard<std::mutex> lock(signals_mutex_);
    if (signals_) signals_->cancel(ignored);
  }
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    for (const auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  for (auto& session : sessions) {
    net::post(session->executor(), [session] { session->CloseIfIdle(); });
  }
  sessions.clear();  // our references must not keep the set from draining
  grace_timer_.expires_after(std::chrono::milliseconds(options_.shutdown_grace_ms));
  grace_timer_.async_wait([this](beast::error_code ec) {
    if (ec || finished_.load()) return;
    // Connections still open are closed in Wait(), once no io thread can touch them.
    Log(LogLevel::kWarn, "shutdown grace period over; closing remaining connections");
    finished_.store(true);
    ioc_.stop();
  });
  FinishIfDrained();
}

void Server::Impl::FinishIfDrained() {
  if (finished_.load()) return;
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    if (!sessions_.empty()) return;
  }
  finished_.store(true);
  grace_timer_.cancel();
  ioc_.stop();
}

void Server::Impl::Wait() {
  ZCHECK(!t_in_server_thread);  // joining our own thread would deadlock
  std::lock_guard<std::mutex> lock(wait_mutex_);
  if (joined_) return;
  for (std::thread& thread : io_threads_) thread.join();
  // The io threads are gone: close what the grace period left, from here.
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard<std::mutex> sessions_lock(sessions_mutex_);
    for (const auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  for (auto& session : sessions) session->ForceClose();
  sessions.clear();
  pool_.join();  // handlers still running finish; their responses go nowhere
  {
    std::lock_guard<std::mutex> signals_lock(signals_mutex_);
    signals_.reset();
  }
  joined_ = true;
  if (!io_threads_.empty()) Log(LogLevel::kInfo, "server stopped", {{"port", port_}});
}

void Server::Impl::InstallSignals() {
  std::lock_guard<std::mutex> lock(signals_mutex_);
  if (signals_ || stopping()) return;
  signals_ = std::make_unique<net::signal_set>(strand_, SIGINT, SIGTERM);
  signals_->async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    Log(LogLevel::kInfo, "signal received; stopping", {{"signal", signal}});
    Stop();
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() = default;  // ~Impl stops and waits

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler) {
  auto invalid = [](std::string_view field, std::string_view message_en) {
    return MakeError(absl::StatusCode::kInvalidArgument, "http.options", field, "服务器参数无效",
                     message_en);
  };
  if (!handler) return invalid("handler", "handler is empty");
  if (options.threads < 1) return invalid("threads", "threads must be at least 1");
  if (options.io_threads < 1) return invalid("io_threads", "io_threads must be at least 1");
  if (options.max_connections < 1) return invalid("max_connections", "must be at least 1");
  if (options.read_timeout_ms < 1 || options.idle_timeout_ms < 1 || options.shutdown_grace_ms < 0) {
    return invalid("timeouts", "timeouts must be positive");
  }
  if (options.header_limit_bytes < 1 || options.header_limit_bytes > UINT32_MAX) {
    return invalid("header_limit_bytes", "header_limit_bytes must be in 1..2^32-1");
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  RETURN_IF_ERROR(impl->Listen());
  impl->Run();
  Log(LogLevel::kInfo, "server listening",
      {{"host", impl->options().host}, {"port", impl->port()}});
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

void Server::Wait() { impl_->Wait(); }

void InstallStopSignals(Server& server) { server.impl_->InstallSignals(); }

}  // namespace zhida::http

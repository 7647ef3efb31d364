// Tests the server over real sockets with a Beast client (a test may include Beast; only
// server.cc does in the product).
#include "http/server.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/log.h"

namespace zhida::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

using ClientResponse = bhttp::response<bhttp::string_body>;

// A blocking HTTP/1.1 client on one connection.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  // Sends a request and reads the response; the error (if any) is in *error.
  ClientResponse Send(bhttp::request<bhttp::string_body> request, beast::error_code* error) {
    request.version(11);
    if (request[bhttp::field::host].empty()) request.set(bhttp::field::host, "127.0.0.1");
    request.prepare_payload();
    bhttp::write(socket_, request, *error);
    ClientResponse response;
    if (*error) return response;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(request.method() == bhttp::verb::head);
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket_, buffer_, parser, *error);
    return parser.release();
  }

  ClientResponse Send(bhttp::verb method, std::string target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> request(method, target, 11);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    beast::error_code error;
    ClientResponse response = Send(std::move(request), &error);
    EXPECT_FALSE(error) << error.message();
    return response;
  }

  // Writes raw bytes and reads one response (the server may close after it).
  ClientResponse SendRaw(std::string_view bytes, beast::error_code* error) {
    net::write(socket_, net::buffer(bytes.data(), bytes.size()), *error);
    ClientResponse response;
    if (*error) return response;
    bhttp::response_parser<bhttp::string_body> parser;
    bhttp::read(socket_, buffer_, parser, *error);
    return parser.release();
  }

  void WriteRaw(std::string_view bytes) {
    net::write(socket_, net::buffer(bytes.data(), bytes.size()));
  }

  // True when the server has closed the connection (a read sees EOF or reset).
  bool ServerClosed() {
    char byte;
    beast::error_code error;
    socket_.read_some(net::buffer(&byte, 1), error);
    return error == net::error::eof || error == net::error::connection_reset;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// Collects log lines while alive.
class LogCapture {
 public:
  LogCapture() {
    core::SetLogSink([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { core::SetLogSink(nullptr); }
  // Lines whose "msg" is `msg`, parsed. Called after the server stopped or the line was written.
  std::vector<nlohmann::json> Lines(std::string_view msg) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<nlohmann::json> out;
    for (const std::string& line : lines_) {
      auto json = nlohmann::json::parse(line);
      if (json["msg"] == msg) out.push_back(json);
    }
    return out;
  }
  std::string All() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string all;
    for (const std::string& line : lines_) all += line + "\n";
    return all;
  }

 private:
  std::mutex mutex_;  // the sink runs under the log mutex; this guards reads from the test
  std::vector<std::string> lines_;
};

// The test handler: routes by path.
Response TestHandler(Request& request) {
  if (request.path == "/hello") {
    return JsonResponse(
        200, R"({"hello":"世界","q":")" + std::string(request.QueryParam("q")) + R"("})");
  }
  if (request.path == "/echo") {
    Response response;
    response.content_type = "text/plain; charset=utf-8";
    response.body = request.method + " " + request.body;
    return response;
  }
  if (request.path == "/throw") throw std::runtime_error("secret database password xyzzy");
  if (request.path == "/id") return JsonResponse(200, "\"" + request.request_id + "\"");
  if (request.path == "/user") {
    Response response = JsonResponse(200, "{}");
    response.headers.emplace_back(std::string(kUserLogHeader), "user-42");
    response.headers.emplace_back("X-Frame-Options", "SAMEORIGIN");
    response.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: evil=1");
    response.headers.emplace_back("Content-Length", "999");
    return response;
  }
  if (request.path == "/nocontent") {
    Response response;
    response.status = 204;
    return response;
  }
  return ErrorResponse(404, "not_found", "未找到", request.request_id);
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.io_threads = 1;
  options.body_limit_bytes = 1024;
  options.body_limit_by_prefix = {{"/upload/", 8 * 1024}};
  options.read_timeout_ms = 5000;
  options.shutdown_grace_ms = 5000;
  return options;
}

std::unique_ptr<Server> StartServer(ServerOptions options = TestOptions(),
                                    Handler handler = TestHandler) {
  auto server = Server::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

void ExpectSecurityHeaders(const ClientResponse& response) {
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(response["X-Frame-Options"], "DENY");
  EXPECT_EQ(response["Referrer-Policy"], "same-origin");
  EXPECT_EQ(response["Content-Security-Policy"],
            "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'");
}

TEST(ServerTest, GetReturnsHandlerResponseWithSecurityHeadersAndRequestId) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0);
  Client client(server->port());
  ClientResponse response = client.Send(bhttp::verb::get, "/hello?q=%E7%A8%8E");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), R"({"hello":"世界","q":"税"})");
  EXPECT_EQ(response[bhttp::field::content_type], "application/json; charset=utf-8");
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
  ExpectSecurityHeaders(response);
  EXPECT_THAT(std::string(response["X-Request-Id"]), MatchesRegex("[0-9a-f]{32}"));
}

TEST(ServerTest, ErrorResponsesCarrySecurityHeadersToo) {
  auto server = StartServer();
  Client client(server->port());
  ClientResponse response = client.Send(bhttp::verb::get, "/missing");
  EXPECT_EQ(response.result_int(), 404);
  ExpectSecurityHeaders(response);
}

TEST(ServerTest, PostBodyIsEchoed) {
  auto server = StartServer();
  Client client(server->port());
  std::string body = "申请材料 " + std::string(900, 'x');
  ClientResponse response = client.Send(bhttp::verb::post, "/echo", body);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "POST " + body);
  EXPECT_EQ(response[bhttp::field::content_type], "text/plain; charset=utf-8");
}

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  auto server = StartServer();
  Client client(server->port());
  ClientResponse first = client.Send(bhttp::verb::post, "/echo", "one");
  EXPECT_TRUE(first.keep_alive());
  ClientResponse second = client.Send(bhttp::verb::post, "/echo", "two");
  EXPECT_EQ(first.body(), "POST one");
  EXPECT_EQ(second.body(), "POST two");
}

TEST(ServerTest, ConnectionCloseIsHonoured) {
  auto server = StartServer();
  Client client(server->port());
  ClientResponse response = client.Send(bhttp::verb::get, "/hello", "", {{"Connection", "close"}});
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, BodyOverLimitIs413AndPrefixLimitAllowsMore) {
  auto server = StartServer();
  {
    Client client(server->port());
    ClientResponse response = client.Send(bhttp::verb::post, "/echo", std::string(2048, 'x'));
    EXPECT_EQ(response.result_int(), 413);
    auto body = nlohmann::json::parse(response.body());
    EXPECT_EQ(body["error"]["code"], "payload_too_large");
    EXPECT_EQ(body["error"]["request_id"], std::string(response["X-Request-Id"]));
    EXPECT_FALSE(response.keep_alive());
  }
  {
    Client client(server->port());
    ClientResponse response =
        client.Send(bhttp::verb::post, "/upload/file", std::string(4096, 'x'));
    EXPECT_EQ(response.result_int(), 404);  // past the limit check: our handler's 404
  }
  {
    // Chunked: no Content-Length to check up front, the parser stops at the limit.
    Client client(server->port());
    std::string chunked =
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "800\r\n" +
        std::string(2048, 'y') + "\r\n0\r\n\r\n";
    beast::error_code error;
    ClientResponse response = client.SendRaw(chunked, &error);
    ASSERT_FALSE(error) << error.message();
    EXPECT_EQ(response.result_int(), 413);
  }
}

TEST(ServerTest, ExpectContinueGetsInterimResponse) {
  auto server = StartServer();
  Client client(server->port());
  beast::error_code error;
  client.WriteRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  // The client parser reads the 100 first; we read it as a response, then send the body.
  ClientResponse interim = client.SendRaw("", &error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(interim.result_int(), 100);
  ClientResponse response = client.SendRaw("abc", &error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(response.body(), "POST abc");
}

TEST(ServerTest, ThrowingHandlerGives500WithoutExceptionText) {
  LogCapture logs;
  auto server = StartServer();
  Client client(server->port());
  ClientResponse response = client.Send(bhttp::verb::get, "/throw");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_THAT(response.body(), Not(HasSubstr("xyzzy")));
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["error"]["code"], "internal");
  EXPECT_EQ(body["error"]["message"], "服务器内部错误，请稍后重试");
  EXPECT_EQ(body["error"]["request_id"], std::string(response["X-Request-Id"]));
  ExpectSecurityHeaders(response);
  // The server still works, and the exception text went to the log.
  EXPECT_EQ(client.Send(bhttp::verb::get, "/hello").result_int(), 200);
  server->Stop();
  server->Wait();
  auto errors = logs.Lines("handler threw");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["error"], "secret database password xyzzy");
  EXPECT_EQ(errors[0]["level"], "error");
}

TEST(ServerTest, RequestIdIsEchoedWhenSaneAndReplacedOtherwise) {
  auto server = StartServer();
  Client client(server->port());
  ClientResponse echoed =
      client.Send(bhttp::verb::get, "/id", "", {{"X-Request-Id", "abc-DEF_123"}});
  EXPECT_EQ(echoed["X-Request-Id"], "abc-DEF_123");
  EXPECT_EQ(echoed.body(), "\"abc-DEF_123\"");  // the handler saw the same id
  for (std::string bad :
       {std::string(65, 'a'), std::string("has space"), std::string("a;b"), std::string("引号")}) {
    ClientResponse response = client.Send(bhttp::verb::get, "/id", "", {{"X-Request-Id", bad}});
    EXPECT_THAT(std::string(response["X-Request-Id"]), MatchesRegex("[0-9a-f]{32}")) << bad;
    EXPECT_EQ(response.body(), "\"" + std::string(response["X-Request-Id"]) + "\"");
  }
  ClientResponse a = client.Send(bhttp::verb::get, "/id");
  ClientResponse b = client.Send(bhttp::verb::get, "/id");
  EXPECT_NE(a["X-Request-Id"], b["X-Request-Id"]);
}

TEST(ServerTest, HeadHasGetsLengthAndNoBody) {
  auto server = StartServer();
  Client client(server->port());
  ClientResponse get = client.Send(bhttp::verb::get, "/hello");
  ClientResponse head = client.Send(bhttp::verb::head, "/hello");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[bhttp::field::content_length], std::to_string(get.body().size()));
  EXPECT_TRUE(head.body().empty());
  // The connection is still in sync: no stray body bytes were sent after the HEAD response.
  ClientResponse after = client.Send(bhttp::verb::get, "/hello");
  EXPECT_EQ(after.body(), get.body());
}

TEST(ServerTest, NoContentHasNoBodyOrLength) {
  auto server = StartServer();
  Client client(server->port());
  ClientResponse response = client.Send(bhttp::verb::get, "/nocontent");
  EXPECT_EQ(response.result_int(), 204);
  EXPECT_EQ(response.count(bhttp::field::content_length), 0u);
  EXPECT_EQ(client.Send(bhttp::verb::get, "/hello").result_int(), 200);
}

TEST(ServerTest, UserHeaderIsLoggedAndStrippedAndBadHeadersDropped) {
  LogCapture logs;
  auto server = StartServer();
  {
    Client client(server->port());
    ClientResponse response =
        client.Send(bhttp::verb::get, "/user", "", {{"X-Request-Id", "req-user-1"}});
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.count(std::string(kUserLogHeader)), 0u);
    EXPECT_EQ(response["X-Frame-Options"], "SAMEORIGIN");  // a handler may override a default
    EXPECT_EQ(response.count("X-Frame-Options"), 1u);
    EXPECT_EQ(response.count("X-Bad"), 0u);
    EXPECT_EQ(response.count(bhttp::field::set_cookie), 0u);
    EXPECT_EQ(response[bhttp::field::content_length], "2");  // ours, not the handler's 999
  }
  server->Stop();
  server->Wait();
  std::vector<nlohmann::json> access = logs.Lines("request");
  ASSERT_EQ(access.size(), 1u) << logs.All();
  const nlohmann::json& line = access[0];
  EXPECT_EQ(line["level"], "info");
  EXPECT_THAT(line["time"].get<std::string>(),
              MatchesRegex(R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z)"));
  EXPECT_EQ(line["request_id"], "req-user-1");
  EXPECT_EQ(line["user"], "user-42");
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["route"], "/user");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["bytes"], 2);
  EXPECT_GE(line["duration_ms"].get<int64_t>(), 0);
  EXPECT_EQ(line["remote_addr"], "127.0.0.1");
}

TEST(ServerTest, MalformedRequestsGet400) {
  auto server = StartServer();
  {
    Client client(server->port());
    beast::error_code error;
    ClientResponse response = client.SendRaw("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", &error);
    ASSERT_FALSE(error) << error.message();
    EXPECT_EQ(response.result_int(), 400);
    EXPECT_EQ(nlohmann::json::parse(response.body())["error"]["code"], "bad_request");
    ExpectSecurityHeaders(response);
  }
  {
    Client client(server->port());
    beast::error_code error;
    ClientResponse response = client.SendRaw("NOT HTTP AT ALL\r\n\r\n", &error);
    ASSERT_FALSE(error) << error.message();
    EXPECT_EQ(response.result_int(), 400);
    EXPECT_TRUE(client.ServerClosed());
  }
}

TEST(ServerTest, OversizedHeadersGet431) {
  auto server = StartServer();
  Client client(server->port());
  beast::error_code error;
  std::string request =
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  ClientResponse response = client.SendRaw(request, &error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(response.result_int(), 431);
}

TEST(ServerTest, IncompleteRequestTimesOutWith408) {
  ServerOptions options = TestOptions();
  options.read_timeout_ms = 200;
  auto server = StartServer(options);
  Client client(server->port());
  beast::error_code error;
  auto started = std::chrono::steady_clock::now();
  ClientResponse response = client.SendRaw("GET /hello HTTP/1.1\r\nHost: x\r\n", &error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(response.result_int(), 408);
  EXPECT_EQ(nlohmann::json::parse(response.body())["error"]["code"], "request_timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options = TestOptions();
  options.idle_timeout_ms = 200;
  auto server = StartServer(options);
  Client client(server->port());
  EXPECT_EQ(client.Send(bhttp::verb::get, "/hello").result_int(), 200);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ServerClosed());  // no 408 for an idle connection: just closed
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(ServerTest, StopLetsInFlightRequestFinish) {
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  Handler slow = [&](Request& request) {
    if (request.path == "/slow") {
      entered.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      finished = true;
      return JsonResponse(200, R"({"slow":true})");
    }
    return TestHandler(request);
  };
  auto server = StartServer(TestOptions(), slow);
  uint16_t port = server->port();
  Client idle(port);  // an idle keep-alive connection: closed at Stop without waiting
  EXPECT_EQ(idle.Send(bhttp::verb::get, "/hello").result_int(), 200);
  auto response = std::async(std::launch::async, [port] {
    Client client(port);
    return client.Send(bhttp::verb::get, "/slow");
  });
  entered.get_future().wait();
  auto stop_started = std::chrono::steady_clock::now();
  server->Stop();
  ClientResponse slow_response = response.get();
  EXPECT_EQ(slow_response.result_int(), 200);
  EXPECT_EQ(slow_response.body(), R"({"slow":true})");
  EXPECT_FALSE(slow_response.keep_alive());  // Connection: close while draining
  EXPECT_TRUE(finished);
  EXPECT_TRUE(idle.ServerClosed());
  server->Wait();
  // Drained well before the 5 s grace period.
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(4));
  net::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code error;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), error);
  EXPECT_TRUE(error);  // no longer listening
}

TEST(ServerTest, GracePeriodBoundsStop) {
  std::promise<void> entered;
  Handler stuck = [&](Request&) {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return JsonResponse(200, "{}");
  };
  ServerOptions options = TestOptions();
  options.shutdown_grace_ms = 200;
  auto server = StartServer(options, stuck);
  Client client(server->port());
  std::thread request([&] {
    beast::error_code error;
    bhttp::request<bhttp::string_body> message(bhttp::verb::get, "/stuck", 11);
    client.Send(std::move(message), &error);
  });
  entered.get_future().wait();
  auto stop_started = std::chrono::steady_clock::now();
  server->Stop();
  server->Wait();  // waits for the handler thread (1.5 s), but the connection closed at 200 ms
  request.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(3));
}

TEST(ServerTest, StopSignalStopsTheServer) {
  auto server = StartServer();
  InstallStopSignals(*server);
  std::raise(SIGTERM);
  auto waited = std::async(std::launch::async, [&] { server->Wait(); });
  EXPECT_EQ(waited.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(ServerTest, StartFailsOnPortInUseAndBadOptions) {
  auto first = StartServer();
  ServerOptions options = TestOptions();
  options.port = first->port();
  auto second = Server::Start(options, TestHandler);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  options.port = 0;
  options.threads = 0;
  EXPECT_EQ(Server::Start(options, TestHandler).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.threads = 1;
  options.host = "no-such-host.invalid";
  EXPECT_EQ(Server::Start(options, TestHandler).status().code(), absl::StatusCode::kUnavailable);
}

TEST(ServerTest, ConnectionsOverTheLimitAreClosed) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  auto server = StartServer(options);
  Client first(server->port());
  EXPECT_EQ(first.Send(bhttp::verb::get, "/hello").result_int(), 200);  // now registered
  Client second(server->port());
  EXPECT_TRUE(second.ServerClosed());
  EXPECT_EQ(first.Send(bhttp::verb::get, "/hello").result_int(), 200);
}

TEST(ServerTest, ManyConcurrentClients) {
  auto server = StartServer();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client client(server->port());
      for (int i = 0; i < 25; ++i) {
        std::string body = std::to_string(t) + ":" + std::to_string(i);
        if (client.Send(bhttp::verb::post, "/echo", body).body() == "POST " + body) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace zhida::http

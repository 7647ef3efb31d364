#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace zhida::http {
namespace {

namespace fs = std::filesystem;

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

// A temporary web/dist: index.html, a hashed asset, a favicon, a secret next to the root.
class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    base_ = fs::temp_directory_path() / ("zhida_static_" + std::to_string(std::random_device{}()));
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets");
    Write(root_ / "index.html", "<!doctype html><div id=app></div>");
    Write(root_ / "assets" / "index-3f2a.js", "console.log(1)");
    Write(root_ / "assets" / "index-3f2a.css", "body{}");
    Write(root_ / "assets" / "logo.svg", "<svg/>");
    Write(root_ / "favicon.ico", "ico");
    Write(root_ / "fonts.woff2", "w2");
    Write(root_ / ".env", "SECRET=1");
    Write(base_ / "secret.txt", "top secret");
    fs::create_directory_symlink(base_, root_ / "escape");
  }
  ~StaticFilesTest() override {
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }

  static void Write(const fs::path& path, std::string_view content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  std::optional<Response> Get(std::string target, std::string method = "GET") {
    std::optional<Request> request = MakeRequest(std::move(method), std::move(target));
    EXPECT_TRUE(request.has_value());
    if (!request) return std::nullopt;
    return StaticFiles(root_.string()).Serve(*request);
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypes) {
  auto js = Get("/assets/index-3f2a.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/assets/index-3f2a.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/logo.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(Get("/favicon.ico")->content_type, "image/x-icon");
  EXPECT_EQ(Get("/fonts.woff2")->content_type, "font/woff2");
  auto index = Get("/");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index->body, "<!doctype html><div id=app></div>");
}

TEST_F(StaticFilesTest, ContentTypeTable) {
  EXPECT_EQ(ContentTypeForPath("a/b.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("x.map"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("x.png"), "image/png");
  EXPECT_EQ(ContentTypeForPath("x.jpg"), "image/jpeg");
  EXPECT_EQ(ContentTypeForPath("x.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("x.bin"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForPath("noext"), "application/octet-stream");
}

TEST_F(StaticFilesTest, CachingHeaders) {
  EXPECT_EQ(HeaderOf(*Get("/assets/index-3f2a.js"), "Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(*Get("/"), "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(*Get("/index.html"), "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(*Get("/favicon.ico"), "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(*Get("/policies/42"), "Cache-Control"), "no-cache");  // fallback index
}

TEST_F(StaticFilesTest, ETagRevalidationGives304) {
  auto first = Get("/");
  std::string etag = HeaderOf(*first, "ETag");
  ASSERT_FALSE(etag.empty());
  std::optional<Request> request = MakeRequest("GET", "/");
  request->headers.emplace_back("If-None-Match", "W/" + etag);
  auto again = StaticFiles(root_.string()).Serve(*request);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  request->headers.back().second = "\"other\"";
  EXPECT_EQ(StaticFiles(root_.string()).Serve(*request)->status, 200);
}

TEST_F(StaticFilesTest, SpaFallbackOnlyForExtensionlessNonApiPaths) {
  auto page = Get("/policies/42/edit");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<!doctype html><div id=app></div>");
  EXPECT_FALSE(Get("/assets/missing.js").has_value());  // a missing asset stays missing
  EXPECT_FALSE(Get("/api/v1/policies").has_value());    // the API is never the UI
  EXPECT_FALSE(Get("/api").has_value());
  EXPECT_FALSE(Get("/assets/index-3f2a.js", "POST").has_value());
  EXPECT_EQ(Get("/", "HEAD")->status, 200);
}

TEST_F(StaticFilesTest, NoIndexMeansNothingToServe) {
  fs::remove(root_ / "index.html");
  EXPECT_FALSE(Get("/").has_value());
  EXPECT_FALSE(Get("/policies/42").has_value());
  EXPECT_TRUE(Get("/favicon.ico").has_value());
}

TEST_F(StaticFilesTest, RootBuiltLaterAndRootBehindSymlinkWork) {
  fs::path later = base_ / "later";
  StaticFiles files(later.string());
  std::optional<Request> request = MakeRequest("GET", "/favicon.ico");
  EXPECT_FALSE(files.Serve(*request).has_value());
  fs::create_directory_symlink(root_, later);  // e.g. web/dist -> a fresh build
  auto response = files.Serve(*request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "ico");
}

TEST_F(StaticFilesTest, TraversalIsRejected) {
  // Each of these must neither serve the secret nor fall back to index.html.
  for (std::string target : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                             "/%2E%2E/%2e%2e/etc/passwd", "/..", "/assets/..%2f..%2fsecret.txt",
                             "/a%00b", "/..%5csecret.txt", "/./index.html", "/../etc/passwd"}) {
    SCOPED_TRACE(target);
    auto response = Get(target);
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(response->body.find("top secret"), std::string::npos);
  }
  // Escapes that are not ".." segments: an absolute path and a symlink out of the root. Not found.
  EXPECT_FALSE(Get("//etc/passwd").has_value());
  EXPECT_FALSE(Get("/escape/secret.txt").has_value());
  EXPECT_FALSE(Get("/.env").has_value());  // dot-files are never served
  EXPECT_FALSE(Get("/%2eenv").has_value());
}

}  // namespace
}  // namespace zhida::http

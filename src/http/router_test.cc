#include "http/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zhida::http {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// A handler that answers with its route's label and the parameters it received.
RouteHandler Echo(std::string label) {
  return [label](const Request&, const PathParams& params) {
    nlohmann::json body;
    body["route"] = label;
    body["params"] = nlohmann::json::object();
    for (const auto& [name, value] : params) body["params"][name] = value;
    return JsonResponse(200, body.dump());
  };
}

Request Req(std::string method, std::string target) {
  std::optional<Request> request = MakeRequest(std::move(method), std::move(target));
  EXPECT_TRUE(request.has_value());
  return request.value_or(Request{});
}

nlohmann::json Body(const Response& response) { return nlohmann::json::parse(response.body); }

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/", Echo("root"));
    router_.Add("GET", "/api/v1/policies", Echo("list"));
    router_.Add("POST", "/api/v1/policies", Echo("create"));
    router_.Add("GET", "/api/v1/policies/{id}", Echo("get"));
    router_.Add("GET", "/api/v1/policies/search", Echo("search"));
    router_.Add("DELETE", "/api/v1/policies/{id}", Echo("delete"));
    router_.Add("GET", "/api/v1/policies/{id}/versions/{version}", Echo("version"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoutes) {
  EXPECT_EQ(Body(router_.Dispatch(Req("GET", "/api/v1/policies")))["route"], "list");
  EXPECT_EQ(Body(router_.Dispatch(Req("POST", "/api/v1/policies")))["route"], "create");
  EXPECT_EQ(Body(router_.Dispatch(Req("GET", "/")))["route"], "root");
}

TEST_F(RouterTest, ExtractsParamsInOrder) {
  Router::Match match = router_.Find(Req("GET", "/api/v1/policies/p-7/versions/3?x=1"));
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(match.route->pattern, "/api/v1/policies/{id}/versions/{version}");
  EXPECT_THAT(match.params, ElementsAre(Pair("id", "p-7"), Pair("version", "3")));
  EXPECT_EQ(PathParam(match.params, "version"), "3");
  EXPECT_EQ(PathParam(match.params, "absent"), "");
}

TEST_F(RouterTest, ParamsArePercentDecodedAndEncodedSlashStaysInSegment) {
  auto body = Body(router_.Dispatch(Req("GET", "/api/v1/policies/%E7%A8%8E%2F1")));
  EXPECT_EQ(body["route"], "get");
  EXPECT_EQ(body["params"]["id"], "税/1");
  // The same id with a real slash is two segments: a different (absent) route.
  EXPECT_EQ(router_.Dispatch(Req("GET", "/api/v1/policies/税/1")).status, 404);
}

TEST_F(RouterTest, LiteralBeatsParam) {
  EXPECT_EQ(Body(router_.Dispatch(Req("GET", "/api/v1/policies/search")))["route"], "search");
  EXPECT_EQ(Body(router_.Dispatch(Req("GET", "/api/v1/policies/searc")))["route"], "get");
}

TEST_F(RouterTest, LiteralBeatsParamWhateverTheRegistrationOrder) {
  Router router;
  router.Add("GET", "/a/{x}/c", Echo("param-first"));
  router.Add("GET", "/a/b/{y}", Echo("literal-first"));
  EXPECT_EQ(Body(router.Dispatch(Req("GET", "/a/b/c")))["route"], "literal-first");
}

TEST_F(RouterTest, NotFoundIsJsonError) {
  Request request = Req("GET", "/api/v1/nothing");
  request.request_id = "rid-1";
  Response response = router_.Dispatch(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  auto body = Body(response);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(body["error"]["request_id"], "rid-1");
}

TEST_F(RouterTest, TrailingSlashAndEmptySegmentsDoNotMatch) {
  EXPECT_EQ(router_.Dispatch(Req("GET", "/api/v1/policies/")).status, 404);
  EXPECT_EQ(router_.Dispatch(Req("GET", "/api/v1//policies")).status, 404);
  EXPECT_EQ(router_.Dispatch(Req("GET", "/api/v1/policies//versions/1")).status, 404);
}

TEST_F(RouterTest, MalformedEscapeIsNotFound) {
  Request request;
  request.method = "GET";
  request.target = "/api/v1/policies/%zz";
  EXPECT_EQ(router_.Dispatch(request).status, 404);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response response = router_.Dispatch(Req("PUT", "/api/v1/policies/7"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(Body(response)["error"]["code"], "method_not_allowed");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "DELETE, GET, HEAD");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  EXPECT_EQ(Body(router_.Dispatch(Req("HEAD", "/api/v1/policies")))["route"], "list");
  Router router;
  router.Add("GET", "/x", Echo("get"));
  router.Add("HEAD", "/x", Echo("head"));
  EXPECT_EQ(Body(router.Dispatch(Req("HEAD", "/x")))["route"], "head");
}

TEST_F(RouterTest, HandBuiltRequestWithoutTargetUsesPath) {
  Request request;
  request.method = "GET";
  request.path = "/api/v1/policies/9";
  EXPECT_EQ(Body(router_.Dispatch(request))["params"]["id"], "9");
}

TEST_F(RouterTest, RoutesListsRegistrationOrder) {
  std::vector<RouteInfo> routes = router_.Routes();
  ASSERT_EQ(routes.size(), 7u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/");
  EXPECT_EQ(routes[6].pattern, "/api/v1/policies/{id}/versions/{version}");
}

TEST(RouterDeathTest, DuplicateShapeAndBadPatternsAbort) {
  auto handler = Echo("x");
  EXPECT_DEATH(
      {
        Router router;
        router.Add("GET", "/a/{id}", handler);
        router.Add("GET", "/a/{other}", handler);
      },
      "check failed");
  EXPECT_DEATH(
      {
        Router router;
        router.Add("GET", "a/b", handler);
      },
      "check failed");
  EXPECT_DEATH(
      {
        Router router;
        router.Add("GET", "/a/{id", handler);
      },
      "check failed");
  EXPECT_DEATH(
      {
        Router router;
        router.Add("GET", "/a/{id}/{id}", handler);
      },
      "check failed");
}

TEST(MessageTest, HeaderIsCaseInsensitiveAndCookieParses) {
  Request request;
  request.headers = {{"Content-Type", "text/plain"},
                     {"Cookie", "a=1; zhida_session=\"s3cr3t\"; b=2"},
                     {"cookie", "late=yes"}};
  EXPECT_EQ(request.Header("content-type").value_or(""), "text/plain");
  EXPECT_FALSE(request.Header("accept").has_value());
  EXPECT_EQ(request.Cookie("zhida_session"), "s3cr3t");
  EXPECT_EQ(request.Cookie("b"), "2");
  EXPECT_EQ(request.Cookie("late"), "yes");
  EXPECT_EQ(request.Cookie("missing"), "");
}

TEST(MessageTest, MakeRequestDecodesPathAndQuery) {
  std::optional<Request> request = MakeRequest("GET", "/a%20b/c?q=%E7%A8%8E+x&flag&&q=2");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->path, "/a b/c");
  EXPECT_THAT(request->query, ElementsAre(Pair("q", "税 x"), Pair("flag", ""), Pair("q", "2")));
  EXPECT_EQ(request->QueryParam("q"), "税 x");
  EXPECT_EQ(request->QueryParam("none"), "");
  EXPECT_FALSE(MakeRequest("GET", "/bad%2").has_value());
  EXPECT_FALSE(MakeRequest("GET", "/x?a=%g0").has_value());
  EXPECT_FALSE(MakeRequest("GET", "http://host/x").has_value());
}

TEST(MessageTest, ErrorResponseEscapesAndOmitsEmptyRequestId) {
  Response response = ErrorResponse(400, "bad", "引号\"");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["message"], "引号\"");
  EXPECT_FALSE(body["error"].contains("request_id"));
}

}  // namespace
}  // namespace zhida::http

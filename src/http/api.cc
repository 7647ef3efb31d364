#include "http/api.h"

#include <chrono>

#include "core/log.h"
#include "core/region.h"
#include "http/api_util.h"
#include "services/reference.h"
#include "services/rule_check.h"

namespace zhida::http {

using nlohmann::json;
using services::Actor;

App::App(store::Store& store, const core::Clock& clock, core::IdSource& ids,
         services::RuleValidator rules)
    : store(store),
      clock(clock),
      ids(ids),
      accounts(store, clock, ids),
      registry(store, clock),
      catalog(store, clock, std::move(rules)),
      matching(store, clock, registry, catalog),
      funds(store, clock),
      fund_requests(store, clock),
      treasury(services::TreasuryFromEnvironment()),
      disbursement(store, clock, treasury.get()),
      corrections(store, clock),
      reconciliation(store, clock),
      simulation(store, clock) {}

Api::Api(App& app, ApiOptions options)
    : app_(app), options_(std::move(options)), static_files_(options_.web_root) {
  AddRoutes();
  AddPolicyRoutes();
  AddMatchingRoutes();
  AddSimulationRoutes();
  AddFundsRoutes();
}

namespace {

json UserJson(const Actor& actor) {
  json roles = json::array();
  for (const services::RoleGrant& g : actor.roles) {
    roles.push_back({{"role", g.role},
                     {"role_label", std::string(services::RoleLabel(g.role))},
                     {"region", g.region},
                     {"dept", g.dept}});
  }
  return {{"id", actor.user_id},
          {"username", actor.username},
          {"display_name", actor.display_name},
          {"kind", actor.kind},
          {"roles", roles},
          {"enterprise", actor.enterprise_uscc ? json{{"uscc", *actor.enterprise_uscc}}
                                               : json(nullptr)}};
}

std::string SessionCookie(std::string_view token, int max_age_s, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + std::string(token) +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(max_age_s);
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace

void Api::AddRoutes() {
  router_.Add("GET", "/healthz", [this](const Request& req, const PathParams&) {
    auto version = app_.store.SchemaVersion();
    if (!version.ok()) return ErrorFor(req, absl::UnavailableError(version.status().ToString()));
    return Json(200, {{"status", "ok"}, {"schema_version", *version}});
  }, "health");
  router_.Add("GET", "/metrics", [this](const Request&, const PathParams&) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.Render();
    return r;
  }, "metrics");
  router_.Add("GET", "/api/v1/openapi.json", [](const Request&, const PathParams&) {
    return JsonResponse(200, std::string(OpenApiJson()));
  }, "openapi");

  router_.Add("POST", "/api/v1/auth/login", [this](const Request& req, const PathParams&) {
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorFor(req, body.status());
    if (!body->is_object() || !(*body)["username"].is_string() ||
        !(*body)["password"].is_string()) {
      return ErrorFor(req, InvalidField("request.fields", "username",
                                        "请填写用户名和密码", "username and password are required"));
    }
    auto login = app_.accounts.Login((*body)["username"].get<std::string>(),
                                     (*body)["password"].get<std::string>());
    if (!login.ok()) return ErrorFor(req, login.status());
    Response r = Json(200, {{"user", UserJson(login->actor)}});
    r.headers.emplace_back(
        "Set-Cookie",
        SessionCookie(login->token,
                      static_cast<int>(absl::ToInt64Seconds(
                          services::AccountService::kSessionAbsolute)),
                      options_.secure_cookies));
    TagUser(&r, login->actor);
    return r;
  }, "login");
  router_.Add("POST", "/api/v1/auth/logout", [this](const Request& req, const PathParams&) {
    absl::Status st = app_.accounts.Logout(req.Cookie(kSessionCookie));
    if (!st.ok()) return ErrorFor(req, st);
    Response r = Json(200, {{"ok", true}});
    r.headers.emplace_back("Set-Cookie", SessionCookie("", 0, options_.secure_cookies));
    return r;
  }, "logout");
  router_.Add("GET", "/api/v1/auth/me", [this](const Request& req, const PathParams&) {
    auto actor = RequireActor(app_.accounts, req);
    if (!actor.ok()) return ErrorFor(req, actor.status());
    Response r = Json(200, {{"user", UserJson(*actor)}});
    TagUser(&r, *actor);
    return r;
  }, "me");

  router_.Add("GET", "/api/v1/regions", [](const Request&, const PathParams&) {
    json out = json::array();
    for (const core::Region& r : core::AllRegions()) {
      out.push_back({{"code", r.code},
                     {"name", r.name},
                     {"level", r.level == core::RegionLevel::kCity ? "city" : "county"}});
    }
    return Json(200, out);
  }, "regions");
  router_.Add("GET", "/api/v1/departments", [this](const Request& req, const PathParams&) {
    std::string region(req.QueryParam("region"));
    if (!region.empty() && core::FindRegion(region) == nullptr) {
      return ErrorFor(req, InvalidField("query.region", "region", "不是泉州市的行政区划代码",
                                        "unknown region"));
    }
    std::vector<services::Department> departments;
    absl::Status st = app_.store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(departments, services::ListDepartments(tx, region));
      return absl::OkStatus();
    });
    if (!st.ok()) return ErrorFor(req, st);
    json out = json::array();
    for (const auto& d : departments) {
      out.push_back({{"code", d.code}, {"name", d.name}, {"region", d.region}, {"kind", d.kind},
                     {"review_kind", d.review_kind.empty() ? json(nullptr) : json(d.review_kind)}});
    }
    return Json(200, out);
  }, "departments");
  router_.Add("GET", "/api/v1/fields", [this](const Request& req, const PathParams&) {
    std::vector<services::FieldDef> fields;
    absl::Status st = app_.store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(fields, services::ListFields(tx));
      return absl::OkStatus();
    });
    if (!st.ok()) return ErrorFor(req, st);
    json out = json::array();
    for (const auto& f : fields) {
      out.push_back({{"code", f.code}, {"label", f.label}, {"type", f.type}, {"unit", f.unit},
                     {"source_dept_kind", f.source_kind}, {"description", f.description}});
    }
    return Json(200, out);
  }, "fields");

  router_.Add("POST", "/api/v1/rules/check", [this](const Request& req, const PathParams&) {
    auto actor = RequireActor(app_.accounts, req);
    if (!actor.ok()) return ErrorFor(req, actor.status());
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorFor(req, body.status());
    if (!body->is_object() || !(*body)["rule"].is_string()) {
      return ErrorFor(req, InvalidField("request.fields", "rule", "请填写规则文本 rule",
                                        "rule (a string) is required"));
    }
    std::string kind = (*body).value("kind", "eligibility");
    if (kind != "eligibility" && kind != "award") {
      return ErrorFor(req, InvalidField("request.fields", "kind",
                                        "kind 应为 eligibility（申报条件）或 award（奖补公式）",
                                        "kind must be eligibility or award"));
    }
    auto parameters = services::PolicyParametersFromJson(*body, "parameters");
    if (!parameters.ok()) return ErrorFor(req, parameters.status());
    // The schema is read per request: a field added to the schema is usable at once.
    auto checker = services::RuleChecker::Load(app_.store);
    if (!checker.ok()) return ErrorFor(req, checker.status());
    auto issues = (*checker)->CheckWithParameters((*body)["rule"].get<std::string>(),
                                                  kind == "award", *parameters);
    if (!issues.ok()) return ErrorFor(req, issues.status());
    json out = json::array();
    for (const services::RuleIssue& i : *issues) {
      out.push_back({{"line", i.line}, {"column", i.column}, {"code", i.code},
                     {"message", i.message_zh}, {"message_en", i.message_en}});
    }
    Response r = Json(200, {{"ok", issues->empty()}, {"issues", out}});
    TagUser(&r, *actor);
    return r;
  }, "rules.check");

  router_.Add("GET", "/api/v1/enterprises/{uscc}", [this](const Request& req,
                                                          const PathParams& params) {
    auto actor = RequireActor(app_.accounts, req);
    if (!actor.ok()) return ErrorFor(req, actor.status());
    auto view = app_.registry.Get(*actor, PathParam(params, "uscc"));
    if (!view.ok()) return ErrorFor(req, view.status());
    const services::Enterprise& e = view->enterprise;
    const core::Region* region = core::FindRegion(e.region);
    json facts = json::array();
    for (const services::FactValue& f : view->facts) {
      facts.push_back({{"field", f.field}, {"value", f.value}, {"source", f.source},
                       {"period", f.period}, {"as_of", f.as_of}});
    }
    Response r = Json(200, {{"uscc", e.uscc},
                            {"name", e.name},
                            {"region", e.region},
                            {"region_name", region ? std::string(region->name) : e.region},
                            {"industry", e.industry},
                            {"scale", e.scale},
                            {"established", e.established},
                            {"contact", {{"name", e.contact_name}, {"phone", e.contact_phone}}},
                            {"bank", {{"name", e.bank_name}, {"account", e.bank_account}}},
                            {"facts", facts}});
    TagUser(&r, *actor);
    return r;
  }, "enterprise");
}

Response Api::Handle(Request& request) {
  auto start = std::chrono::steady_clock::now();
  metrics_.InFlight(+1);
  Request routed = request;
  if (routed.method == "HEAD") routed.method = "GET";
  Router::Match match = router_.Find(routed);
  std::string route = match.route != nullptr ? match.route->pattern : "unmatched";
  Response response;
  bool api = request.path.rfind("/api/", 0) == 0 || match.route != nullptr;
  if (api) {
    try {
      response = router_.Dispatch(routed);
    } catch (const std::exception& e) {
      response = ErrorFor(request, absl::InternalError(e.what()));
    }
  } else if (auto file = static_files_.Serve(request)) {
    response = std::move(*file);
    route = "static";
  } else {
    response = ErrorResponse(404, "not_found", "页面不存在", request.request_id);
  }
  if (api) response.headers.emplace_back("Cache-Control", "no-store");
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.Record(request.method, route, response.status, seconds);
  metrics_.InFlight(-1);
  return response;
}

}  // namespace zhida::http

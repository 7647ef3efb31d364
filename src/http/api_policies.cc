// The catalog's routes: search, read, create, edit, publish, change status.
#include "core/region.h"
#include "http/api.h"
#include "http/api_util.h"
#include "services/reference.h"

namespace zhida::http {

using nlohmann::json;
using services::PolicyRecord;

namespace {

std::string RegionName(const std::string& code) {
  const core::Region* r = core::FindRegion(code);
  return r ? std::string(r->name) : code;
}

std::string DeptName(const std::string& code) {
  size_t dot = code.find('.');
  if (dot == std::string::npos) return code;
  return services::DepartmentName(code.substr(0, dot), code.substr(dot + 1));
}

json RangeJson(const services::DateRange& r) {
  return {{"from", r.from}, {"to", r.to.empty() ? json(nullptr) : json(r.to)}};
}

// The fields of a catalog list entry.
json SummaryJson(const PolicyRecord& p) {
  const services::PolicyBody& b = p.body;
  json basis = json::array();
  for (const auto& r : b.basis) basis.push_back({{"document", r.document}, {"article", r.article}});
  return {{"id", p.id},
          {"version", p.version},
          {"key", p.key.empty() ? json(nullptr) : json(p.key)},
          {"title", b.title},
          {"level", b.level},
          {"region", b.region},
          {"region_name", RegionName(b.region)},
          {"owner_dept", b.owner_dept},
          {"owner_dept_name", DeptName(b.owner_dept)},
          {"mode", b.mode},
          {"summary", b.summary},
          {"status", p.status},
          {"version_status", p.version_status},
          {"effective", RangeJson(b.effective)},
          {"window", b.window ? RangeJson(*b.window) : json(nullptr)},
          {"award_cap", b.award_cap ? json(b.award_cap->ToString()) : json(nullptr)},
          {"basis", basis},
          {"industries", b.industries},
          {"published_at", p.published_at.empty() ? json(nullptr) : json(p.published_at)}};
}

json FullJson(const PolicyRecord& p) {
  json out = SummaryJson(p);
  json body = services::PolicyBodyToJson(p.body);
  for (const char* key : {"beneficiaries", "eligibility", "award", "guide", "materials", "steps",
                          "accepting_dept", "contact", "fund_source", "parameters"}) {
    out[key] = body[key];
  }
  out["accepting_dept_name"] = DeptName(p.body.accepting_dept);
  json versions = json::array();
  for (const auto& v : p.versions) {
    versions.push_back({{"version", v.version},
                        {"status", v.status},
                        {"created_at", v.created_at},
                        {"published_at", v.published_at.empty() ? json(nullptr)
                                                                : json(v.published_at)}});
  }
  out["versions"] = versions;
  return out;
}

// The logged-in actor and the {id} of a policy route, or the error response to send.
struct ActorAndId {
  std::optional<services::Actor> actor;
  int64_t id = 0;
  std::optional<Response> error;
};

ActorAndId RequireActorAndId(services::AccountService& accounts, const Request& req,
                             const PathParams& params) {
  ActorAndId out;
  auto actor = RequireActor(accounts, req);
  if (!actor.ok()) {
    out.error = ErrorFor(req, actor.status());
    return out;
  }
  out.actor = *actor;
  auto id = IntParam(PathParam(params, "id"), "id", 0, INT64_MAX);
  if (!id.ok()) {
    out.error = ErrorFor(req, NotFoundError("policy.not_found", "政策不存在", "no such policy"));
    return out;
  }
  out.id = *id;
  return out;
}

// Answers with version `version` of policy `id` as `actor` sees it (the latest visible when
// nullopt).
Response PolicyResponse(services::CatalogService& catalog, const Request& req,
                        const services::Actor& actor, int64_t id, std::optional<int> version,
                        int status = 200) {
  auto record = catalog.Get(&actor, id, version);
  if (!record.ok()) return ErrorFor(req, record.status());
  Response r = Json(status, FullJson(*record));
  TagUser(&r, actor);
  return r;
}

}  // namespace

void Api::AddPolicyRoutes() {
  router_.Add("GET", "/api/v1/policies", [this](const Request& req, const PathParams&) {
    auto actor = OptionalActor(app_.accounts, req);
    services::PolicyQuery q;
    q.q = std::string(req.QueryParam("q"));
    q.region = std::string(req.QueryParam("region"));
    q.dept = std::string(req.QueryParam("dept"));
    q.mode = std::string(req.QueryParam("mode"));
    q.industry = std::string(req.QueryParam("industry"));
    q.status = std::string(req.QueryParam("status"));
    q.in_force_on = std::string(req.QueryParam("in_force_on"));
    q.sort = std::string(req.QueryParam("sort"));
    auto page = IntParam(req.QueryParam("page"), "page", 1, 10000);
    if (!page.ok()) return ErrorFor(req, page.status());
    auto size = IntParam(req.QueryParam("size"), "size", 20, services::PolicyQuery::kMaxSize);
    if (!size.ok()) return ErrorFor(req, size.status());
    q.page = static_cast<int>(*page);
    q.size = static_cast<int>(*size);
    auto result = app_.catalog.Search(actor ? &*actor : nullptr, q);
    if (!result.ok()) return ErrorFor(req, result.status());
    json items = json::array();
    for (const PolicyRecord& p : result->items) items.push_back(SummaryJson(p));
    Response r = Json(200, {{"items", items},
                            {"total", result->total},
                            {"page", result->page},
                            {"size", result->size}});
    TagUser(&r, actor);
    return r;
  }, "policies.search");

  auto get_policy = [this](const Request& req, const PathParams& params) {
    auto actor = OptionalActor(app_.accounts, req);
    auto id = IntParam(PathParam(params, "id"), "id", 0, INT64_MAX);
    if (!id.ok()) return ErrorFor(req, NotFoundError("policy.not_found", "政策不存在或尚未发布"));
    std::optional<int> version;
    std::string_view v = PathParam(params, "version");
    if (v.empty()) v = req.QueryParam("version");
    bool latest = v == "latest";
    if (!v.empty() && !latest) {
      auto n = IntParam(v, "version", 0, 1000000);
      if (!n.ok()) return ErrorFor(req, n.status());
      version = static_cast<int>(*n);
    }
    auto record = app_.catalog.Get(actor ? &*actor : nullptr, *id, version, latest);
    if (!record.ok()) return ErrorFor(req, record.status());
    Response r = Json(200, FullJson(*record));
    TagUser(&r, actor);
    return r;
  };
  router_.Add("GET", "/api/v1/policies/{id}", get_policy, "policies.get");
  router_.Add("GET", "/api/v1/policies/{id}/versions/{version}", get_policy,
              "policies.get_version");

  router_.Add("POST", "/api/v1/policies", [this](const Request& req, const PathParams&) {
    auto actor = RequireActor(app_.accounts, req);
    if (!actor.ok()) return ErrorFor(req, actor.status());
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorFor(req, body.status());
    auto policy = services::PolicyBodyFromJson(*body);
    if (!policy.ok()) return ErrorFor(req, policy.status());
    std::string key = body->is_object() && (*body)["key"].is_string()
                          ? (*body)["key"].get<std::string>()
                          : std::string();
    auto id = app_.catalog.Create(*actor, *policy, key);
    if (!id.ok()) return ErrorFor(req, id.status());
    Response r = PolicyResponse(app_.catalog, req, *actor, *id, 1, 201);
    r.headers.emplace_back("Location", "/api/v1/policies/" + std::to_string(*id));
    return r;
  }, "policies.create");

  router_.Add("PUT", "/api/v1/policies/{id}", [this](const Request& req,
                                                     const PathParams& params) {
    ActorAndId target = RequireActorAndId(app_.accounts, req, params);
    if (target.error) return *target.error;
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorFor(req, body.status());
    auto policy = services::PolicyBodyFromJson(*body);
    if (!policy.ok()) return ErrorFor(req, policy.status());
    auto version = app_.catalog.Update(*target.actor, target.id, *policy);
    if (!version.ok()) return ErrorFor(req, version.status());
    return PolicyResponse(app_.catalog, req, *target.actor, target.id, *version);
  }, "policies.update");

  router_.Add("POST", "/api/v1/policies/{id}/publish", [this](const Request& req,
                                                              const PathParams& params) {
    ActorAndId target = RequireActorAndId(app_.accounts, req, params);
    if (target.error) return *target.error;
    auto version = app_.catalog.Publish(*target.actor, target.id);
    if (!version.ok()) return ErrorFor(req, version.status());
    return PolicyResponse(app_.catalog, req, *target.actor, target.id, *version);
  }, "policies.publish");

  router_.Add("POST", "/api/v1/policies/{id}/status", [this](const Request& req,
                                                             const PathParams& params) {
    ActorAndId target = RequireActorAndId(app_.accounts, req, params);
    if (target.error) return *target.error;
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorFor(req, body.status());
    std::string status = body->is_object() && (*body)["status"].is_string()
                             ? (*body)["status"].get<std::string>()
                             : "";
    std::string reason = body->is_object() && (*body)["reason"].is_string()
                             ? (*body)["reason"].get<std::string>()
                             : "";
    absl::Status st = app_.catalog.SetStatus(*target.actor, target.id, status, reason);
    if (!st.ok()) return ErrorFor(req, st);
    return PolicyResponse(app_.catalog, req, *target.actor, target.id, std::nullopt);
  }, "policies.status");
}

}  // namespace zhida::http

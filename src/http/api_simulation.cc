// POST /api/v1/policies/{id}/simulate — 事前评估 (issue 3 §4): decode the request, call
// SimulationService::Simulate, encode the result. Money travels as strings ("12345.67").
#include "http/api.h"
#include "http/api_util.h"
#include "services/simulation.h"

namespace zhida::http {
namespace {

using nlohmann::json;

// Reads the optional members of a simulate body into `request`; the first bad one is an error
// naming it.
absl::Status DecodeSimulation(const json& body, services::SimulationRequest* request) {
  if (!body.is_object()) {
    return InvalidField("request.body", "", "请求体应为 JSON 对象", "the body must be an object");
  }
  auto text = [&](const char* key) -> absl::StatusOr<std::optional<std::string>> {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_string()) {
      return InvalidField("simulate.field", key, std::string(key) + " 应为字符串");
    }
    return body[key].get<std::string>();
  };
  auto integer = [&](const char* key, int64_t max) -> absl::StatusOr<std::optional<int64_t>> {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_number_integer() || body[key].get<int64_t>() < 1 ||
        body[key].get<int64_t>() > max) {
      return InvalidField("simulate.field", key, std::string(key) + " 应为正整数");
    }
    return body[key].get<int64_t>();
  };
  ASSIGN_OR_RETURN(request->eligibility, text("eligibility"));
  ASSIGN_OR_RETURN(request->award, text("award"));
  ASSIGN_OR_RETURN(std::optional<std::string> fund, text("fund"));
  request->fund = fund.value_or("");
  ASSIGN_OR_RETURN(std::optional<int64_t> version, integer("version", 1000000));
  if (version) request->version = static_cast<int>(*version);
  ASSIGN_OR_RETURN(std::optional<int64_t> compare, integer("compare_version", 1000000));
  if (compare) request->compare_version = static_cast<int>(*compare);
  ASSIGN_OR_RETURN(std::optional<int64_t> batch, integer("snapshot_batch_id", INT64_MAX));
  request->snapshot_batch_id = batch.value_or(0);
  ASSIGN_OR_RETURN(std::optional<std::string> as_of, text("as_of"));
  if (as_of) {
    auto date = core::Date::Parse(*as_of);
    if (!date.ok()) return InvalidField("simulate.as_of", "as_of", "评估日期应为 YYYY-MM-DD");
    request->as_of = *date;
  }
  ASSIGN_OR_RETURN(request->parameters, services::PolicyParametersFromJson(body, "parameters"));
  if (body.contains("award_cap")) {  // null removes the cap; a string replaces it
    request->replace_cap = true;
    if (!body["award_cap"].is_null()) {
      ASSIGN_OR_RETURN(std::optional<std::string> cap, text("award_cap"));
      auto money = core::Money::Parse(*cap);
      if (!money.ok() || money->fen() <= 0) {
        return InvalidField("simulate.award_cap", "award_cap",
                            "奖补上限应为正的金额字符串，如 \"500000.00\"");
      }
      request->cap = *money;
    }
  }
  return absl::OkStatus();
}

json GroupsJson(const std::vector<services::SimulationGroup>& groups) {
  json out = json::array();
  for (const services::SimulationGroup& g : groups) {
    out.push_back({{"key", g.key}, {"label", g.label}, {"eligible", g.eligible},
                   {"cost", g.cost.ToString()}});
  }
  return out;
}

json CountsJson(const std::vector<std::pair<std::string, int64_t>>& counts, const char* name) {
  json out = json::array();
  for (const auto& [key, count] : counts) out.push_back({{name, key}, {"count", count}});
  return out;
}

json DiffJson(const services::SimulationDiff& d) {
  json changes = json::array();
  for (const services::SimulationChange& c : d.largest_changes) {
    changes.push_back({{"uscc", c.uscc}, {"name", c.name}, {"before", c.before.ToString()},
                       {"after", c.after.ToString()}});
  }
  return {{"baseline_version", d.baseline_version}, {"baseline_eligible", d.baseline_eligible},
          {"baseline_cost", d.baseline_cost.ToString()}, {"gained", d.gained}, {"lost", d.lost},
          {"changed", d.changed}, {"cost_change", d.cost_change.ToString()},
          {"largest_changes", changes}};
}

json SimulationJson(const services::SimulationResult& r) {
  json budget = nullptr;
  if (r.budget) {
    budget = {{"fund", r.budget->fund}, {"fiscal_year", r.budget->fiscal_year},
              {"available", r.budget->available.ToString()},
              {"shortfall", r.budget->shortfall.ToString()}};
  }
  return {{"policy_id", r.policy_id},
          {"version", r.version},
          {"what_if", r.what_if},
          {"as_of", r.as_of.ToString()},
          {"snapshot_batch_id", r.snapshot_batch_id},
          {"enterprises", r.enterprises},
          {"eligible", r.eligible},
          {"not_eligible", r.not_eligible},
          {"cannot_determine", r.cannot_determine},
          {"errors", r.errors},
          {"cost", r.cost.ToString()},
          {"by_region", GroupsJson(r.by_region)},
          {"by_industry", GroupsJson(r.by_industry)},
          {"by_scale", GroupsJson(r.by_scale)},
          {"missing", CountsJson(r.missing, "field")},
          {"error_codes", CountsJson(r.error_codes, "code")},
          {"budget", budget},
          {"diff", r.diff ? DiffJson(*r.diff) : json(nullptr)}};
}

}  // namespace

void Api::AddSimulationRoutes() {
  router_.Add("POST", "/api/v1/policies/{id}/simulate", [this](const Request& req,
                                                               const PathParams& params) {
    auto actor = RequireActor(app_.accounts, req);
    if (!actor.ok()) return ErrorFor(req, actor.status());
    services::SimulationRequest request;
    auto id = IntParam(PathParam(params, "id"), "id", 0, INT64_MAX);
    if (!id.ok()) return ErrorFor(req, NotFoundError("policy.not_found", "政策不存在"));
    request.policy_id = *id;
    // The body is optional: no body simulates the latest version as it stands.
    auto body = req.body.empty() ? absl::StatusOr<nlohmann::json>(json::object()) : ParseBody(req);
    if (!body.ok()) return ErrorFor(req, body.status());
    if (absl::Status st = DecodeSimulation(*body, &request); !st.ok()) return ErrorFor(req, st);
    auto result = app_.simulation.Simulate(*actor, request);
    if (!result.ok()) return ErrorFor(req, result.status());
    Response r = Json(200, SimulationJson(*result));
    TagUser(&r, *actor);
    return r;
  }, "policies.simulate");
}

}  // namespace zhida::http

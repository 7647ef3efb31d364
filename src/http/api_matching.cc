// The matching routes (issue 3 §3): explain a policy for an enterprise's stored facts or for
// facts supplied to the 政策计算器, and an enterprise's matches (eligible, near, cannot
// determine). Handlers decode, call MatchingService, and encode with the typed functions below;
// numbers and money travel as strings.
#include "core/region.h"
#include "http/api.h"
#include "http/api_util.h"
#include "services/common.h"
#include "services/fact_sheet.h"
#include "services/reference.h"

namespace zhida::http {

namespace {

using nlohmann::json;
using services::ConditionExplanation;
using services::Explanation;
using services::PolicyRecord;

// A rule value for JSON: numbers as strings ("1500000.00", "38"), dates "YYYY-MM-DD", a list as
// an array; null for unknown and error (their reason is given beside).
json ValueJson(const rules::Value& v) {
  switch (v.kind()) {
    case rules::ValueKind::kBool: return v.bool_value();
    case rules::ValueKind::kInt: return std::to_string(v.int_value());
    case rules::ValueKind::kDecimal: return v.decimal_value().ToString();
    case rules::ValueKind::kString: return v.string_value();
    case rules::ValueKind::kDate: return v.date_value().ToString();
    case rules::ValueKind::kList: {
      json items = json::array();
      for (const rules::Value& item : v.list_value()) items.push_back(ValueJson(item));
      return items;
    }
    case rules::ValueKind::kMap: {
      json entries = json::object();
      for (const auto& [key, item] : v.map_value()) entries[key] = ValueJson(item);
      return entries;
    }
    default: return nullptr;
  }
}

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json MissingJson(const std::vector<std::string>& codes, const std::vector<std::string>& labels) {
  json out = json::array();
  for (size_t i = 0; i < codes.size(); ++i) {
    out.push_back({{"field", codes[i]}, {"label", i < labels.size() ? labels[i] : codes[i]}});
  }
  return out;
}

json ErrorJson(const rules::ErrorInfo& e) {
  if (e.code.empty()) return nullptr;
  return {{"code", e.code}, {"message", e.message_zh}};
}

json PolicyRef(const PolicyRecord& p) {
  const services::PolicyBody& b = p.body;
  const core::Region* region = core::FindRegion(b.region);
  size_t dot = b.owner_dept.find('.');
  return {{"id", p.id},
          {"version", p.version},
          {"title", b.title},
          {"mode", b.mode},
          {"level", b.level},
          {"region", b.region},
          {"region_name", region != nullptr ? std::string(region->name) : b.region},
          {"owner_dept", b.owner_dept},
          {"owner_dept_name", dot == std::string::npos
                                  ? b.owner_dept
                                  : services::DepartmentName(b.owner_dept.substr(0, dot),
                                                             b.owner_dept.substr(dot + 1))},
          {"award_cap", b.award_cap ? json(b.award_cap->ToString()) : json(nullptr)}};
}

json ConditionJson(const ConditionExplanation& c) {
  json operands = json::array();
  for (const services::OperandView& o : c.operands) {
    operands.push_back({{"text", o.text},
                        {"label", o.label},
                        {"value", ValueJson(o.value)},
                        {"type", rules::ValueKindName(o.value.kind())},
                        {"constant", o.constant}});
  }
  json facts = json::array();
  for (const services::FactUse& f : c.facts) {
    facts.push_back({{"field", f.field},
                     {"label", f.label},
                     {"unit", f.unit},
                     {"value", ValueJson(f.value)},
                     {"value_text", f.value_text},
                     {"known", !f.value.is_unknown()},
                     {"source", OrNull(f.origin.source)},
                     {"source_name", OrNull(f.origin.source_name)},
                     {"period", OrNull(f.origin.period)},
                     {"as_of", OrNull(f.origin.as_of)}});
  }
  const services::ConditionReading& r = c.reading;
  json gap = nullptr;
  if (r.gap) {
    gap = {{"kind", r.gap->kind},
           {"value", OrNull(r.gap->value)},
           {"unit", OrNull(r.gap->unit)},
           {"text", r.gap->text}};
  }
  json quantity = nullptr;
  if (!r.quantity.empty()) {
    quantity = {{"label", r.quantity}, {"value", r.quantity_value}, {"threshold", r.threshold}};
  }
  return {{"index", c.index},
          {"text", c.text},
          {"text_zh", c.text_zh},
          {"line", c.line},
          {"column", c.column},
          {"outcome", rules::ConditionOutcomeName(c.outcome)},
          {"sentence", r.sentence},
          {"gap", gap},
          {"quantity", quantity},
          {"operands", operands},
          {"facts", facts},
          {"missing", MissingJson(c.missing, c.missing_labels)},
          {"error", ErrorJson(c.error)}};
}

json AwardJson(const services::AwardTrace& a) {
  json steps = json::array();
  for (const services::AwardStep& s : a.steps) {
    steps.push_back({{"number", s.number},
                     {"formula", s.formula},
                     {"expression", s.expression},
                     {"computation", s.computation},
                     {"value", OrNull(s.value)},
                     {"sentence", s.sentence}});
  }
  return {
      {"outcome", a.outcome},
      {"formula", a.formula},
      {"formula_zh", a.formula_zh},
      {"substituted", a.substituted},
      {"steps", steps},
      {"steps_truncated", a.steps_truncated},
      {"formula_value", OrNull(a.formula_value)},
      {"cap", a.cap ? json(*a.cap) : json(nullptr)},
      {"capped", a.capped},
      {"amount", OrNull(a.amount)},
      {"missing", a.missing},
      {"error", a.error_code.empty() ? json(nullptr)
                                     : json{{"code", a.error_code}, {"message", a.error_message}}},
      {"sentences", a.sentences}};
}

// The explanation's sentences in reading order: the verdict, notes, each condition, the award.
json SentencesJson(const Explanation& e) {
  json out = json::array({e.summary});
  for (const std::string& note : e.notes) out.push_back(note);
  for (const ConditionExplanation& c : e.conditions) {
    const char* mark = c.outcome == rules::ConditionOutcome::kHeld      ? "【满足】"
                       : c.outcome == rules::ConditionOutcome::kFailed  ? "【不满足】"
                       : c.outcome == rules::ConditionOutcome::kUnknown ? "【无法判断】"
                                                                        : "【出错】";
    out.push_back(mark + c.reading.sentence);
  }
  for (const services::ParameterUse& p : e.parameters) out.push_back(p.sentence);
  if (e.award) {
    for (const std::string& s : e.award->sentences) out.push_back(s);
  }
  return out;
}

json ParametersJson(const std::vector<services::ParameterUse>& parameters) {
  json out = json::array();
  for (const services::ParameterUse& p : parameters) {
    out.push_back({{"code", p.code}, {"label", p.label}, {"value", p.value_text},
                   {"from", p.from.empty() ? json(nullptr) : json(p.from)},
                   {"basis", p.basis}, {"sentence", p.sentence}});
  }
  return out;
}

json ExplanationJson(const Explanation& e) {
  json conditions = json::array();
  for (const ConditionExplanation& c : e.conditions) conditions.push_back(ConditionJson(c));
  return {{"policy", PolicyRef(e.policy)},
          {"as_of", e.as_of},
          {"outcome", services::EligibilityName(e.outcome)},
          {"summary", e.summary},
          {"notes", e.notes},
          {"missing", MissingJson(e.missing, e.missing_labels)},
          {"error", ErrorJson(e.error)},
          {"conditions", conditions},
          {"parameters", ParametersJson(e.parameters)},
          {"award", e.award ? AwardJson(*e.award) : json(nullptr)},
          {"sentences", SentencesJson(e)}};
}

json MatchJson(const services::MatchResult& m) {
  json eligible = json::array(), near = json::array(), unknown = json::array(),
       errors = json::array();
  for (const auto& e : m.eligible) {
    eligible.push_back({{"policy", PolicyRef(e.policy)}, {"award", e.award.ToString()}});
  }
  for (const auto& n : m.near) {
    json condition = ConditionJson(n.condition);
    for (const char* internal : {"operands", "missing", "error"}) condition.erase(internal);
    near.push_back({{"policy", PolicyRef(n.policy)}, {"condition", condition}});
  }
  for (const auto& u : m.cannot_determine) {
    unknown.push_back(
        {{"policy", PolicyRef(u.policy)}, {"missing", MissingJson(u.missing, u.missing_labels)}});
  }
  for (const auto& e : m.errors) {
    errors.push_back(
        {{"policy", PolicyRef(e.policy)}, {"error", {{"code", e.code}, {"message", e.message}}}});
  }
  const core::Region* region = core::FindRegion(m.region);
  return {{"enterprise",
           {{"uscc", m.uscc},
            {"name", m.name},
            {"region", m.region},
            {"region_name", region ? std::string(region->name) : m.region}}},
          {"as_of", m.as_of},
          {"evaluated", m.evaluated},
          {"eligible", eligible},
          {"near", near},
          {"cannot_determine", unknown},
          {"errors", errors}};
}

// The optional "as_of" of a request: YYYY-MM-DD.
absl::StatusOr<std::optional<core::Date>> AsOfParam(std::string_view text) {
  if (text.empty()) return std::optional<core::Date>();
  absl::StatusOr<core::Date> date = core::Date::Parse(text);
  if (!date.ok()) {
    return InvalidField("request.as_of", "as_of", "as_of 应为日期 YYYY-MM-DD",
                        "as_of must be a date YYYY-MM-DD");
  }
  return std::optional<core::Date>(*date);
}

// A decoded POST /policies/{id}/explain body.
struct ExplainRequest {
  std::optional<std::string> uscc;  // explain the enterprise's stored facts
  json facts;                       // else these (the calculator)
  std::optional<core::Date> as_of;
  std::optional<int> version;
};

absl::StatusOr<ExplainRequest> DecodeExplain(const json& body) {
  static constexpr std::string_view kKeys[] = {"uscc",   "facts",    "as_of", "version",
                                               "region", "industry", "scale", "established"};
  if (!body.is_object()) {
    return InvalidField("request.fields", "uscc", "请求体应为 JSON 对象",
                        "the body must be a JSON object");
  }
  for (const auto& [key, value] : body.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return InvalidField("request.fields", key, "未知参数：" + key, "unknown key: " + key);
    }
  }
  ExplainRequest out;
  if (body.contains("as_of")) {
    if (!body["as_of"].is_string()) return AsOfParam("x").status();
    ASSIGN_OR_RETURN(out.as_of, AsOfParam(body["as_of"].get<std::string>()));
  }
  if (body.contains("version")) {
    const json& v = body["version"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1000000) {
      return InvalidField("request.integer", "version", "version 应为 1 至 1000000 的整数",
                          "version must be an integer from 1 to 1000000");
    }
    out.version = v.get<int>();
  }
  bool supplied = body.contains("facts") || body.contains("region") || body.contains("industry") ||
                  body.contains("scale") || body.contains("established");
  if (body.contains("uscc")) {
    if (supplied) {
      return InvalidField("request.fields", "facts",
                          "请只提供 uscc（按企业已登记的数据）或 facts（自行填写的数据）之一",
                          "give either uscc or facts, not both");
    }
    if (!body["uscc"].is_string()) {
      return InvalidField("request.fields", "uscc", "uscc 应为统一社会信用代码字符串",
                          "uscc must be a string");
    }
    out.uscc = body["uscc"].get<std::string>();
    return out;
  }
  if (!supplied) {
    return InvalidField("request.fields", "uscc", "请提供 uscc 或 facts",
                        "give uscc (stored facts) or facts (supplied facts)");
  }
  ASSIGN_OR_RETURN(out.facts, services::CalculatorFacts(body));
  return out;
}

}  // namespace

void Api::AddMatchingRoutes() {
  router_.Add(
      "POST", "/api/v1/policies/{id}/explain",
      [this](const Request& req, const PathParams& params) {
        auto actor = OptionalActor(app_.accounts, req);
        auto id = IntParam(PathParam(params, "id"), "id", 0, INT64_MAX);
        if (!id.ok())
          return ErrorFor(req, NotFoundError("policy.not_found", "政策不存在或尚未发布"));
        auto body = ParseBody(req);
        if (!body.ok()) return ErrorFor(req, body.status());
        auto input = DecodeExplain(*body);
        if (!input.ok()) return ErrorFor(req, input.status());
        absl::StatusOr<Explanation> e;
        if (input->uscc) {
          if (!actor) return ErrorFor(req, services::NotLoggedIn());
          e = app_.matching.ExplainEnterprise(*actor, *id, input->version, *input->uscc,
                                              input->as_of);
        } else {
          e = app_.matching.ExplainFacts(actor ? &*actor : nullptr, *id, input->version,
                                         input->facts, input->as_of);
        }
        if (!e.ok()) return ErrorFor(req, e.status());
        Response r = Json(200, ExplanationJson(*e));
        TagUser(&r, actor);
        return r;
      },
      "policies.explain");

  router_.Add(
      "GET", "/api/v1/enterprises/{uscc}/matches",
      [this](const Request& req, const PathParams& params) {
        auto actor = RequireActor(app_.accounts, req);
        if (!actor.ok()) return ErrorFor(req, actor.status());
        auto as_of = AsOfParam(req.QueryParam("as_of"));
        if (!as_of.ok()) return ErrorFor(req, as_of.status());
        auto m = app_.matching.Match(*actor, PathParam(params, "uscc"), *as_of);
        if (!m.ok()) return ErrorFor(req, m.status());
        Response r = Json(200, MatchJson(*m));
        TagUser(&r, *actor);
        return r;
      },
      "enterprises.matches");
}

}  // namespace zhida::http

// The funds routes (issue 4): balances and history, budgets, maker-checker requests, plan
// reservations, payment orders and batches (file download), return-file upload, reconciliation,
// corrections. Handlers decode, call one service, encode (api_funds_json.cc). Money in JSON is
// always a string "12345.67".
#include "http/api.h"
#include "http/api_funds_json.h"
#include "http/api_util.h"

namespace zhida::http {

namespace {

using nlohmann::json;
using services::Actor;

// A handler body: the logged-in actor and the decoded JSON body (null for GET) → the answer.
using FundsCall = std::function<absl::StatusOr<json>(const Actor&, const json&)>;

Response Run(App& app, const Request& req, bool has_body, const FundsCall& call) {
  auto actor = RequireActor(app.accounts, req);
  if (!actor.ok()) return ErrorFor(req, actor.status());
  json body;
  if (has_body) {
    auto parsed = ParseBody(req);
    if (!parsed.ok()) return ErrorFor(req, parsed.status());
    if (!parsed->is_object()) {
      return ErrorFor(req, InvalidField("request.json", "", "请求体应为 JSON 对象",
                                        "the body must be a JSON object"));
    }
    body = std::move(*parsed);
  }
  absl::StatusOr<json> out = call(*actor, body);
  if (!out.ok()) return ErrorFor(req, out.status());
  Response r = Json(200, *out);
  TagUser(&r, *actor);
  return r;
}

absl::StatusOr<services::FundKey> FundParam(const PathParams& params) {
  ASSIGN_OR_RETURN(int64_t year, IntParam(PathParam(params, "year"), "year", 0, 2099));
  return services::FundKey{std::string(PathParam(params, "fund")), static_cast<int>(year)};
}

absl::StatusOr<int64_t> IdParam(const PathParams& params) {
  return IntParam(PathParam(params, "id"), "id", 0, INT64_MAX);
}

}  // namespace

void Api::AddFundsRoutes() {
  auto get =
      [this](
          std::string pattern, std::string name,
          std::function<absl::StatusOr<json>(const Request&, const PathParams&, const Actor&)> fn) {
        router_.Add(
            "GET", pattern,
            [this, fn](const Request& req, const PathParams& params) {
              return Run(app_, req, false,
                         [&](const Actor& a, const json&) { return fn(req, params, a); });
            },
            name);
      };
  auto post = [this](std::string pattern, std::string name,
                     std::function<absl::StatusOr<json>(const Request&, const PathParams&,
                                                        const Actor&, const json&)>
                         fn) {
    router_.Add(
        "POST", pattern,
        [this, fn](const Request& req, const PathParams& params) {
          return Run(app_, req, true,
                     [&](const Actor& a, const json& body) { return fn(req, params, a, body); });
        },
        name);
  };

  get("/api/v1/funds", "funds.list",
      [this](const Request& req, const PathParams&, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(int64_t year, IntParam(req.QueryParam("year"), "year", 0, 2099));
        ASSIGN_OR_RETURN(auto funds, app_.funds.ListFunds(a, static_cast<int>(year)));
        return FundsJson(funds);
      });
  post("/api/v1/funds", "funds.create",
       [this](const Request&, const PathParams&, const Actor& a,
              const json& body) -> absl::StatusOr<json> {
         ASSIGN_OR_RETURN(services::NewBudget budget, DecodeBudget(body));
         ASSIGN_OR_RETURN(services::FundInfo info, app_.funds.CreateBudget(a, budget));
         return FundJson(info);
       });
  get("/api/v1/funds/{fund}/{year}/accounts", "funds.accounts",
      [this](const Request& req, const PathParams& p, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
        ASSIGN_OR_RETURN(auto kind, KindParam(req.QueryParam("kind")));
        ASSIGN_OR_RETURN(auto accounts, app_.funds.Balances(a, fund, kind));
        return AccountsJson(accounts);
      });
  get("/api/v1/ledger/accounts/{id}/history", "ledger.history",
      [this](const Request& req, const PathParams& p, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(int64_t id, IdParam(p));
        ASSIGN_OR_RETURN(int64_t limit, IntParam(req.QueryParam("limit"), "limit", 100, 1000));
        int64_t after = 0;
        if (!req.QueryParam("after").empty()) {
          ASSIGN_OR_RETURN(after, IntParam(req.QueryParam("after"), "after", 0, INT64_MAX));
        }
        ASSIGN_OR_RETURN(auto page, app_.funds.History(a, id, after, static_cast<int>(limit)));
        return HistoryJson(id, page);
      });
  get("/api/v1/funds/{fund}/{year}/settlement", "funds.settlement",
      [this](const Request&, const PathParams& p, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
        ASSIGN_OR_RETURN(auto report, app_.funds.Settlement(a, fund));
        return SettlementJson(report);
      });
  get("/api/v1/funds/{fund}/{year}/notices", "funds.notices",
      [this](const Request&, const PathParams& p, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
        ASSIGN_OR_RETURN(auto notices, app_.funds.Notices(a, fund));
        return NoticesJson(notices);
      });

  get("/api/v1/funds/{fund}/{year}/requests", "funds.requests",
      [this](const Request& req, const PathParams& p, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
        ASSIGN_OR_RETURN(auto list,
                         app_.fund_requests.List(a, fund, std::string(req.QueryParam("status"))));
        return RequestsJson(list);
      });
  post("/api/v1/funds/{fund}/{year}/requests", "funds.requests.create",
       [this](const Request&, const PathParams& p, const Actor& a,
              const json& body) -> absl::StatusOr<json> {
         ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
         ASSIGN_OR_RETURN(QuotaChange change, DecodeQuotaChange(body));
         absl::StatusOr<services::FundRequest> r;
         if (change.kind == "allocate") {
           r = app_.fund_requests.ProposeAllocation(a, fund, change.to, change.amount,
                                                    change.reason);
         } else if (change.kind == "adjust") {
           r = app_.fund_requests.ProposeAdjustment(a, fund, change.from, change.to, change.amount,
                                                    change.reason);
         } else if (change.kind == "return") {
           r = app_.fund_requests.ProposeReturn(a, fund, change.from, change.amount, change.reason);
         } else {
           r = app_.fund_requests.ProposeSettlement(a, fund, change.reason);
         }
         if (!r.ok()) return r.status();
         return RequestJson(*r);
       });
  get("/api/v1/fund-requests/{id}", "fund_requests.get",
      [this](const Request&, const PathParams& p, const Actor& a) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(int64_t id, IdParam(p));
        ASSIGN_OR_RETURN(auto r, app_.fund_requests.Get(a, id));
        return RequestJson(r);
      });
  for (bool approve : {true, false}) {
    post(approve ? "/api/v1/fund-requests/{id}/approve" : "/api/v1/fund-requests/{id}/reject",
         approve ? "fund_requests.approve" : "fund_requests.reject",
         [this, approve](const Request&, const PathParams& p, const Actor& a,
                         const json& body) -> absl::StatusOr<json> {
           ASSIGN_OR_RETURN(int64_t id, IdParam(p));
           ASSIGN_OR_RETURN(std::string text,
                            StringField(body, approve ? "note" : "reason", !approve));
           ASSIGN_OR_RETURN(auto r, approve ? app_.fund_requests.Approve(a, id, text)
                                            : app_.fund_requests.Reject(a, id, text));
           return RequestJson(r);
         });
  }
  AddDisbursementRoutes();
}

void Api::AddDisbursementRoutes() {
  auto route = [this](std::string method, std::string pattern, std::string name,
                      std::function<absl::StatusOr<json>(const PathParams&, const Actor&,
                                                         const json&, const Request&)>
                          fn) {
    bool body = method == "POST";
    router_.Add(
        method, pattern,
        [this, fn, body](const Request& req, const PathParams& params) {
          return Run(app_, req, body,
                     [&](const Actor& a, const json& b) { return fn(params, a, b, req); });
        },
        name);
  };
  using P = const PathParams&;
  using A = const Actor&;
  using B = const json&;
  using R = const Request&;
  route("GET", "/api/v1/funds/{fund}/{year}/reservations", "reservations.list",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
          ASSIGN_OR_RETURN(auto list, app_.disbursement.ListReservations(a, fund));
          return ReservationsJson(list);
        });
  route("POST", "/api/v1/funds/{fund}/{year}/reservations", "reservations.create",
        [this](P p, A a, B body, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
          ASSIGN_OR_RETURN(services::NewReservation r, DecodeReservation(body, fund));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.Reserve(a, r));
          return ReservationJson(out);
        });
  route("GET", "/api/v1/reservations/{id}", "reservations.get",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(p));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.GetReservation(a, id));
          return ReservationJson(out);
        });
  route("POST", "/api/v1/reservations/{id}/confirm", "reservations.confirm",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(p));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.Confirm(a, id));
          return ReservationJson(out);
        });
  route("POST", "/api/v1/reservations/{id}/release", "reservations.release",
        [this](P p, A a, B body, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(p));
          ASSIGN_OR_RETURN(std::string reason, StringField(body, "reason", true));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.Release(a, id, reason));
          return ReservationJson(out);
        });

  route("GET", "/api/v1/funds/{fund}/{year}/payment-orders", "payment_orders.list",
        [this](P p, A a, B, R req) -> absl::StatusOr<json> {
          services::OrderQuery q;
          ASSIGN_OR_RETURN(q.fund, FundParam(p));
          q.status = std::string(req.QueryParam("status"));
          q.plan_id = std::string(req.QueryParam("plan"));
          ASSIGN_OR_RETURN(q.batch_id, IntParam(req.QueryParam("batch"), "batch", 0, INT64_MAX));
          ASSIGN_OR_RETURN(int64_t limit, IntParam(req.QueryParam("limit"), "limit", 100,
                                                   services::kFundListSizeMax));
          q.limit = static_cast<int>(limit);
          ASSIGN_OR_RETURN(auto list, app_.disbursement.ListOrders(a, q));
          return OrdersJson(list);
        });
  route("POST", "/api/v1/payment-orders", "payment_orders.create",
        [this](P, A a, B body, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::NewPaymentOrder o, DecodeOrder(body));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.CreateOrder(a, o));
          return OrderJson(out);
        });
  route("GET", "/api/v1/payment-orders/{voucher}", "payment_orders.get",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(auto out,
                           app_.disbursement.GetOrder(a, std::string(PathParam(p, "voucher"))));
          return OrderJson(out);
        });
  route("POST", "/api/v1/payment-orders/{voucher}/cancel", "payment_orders.cancel",
        [this](P p, A a, B body, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(std::string reason, StringField(body, "reason", true));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.CancelOrder(
                                         a, std::string(PathParam(p, "voucher")), reason));
          return OrderJson(out);
        });
  route("POST", "/api/v1/payment-orders/{voucher}/corrections", "payment_orders.correct",
        [this](P p, A a, B body, R) -> absl::StatusOr<json> {
          std::string voucher(PathParam(p, "voucher"));
          ASSIGN_OR_RETURN(Correction c, DecodeCorrection(body));
          absl::StatusOr<services::FundRequest> r;
          if (c.kind == "reverse") {
            r = app_.corrections.ProposeReversal(a, voucher, c.reason);
          } else if (c.kind == "recover") {
            r = app_.corrections.ProposeRecovery(a, voucher, c.amount, c.reason);
          } else {
            r = app_.corrections.ProposeReissue(
                a, {voucher, c.new_voucher, c.bank_name, c.bank_account, c.reason});
          }
          if (!r.ok()) return r.status();
          return RequestJson(*r);
        });
  route("GET", "/api/v1/funds/{fund}/{year}/recoveries", "recoveries.list",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
          ASSIGN_OR_RETURN(auto list, app_.corrections.ListRecoveries(a, fund));
          return RecoveriesJson(list);
        });
  route("POST", "/api/v1/recoveries/{id}/repay", "recoveries.repay",
        [this](P p, A a, B body, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(p));
          ASSIGN_OR_RETURN(std::string reason, StringField(body, "reason", true));
          ASSIGN_OR_RETURN(auto r, app_.corrections.ProposeRepayment(a, id, reason));
          return RequestJson(r);
        });

  route("GET", "/api/v1/funds/{fund}/{year}/payment-batches", "payment_batches.list",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
          ASSIGN_OR_RETURN(auto list, app_.disbursement.ListBatches(a, fund));
          return BatchesJson(list);
        });
  route("POST", "/api/v1/funds/{fund}/{year}/payment-batches", "payment_batches.create",
        [this](P p, A a, B body, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
          ASSIGN_OR_RETURN(std::vector<std::string> vouchers, DecodeVouchers(body));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.CreateBatch(a, fund, vouchers));
          return BatchJson(out);
        });
  route("GET", "/api/v1/payment-batches/{id}", "payment_batches.get",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(p));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.GetBatch(a, id));
          return BatchJson(out);
        });
  route("POST", "/api/v1/payment-batches/{id}/send", "payment_batches.send",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(p));
          ASSIGN_OR_RETURN(auto out, app_.disbursement.Send(a, id));
          return BatchJson(out);
        });
  route("GET", "/api/v1/funds/{fund}/{year}/reconciliation", "funds.reconciliation",
        [this](P p, A a, B, R) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(services::FundKey fund, FundParam(p));
          ASSIGN_OR_RETURN(auto report, app_.reconciliation.Reconcile(a, fund));
          return ReconciliationJson(report);
        });

  // The two routes whose bodies are files, not JSON.
  router_.Add(
      "GET", "/api/v1/payment-batches/{id}/file",
      [this](const Request& req, const PathParams& params) {
        auto actor = RequireActor(app_.accounts, req);
        if (!actor.ok()) return ErrorFor(req, actor.status());
        auto id = IdParam(params);
        if (!id.ok()) return ErrorFor(req, id.status());
        std::string format(req.QueryParam("format"));
        if (format.empty()) format = "csv";
        if (format != "csv" && format != "xlsx") {
          return ErrorFor(req, InvalidField("request.format", "format", "format 应为 csv 或 xlsx",
                                            "format must be csv or xlsx"));
        }
        auto batch = app_.disbursement.GetBatch(*actor, *id);
        if (!batch.ok()) return ErrorFor(req, batch.status());
        auto bytes = format == "csv" ? app_.disbursement.ExportCsv(*actor, *id)
                                     : app_.disbursement.ExportXlsx(*actor, *id);
        if (!bytes.ok()) return ErrorFor(req, bytes.status());
        Response r;
        r.content_type = format == "csv"
                             ? "text/csv; charset=utf-8"
                             : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" +
                                                          batch->file_name() + "." + format + "\"");
        r.headers.emplace_back("X-Checksum-SHA256", batch->checksum);
        r.body = std::move(*bytes);
        TagUser(&r, *actor);
        return r;
      },
      "payment_batches.file");
  router_.Add(
      "POST", "/api/v1/return-files",
      [this](const Request& req, const PathParams&) {
        auto actor = RequireActor(app_.accounts, req);
        if (!actor.ok()) return ErrorFor(req, actor.status());
        // text/csv, never a form type: a cross-site form cannot send it without a preflight.
        auto type = req.Header("Content-Type");
        if (!type || type->find("text/csv") == std::string_view::npos) {
          return ErrorFor(req, MakeError(absl::StatusCode::kInvalidArgument, "request.content_type",
                                         "", "回单文件请以 Content-Type: text/csv 上传",
                                         "upload the return file as text/csv"));
        }
        auto report = app_.disbursement.ImportReturnFile(
            *actor, std::string(req.QueryParam("file_name")), req.body);
        if (!report.ok()) return ErrorFor(req, report.status());
        Response r = Json(200, ReturnImportJson(*report));
        TagUser(&r, *actor);
        return r;
      },
      "return_files.import");
}

}  // namespace zhida::http

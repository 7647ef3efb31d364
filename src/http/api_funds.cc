// The funds routes (issue 4): balances and history, budgets, maker-checker requests, plan
// reservations, payment orders and batches (file download), return-file upload, reconciliation,
// corrections. Handlers decode, call one service, encode (api_funds_json.cc). Money in JSON is
// always a string "12345.67".
#include <functional>
#include <string>
#include <utility>

#include "http/api.h"
#include "http/api_funds_json.h"
#include "http/api_util.h"

namespace zhida::http {

namespace {

using nlohmann::json;
using services::Actor;

// What a funds handler is given: the request, its path parameters, the logged-in actor and the
// decoded body of a JSON POST (always an object; null for a GET and for a file upload).
struct Call {
  const Request& req;
  const PathParams& params;
  const Actor& actor;
  const json& body;
};

// A JSON route's handler: the answer (sent with 200), or the error to send.
using JsonHandler = std::function<absl::StatusOr<json>(const Call&)>;
// A handler that makes the whole response (the routes whose bodies are files), or the error.
using ResponseHandler = std::function<absl::StatusOr<Response>(const Call&)>;

// Adds routes whose handlers run for the logged-in actor: without one, or when the handler fails,
// the answer is the error response (ErrorFor); a success is tagged with the actor for the access
// log.
class Routes {
 public:
  Routes(Router& router, App& app) : router_(router), app_(app) {}

  void Get(std::string pattern, std::string name, JsonHandler handler) {
    Add("GET", std::move(pattern), std::move(name), AnswerJson(false, std::move(handler)));
  }
  // The request's body must be a JSON object.
  void Post(std::string pattern, std::string name, JsonHandler handler) {
    Add("POST", std::move(pattern), std::move(name), AnswerJson(true, std::move(handler)));
  }
  // A route whose handler makes the whole response (the routes whose bodies are files).
  void Add(std::string method, std::string pattern, std::string name, ResponseHandler handler) {
    router_.Add(
        std::move(method), std::move(pattern),
        [&app = app_, handler = std::move(handler)](const Request& req, const PathParams& params) {
          absl::StatusOr<Actor> actor = RequireActor(app.accounts, req);
          if (!actor.ok()) return ErrorFor(req, actor.status());
          const json no_body;
          absl::StatusOr<Response> r = handler(Call{req, params, *actor, no_body});
          if (!r.ok()) return ErrorFor(req, r.status());
          TagUser(&*r, *actor);
          return *std::move(r);
        },
        std::move(name));
  }

 private:
  // Decodes the body when `has_body`, runs `handler` and sends its answer with 200.
  static ResponseHandler AnswerJson(bool has_body, JsonHandler handler) {
    return [has_body, handler = std::move(handler)](const Call& c) -> absl::StatusOr<Response> {
      json body;
      if (has_body) {
        ASSIGN_OR_RETURN(body, ParseBody(c.req));
        if (!body.is_object()) {
          return InvalidField("request.json", "", "请求体应为 JSON 对象",
                              "the body must be a JSON object");
        }
      }
      ASSIGN_OR_RETURN(json answer, handler(Call{c.req, c.params, c.actor, body}));
      return Json(200, answer);
    };
  }

  Router& router_;
  App& app_;
};

absl::StatusOr<services::FundKey> FundParam(const PathParams& params) {
  ASSIGN_OR_RETURN(int64_t year, IntParam(PathParam(params, "year"), "year", 0, 2099));
  return services::FundKey{std::string(PathParam(params, "fund")), static_cast<int>(year)};
}

absl::StatusOr<int64_t> IdParam(const PathParams& params) {
  return IntParam(PathParam(params, "id"), "id", 0, INT64_MAX);
}

// The handler of most funds routes: one key read from the path by `key_of` (FundParam or IdParam),
// one question about it to `service` (the member function `ask`, called with the actor and the
// key), and the answer encoded by `encode`.
template <typename Key, typename Service, typename Ask, typename Encode>
JsonHandler ByKey(absl::StatusOr<Key> (*key_of)(const PathParams&), Service& service, Ask ask,
                  Encode encode) {
  return [key_of, &service, ask, encode](const Call& c) -> absl::StatusOr<json> {
    ASSIGN_OR_RETURN(Key key, key_of(c.params));
    ASSIGN_OR_RETURN(auto answer, std::invoke(ask, service, c.actor, key));
    return encode(answer);
  };
}

}  // namespace

void Api::AddFundsRoutes() {
  Routes routes(router_, app_);
  routes.Get("/api/v1/funds", "funds.list", [this](const Call& c) -> absl::StatusOr<json> {
    ASSIGN_OR_RETURN(int64_t year, IntParam(c.req.QueryParam("year"), "year", 0, 2099));
    ASSIGN_OR_RETURN(auto funds, app_.funds.ListFunds(c.actor, static_cast<int>(year)));
    return FundsJson(funds);
  });
  routes.Post("/api/v1/funds", "funds.create", [this](const Call& c) -> absl::StatusOr<json> {
    ASSIGN_OR_RETURN(services::NewBudget budget, DecodeBudget(c.body));
    ASSIGN_OR_RETURN(services::FundInfo info, app_.funds.CreateBudget(c.actor, budget));
    return FundJson(info);
  });
  routes.Get("/api/v1/funds/{fund}/{year}/accounts", "funds.accounts",
             [this](const Call& c) -> absl::StatusOr<json> {
               ASSIGN_OR_RETURN(services::FundKey fund, FundParam(c.params));
               ASSIGN_OR_RETURN(auto kind, KindParam(c.req.QueryParam("kind")));
               ASSIGN_OR_RETURN(auto accounts, app_.funds.Balances(c.actor, fund, kind));
               return AccountsJson(accounts);
             });
  routes.Get(
      "/api/v1/ledger/accounts/{id}/history", "ledger.history",
      [this](const Call& c) -> absl::StatusOr<json> {
        ASSIGN_OR_RETURN(int64_t id, IdParam(c.params));
        ASSIGN_OR_RETURN(int64_t limit, IntParam(c.req.QueryParam("limit"), "limit", 100, 1000));
        int64_t after = 0;
        if (!c.req.QueryParam("after").empty()) {
          ASSIGN_OR_RETURN(after, IntParam(c.req.QueryParam("after"), "after", 0, INT64_MAX));
        }
        ASSIGN_OR_RETURN(auto page,
                         app_.funds.History(c.actor, id, after, static_cast<int>(limit)));
        return HistoryJson(id, page);
      });
  routes.Get("/api/v1/funds/{fund}/{year}/settlement", "funds.settlement",
             ByKey(FundParam, app_.funds, &services::FundsService::Settlement, SettlementJson));
  routes.Get("/api/v1/funds/{fund}/{year}/notices", "funds.notices",
             ByKey(FundParam, app_.funds, &services::FundsService::Notices, NoticesJson));

  routes.Get("/api/v1/funds/{fund}/{year}/requests", "funds.requests",
             [this](const Call& c) -> absl::StatusOr<json> {
               ASSIGN_OR_RETURN(services::FundKey fund, FundParam(c.params));
               ASSIGN_OR_RETURN(
                   auto list,
                   app_.fund_requests.List(c.actor, fund, std::string(c.req.QueryParam("status"))));
               return RequestsJson(list);
             });
  routes.Post("/api/v1/funds/{fund}/{year}/requests", "funds.requests.create",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(services::FundKey fund, FundParam(c.params));
                ASSIGN_OR_RETURN(QuotaChange change, DecodeQuotaChange(c.body));
                const Actor& a = c.actor;
                absl::StatusOr<services::FundRequest> r;
                if (change.kind == "allocate") {
                  r = app_.fund_requests.ProposeAllocation(a, fund, change.to, change.amount,
                                                           change.reason);
                } else if (change.kind == "adjust") {
                  r = app_.fund_requests.ProposeAdjustment(a, fund, change.from, change.to,
                                                           change.amount, change.reason);
                } else if (change.kind == "return") {
                  r = app_.fund_requests.ProposeReturn(a, fund, change.from, change.amount,
                                                       change.reason);
                } else {
                  r = app_.fund_requests.ProposeSettlement(a, fund, change.reason);
                }
                if (!r.ok()) return r.status();
                return RequestJson(*r);
              });
  routes.Get("/api/v1/fund-requests/{id}", "fund_requests.get",
             ByKey(IdParam, app_.fund_requests, &services::FundRequests::Get, RequestJson));
  for (bool approve : {true, false}) {
    routes.Post(
        approve ? "/api/v1/fund-requests/{id}/approve" : "/api/v1/fund-requests/{id}/reject",
        approve ? "fund_requests.approve" : "fund_requests.reject",
        [this, approve](const Call& c) -> absl::StatusOr<json> {
          ASSIGN_OR_RETURN(int64_t id, IdParam(c.params));
          ASSIGN_OR_RETURN(std::string text,
                           StringField(c.body, approve ? "note" : "reason", !approve));
          ASSIGN_OR_RETURN(auto r, approve ? app_.fund_requests.Approve(c.actor, id, text)
                                           : app_.fund_requests.Reject(c.actor, id, text));
          return RequestJson(r);
        });
  }
  AddDisbursementRoutes();
}

void Api::AddDisbursementRoutes() {
  Routes routes(router_, app_);
  using services::Disbursement;
  routes.Get(
      "/api/v1/funds/{fund}/{year}/reservations", "reservations.list",
      ByKey(FundParam, app_.disbursement, &Disbursement::ListReservations, ReservationsJson));
  routes.Post("/api/v1/funds/{fund}/{year}/reservations", "reservations.create",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(services::FundKey fund, FundParam(c.params));
                ASSIGN_OR_RETURN(services::NewReservation r, DecodeReservation(c.body, fund));
                ASSIGN_OR_RETURN(auto out, app_.disbursement.Reserve(c.actor, r));
                return ReservationJson(out);
              });
  routes.Get("/api/v1/reservations/{id}", "reservations.get",
             ByKey(IdParam, app_.disbursement, &Disbursement::GetReservation, ReservationJson));
  routes.Post("/api/v1/reservations/{id}/confirm", "reservations.confirm",
              ByKey(IdParam, app_.disbursement, &Disbursement::Confirm, ReservationJson));
  routes.Post("/api/v1/reservations/{id}/release", "reservations.release",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(int64_t id, IdParam(c.params));
                ASSIGN_OR_RETURN(std::string reason, StringField(c.body, "reason", true));
                ASSIGN_OR_RETURN(auto out, app_.disbursement.Release(c.actor, id, reason));
                return ReservationJson(out);
              });

  routes.Get("/api/v1/funds/{fund}/{year}/payment-orders", "payment_orders.list",
             [this](const Call& c) -> absl::StatusOr<json> {
               const Request& req = c.req;
               services::OrderQuery q;
               ASSIGN_OR_RETURN(q.fund, FundParam(c.params));
               q.status = std::string(req.QueryParam("status"));
               q.plan_id = std::string(req.QueryParam("plan"));
               ASSIGN_OR_RETURN(q.batch_id,
                                IntParam(req.QueryParam("batch"), "batch", 0, INT64_MAX));
               ASSIGN_OR_RETURN(int64_t limit, IntParam(req.QueryParam("limit"), "limit", 100,
                                                        services::kFundListSizeMax));
               q.limit = static_cast<int>(limit);
               ASSIGN_OR_RETURN(auto list, app_.disbursement.ListOrders(c.actor, q));
               return OrdersJson(list);
             });
  routes.Post("/api/v1/payment-orders", "payment_orders.create",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(services::NewPaymentOrder o, DecodeOrder(c.body));
                ASSIGN_OR_RETURN(auto out, app_.disbursement.CreateOrder(c.actor, o));
                return OrderJson(out);
              });
  routes.Get("/api/v1/payment-orders/{voucher}", "payment_orders.get",
             [this](const Call& c) -> absl::StatusOr<json> {
               ASSIGN_OR_RETURN(auto out,
                                app_.disbursement.GetOrder(
                                    c.actor, std::string(PathParam(c.params, "voucher"))));
               return OrderJson(out);
             });
  routes.Post("/api/v1/payment-orders/{voucher}/cancel", "payment_orders.cancel",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(std::string reason, StringField(c.body, "reason", true));
                ASSIGN_OR_RETURN(auto out,
                                 app_.disbursement.CancelOrder(
                                     c.actor, std::string(PathParam(c.params, "voucher")), reason));
                return OrderJson(out);
              });
  routes.Post("/api/v1/payment-orders/{voucher}/corrections", "payment_orders.correct",
              [this](const Call& c) -> absl::StatusOr<json> {
                std::string voucher(PathParam(c.params, "voucher"));
                ASSIGN_OR_RETURN(Correction fix, DecodeCorrection(c.body));
                const Actor& a = c.actor;
                absl::StatusOr<services::FundRequest> r;
                if (fix.kind == "reverse") {
                  r = app_.corrections.ProposeReversal(a, voucher, fix.reason);
                } else if (fix.kind == "recover") {
                  r = app_.corrections.ProposeRecovery(a, voucher, fix.amount, fix.reason);
                } else {
                  r = app_.corrections.ProposeReissue(
                      a, {voucher, fix.new_voucher, fix.bank_name, fix.bank_account, fix.reason});
                }
                if (!r.ok()) return r.status();
                return RequestJson(*r);
              });
  routes.Get(
      "/api/v1/funds/{fund}/{year}/recoveries", "recoveries.list",
      ByKey(FundParam, app_.corrections, &services::Corrections::ListRecoveries, RecoveriesJson));
  routes.Post("/api/v1/recoveries/{id}/repay", "recoveries.repay",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(int64_t id, IdParam(c.params));
                ASSIGN_OR_RETURN(std::string reason, StringField(c.body, "reason", true));
                ASSIGN_OR_RETURN(auto r, app_.corrections.ProposeRepayment(c.actor, id, reason));
                return RequestJson(r);
              });

  routes.Get("/api/v1/funds/{fund}/{year}/payment-batches", "payment_batches.list",
             ByKey(FundParam, app_.disbursement, &Disbursement::ListBatches, BatchesJson));
  routes.Post("/api/v1/funds/{fund}/{year}/payment-batches", "payment_batches.create",
              [this](const Call& c) -> absl::StatusOr<json> {
                ASSIGN_OR_RETURN(services::FundKey fund, FundParam(c.params));
                ASSIGN_OR_RETURN(std::vector<std::string> vouchers, DecodeVouchers(c.body));
                ASSIGN_OR_RETURN(auto out, app_.disbursement.CreateBatch(c.actor, fund, vouchers));
                return BatchJson(out);
              });
  routes.Get("/api/v1/payment-batches/{id}", "payment_batches.get",
             ByKey(IdParam, app_.disbursement, &Disbursement::GetBatch, BatchJson));
  routes.Post("/api/v1/payment-batches/{id}/send", "payment_batches.send",
              ByKey(IdParam, app_.disbursement, &Disbursement::Send, BatchJson));
  routes.Get("/api/v1/funds/{fund}/{year}/reconciliation", "funds.reconciliation",
             ByKey(FundParam, app_.reconciliation, &services::Reconciliation::Reconcile,
                   ReconciliationJson));

  // The two routes whose bodies are files, not JSON.
  routes.Add(
      "GET", "/api/v1/payment-batches/{id}/file", "payment_batches.file",
      [this](const Call& c) -> absl::StatusOr<Response> {
        ASSIGN_OR_RETURN(int64_t id, IdParam(c.params));
        std::string format(c.req.QueryParam("format"));
        if (format.empty()) format = "csv";
        if (format != "csv" && format != "xlsx") {
          return InvalidField("request.format", "format", "format 应为 csv 或 xlsx",
                              "format must be csv or xlsx");
        }
        ASSIGN_OR_RETURN(services::PaymentBatch batch, app_.disbursement.GetBatch(c.actor, id));
        ASSIGN_OR_RETURN(std::string bytes, format == "csv"
                                                ? app_.disbursement.ExportCsv(c.actor, id)
                                                : app_.disbursement.ExportXlsx(c.actor, id));
        Response r;
        r.content_type = format == "csv"
                             ? "text/csv; charset=utf-8"
                             : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        r.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"" + batch.file_name() + "." + format + "\"");
        r.headers.emplace_back("X-Checksum-SHA256", batch.checksum);
        r.body = std::move(bytes);
        return r;
      });
  routes.Add("POST", "/api/v1/return-files", "return_files.import",
             [this](const Call& c) -> absl::StatusOr<Response> {
               // text/csv, never a form type: a cross-site form cannot send it without a preflight.
               auto type = c.req.Header("Content-Type");
               if (!type || type->find("text/csv") == std::string_view::npos) {
                 return MakeError(absl::StatusCode::kInvalidArgument, "request.content_type", "",
                                  "回单文件请以 Content-Type: text/csv 上传",
                                  "upload the return file as text/csv");
               }
               ASSIGN_OR_RETURN(
                   auto report,
                   app_.disbursement.ImportReturnFile(
                       c.actor, std::string(c.req.QueryParam("file_name")), c.req.body));
               return Json(200, ReturnImportJson(report));
             });
}

}  // namespace zhida::http

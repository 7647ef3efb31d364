// The HTTP API /api/v1/… (issue 2 §7): thin handlers that decode a request, call one service and
// encode the result. Errors are {"error":{"code","message","field","request_id"}} in Chinese
// (English with Accept-Language: en); the status code comes from one table (HttpStatusFor).
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/ids.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"
#include "nlohmann/json.hpp"
#include "services/accounts.h"
#include "services/catalog.h"
#include "services/corrections.h"
#include "services/disbursement.h"
#include "services/fund_requests.h"
#include "services/funds.h"
#include "services/matching.h"
#include "services/reconciliation.h"
#include "services/simulation.h"
#include "services/treasury.h"
#include "services/registry.h"
#include "store/store.h"

namespace zhida::http {

struct ApiOptions {
  std::string web_root;         // web/dist; "" serves no UI
  bool secure_cookies = false;  // add "Secure" to the session cookie (behind HTTPS)
};

// The services a running server uses, built over one store.
struct App {
  App(store::Store& store, const core::Clock& clock, core::IdSource& ids,
      services::RuleValidator rules);
  store::Store& store;
  const core::Clock& clock;
  core::IdSource& ids;
  services::AccountService accounts;
  services::RegistryService registry;
  services::CatalogService catalog;
  services::MatchingService matching;
  // Funds (issue 4). Payment batches go to the agent bank's pick-up directory
  // (services::TreasuryFromEnvironment: $ZHIDA_TREASURY_OUTBOX, default var/treasury/outbox);
  // tests call disbursement.set_treasury() with a fake.
  services::FundsService funds;
  services::FundRequests fund_requests;
  std::unique_ptr<services::Treasury> treasury;
  services::Disbursement disbursement;
  services::Corrections corrections;
  services::Reconciliation reconciliation;
  services::SimulationService simulation;
};

class Api {
 public:
  Api(App& app, ApiOptions options);

  // The server's handler: API routes, /healthz, /metrics, then the web UI's static files.
  Response Handle(Request& request);
  const Router& router() const { return router_; }

 private:
  void AddRoutes();
  void AddPolicyRoutes();
  void AddMatchingRoutes();  // api_matching.cc
  void AddSimulationRoutes();  // api_simulation.cc
  void AddFundsRoutes();     // api_funds.cc
  void AddDisbursementRoutes();  // api_funds.cc

  App& app_;
  ApiOptions options_;
  Router router_;
  StaticFiles static_files_;
  Metrics metrics_;
};

// One table from status codes to HTTP statuses.
int HttpStatusFor(absl::StatusCode code);

// The OpenAPI 3 document served at /api/v1/openapi.json (src/http/openapi.json, embedded).
std::string_view OpenApiJson();

}  // namespace zhida::http

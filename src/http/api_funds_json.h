// Typed encoders and decoders of the funds routes (api_funds.cc). Money is always a JSON string
// with two decimals ("12345.67"); a JSON number where money is expected is refused.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "nlohmann/json.hpp"
#include "services/corrections.h"
#include "services/disbursement.h"
#include "services/fund_requests.h"
#include "services/funds.h"
#include "services/reconciliation.h"

namespace zhida::http {

// A string field of `body`; "" when absent and not `required`. Errors: request.fields.
absl::StatusOr<std::string> StringField(const nlohmann::json& body, const std::string& key,
                                        bool required);
// A money field: a string such as "12345.67". Errors: request.money, money.*.
absl::StatusOr<core::Money> MoneyField(const nlohmann::json& body, const std::string& key);
// ?kind= of the accounts route; nullopt for all kinds.
absl::StatusOr<std::optional<ledger::AccountKind>> KindParam(std::string_view text);

absl::StatusOr<services::NewBudget> DecodeBudget(const nlohmann::json& body);

struct QuotaChange {
  std::string kind;  // allocate, adjust, return, settle
  std::string from, to;
  core::Money amount;
  std::string reason;
};
absl::StatusOr<QuotaChange> DecodeQuotaChange(const nlohmann::json& body);

absl::StatusOr<services::NewReservation> DecodeReservation(const nlohmann::json& body,
                                                           const services::FundKey& fund);
absl::StatusOr<services::NewPaymentOrder> DecodeOrder(const nlohmann::json& body);
absl::StatusOr<std::vector<std::string>> DecodeVouchers(const nlohmann::json& body);

struct Correction {
  std::string kind;  // reverse, recover, reissue
  core::Money amount;
  std::string reason, new_voucher, bank_name, bank_account;
};
absl::StatusOr<Correction> DecodeCorrection(const nlohmann::json& body);

nlohmann::json FundJson(const services::FundInfo& f);
nlohmann::json FundsJson(const std::vector<services::FundInfo>& funds);
nlohmann::json AccountsJson(const std::vector<services::FundAccount>& accounts);
nlohmann::json HistoryJson(int64_t account_id, const ledger::HistoryPage& page);
nlohmann::json SettlementJson(const services::SettlementReport& report);
nlohmann::json NoticesJson(const std::vector<services::FundNotice>& notices);
nlohmann::json RequestJson(const services::FundRequest& r);
nlohmann::json RequestsJson(const std::vector<services::FundRequest>& list);
nlohmann::json ReservationJson(const services::Reservation& r);
nlohmann::json ReservationsJson(const std::vector<services::Reservation>& list);
nlohmann::json OrderJson(const services::PaymentOrder& o);
nlohmann::json OrdersJson(const std::vector<services::PaymentOrder>& list);
nlohmann::json BatchJson(const services::PaymentBatch& b);
nlohmann::json BatchesJson(const std::vector<services::PaymentBatch>& list);
nlohmann::json RecoveriesJson(const std::vector<services::Recovery>& list);
nlohmann::json ReconciliationJson(const services::ReconReport& report);
nlohmann::json ReturnImportJson(const services::ReturnImport& report);

}  // namespace zhida::http

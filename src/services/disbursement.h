// Disbursement (兑现 / 拨付, issue 4 §3): the funds side that the award-plan workflow calls.
//
//   Reserve   a plan's total against one or more quotas: pending quota → commitment per share
//             (holder "<plan>:<quota>"), a linked chain when the cost is shared (city + county).
//   Confirm   the plan is final (publicity over): the reservation is posted.
//   Release   objection upheld / plan amended / plan closed: a reservation not yet confirmed is
//             voided; a confirmed one gives back what its commitments still hold.
//   Orders    one payment order per approved award (国库授权支付): pending commitment → paid,
//             its transfer ids "<voucher>/<leg>" — the voucher number is the idempotency key.
//   Batches   orders go to the treasury as one file (treasury_file.h) through Treasury. A batch
//             leaves `ready` once: it is never handed over twice; no answer means `unknown`.
//   Return    the bank's return file: paid posts the order's pending transfers; failed voids them,
//             releases the amount back to the quotas and leaves a notice for the officers.
//
// Domain outcomes are values: a reservation or order the ledger refused is stored with status
// `refused` and the ledger's code (its ids stay spent, as the ledger's are).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "services/actor.h"
#include "services/funds_common.h"
#include "services/treasury.h"
#include "services/treasury_file.h"
#include "store/store.h"

namespace zhida::services {

struct PlanShare {
  std::string quota;  // the quota holder
  int64_t amount_fen = 0;
  friend bool operator==(const PlanShare&, const PlanShare&) = default;
};

struct NewReservation {
  std::string plan_id;
  FundKey fund;
  std::vector<PlanShare> shares;  // 1..kSharesMax distinct quotas
  std::string reason;
};

struct Reservation {
  int64_t id = 0;
  std::string plan_id;
  FundKey fund;
  std::string status;  // reserved, confirmed, closed, released, refused
  int64_t amount_fen = 0;
  std::vector<PlanShare> shares;
  std::string reason;
  std::string result;  // "ok" or the ledger's refusal
  std::string created_by, created_at, resolved_by, resolved_at, resolve_reason;
};

struct NewPaymentOrder {
  std::string voucher;
  std::string plan_id;
  std::string payee_uscc;
  std::string payee_name;
  std::string bank_name;
  std::string bank_account;
  core::Money amount;
  int64_t policy_id = 0;
  int policy_version = 0;
  std::string memo;  // 摘要 on the bank statement
};

struct PaymentOrder {
  NewPaymentOrder order;
  int64_t reservation_id = 0;
  FundKey fund;
  std::vector<PlanShare> legs;  // the amount drawn from each share's commitment
  // created, batched, sent, unknown, paid, failed, cancelled, reversed, refused
  std::string status;
  std::string result;
  int64_t batch_id = 0;
  std::string replaces;  // voucher re-issued by this one
  std::string bank_serial, paid_at, fail_reason;
  std::string created_by, created_at, updated_at;
};

struct PaymentBatch {
  int64_t id = 0;
  FundKey fund;
  std::string status;  // ready, unknown, sent
  int64_t orders = 0;
  int64_t total_fen = 0;
  std::string checksum;
  std::string created_by, created_at, sent_by, sent_at, send_note;
  std::string file_name() const;
};

struct ReturnImport {
  int64_t file_id = 0;
  bool already_imported = false;  // the same file (by SHA-256) was imported before
  int64_t lines = 0;
  int64_t applied = 0;  // orders settled by this file
  int64_t paid = 0, failed = 0;
  // Lines that changed nothing, by outcome: duplicate, conflict, unknown_voucher,
  // amount_mismatch, not_sent.
  std::map<std::string, int64_t> skipped;
};

struct OrderQuery {
  FundKey fund;
  std::string status;    // "" = all
  int64_t batch_id = 0;  // 0 = any
  std::string plan_id;   // "" = any
  int limit = 100;
};

class Disbursement {
 public:
  // `treasury` may be null: Send then fails with kFailedPrecondition.
  Disbursement(store::Store& store, const core::Clock& clock, Treasury* treasury = nullptr);

  // Replaces the treasury (the server's is configured at start; tests use a fake). Not
  // thread-safe: call before serving.
  void set_treasury(Treasury* treasury) { treasury_ = treasury; }

  // Reserves the plan's total. Idempotent: the same plan and shares again return the live
  // reservation. Errors: kInvalidArgument; kFailedPrecondition (funds.plan_reserved) when the
  // plan has a different live reservation (release it first); kPermissionDenied.
  absl::StatusOr<Reservation> Reserve(const Actor& actor, const NewReservation& request);
  absl::StatusOr<Reservation> Confirm(const Actor& actor, int64_t reservation_id);
  absl::StatusOr<Reservation> Release(const Actor& actor, int64_t reservation_id,
                                      const std::string& reason);
  absl::StatusOr<Reservation> GetReservation(const Actor& actor, int64_t reservation_id);
  absl::StatusOr<std::vector<Reservation>> ListReservations(const Actor& actor,
                                                            const FundKey& fund);

  // Creates a payment order against the plan's confirmed reservation. Idempotent by voucher: the
  // same order again returns the stored one; a different one under the same voucher is
  // kAlreadyExists (payment.voucher_conflict) naming the first differing field.
  absl::StatusOr<PaymentOrder> CreateOrder(const Actor& actor, const NewPaymentOrder& order);
  // Cancels an order not yet in a batch (voids its transfers).
  absl::StatusOr<PaymentOrder> CancelOrder(const Actor& actor, const std::string& voucher,
                                           const std::string& reason);
  absl::StatusOr<PaymentOrder> GetOrder(const Actor& actor, const std::string& voucher);
  absl::StatusOr<std::vector<PaymentOrder>> ListOrders(const Actor& actor, const OrderQuery& query);

  // Puts `vouchers` (or, when empty, every created order of the fund, at most kBatchOrdersMax)
  // into a new batch. Errors: kFailedPrecondition (payment.nothing_to_batch, payment.not_created).
  absl::StatusOr<PaymentBatch> CreateBatch(const Actor& actor, const FundKey& fund,
                                           const std::vector<std::string>& vouchers);
  absl::StatusOr<PaymentBatch> GetBatch(const Actor& actor, int64_t batch_id);
  absl::StatusOr<std::vector<PaymentBatch>> ListBatches(const Actor& actor, const FundKey& fund);
  // The batch file (CSV or XLSX), the same content on every download.
  absl::StatusOr<std::string> ExportCsv(const Actor& actor, int64_t batch_id);
  absl::StatusOr<std::string> ExportXlsx(const Actor& actor, int64_t batch_id);
  // Hands a ready batch to the treasury, once. The batch is marked `unknown` before the call and
  // `sent` when the treasury accepts: a crash or time-out leaves it `unknown` until a return file
  // settles its orders. Errors: kFailedPrecondition (payment.batch_sent) for a batch already
  // handed over.
  absl::StatusOr<PaymentBatch> Send(const Actor& actor, int64_t batch_id);

  // Imports the bank's return file (see treasury_file.h). Re-importing the same bytes changes
  // nothing and says so. Errors: kInvalidArgument for a malformed file (nothing applied).
  absl::StatusOr<ReturnImport> ImportReturnFile(const Actor& actor, const std::string& file_name,
                                                std::string_view bytes);

  // The order lines of a batch, in file order (for the export and the treasury).
  absl::StatusOr<std::vector<OrderLine>> BatchLines(store::Tx& tx, int64_t batch_id);
  // The lines of `batch` as recorded when it was formed: the file must say that, byte for byte,
  // so lines that no longer match the batch's checksum are an internal error, never a file.
  absl::StatusOr<std::vector<OrderLine>> RecordedLines(const PaymentBatch& batch);

 private:
  absl::StatusOr<Reservation> ResolveReservation(const Actor& actor, int64_t id, bool confirm,
                                                 const std::string& reason);
  absl::StatusOr<std::vector<PlanShare>> SplitOrder(const Reservation& reservation,
                                                    int64_t amount_fen);
  absl::StatusOr<std::string> ApplyReturnLine(store::Tx& tx, const ReturnLine& line,
                                              const std::string& user, const std::string& now);

  store::Store& store_;
  const core::Clock& clock_;
  Treasury* treasury_;
  ledger::Ledger ledger_;
};

// Readers of the stored rows, shared with corrections.cc and reconciliation.cc.
absl::StatusOr<Reservation> LoadReservation(store::Tx& tx, int64_t id);
absl::StatusOr<std::optional<PaymentOrder>> LoadOrder(store::Tx& tx, const std::string& voucher);
std::string SharesJson(const std::vector<PlanShare>& shares);
std::vector<PlanShare> SharesFromJson(const std::string& text);
// Whether `actor` may see a row tagged with `regions` (RegionsTag form).
bool CanSeeTagged(const Actor& actor, const std::string& regions_tag);

}  // namespace zhida::services

// What the funds services (funds.h, fund_requests.h, disbursement.h, corrections.h,
// reconciliation.h) share: limits, names of business codes, who may do what (DESIGN.md §6), and
// the bridge from ledger result codes to statuses a user reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/status.h"
#include "ledger/account.h"
#include "ledger/ledger.h"
#include "ledger/result.h"
#include "services/actor.h"
#include "store/store.h"

namespace zhida::services {

// Limits (STYLE.md: every limit says why it is that number).
// A plan id ("P2026-0001"): it becomes part of commitment holders "<plan>:<quota>", which the
// ledger bounds at 64 characters; 24 leaves 40 for the quota holder (a department code is ≤ 12).
inline constexpr size_t kPlanIdLengthMax = 24;
// A voucher number: the treasury's 凭证号 is ≤ 30 characters; the ledger's transfer ids are
// "<voucher>/<leg>/p", so 32 stays far below its 64.
inline constexpr size_t kVoucherLengthMax = 32;
// Quotas one plan may share its cost between: city and county, at most a few departments each.
inline constexpr size_t kSharesMax = 4;
// Legs of one change request: a settlement returns every quota of a fund at once; 13 departments
// × 12 regions = 156 quotas, so 200 holds a whole city's settlement in one linked chain.
inline constexpr size_t kRequestLegsMax = 200;
// Orders in one batch file: an agent bank takes ~10,000 lines per file; half of that keeps the
// XLSX under ~1 MB and one batch in one ledger call (kTransfersPerBatchMax).
inline constexpr size_t kBatchOrdersMax = 5000;
// A return file: 5,000 lines of ~200 bytes is 1 MB; 8 MiB leaves room for wide bank formats.
inline constexpr size_t kReturnFileBytesMax = 8u << 20;
// Rows of one list answer: read by a person or a page of the web UI.
inline constexpr int kFundListSizeMax = 500;
// Reasons and names, in bytes of UTF-8 (200 Chinese characters, the ledger's 摘要 bound).
inline constexpr size_t kFundTextBytesMax = 600;

// Business codes of the transfers the services make (ledger Transfer::code), one per step of
// docs/funds.md "The chain of money".
namespace codes {
inline constexpr std::string_view kBudgetCreate = "budget.create";
inline constexpr std::string_view kQuotaAllocate = "quota.allocate";
inline constexpr std::string_view kQuotaAdjust = "quota.adjust";
inline constexpr std::string_view kQuotaReturn = "quota.return";
inline constexpr std::string_view kPlanReserve = "plan.reserve";  // pending quota → commitment
inline constexpr std::string_view kPlanConfirm = "plan.confirm";  // its post: the plan is final
inline constexpr std::string_view kPlanRelease = "plan.release";  // its void, or commitment → quota
inline constexpr std::string_view kPayment = "payment.order";     // pending commitment → paid
inline constexpr std::string_view kPaymentPaid = "payment.paid";  // its post (return file: paid)
inline constexpr std::string_view kPaymentFailed = "payment.failed";  // its void (failed)
inline constexpr std::string_view kPaymentCancel = "payment.cancel";  // its void (never sent)
inline constexpr std::string_view kReverse = "correction.reverse";
inline constexpr std::string_view kRecover = "correction.recover";
inline constexpr std::string_view kRepay = "correction.repay";
inline constexpr std::string_view kReissue = "correction.reissue";
}  // namespace codes

// Debian 12's abseil has its own absl::string_view, which absl::StrCat needs.
inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct FundKey {
  std::string fund;
  int fiscal_year = 0;
  friend bool operator==(const FundKey&, const FundKey&) = default;
};

// The ledger key of an account of `fund`.
ledger::AccountKey AccountOf(const FundKey& fund, ledger::AccountKind kind,
                             std::string holder = "");
// "P2026-0001:350582": a plan's commitment on one quota, so that each quota's share of a plan
// can be released back to that quota.
std::string CommitmentHolder(std::string_view plan_id, std::string_view quota_holder);

// The region of a quota holder: "350500.kjj" → "350500"; "350582" → "350582".
std::string HolderRegion(std::string_view quota_holder);
// Checks a quota holder: a department code of the departments table or a region code of the city
// or a county (services/reference.h). Errors: funds.holder (kInvalidArgument).
absl::Status ValidateQuotaHolder(store::Tx& tx, std::string_view holder);
// Checks a plan id: 1..kPlanIdLengthMax of [A-Za-z0-9._-]. Errors: funds.plan_id.
absl::Status ValidatePlanId(std::string_view plan_id);
// Checks a voucher: 1..kVoucherLengthMax of [A-Za-z0-9-]. Errors: payment.voucher.
absl::Status ValidateVoucher(std::string_view voucher);
// Checks a reason or memo: non-empty (when `required`), valid UTF-8, no control characters,
// ≤ kFundTextBytesMax. Errors: funds.text with `field`.
absl::Status ValidateText(std::string_view text, std::string_view field, bool required);

// `text` cut to at most `bytes_max` bytes without splitting a UTF-8 character (for 摘要).
std::string TruncateUtf8(std::string_view text, size_t bytes_max);

// " 350500 350582 ": the regions tag of a row (see 0004_funds.sql).
std::string RegionsTag(const std::vector<std::string>& regions);
// The regions of a tag, in order.
std::vector<std::string> SplitRegions(std::string_view regions_tag);
// The LIKE pattern and parameters limiting a query to what `actor` may see: "" (no limit) for
// city staff and the system; for county staff " AND (regions LIKE ? OR …)" over their regions.
struct RegionFilter {
  std::string sql;
  std::vector<store::Value> params;
};
RegionFilter RegionFilterFor(const Actor& actor);

// The rows of `table` for `fund` that `actor` may see (RegionFilterFor), newest first (by id), at
// most kFundListSizeMax: "SELECT <columns> FROM <table> WHERE fund = ? AND fiscal_year = ?
// <condition> …". `condition` is "" or " AND …" with `condition_params` for its placeholders.
absl::StatusOr<store::Result> ListFundRows(store::Tx& tx, const Actor& actor,
                                           std::string_view columns, std::string_view table,
                                           const FundKey& fund, std::string_view condition = "",
                                           const std::vector<store::Value>& condition_params = {});

// Reading funds: finance officers, leaders and audit admins of a region that covers `region`.
bool CanReadFunds(const Actor& actor, std::string_view region);
// Operating funds in `region`: a finance officer of a region that covers it. Else
// kPermissionDenied.
absl::Status RequireFinance(const Actor& actor, std::string_view region);
// Reading at all (any of the three roles anywhere), else kPermissionDenied.
absl::Status RequireFundsReader(const Actor& actor);

// The ledger's refusal of a transfer as a status a user reads: kFailedPrecondition, machine code
// "ledger.<name>", the ledger's own Chinese and English messages.
absl::Status LedgerRefused(ledger::TransferCode code);
// The first code of `codes` that is not a success (kOk when all succeeded). A linked chain's
// transfers fail with linked_event_failed except the one that caused it: that one is returned.
ledger::TransferCode FirstFailure(const std::vector<ledger::TransferCode>& codes);

// Opens (idempotently) the account `key` and records it in fund_accounts so that the fund's
// accounts can be listed. Runs its own transactions: call it before a write transaction, never
// inside one (SQLite has one writer).
absl::StatusOr<int64_t> OpenFundAccount(store::Store& store, ledger::Ledger& ledger,
                                        const ledger::AccountKey& key, std::string_view user);

// Records a message for the finance officers of `regions_tag` (fund_notices), e.g. a failed
// payment, in `tx`.
absl::Status AddNotice(store::Tx& tx, const FundKey& fund, const std::string& regions_tag,
                       std::string_view kind, std::string_view subject, std::string_view message,
                       std::string_view at);

// The ledger's user field for an actor ("finance", "system:cli").
std::string LedgerUser(const Actor& actor);

// The staff user `username` with their roles, for the command line's --as (an operator acting
// for a named officer, so that maker-checker sees two people). kNotFound when absent or disabled.
absl::StatusOr<Actor> StaffActorByUsername(store::Store& store, std::string_view username);

// kNotFound "funds.not_found" for the fund `fund`.
absl::Status FundNotFound(const FundKey& fund);

// The fund's row: name, owning region. kNotFound when the budget was never created.
struct FundInfo {
  FundKey key;
  std::string name;
  std::string region;
  int64_t budget_fen = 0;
  std::string basis;
  std::string created_by;
  std::string created_at;
};
absl::StatusOr<FundInfo> LoadFund(store::Tx& tx, const FundKey& fund);

}  // namespace zhida::services

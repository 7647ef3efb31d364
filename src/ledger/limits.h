// Limits of the ledger, each with the reason for its value (STYLE.md "put a limit on everything").
#pragma once

#include <cstddef>
#include <cstdint>

namespace zhida::ledger {

// Transfers in one CreateTransfers call, applied in one database transaction. TigerBeetle's batch
// is 8,190 transfers (a 1 MiB message of 128-byte transfers, less its header); we keep the same
// number so that a client written against either sees the same bound. It also bounds what one
// transaction holds: on PostgreSQL the locked account rows and ~8k row versions, on SQLite the
// writer lock (a full batch commits in well under a second on the development machine).
inline constexpr size_t kTransfersPerBatchMax = 8190;

// A transfer id (client-chosen: a UUID is 36 characters, a treasury voucher number ~20–30).
// 64 leaves room for a prefix ("plan-2026-000123/award-0042") and keeps the unique index small.
inline constexpr size_t kTransferIdLengthMax = 64;

// A fund code (e.g. "KJCX-2026" or "ZX.TECH"): an identifier, not a name; names live with the
// budget operations. 32 fits every fund code of the finance bureau's chart (≤ 20 characters).
inline constexpr size_t kFundLengthMax = 32;

// An account holder: a department code ("350582.gxj"), a region code, a plan id or a USCC
// (18 characters). 64 covers all of them with room for a qualifier.
inline constexpr size_t kHolderLengthMax = 64;

// Fiscal years a ledger accepts: a typo such as 226 or 20226 is refused instead of opening a
// fund in a year nobody will ever look at. The platform started in 2021; 2000..2099 is generous.
inline constexpr int kFiscalYearMin = 2000;
inline constexpr int kFiscalYearMax = 2099;

// A transfer's business code ("quota.allocate", "plan.reserve"): a short machine identifier.
inline constexpr size_t kTransferCodeLengthMax = 48;

// A transfer's reason (摘要), in bytes of UTF-8: 600 bytes are 200 Chinese characters, more than
// a treasury voucher's 摘要 field holds; longer texts belong in the business record that the
// transfer's code and id point to.
inline constexpr size_t kReasonBytesMax = 600;

// The actor of a transfer (a username or a service name such as "system:treasury-import").
inline constexpr size_t kUserLengthMax = 64;

// Transfers per page of an account's history: a page is one query and is held in memory whole;
// 1,000 rows are ~200 KB, enough for any screen or export step.
inline constexpr int kHistoryPageSizeMax = 1000;

// Rows per multi-row INSERT when a batch is written. On PostgreSQL a statement is a round trip,
// so fewer statements are faster; 64 rows × 12 columns = 768 parameters, far below either
// backend's bound (SQLite 32,766, PostgreSQL 65,535). Batches are written in chunks of 64, 32,
// …, 1 rows so that only seven statement texts exist (the store caches prepared statements by
// text, kStatementCacheSizeMax).
inline constexpr size_t kInsertRowsPerStatementMax = 64;

// Attempts of one CreateTransfers transaction. Only conflicts are retried (kAborted: a deadlock
// or serialization failure, or two concurrent batches creating the same new transfer id — the
// retry then sees the other's row and answers `exists…`). Each retry backs off with jitter
// (store/limits.h); eight attempts ride out a burst of 200 concurrent writers (quota race test).
inline constexpr int kWriteAttemptsMax = 8;

}  // namespace zhida::ledger

#include "store/store.h"

#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "store/errors.h"
#include "store/limits.h"
#include "store/migrations.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace zhida::store {

// ---- Row ----

bool Row::IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (const int64_t* n = std::get_if<int64_t>(&v)) return *n;
  const std::string* s = std::get_if<std::string>(&v);
  ZCHECK(s != nullptr);  // Int on a NULL column: the caller should have used OptInt
  int64_t n = 0;
  ZCHECK(absl::SimpleAtoi(absl::string_view(*s), &n));  // a text column that is no integer
  return n;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  if (const int64_t* n = std::get_if<int64_t>(&v)) return absl::StrCat(*n);
  return std::string();
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

// ---- Tx ----

absl::StatusOr<int64_t> Tx::Exec(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(Result result, Query(sql, params));
  return result.affected_rows;
}

// ---- Store ----

absl::StatusOr<std::unique_ptr<Store>> Store::Open(std::string_view url,
                                                   const OpenOptions& options) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPgStore(url, options);
  }
  return OpenSqliteStore(url, options);
}

// Sleeps before retry number `attempt` (1 for the first retry): exponential with full jitter.
static void BackOff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int cap_ms = kRetryBackoffBaseMs << std::min(attempt, 10);
  if (cap_ms > kRetryBackoffMaxMs) cap_ms = kRetryBackoffMaxMs;
  std::uniform_int_distribution<int> wait_ms(1, cap_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(random)));
}

absl::Status Store::InTx(TxMode mode, const std::function<absl::Status(Tx&)>& fn, int attempts) {
  ZCHECK(attempts >= 1);
  absl::Status status;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) BackOff(attempt - 1);
    absl::StatusOr<std::unique_ptr<Tx>> tx = Begin(mode);
    if (!tx.ok()) {
      status = tx.status();
    } else {
      status = fn(**tx);
      if (status.ok()) status = (*tx)->Commit();
    }
    // On failure the transaction is rolled back here, before the next attempt begins.
    if (status.code() != absl::StatusCode::kAborted) return status;
  }
  return status;
}

absl::Status Store::Migrate() { return ApplyMigrations(*this, EmbeddedMigrations()); }

absl::StatusOr<int> Store::SchemaVersion() {
  ASSIGN_OR_RETURN(std::unique_ptr<Tx> tx, Begin(TxMode::kRead));
  return ReadSchemaVersion(*tx);
}

int Store::LatestSchemaVersion() {
  std::span<const Migration> migrations = EmbeddedMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

// ---- errors.h ----

absl::Status StatementError(absl::StatusCode code, std::string_view machine_code,
                            std::string_view what_zh, std::string_view what_en,
                            std::string_view detail, std::string_view sql) {
  return MakeError(code, machine_code, {},
                   absl::StrCat(Absl(what_zh), "：", Absl(detail), "（SQL：", Absl(sql), "）"),
                   absl::StrCat(Absl(what_en), ": ", Absl(detail), " (SQL: ", Absl(sql), ")"));
}

}  // namespace zhida::store

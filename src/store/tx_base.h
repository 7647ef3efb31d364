// What both backends' transactions share (internal to the store).
#pragma once

#include <span>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "store/store.h"

namespace zhida::store {

// The failure rule of every Tx: after a failed statement the transaction can only be rolled back
// (PostgreSQL's own rule, applied to SQLite too, so that services behave the same on both). Later
// Query and Commit calls return the first failure's code, so a kAborted stays retryable by
// Store::InTx. Using a transaction after Commit is a programmer error.
class TxBase : public Tx {
 public:
  absl::StatusOr<Result> Query(std::string_view sql, std::span<const Value> params) final {
    ZCHECK(!committed_);
    if (!failure_.ok()) return Poisoned();
    absl::StatusOr<Result> result = Run(sql, params);
    if (!result.ok()) failure_ = result.status();
    return result;
  }

  absl::Status Commit() final {
    ZCHECK(!committed_);
    if (!failure_.ok()) return Poisoned();
    absl::Status status = CommitNow();
    if (!status.ok()) {
      failure_ = status;  // e.g. a deferred constraint; the destructor rolls back
      return status;
    }
    committed_ = true;
    return absl::OkStatus();
  }

 protected:
  // Runs one statement on the backend.
  virtual absl::StatusOr<Result> Run(std::string_view sql, std::span<const Value> params) = 0;
  // Sends COMMIT; an error leaves the transaction to be rolled back by the destructor.
  virtual absl::Status CommitNow() = 0;
  bool committed() const { return committed_; }

 private:
  absl::Status Poisoned() const {
    return absl::Status(failure_.code(),
                        absl::StrCat("事务中已有语句失败，只能回滚：", failure_.message()));
  }

  bool committed_ = false;
  absl::Status failure_;  // the first failed statement; OK while none failed
};

}  // namespace zhida::store

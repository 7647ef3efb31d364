#include "services/treasury.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "services/treasury_file.h"

namespace zhida::services {

SubmitOutcome OutboxTreasury::Submit(const TreasuryBatch& batch) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::string path = absl::StrCat(dir_, "/", batch.file_name);
  std::string tmp = path + ".part";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return {SubmitResult::kUnknown, absl::StrCat("无法写入报送目录：", dir_)};
  size_t written = 0;
  while (written < batch.csv.size()) {
    ssize_t n = ::write(fd, batch.csv.data() + written, batch.csv.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  bool ok = written == batch.csv.size() && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  // The bank's client picks up only complete files: the rename makes the file appear whole.
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return {SubmitResult::kUnknown, absl::StrCat("写入报送文件失败：", path)};
  }
  return {SubmitResult::kAccepted, absl::StrCat("已写入报送目录：", path)};
}

FaultInjectingTreasury::FaultInjectingTreasury(std::unique_ptr<Treasury> inner, int timeout_percent,
                                               uint64_t seed)
    : inner_(std::move(inner)), timeout_percent_(timeout_percent), rng_(seed) {}

SubmitOutcome FaultInjectingTreasury::Submit(const TreasuryBatch& batch) {
  SubmitOutcome outcome = inner_->Submit(batch);
  std::lock_guard lock(mu_);
  if (outcome.result == SubmitResult::kAccepted &&
      static_cast<int>(rng_() % 100) < timeout_percent_) {
    return {SubmitResult::kUnknown, "等待应答超时（故障注入）"};
  }
  return outcome;
}

std::unique_ptr<Treasury> TreasuryFromEnvironment() {
  const char* dir = std::getenv("ZHIDA_TREASURY_OUTBOX");
  std::unique_ptr<Treasury> treasury =
      std::make_unique<OutboxTreasury>(dir != nullptr && *dir ? dir : "var/treasury/outbox");
  const char* percent = std::getenv("ZHIDA_TREASURY_FAULT_TIMEOUT_PERCENT");
  if (percent == nullptr || *percent == '\0') return treasury;
  const char* seed = std::getenv("ZHIDA_TREASURY_FAULT_SEED");
  return std::make_unique<FaultInjectingTreasury>(
      std::move(treasury), std::atoi(percent),
      seed != nullptr ? std::strtoull(seed, nullptr, 10) : 1);
}

FakeTreasury::FakeTreasury(uint64_t seed, int timeout_percent)
    : rng_(seed), timeout_percent_(timeout_percent) {}

void FakeTreasury::FailAccount(const std::string& bank_account) {
  std::lock_guard lock(mu_);
  failing_accounts_.insert(bank_account);
}

SubmitOutcome FakeTreasury::Submit(const TreasuryBatch& batch) {
  std::lock_guard lock(mu_);
  if (lose_next_) {
    lose_next_ = false;
    return {SubmitResult::kUnknown, "连接超时（未送达）"};
  }
  absl::StatusOr<std::vector<OrderLine>> lines = ParseBatchCsv(batch.csv);
  if (!lines.ok()) return {SubmitResult::kUnknown, std::string(lines.status().message())};
  ++batches_;
  for (const OrderLine& l : *lines) {
    // A real bank refuses a voucher it has seen; counting it lets a test prove we never resend.
    if (++requests_per_voucher_[l.voucher] > 1) continue;
    bool fails = failing_accounts_.contains(l.bank_account);
    settled_.push_back(Settled{l.voucher, !fails, l.amount_fen, fails ? "收款账户已销户" : ""});
    if (!fails) paid_total_fen_ += l.amount_fen;
  }
  bool time_out =
      time_out_next_ || (timeout_percent_ > 0 && static_cast<int>(rng_() % 100) < timeout_percent_);
  time_out_next_ = false;
  if (time_out) return {SubmitResult::kUnknown, "等待应答超时"};
  return {SubmitResult::kAccepted, absl::StrCat("受理号 B", batches_)};
}

std::string FakeTreasury::TakeReturnFile() {
  std::lock_guard lock(mu_);
  if (reported_ == settled_.size()) return "";
  std::vector<ReturnLine> lines;
  for (; reported_ < settled_.size(); ++reported_) {
    const Settled& s = settled_[reported_];
    lines.push_back(ReturnLine{0, s.voucher, s.paid, s.amount_fen,
                               s.paid ? absl::StrCat("S", reported_ + 1) : "",
                               "2026-11-30T10:00:00+08:00", s.reason});
  }
  return ReturnFileCsv(lines);
}

std::string FakeTreasury::FullReturnFile() const {
  std::lock_guard lock(mu_);
  std::vector<ReturnLine> lines;
  for (size_t i = 0; i < settled_.size(); ++i) {
    const Settled& s = settled_[i];
    lines.push_back(ReturnLine{0, s.voucher, s.paid, s.amount_fen,
                               s.paid ? absl::StrCat("S", i + 1) : "", "2026-11-30T10:00:00+08:00",
                               s.reason});
  }
  return ReturnFileCsv(lines);
}

int64_t FakeTreasury::paid_total_fen() const {
  std::lock_guard lock(mu_);
  return paid_total_fen_;
}

int64_t FakeTreasury::duplicate_vouchers() const {
  std::lock_guard lock(mu_);
  int64_t n = 0;
  for (const auto& [voucher, count] : requests_per_voucher_) n += count > 1;
  return n;
}

int64_t FakeTreasury::batches_received() const {
  std::lock_guard lock(mu_);
  return batches_;
}

}  // namespace zhida::services

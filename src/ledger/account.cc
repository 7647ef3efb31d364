#include "ledger/account.h"

#include "absl/strings/str_cat.h"
#include "ledger/absl_view.h"
#include "ledger/limits.h"

namespace zhida::ledger {

namespace {

using internal::Av;

struct KindInfo {
  AccountKind kind;
  std::string_view name;
  std::string_view label;
  uint32_t flags;
  bool needs_holder;
};

constexpr KindInfo kKinds[] = {
    {AccountKind::kAppropriation, "appropriation", "预算来源", kCreditsMustNotExceedDebits, false},
    {AccountKind::kBudget, "budget", "预算", kDebitsMustNotExceedCredits, false},
    {AccountKind::kQuota, "quota", "指标", kDebitsMustNotExceedCredits, true},
    {AccountKind::kCommitment, "commitment", "承诺", kDebitsMustNotExceedCredits, true},
    {AccountKind::kPayable, "payable", "应付", kDebitsMustNotExceedCredits, true},
    {AccountKind::kPaid, "paid", "已支付", kDebitsMustNotExceedCredits, false},
    {AccountKind::kReceivable, "receivable", "应收（追回）", kDebitsMustNotExceedCredits, true},
};

const KindInfo& Info(AccountKind kind) {
  const KindInfo& info = kKinds[static_cast<int>(kind)];
  ZCHECK(info.kind == kind);
  return info;
}

bool IsCodeChar(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
}

bool IsCode(std::string_view s, size_t length_max, std::string_view extra) {
  if (s.empty() || s.size() > length_max) return false;
  for (char c : s) {
    if (!IsCodeChar(c, extra)) return false;
  }
  return true;
}

}  // namespace

std::string_view KindName(AccountKind kind) { return Info(kind).name; }
std::string_view KindLabel(AccountKind kind) { return Info(kind).label; }
uint32_t FlagsForKind(AccountKind kind) { return Info(kind).flags; }
bool KindNeedsHolder(AccountKind kind) { return Info(kind).needs_holder; }

std::optional<AccountKind> ParseKindName(std::string_view name) {
  for (const KindInfo& info : kKinds) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

absl::Status ValidateAccountKey(const AccountKey& key) {
  if (!IsCode(key.fund, kFundLengthMax, "._-")) {
    return InvalidField("ledger.fund", "fund",
                        "资金代码须为 1–32 个字母、数字或 . _ - 字符",
                        "the fund code must be 1-32 letters, digits or . _ -");
  }
  if (key.fiscal_year < kFiscalYearMin || key.fiscal_year > kFiscalYearMax) {
    return InvalidField("ledger.fiscal_year", "fiscal_year",
                        absl::StrCat("预算年度须在 ", kFiscalYearMin, "–", kFiscalYearMax, " 之间"),
                        "the fiscal year is out of range");
  }
  if (!KindNeedsHolder(key.kind)) {
    if (!key.holder.empty()) {
      return InvalidField("ledger.holder", "holder",
                          absl::StrCat(Av(KindLabel(key.kind)), "账户每项资金每年只有一个，不设持有者"),
                          "this kind of account has no holder");
    }
    return absl::OkStatus();
  }
  if (!IsCode(key.holder, kHolderLengthMax, "._:-")) {
    return InvalidField("ledger.holder", "holder",
                        absl::StrCat(Av(KindLabel(key.kind)),
                                     "账户须注明持有者（部门代码、区划代码、方案编号或统一社会信用代码）"),
                        "the holder must be 1-64 letters, digits or . _ : -");
  }
  return absl::OkStatus();
}

std::string DescribeKey(const AccountKey& key) {
  return absl::StrCat(key.fund, "/", key.fiscal_year, "/", Av(KindName(key.kind)),
                      key.holder.empty() ? "" : "/", key.holder);
}

__int128 CreditsAvailable(const Balance& b) {
  return static_cast<__int128>(b.credits_posted) - b.debits_posted - b.debits_pending;
}

bool WithinLimits(const Balance& b, uint32_t flags) {
  if (b.debits_pending < 0 || b.debits_posted < 0 || b.credits_pending < 0 ||
      b.credits_posted < 0) {
    return false;
  }
  if ((flags & kDebitsMustNotExceedCredits) &&
      static_cast<__int128>(b.debits_pending) + b.debits_posted > b.credits_posted) {
    return false;
  }
  if ((flags & kCreditsMustNotExceedDebits) &&
      static_cast<__int128>(b.credits_pending) + b.credits_posted > b.debits_posted) {
    return false;
  }
  return true;
}

}  // namespace zhida::ledger

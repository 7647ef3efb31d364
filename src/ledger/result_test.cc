// Result codes and the validation group, without a store.
#include "ledger/result.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "ledger/transfer.h"

namespace zhida::ledger {
namespace {

using C = TransferCode;

TEST(ResultTest, EveryCodeHasAUniqueNameAndTwoMessages) {
  std::set<std::string_view> names;
  for (int i = 0; i < kTransferCodeCount; ++i) {
    auto code = static_cast<TransferCode>(i);
    std::string_view name = CodeName(code);
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ParseCodeName(name), code) << name;
    EXPECT_FALSE(ResultMessage(code, Lang::kZh).empty()) << name;
    EXPECT_FALSE(ResultMessage(code, Lang::kEn).empty()) << name;
  }
  EXPECT_EQ(ParseCodeName("no_such_code"), std::nullopt);
  EXPECT_EQ(CodeName(C::kExceedsCredits), "exceeds_credits");
  EXPECT_EQ(ResultMessage(C::kExceedsCredits, Lang::kZh),
            "付出账户可用余额不足（已扣除尚未确认的预留），不能超额使用");
}

// docs/funds.md lists every code with the message users read, in precedence order: keep it true.
TEST(ResultTest, FundsDocListsEveryCodeWithItsMessageInOrder) {
  std::ifstream file(std::string(ZHIDA_SOURCE_DIR) + "/docs/funds.md");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  std::string doc = text.str();
  size_t previous = 0;
  for (int i = 0; i < kTransferCodeCount; ++i) {
    auto code = static_cast<TransferCode>(i);
    std::string row = "| `" + std::string(CodeName(code)) + "` | " +
                      std::string(ResultMessage(code, Lang::kZh)) + " |";
    size_t at = doc.find(row);
    ASSERT_NE(at, std::string::npos) << "docs/funds.md lacks: " << row;
    EXPECT_GT(at, previous) << "docs/funds.md lists " << CodeName(code) << " out of order";
    previous = at;
  }
}

TEST(ResultTest, GroupsFollowThePrecedence) {
  EXPECT_TRUE(Succeeded(C::kOk));
  EXPECT_TRUE(Succeeded(C::kExists));
  EXPECT_FALSE(Succeeded(C::kExistsWithDifferentAmount));
  EXPECT_TRUE(IsValidationFailure(C::kReservedFlag));
  EXPECT_TRUE(IsValidationFailure(C::kUserInvalid));
  EXPECT_FALSE(IsValidationFailure(C::kExistsWithDifferentFlags));
  EXPECT_FALSE(IsStoredFailure(C::kExists));
  EXPECT_TRUE(IsStoredFailure(C::kDebitAccountNotFound));
  EXPECT_TRUE(IsStoredFailure(C::kExceedsDebits));
  EXPECT_FALSE(IsStoredFailure(C::kLinkedEventFailed));
}

Transfer Valid() {
  return Transfer{.id = "t-1",
                  .debit_account_id = 1,
                  .credit_account_id = 2,
                  .amount_fen = 100,
                  .code = "quota.allocate",
                  .reason = "指标下达",
                  .user = "czj-officer"};
}

Transfer Post() {
  Transfer t = Valid();
  t.id = "t-2";
  t.flags = kPostPending;
  t.pending_id = "t-1";
  t.debit_account_id = 0;
  t.credit_account_id = 0;
  t.amount_fen = 0;
  return t;
}

TEST(ValidateTransferTest, EachRuleHasItsCode) {
  struct Case {
    C code;
    void (*change)(Transfer&);
  };
  const Case cases[] = {
      {C::kOk, [](Transfer&) {}},
      {C::kReservedFlag, [](Transfer& t) { t.flags = 16; }},
      {C::kIdMustNotBeEmpty, [](Transfer& t) { t.id = ""; }},
      {C::kIdInvalid, [](Transfer& t) { t.id = "凭证1"; }},
      {C::kIdInvalid, [](Transfer& t) { t.id = "a b"; }},
      {C::kIdInvalid, [](Transfer& t) { t.id = std::string(65, 'a'); }},
      {C::kFlagsAreMutuallyExclusive, [](Transfer& t) { t.flags = kPending | kVoidPending; }},
      {C::kPendingIdMustBeEmpty, [](Transfer& t) { t.pending_id = "p"; }},
      {C::kDebitAccountIdMustNotBeZero, [](Transfer& t) { t.debit_account_id = 0; }},
      {C::kCreditAccountIdMustNotBeZero, [](Transfer& t) { t.credit_account_id = 0; }},
      {C::kAccountsMustBeDifferent, [](Transfer& t) { t.credit_account_id = 1; }},
      {C::kAmountMustBePositive, [](Transfer& t) { t.amount_fen = 0; }},
      {C::kAmountMustBePositive, [](Transfer& t) { t.amount_fen = -5; }},
      {C::kCodeMustNotBeEmpty, [](Transfer& t) { t.code = ""; }},
      {C::kCodeInvalid, [](Transfer& t) { t.code = "Quota.Allocate"; }},
      {C::kReasonInvalid, [](Transfer& t) { t.reason = std::string(601, 'x'); }},
      {C::kReasonInvalid, [](Transfer& t) { t.reason = "a\nb"; }},
      {C::kReasonInvalid, [](Transfer& t) { t.reason = "\xff"; }},
      {C::kUserMustNotBeEmpty, [](Transfer& t) { t.user = ""; }},
      {C::kUserInvalid, [](Transfer& t) { t.user = std::string(65, 'u'); }},
  };
  for (const Case& c : cases) {
    Transfer t = Valid();
    c.change(t);
    EXPECT_EQ(ValidateTransfer(t), c.code) << CodeName(c.code);
  }
}

TEST(ValidateTransferTest, PostAndVoidRules) {
  EXPECT_EQ(ValidateTransfer(Post()), C::kOk);  // accounts and amount 0: the pending's
  Transfer t = Post();
  t.pending_id = "";
  EXPECT_EQ(ValidateTransfer(t), C::kPendingIdMustNotBeEmpty);
  t.pending_id = "bad id";
  EXPECT_EQ(ValidateTransfer(t), C::kPendingIdInvalid);
  t.pending_id = t.id;
  EXPECT_EQ(ValidateTransfer(t), C::kPendingIdMustBeDifferent);
  t = Post();
  t.debit_account_id = t.credit_account_id = 7;
  EXPECT_EQ(ValidateTransfer(t), C::kAccountsMustBeDifferent);
  t = Post();
  t.amount_fen = -1;
  EXPECT_EQ(ValidateTransfer(t), C::kAmountMustBePositive);
}

TEST(ValidateTransferTest, TheFirstBrokenRuleWins) {
  Transfer t = Valid();
  t.amount_fen = 0;
  t.code = "";
  t.user = "";
  EXPECT_EQ(ValidateTransfer(t), C::kAmountMustBePositive);
  t.id = "";
  EXPECT_EQ(ValidateTransfer(t), C::kIdMustNotBeEmpty);
  t.flags = 1u << 7;
  EXPECT_EQ(ValidateTransfer(t), C::kReservedFlag);
}

TEST(CompareWithExistingTest, NamesTheFirstDifferingField) {
  StoredTransfer stored{.seq = 1, .transfer = Valid(), .result = C::kOk};
  Transfer t = Valid();
  EXPECT_EQ(CompareWithExisting(t, stored), C::kExists);
  t.user = "other";
  EXPECT_EQ(CompareWithExisting(t, stored), C::kExistsWithDifferentUser);
  t.reason = "其他";
  EXPECT_EQ(CompareWithExisting(t, stored), C::kExistsWithDifferentReason);
  t.amount_fen = 1;
  EXPECT_EQ(CompareWithExisting(t, stored), C::kExistsWithDifferentAmount);
  t.flags = kPending;
  EXPECT_EQ(CompareWithExisting(t, stored), C::kExistsWithDifferentFlags);
  stored.result = C::kExceedsCredits;
  EXPECT_EQ(CompareWithExisting(Valid(), stored), C::kExceedsCredits);  // failed stays failed
}

}  // namespace
}  // namespace zhida::ledger

#include "ledger/test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/verify.h"

namespace zhida::store {
void PrintTo(Dialect dialect, std::ostream* os) {
  *os << (dialect == Dialect::kSqlite ? "Sqlite" : "Postgres");
}
}  // namespace zhida::store

namespace zhida::ledger::testing {

namespace {

absl::Status Admin(const std::string& url, const std::string& sql) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> admin, store::Store::Open(url, {.pool_size = 1}));
  return admin->InTx(store::TxMode::kWrite, [&](store::Tx& tx) { return tx.Exec(sql).status(); });
}

}  // namespace

absl::StatusOr<std::unique_ptr<ScratchStore>> ScratchStore::Create(store::Dialect dialect,
                                                                   int pool_size) {
  std::unique_ptr<ScratchStore> s(new ScratchStore());
  std::string url;
  if (dialect == store::Dialect::kSqlite) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "zhida-ledger-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return absl::InternalError("mkdtemp failed");
    s->dir_ = pattern;
    url = s->dir_ + "/ledger.db";
  } else {
    const char* pg = std::getenv("ZHIDA_TEST_PG");
    if (pg == nullptr || *pg == '\0') return absl::UnavailableError("ZHIDA_TEST_PG is not set");
    s->base_url_ = pg;
    static std::atomic<int> cases{0};
    std::string schema = absl::StrCat("ledger_test_", getpid(), "_", cases++);
    RETURN_IF_ERROR(Admin(s->base_url_, "CREATE SCHEMA " + schema));
    s->schema_ = schema;
    // Every pooled connection works in the case's schema, selected by the URL.
    url = absl::StrCat(s->base_url_, s->base_url_.find('?') == std::string::npos ? "?" : "&",
                       "options=-csearch_path%3D", schema);
  }
  ASSIGN_OR_RETURN(s->store_, store::Store::Open(url, {.pool_size = pool_size}));
  RETURN_IF_ERROR(s->store_->Migrate());
  return s;
}

ScratchStore::~ScratchStore() {
  store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
  if (!schema_.empty()) {
    absl::Status dropped = Admin(base_url_, "DROP SCHEMA " + schema_ + " CASCADE");
    if (!dropped.ok()) ADD_FAILURE() << dropped;
  }
}

std::string DialectName(const ::testing::TestParamInfo<store::Dialect>& info) {
  return info.param == store::Dialect::kSqlite ? "Sqlite" : "Postgres";
}

void LedgerTest::SetUp() {
  absl::StatusOr<std::unique_ptr<ScratchStore>> scratch = ScratchStore::Create(GetParam());
  if (scratch.status().code() == absl::StatusCode::kUnavailable) {
    GTEST_SKIP() << scratch.status().message();
  }
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  scratch_ = std::move(*scratch);
  ledger_ = std::make_unique<Ledger>(&scratch_->store(), &clock_);
}

void LedgerTest::TearDown() {
  ledger_.reset();
  scratch_.reset();
}

Account LedgerTest::Open(AccountKind kind, std::string holder, std::string fund, int year) {
  absl::StatusOr<Account> account =
      ledger_->OpenAccount({std::move(fund), year, kind, std::move(holder)}, "tester");
  EXPECT_TRUE(account.ok()) << account.status();
  return account.ok() ? *account : Account{};
}

std::vector<TransferCode> LedgerTest::Create(const std::vector<Transfer>& transfers) {
  absl::StatusOr<std::vector<TransferCode>> results = ledger_->CreateTransfers(transfers);
  EXPECT_TRUE(results.ok()) << results.status();
  if (!results.ok()) return std::vector<TransferCode>(transfers.size(), TransferCode::kOk);
  return *results;
}

Balance LedgerTest::BalanceOf(int64_t account_id) {
  int64_t ids[] = {account_id};
  absl::StatusOr<std::vector<Account>> accounts = ledger_->LookupAccounts(ids);
  EXPECT_TRUE(accounts.ok()) << accounts.status();
  if (!accounts.ok() || accounts->empty()) {
    ADD_FAILURE() << "no account " << account_id;
    return {};
  }
  return accounts->front().balance;
}

void LedgerTest::ExpectVerified() {
  absl::StatusOr<VerifyReport> report = Verify(scratch_->store());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->first->message_en;
}

uint64_t TestSeed() {
  uint64_t seed = 0;
  const char* env = std::getenv("ZHIDA_SEED");
  if (env == nullptr || !absl::SimpleAtoi(env, &seed)) {
    seed = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  }
  std::cout << "[ seed     ] ZHIDA_SEED=" << seed << std::endl;
  return seed;
}

Transfer MakeTransfer(std::string id, int64_t debit, int64_t credit, int64_t amount_fen,
                      uint32_t flags, std::string pending_id) {
  return Transfer{.id = std::move(id),
                  .debit_account_id = debit,
                  .credit_account_id = credit,
                  .amount_fen = amount_fen,
                  .flags = flags,
                  .pending_id = std::move(pending_id),
                  .code = "test",
                  .reason = "测试",
                  .user = "tester"};
}

}  // namespace zhida::ledger::testing

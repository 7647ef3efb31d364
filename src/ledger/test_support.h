// Test support for the ledger: a fresh migrated store on SQLite (a temp file) or PostgreSQL
// (a schema of its own in the database of $ZHIDA_TEST_PG, set by tests/pg/with_pg.sh), and a
// fixture that runs each TEST_P on both.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "gtest/gtest.h"
#include "ledger/ledger.h"
#include "store/store.h"

namespace zhida::store {
// Names the parameter in test output ("GetParam() = Sqlite"); found by argument-dependent lookup.
void PrintTo(Dialect dialect, std::ostream* os);
}  // namespace zhida::store

namespace zhida::ledger::testing {

// A store made for one test, removed (file or schema) on destruction.
class ScratchStore {
 public:
  // kUnavailable (with a reason) when PostgreSQL is asked for and ZHIDA_TEST_PG is unset.
  static absl::StatusOr<std::unique_ptr<ScratchStore>> Create(store::Dialect dialect,
                                                              int pool_size = 8);
  ~ScratchStore();
  store::Store& store() { return *store_; }

 private:
  ScratchStore() = default;
  std::unique_ptr<store::Store> store_;
  std::string dir_;       // SQLite
  std::string base_url_;  // PostgreSQL
  std::string schema_;    // PostgreSQL
};

std::string DialectName(const ::testing::TestParamInfo<store::Dialect>& info);

// Each TEST_P of a subclass runs on SQLite and (when ZHIDA_TEST_PG is set) PostgreSQL with a fresh
// store, a fake clock and a ledger over them.
class LedgerTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens an account (fund "F1", year 2026 unless given), failing the test on error.
  Account Open(AccountKind kind, std::string holder = "", std::string fund = "F1",
               int year = 2026);
  // Runs CreateTransfers, failing the test on an operating error.
  std::vector<TransferCode> Create(const std::vector<Transfer>& transfers);
  TransferCode CreateOne(const Transfer& t) { return Create({t}).at(0); }
  Balance BalanceOf(int64_t account_id);
  // Expects Verify to pass.
  void ExpectVerified();

  std::unique_ptr<ScratchStore> scratch_;
  core::FakeClock clock_;
  std::unique_ptr<Ledger> ledger_;
};

// A transfer with the fields every test sets: code "test", user "tester".
Transfer MakeTransfer(std::string id, int64_t debit, int64_t credit, int64_t amount_fen,
                      uint32_t flags = 0, std::string pending_id = "");

// The seed of a randomized test: $ZHIDA_SEED when set (to replay a run), else a fresh one.
// Prints it either way ("[ seed     ] ZHIDA_SEED=…").
uint64_t TestSeed();

// Registers a LedgerTest subclass on both backends.
#define ZHIDA_LEDGER_BOTH_BACKENDS(Fixture)                                            \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture,                                          \
                           ::testing::Values(::zhida::store::Dialect::kSqlite,         \
                                             ::zhida::store::Dialect::kPostgres),      \
                           ::zhida::ledger::testing::DialectName)

}  // namespace zhida::ledger::testing

// The store's behaviour, case by case, on both backends: every TEST_P runs on SQLite (a file in
// a temp dir) and on PostgreSQL (a fresh schema in the database of $ZHIDA_TEST_PG; skipped when
// it is unset — ctest's store_test_postgres sets it through tests/pg/with_pg.sh).
#include "store/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"

namespace zhida::store {

// Names the parameter in test output and ctest names ("GetParam() = Sqlite"); gtest finds it by
// argument-dependent lookup, hence outside the unnamed namespace.
void PrintTo(Dialect dialect, std::ostream* os) {
  *os << (dialect == Dialect::kSqlite ? "Sqlite" : "Postgres");
}

namespace {

#define ASSERT_OK(expr)              \
  do {                               \
    const absl::Status _st = (expr); \
    ASSERT_TRUE(_st.ok()) << _st;    \
  } while (0)
#define EXPECT_OK(expr)              \
  do {                               \
    const absl::Status _st = (expr); \
    EXPECT_TRUE(_st.ok()) << _st;    \
  } while (0)

using ::testing::HasSubstr;

std::string DialectName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
}

class StoreTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kSqlite) {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "zhida-store-XXXXXX").string();
      ASSERT_NE(mkdtemp(pattern.data()), nullptr);
      dir_ = pattern;
      url_ = (dir_ / "zhida.db").string();
    } else {
      const char* pg = std::getenv("ZHIDA_TEST_PG");
      if (pg == nullptr || *pg == '\0') GTEST_SKIP() << "ZHIDA_TEST_PG is not set";
      base_url_ = pg;
      // Each case gets its own schema, selected for every pooled connection by the URL.
      static std::atomic<int> cases{0};
      schema_ = absl::StrCat("store_test_", getpid(), "_", cases++);
      ASSERT_OK(Admin("CREATE SCHEMA " + schema_));
      url_ = absl::StrCat(base_url_, base_url_.find('?') == std::string::npos ? "?" : "&",
                          "options=-csearch_path%3D", schema_);
    }
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(url_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    ASSERT_EQ(store_->dialect(), GetParam());
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) EXPECT_OK(Admin("DROP SCHEMA " + schema_ + " CASCADE"));
  }

  // Runs one statement on the PostgreSQL database outside the case's schema.
  absl::Status Admin(const std::string& sql) {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> admin, Store::Open(base_url_, {.pool_size = 1}));
    return admin->InTx(TxMode::kWrite, [&](Tx& tx) { return tx.Exec(sql).status(); });
  }

  // Creates a table from SQL with dialect tokens ({{ID}}, {{BLOB}}).
  void Create(std::string_view sql) {
    absl::StatusOr<std::string> ddl = ApplyDialect(sql, GetParam());
    ASSERT_TRUE(ddl.ok()) << ddl.status();
    ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) { return tx.Exec(*ddl).status(); }));
  }

  void CreateItems() {
    Create("CREATE TABLE items (id {{ID}}, name TEXT NOT NULL UNIQUE, n BIGINT, note TEXT)");
  }

  // Rows in `table`, read in a fresh read transaction.
  int64_t Count(std::string_view table) {
    int64_t count = -1;
    absl::Status status = store_->InTx(TxMode::kRead, [&](Tx& tx) {
      ASSIGN_OR_RETURN(Result r, tx.Query(absl::StrCat("SELECT count(*) FROM ", Absl(table))));
      count = r.rows.at(0).Int(0);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return count;
  }

  static absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

  std::filesystem::path dir_;  // SQLite
  std::string base_url_;       // PostgreSQL
  std::string schema_;         // PostgreSQL
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, RoundTripsInt64ExtremesChineseTextAndNull) {
  CreateItems();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string chinese = "泉州市惠企政策线上直达兑现 · 晋江市（350582）— 「免申即享」";
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    for (int64_t n : {kMin, kMax, int64_t{0}, int64_t{-1}}) {
      RETURN_IF_ERROR(tx.Exec("INSERT INTO items (name, n, note) VALUES (?, ?, ?)",
                              {absl::StrCat(chinese, n), n, Null()})
                          .status());
    }
    return absl::OkStatus();
  }));
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT n, name, note FROM items ORDER BY id"));
    EXPECT_THAT(r.columns, ::testing::ElementsAre("n", "name", "note"));
    EXPECT_EQ(r.rows.size(), 4u);
    if (r.rows.size() != 4u) return absl::OkStatus();
    EXPECT_EQ(r.rows[0].Int(0), kMin);
    EXPECT_EQ(r.rows[1].Int(0), kMax);
    EXPECT_EQ(r.rows[2].Int(0), 0);
    EXPECT_EQ(r.rows[3].Int(0), -1);
    EXPECT_TRUE(std::holds_alternative<int64_t>(r.rows[0].value(0)));  // same type on both
    EXPECT_EQ(r.rows[1].Text(1), absl::StrCat(chinese, kMax));
    EXPECT_EQ(r.rows[0].Text(0), "-9223372036854775808");
    EXPECT_TRUE(r.rows[0].IsNull(2));
    EXPECT_EQ(r.rows[0].OptText(2), std::nullopt);
    EXPECT_EQ(r.rows[0].Text(2), "");
    // Parameters compare exactly, too.
    ASSIGN_OR_RETURN(Result found, tx.Query("SELECT count(*) FROM items WHERE n = ? AND name = ?",
                                            {kMin, absl::StrCat(chinese, kMin)}));
    EXPECT_EQ(found.rows.at(0).Int(0), 1);
    ASSIGN_OR_RETURN(Result nulls, tx.Query("SELECT count(*) FROM items WHERE note IS NULL"));
    EXPECT_EQ(nulls.rows.at(0).Int(0), 4);
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, ReturningGivesTheNewId) {
  CreateItems();
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result a, tx.Query("INSERT INTO items (name) VALUES (?) RETURNING id", {"a"}));
    ASSIGN_OR_RETURN(Result b, tx.Query("INSERT INTO items (name) VALUES (?) RETURNING id", {"b"}));
    EXPECT_EQ(a.affected_rows, 1);
    EXPECT_EQ(a.rows.at(0).Int(0), 1);
    EXPECT_EQ(b.rows.at(0).Int(0), 2);
    ASSIGN_OR_RETURN(Result name,
                     tx.Query("SELECT name FROM items WHERE id = ?", {b.rows.at(0).Int(0)}));
    EXPECT_EQ(name.rows.at(0).Text(0), "b");
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, UniqueViolationIsAlreadyExists) {
  CreateItems();
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {int64_t{7}, "x"}).status();
  }));
  auto insert = [&](int64_t id, std::string name) {
    return store_->InTx(TxMode::kWrite, [&](Tx& tx) {
      return tx.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {id, name}).status();
    });
  };
  absl::Status unique = insert(8, "x");
  EXPECT_EQ(unique.code(), absl::StatusCode::kAlreadyExists) << unique;
  EXPECT_THAT(std::string(unique.message()), HasSubstr("INSERT INTO items"));  // for operators
  absl::Status primary_key = insert(7, "y");
  EXPECT_EQ(primary_key.code(), absl::StatusCode::kAlreadyExists) << primary_key;
  EXPECT_EQ(Count("items"), 1);
}

TEST_P(StoreTest, ForeignKeyAndNotNullViolationsAreFailedPrecondition) {
  Create("CREATE TABLE parents (id {{ID}})");
  Create("CREATE TABLE children (id {{ID}}, parent_id BIGINT NOT NULL REFERENCES parents (id))");
  absl::Status fk = store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO children (parent_id) VALUES (?)", {int64_t{42}}).status();
  });
  EXPECT_EQ(fk.code(), absl::StatusCode::kFailedPrecondition) << fk;
  absl::Status not_null = store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO children (parent_id) VALUES (?)", {Null()}).status();
  });
  EXPECT_EQ(not_null.code(), absl::StatusCode::kFailedPrecondition) << not_null;
  // With the parent present the same insert works: the failure above was the constraint.
  EXPECT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO parents (id) VALUES (42)").status());
    return tx.Exec("INSERT INTO children (parent_id) VALUES (?)", {int64_t{42}}).status();
  }));
  EXPECT_EQ(Count("children"), 1);
}

TEST_P(StoreTest, RollsBackOnDestructionAndCommitMakesWritesVisible) {
  CreateItems();
  {
    absl::StatusOr<std::unique_ptr<Tx>> tx = store_->Begin(TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_OK((*tx)->Exec("INSERT INTO items (name) VALUES ('dropped')").status());
  }
  EXPECT_EQ(Count("items"), 0);
  {
    absl::StatusOr<std::unique_ptr<Tx>> tx = store_->Begin(TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    absl::StatusOr<int64_t> changed = (*tx)->Exec("INSERT INTO items (name) VALUES ('kept')");
    ASSERT_TRUE(changed.ok()) << changed.status();
    EXPECT_EQ(*changed, 1);
    ASSERT_OK((*tx)->Commit());
  }
  EXPECT_EQ(Count("items"), 1);
  absl::StatusOr<int64_t> updated;
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    updated = tx.Exec("UPDATE items SET n = 5");
    return updated.status();
  }));
  EXPECT_EQ(*updated, 1);
}

// After a failed statement only a rollback is possible, on both backends alike (PostgreSQL
// cannot do otherwise), so a service that ignores an error cannot commit half its work.
TEST_P(StoreTest, FailedStatementPoisonsTheTransaction) {
  CreateItems();
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO items (name) VALUES ('a')").status();
  }));
  absl::StatusOr<std::unique_ptr<Tx>> tx = store_->Begin(TxMode::kWrite);
  ASSERT_TRUE(tx.ok()) << tx.status();
  ASSERT_OK((*tx)->Exec("INSERT INTO items (name) VALUES ('b')").status());
  EXPECT_EQ((*tx)->Exec("INSERT INTO items (name) VALUES ('a')").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ((*tx)->Exec("INSERT INTO items (name) VALUES ('c')").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ((*tx)->Commit().code(), absl::StatusCode::kAlreadyExists);
  tx->reset();
  EXPECT_EQ(Count("items"), 1);  // 'b' was rolled back
}

TEST_P(StoreTest, ReadTransactionRefusesWrites) {
  CreateItems();
  absl::Status status = store_->InTx(TxMode::kRead, [&](Tx& tx) {
    return tx.Exec("INSERT INTO items (name) VALUES ('a')").status();
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(Count("items"), 0);
}

TEST_P(StoreTest, PlaceholderCountMustMatchParameters) {
  CreateItems();
  absl::Status status = store_->InTx(TxMode::kRead, [&](Tx& tx) {
    return tx.Query("SELECT id FROM items WHERE name = ? AND n = ?", {"a"}).status();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
}

TEST_P(StoreTest, FloatingPointResultsAreRefused) {
  absl::Status status = store_->InTx(
      TxMode::kRead, [&](Tx& tx) { return tx.Query("SELECT CAST(1.5 AS REAL)").status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("column 0"));
}

TEST_P(StoreTest, BooleansAndCountsComeBackAsIntegers) {
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    // PostgreSQL must infer each placeholder's type from its context: a bare `? IS NULL` would
    // fail there (42P18), hence the cast.
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT 1 = 1, 1 = 2, CAST(? AS TEXT) IS NULL", {Null()}));
    EXPECT_EQ(r.rows.at(0).value(0), Value(int64_t{1}));
    EXPECT_EQ(r.rows.at(0).value(1), Value(int64_t{0}));
    EXPECT_TRUE(r.rows.at(0).Bool(2));
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, BlobsRoundTripEveryByte) {
  Create("CREATE TABLE blobs (id {{ID}}, data {{BLOB}} NOT NULL)");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));  // NUL and 0xFF too
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO blobs (data) VALUES (?)", {bytes}).status();
  }));
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT data FROM blobs"));
    EXPECT_EQ(r.rows.at(0).Text(0), bytes);
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, InTxRetriesOnlyAbortedTransactions) {
  CreateItems();
  int calls = 0;
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) -> absl::Status {
    ++calls;
    RETURN_IF_ERROR(tx.Exec("INSERT INTO items (name) VALUES (?)", {"retried"}).status());
    if (calls < 3) return absl::AbortedError("simulated serialization failure");
    return absl::OkStatus();
  }));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Count("items"), 1);  // the two aborted attempts were rolled back

  calls = 0;
  absl::Status status = store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    ++calls;
    return absl::InvalidArgumentError("not retried");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);

  calls = 0;
  status = store_->InTx(
      TxMode::kWrite,
      [&](Tx& tx) {
        ++calls;
        return absl::AbortedError("always");
      },
      4);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(calls, 4);
}

// 4 threads × 200 read-modify-write increments through InTx: no update may be lost.
TEST_P(StoreTest, ConcurrentWriteTransactionsDoNotLoseUpdates) {
  Create("CREATE TABLE counters (id {{ID}}, value BIGINT NOT NULL)");
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO counters (id, value) VALUES (1, 0)").status();
  }));
  // SQLite serializes writers at BEGIN IMMEDIATE; PostgreSQL at READ COMMITTED needs the row lock.
  const std::string select = GetParam() == Dialect::kSqlite
                                 ? "SELECT value FROM counters WHERE id = 1"
                                 : "SELECT value FROM counters WHERE id = 1 FOR UPDATE";
  constexpr int kThreads = 4;
  constexpr int kIncrements = 200;
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements && results[t].ok(); ++i) {
        results[t] = store_->InTx(TxMode::kWrite, [&](Tx& tx) {
          ASSIGN_OR_RETURN(Result r, tx.Query(select));
          int64_t value = r.rows.at(0).Int(0);
          return tx.Exec("UPDATE counters SET value = ? WHERE id = 1", {value + 1}).status();
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : results) EXPECT_OK(status);
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT value FROM counters WHERE id = 1"));
    EXPECT_EQ(r.rows.at(0).Int(0), kThreads * kIncrements);
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, MigrationsApplyOnceAndAreRecorded) {
  absl::StatusOr<int> before = store_->SchemaVersion();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(*before, 0);
  ASSERT_OK(store_->Migrate());
  ASSERT_OK(store_->Migrate());  // a second run finds nothing to do (re-running DDL would fail)
  absl::StatusOr<int> after = store_->SchemaVersion();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, Store::LatestSchemaVersion());
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT version, name, applied_at FROM schema_migrations "
                                        "ORDER BY version"));
    std::span<const Migration> embedded = EmbeddedMigrations();
    EXPECT_EQ(r.rows.size(), embedded.size());
    for (size_t i = 0; i < r.rows.size() && i < embedded.size(); ++i) {
      EXPECT_EQ(r.rows[i].Int(0), embedded[i].version);
      EXPECT_EQ(r.rows[i].Text(1), embedded[i].name);
      EXPECT_EQ(r.rows[i].Text(2).size(), std::string("2026-01-01T00:00:00Z").size());
    }
    return absl::OkStatus();
  }));
}

// Each migration is its own transaction: a failing one leaves the earlier ones applied and
// nothing of itself; once fixed, it applies.
TEST_P(StoreTest, EachMigrationIsItsOwnTransaction) {
  const Migration good[] = {
      {1, "0001_a", "CREATE TABLE a (id {{ID}});\nINSERT INTO a (id) VALUES (1);\n"},
      {2, "0002_b", "CREATE TABLE b (id {{ID}});\nINSERT INTO missing VALUES (1);\n"},
  };
  absl::Status failed = ApplyMigrations(*store_, good);
  EXPECT_FALSE(failed.ok());
  EXPECT_THAT(std::string(failed.message()), HasSubstr("0002_b"));
  absl::StatusOr<int> version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 1);
  EXPECT_EQ(Count("a"), 1);
  absl::Status no_b = store_->InTx(
      TxMode::kRead, [&](Tx& tx) { return tx.Query("SELECT count(*) FROM b").status(); });
  EXPECT_FALSE(no_b.ok());  // table b was rolled back with its migration

  const Migration fixed[] = {good[0], {2, "0002_b", "CREATE TABLE b (id {{ID}});\n"}};
  ASSERT_OK(ApplyMigrations(*store_, fixed));
  ASSERT_OK(ApplyMigrations(*store_, fixed));
  EXPECT_EQ(*store_->SchemaVersion(), 2);
  EXPECT_EQ(Count("b"), 0);
  EXPECT_EQ(Count("a"), 1);  // 0001 did not run again
}

TEST_P(StoreTest, NewerDatabaseIsRefused) {
  ASSERT_OK(store_->Migrate());
  int latest = Store::LatestSchemaVersion();
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx
        .Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              {int64_t{latest + 1}, "from_the_future", "2099-01-01T00:00:00Z"})
        .status();
  }));
  absl::Status status = store_->Migrate();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), absl::StrCat("数据库结构版本 ", latest + 1, " 高于本程序支持的 ",
                                           latest, "，请升级程序"));
  EXPECT_EQ(*store_->SchemaVersion(), latest + 1);
}

// Two stores (two pools, as two processes would have) migrate the same database at once.
TEST_P(StoreTest, ConcurrentMigrationsApplyEachVersionOnce) {
  absl::StatusOr<std::unique_ptr<Store>> other = Store::Open(url_);
  ASSERT_TRUE(other.ok()) << other.status();
  const Migration migrations[] = {
      {1, "0001_a", "CREATE TABLE a (id {{ID}});\n"},
      {2, "0002_b", "CREATE TABLE b (id {{ID}});\nINSERT INTO b (id) VALUES (1);\n"},
      {3, "0003_c", "CREATE TABLE c (id {{ID}});\n"},
  };
  absl::Status first, second;
  std::thread t1([&] { first = ApplyMigrations(*store_, migrations); });
  std::thread t2([&] { second = ApplyMigrations(**other, migrations); });
  t1.join();
  t2.join();
  EXPECT_OK(first);
  EXPECT_OK(second);
  EXPECT_EQ(Count("schema_migrations"), 3);
  EXPECT_EQ(Count("b"), 1);
}

TEST_P(StoreTest, RepeatedInsertReusesThePreparedStatement) {
  Create("CREATE TABLE many (id {{ID}}, n BIGINT NOT NULL)");
  constexpr int kRows = 100000;
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    for (int i = 0; i < kRows; ++i) {
      RETURN_IF_ERROR(tx.Exec("INSERT INTO many (n) VALUES (?)", {int64_t{i}}).status());
    }
    return absl::OkStatus();
  }));
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT count(*), sum(n) FROM many"));
    EXPECT_EQ(r.rows.at(0).Int(0), kRows);
    EXPECT_EQ(r.rows.at(0).Int(1), int64_t{kRows} * (kRows - 1) / 2);
    return absl::OkStatus();
  }));
}

// More distinct statements than the cache holds: evicted ones are freed and re-prepared.
TEST_P(StoreTest, StatementCacheEvictionKeepsWorking) {
  CreateItems();
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 300; ++i) {  // above kStatementCacheSizeMax (256)
        std::string sql = absl::StrCat("SELECT ", i, " + ?");
        ASSIGN_OR_RETURN(Result r, tx.Query(sql, {int64_t{round}}));
        EXPECT_EQ(r.rows.at(0).Int(0), i + round);
      }
    }
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, BackupProducesAReadableCopy) {
  CreateItems();
  ASSERT_OK(store_->InTx(TxMode::kWrite, [&](Tx& tx) {
    return tx.Exec("INSERT INTO items (name, n) VALUES ('备份', 42)").status();
  }));
  if (GetParam() == Dialect::kPostgres) {
    EXPECT_EQ(store_->Backup("/nonexistent/backup.db").code(), absl::StatusCode::kUnimplemented);
    return;
  }
  std::string backup = (dir_ / "backup.db").string();
  ASSERT_OK(store_->Backup(backup));
  EXPECT_FALSE(std::filesystem::exists(backup + ".partial"));
  absl::StatusOr<std::unique_ptr<Store>> copy = Store::Open(backup);
  ASSERT_TRUE(copy.ok()) << copy.status();
  ASSERT_OK((*copy)->InTx(TxMode::kRead, [&](Tx& tx) {
    ASSIGN_OR_RETURN(Result r, tx.Query("SELECT name, n FROM items"));
    EXPECT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows.at(0).Text(0), "备份");
    EXPECT_EQ(r.rows.at(0).Int(1), 42);
    return absl::OkStatus();
  }));
}

TEST_P(StoreTest, DurabilitySettingsAreOnEveryConnection) {
  if (GetParam() != Dialect::kSqlite) GTEST_SKIP() << "SQLite pragmas";
  // Three read transactions at once hold three different pooled connections.
  std::vector<std::unique_ptr<Tx>> txs;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::unique_ptr<Tx>> tx = store_->Begin(TxMode::kRead);
    ASSERT_TRUE(tx.ok()) << tx.status();
    txs.push_back(std::move(*tx));
  }
  for (auto& tx : txs) {
    absl::StatusOr<Result> journal = tx->Query("PRAGMA journal_mode");
    ASSERT_TRUE(journal.ok()) << journal.status();
    EXPECT_EQ(journal->rows.at(0).Text(0), "wal");
    absl::StatusOr<Result> synchronous = tx->Query("PRAGMA synchronous");
    ASSERT_TRUE(synchronous.ok()) << synchronous.status();
    EXPECT_EQ(synchronous->rows.at(0).Int(0), 2);  // FULL
    absl::StatusOr<Result> foreign_keys = tx->Query("PRAGMA foreign_keys");
    ASSERT_TRUE(foreign_keys.ok()) << foreign_keys.status();
    EXPECT_EQ(foreign_keys->rows.at(0).Int(0), 1);
  }
}

TEST_P(StoreTest, LostConnectionIsUnavailableAndThePoolRecovers) {
  if (GetParam() != Dialect::kPostgres) GTEST_SKIP() << "PostgreSQL connections";
  auto pid_of = [](Tx& tx) { return tx.Query("SELECT pg_backend_pid()")->rows.at(0).Int(0); };
  // A connection killed in the middle of a transaction reports kUnavailable.
  {
    absl::StatusOr<std::unique_ptr<Tx>> victim = store_->Begin(TxMode::kWrite);
    ASSERT_TRUE(victim.ok()) << victim.status();
    int64_t pid = pid_of(**victim);
    ASSERT_OK(Admin(absl::StrCat("SELECT pg_terminate_backend(", pid, ", 10000)")));
    EXPECT_EQ((*victim)->Query("SELECT 1").status().code(), absl::StatusCode::kUnavailable);
  }
  // An idle pooled connection killed behind the pool's back is replaced at the next Begin.
  int64_t idle_pid = 0;
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    idle_pid = pid_of(tx);
    return absl::OkStatus();
  }));
  ASSERT_OK(Admin(absl::StrCat("SELECT pg_terminate_backend(", idle_pid, ", 10000)")));
  ASSERT_OK(store_->InTx(TxMode::kRead, [&](Tx& tx) {
    EXPECT_NE(pid_of(tx), idle_pid);
    return absl::OkStatus();
  }));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), DialectName);

// ---- SQLite durability checks (not parameterised) ----

TEST(SqliteSettings, RefusesAnythingButWalAndFullUnlessUnsafe) {
  EXPECT_TRUE(CheckSqliteSettings({"wal", 2, 1}, false).ok());
  EXPECT_TRUE(CheckSqliteSettings({"WAL", 3, 1}, false).ok());  // EXTRA is stronger than FULL
  EXPECT_EQ(CheckSqliteSettings({"delete", 2, 1}, false).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckSqliteSettings({"wal", 1, 1}, false).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckSqliteSettings({"memory", 0, 1}, true).ok());
  // Foreign keys are correctness, not durability: never waived.
  EXPECT_EQ(CheckSqliteSettings({"wal", 2, 0}, true).code(), absl::StatusCode::kFailedPrecondition);
}

// A real database where WAL cannot be had: in memory (journal_mode stays "memory").
TEST(SqliteSettings, InMemoryDatabaseIsRefusedUnlessUnsafe) {
  absl::StatusOr<std::unique_ptr<Store>> refused = Store::Open(":memory:");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("WAL"));

  absl::StatusOr<std::unique_ptr<Store>> unsafe = Store::Open(":memory:", {.allow_unsafe = true});
  ASSERT_TRUE(unsafe.ok()) << unsafe.status();
  // One connection, so a second transaction sees the first one's table.
  ASSERT_OK((*unsafe)->InTx(TxMode::kWrite,
                            [](Tx& tx) { return tx.Exec("CREATE TABLE t (x INTEGER)").status(); }));
  ASSERT_OK((*unsafe)->InTx(TxMode::kRead,
                            [](Tx& tx) { return tx.Query("SELECT count(*) FROM t").status(); }));
}

TEST(SqliteOpen, MissingFileIsUnavailableWithoutCreate) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open("/nonexistent-dir/zhida.db", {.create_if_missing = false});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace zhida::store

// ledger_bench: durable transfers per second through zhida::ledger (issue 4 §6).
//
//   ledger_bench [--url URL] [--transfers N] [--single N]
//
// URL is a SQLite file (default: a fresh file in a temp dir, removed afterwards) or a
// postgresql:// URL (also taken from $ZHIDA_PG_URL). Every transaction is durable: SQLite runs
// WAL with synchronous=FULL (the store insists), PostgreSQL fsync=on and synchronous_commit=on
// (bench/ledger/run.sh starts such a server). Each mode prints one line:
//   single       one transfer per CreateTransfers call (one transaction, one fsync each)
//   batch 1000   plain transfers, 1,000 per call
//   two-phase    1,000 per call: 500 reservations (pending) and the posts of the previous
//                call's 500
// Transfers go from 100 quotas to 100 commitments at random, so batches touch many accounts.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/clock.h"
#include "ledger/ledger.h"
#include "store/store.h"

namespace zhida::ledger {
namespace {

constexpr int kAccountsPerSide = 100;
constexpr size_t kBatchSize = 1000;

struct Options {
  std::string url;
  int transfers = 100'000;  // per batched mode
  int single = 2'000;       // for the single mode
};

void Die(const absl::Status& status) {
  std::fprintf(stderr, "ledger_bench: %s\n", status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(absl::StatusOr<T> v) {
  if (!v.ok()) Die(v.status());
  return *std::move(v);
}

class Bench {
 public:
  Bench(store::Store* store, std::string run) : ledger_(store, &core::SystemClock()), run_(run) {}

  // Opens the accounts of a fresh fund (named after the run, so that runs never collide) and
  // fills the quotas.
  void Seed() {
    std::string fund = "BENCH-" + run_;
    auto open = [&](AccountKind kind, std::string holder) {
      return Check(ledger_.OpenAccount({fund, 2026, kind, std::move(holder)}, "bench")).id;
    };
    int64_t a = open(AccountKind::kAppropriation, ""), b = open(AccountKind::kBudget, "");
    std::vector<Transfer> seed = {T("seed", a, b, int64_t{1} << 60, 0)};
    for (int i = 0; i < kAccountsPerSide; ++i) {
      quotas_.push_back(open(AccountKind::kQuota, absl::StrCat("q", i)));
      commitments_.push_back(open(AccountKind::kCommitment, absl::StrCat("c", i)));
      seed.push_back(T(absl::StrCat("seed-", i), b, quotas_.back(), int64_t{1} << 50, 0));
    }
    Expect(Check(ledger_.CreateTransfers(seed)));
  }

  void Single(int n) {
    Time("single", n, [&] {
      for (int i = 0; i < n; ++i) {
        Transfer t = Random("s", 0);
        Expect(Check(ledger_.CreateTransfers({&t, 1})));
      }
    });
  }

  void Batched(int n) {
    Time("batch 1000", n, [&] {
      std::vector<Transfer> batch;
      for (int done = 0; done < n; done += static_cast<int>(batch.size())) {
        batch.clear();
        while (batch.size() < kBatchSize) batch.push_back(Random("b", 0));
        Expect(Check(ledger_.CreateTransfers(batch)));
      }
    });
  }

  void TwoPhase(int n) {
    Time("two-phase", n, [&] {
      std::vector<std::string> previous;
      std::vector<Transfer> batch;
      for (int done = 0; done < n; done += static_cast<int>(batch.size())) {
        batch.clear();
        for (const std::string& id : previous) {
          batch.push_back(T("p-" + id, 0, 0, 0, kPostPending));
          batch.back().pending_id = id;
        }
        previous.clear();
        while (batch.size() < kBatchSize) {
          batch.push_back(Random("r", kPending));
          previous.push_back(batch.back().id);
        }
        Expect(Check(ledger_.CreateTransfers(batch)));
      }
    });
  }

 private:
  Transfer T(std::string id, int64_t debit, int64_t credit, int64_t amount, uint32_t flags) {
    return Transfer{.id = absl::StrCat(run_, "-", id), .debit_account_id = debit,
                    .credit_account_id = credit, .amount_fen = amount, .flags = flags,
                    .code = "bench", .reason = "基准测试", .user = "bench"};
  }

  Transfer Random(const char* prefix, uint32_t flags) {
    int64_t q = quotas_[rng_() % quotas_.size()], c = commitments_[rng_() % commitments_.size()];
    return T(absl::StrCat(prefix, next_++), q, c, 1 + static_cast<int64_t>(rng_() % 100'000),
             flags);
  }

  static void Expect(const std::vector<TransferCode>& results) {
    for (TransferCode code : results) {
      if (code != TransferCode::kOk) {
        std::fprintf(stderr, "ledger_bench: unexpected %s\n", std::string(CodeName(code)).c_str());
        std::exit(1);
      }
    }
  }

  template <typename Fn>
  void Time(const char* mode, int n, Fn fn) {
    auto start = std::chrono::steady_clock::now();
    fn();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-10s  %-12s  %9d  %8.2f  %11.0f\n", backend_, mode, n, seconds, n / seconds);
    std::fflush(stdout);
  }

 public:
  const char* backend_ = "sqlite";

 private:
  Ledger ledger_;
  std::string run_;
  std::mt19937_64 rng_{42};
  std::vector<int64_t> quotas_, commitments_;
  int64_t next_ = 0;
};

Options Parse(int argc, char** argv) {
  Options o;
  if (const char* pg = std::getenv("ZHIDA_PG_URL"); pg != nullptr && *pg != '\0') o.url = pg;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--url") {
      o.url = value;
    } else if (flag == "--transfers" && absl::SimpleAtoi(value, &o.transfers)) {
    } else if (flag == "--single" && absl::SimpleAtoi(value, &o.single)) {
    } else {
      std::fprintf(stderr, "usage: ledger_bench [--url URL] [--transfers N] [--single N]\n");
      std::exit(2);
    }
  }
  return o;
}

int Main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::string dir;
  if (o.url.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "zhida-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die(absl::InternalError("mkdtemp"));
    dir = pattern;
    o.url = dir + "/ledger.db";
  }
  {
    std::unique_ptr<store::Store> store = Check(store::Store::Open(o.url));
    if (absl::Status s = store->Migrate(); !s.ok()) Die(s);
    Bench bench(store.get(), absl::StrCat(absl::ToUnixMillis(absl::Now())));
    bench.backend_ = store->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql";
    bench.Seed();
    std::printf("%-10s  %-12s  %9s  %8s  %11s\n", "backend", "mode", "transfers", "seconds",
                "transfers/s");
    bench.Single(o.single);
    bench.Batched(o.transfers);
    bench.TwoPhase(o.transfers);
  }
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace zhida::ledger

int main(int argc, char** argv) { return zhida::ledger::Main(argc, argv); }

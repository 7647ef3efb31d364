// Screen: every policy over every enterprise of a table, on the batch evaluator, in batches shared
// out between threads; the eligible pairs joined policy by policy, sorted by uscc.
#include "services/screening.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <numeric>
#include <thread>
#include <utility>

#include "rules/batch.h"
#include "rules/huge_pages.h"
#include "rules/issue.h"
#include "rules/limits.h"
#include "rules/program.h"

namespace zhida::services {

namespace {

// A compiled policy, prepared for the table; a policy that failed to compile is left out.
struct CompiledPolicy {
  int index = 0;  // in the input
  std::shared_ptr<const rules::Program> eligibility;
  std::shared_ptr<const rules::Program> award;
  std::optional<core::Decimal> cap;
  std::shared_ptr<const rules::BatchProgram> eligibility_batch;
  std::shared_ptr<const rules::BatchProgram> award_batch;
};

// An eligible pair before it is given its strings: the award in fen, the enterprise by its uscc
// rank.
using Hit = ScreenRows::Pair;

// Memory for one worker's hits: large slabs, advised for huge pages, handed out in blocks. A
// screening of the bench data finds 4.7 million hits (75 MB); in small heap blocks the first
// touch of every 4 KiB page was a page fault, a tenth of the screening time on a VM.
class HitPool {
 public:
  static constexpr size_t kBlockHits = 4096;  // 64 KiB

  Hit* NewBlock() {
    if (slabs_.empty() || slab_used_ == kSlabHits) {
      slabs_.emplace_back(new std::byte[kSlabHits * sizeof(Hit)]);
      rules::AdviseHugePages(slabs_.back().get(), kSlabHits * sizeof(Hit));
      slab_used_ = 0;
    }
    Hit* block = reinterpret_cast<Hit*>(slabs_.back().get()) + slab_used_;
    slab_used_ += kBlockHits;
    return block;
  }

 private:
  static constexpr size_t kSlabHits = 256 * kBlockHits;  // 16 MiB
  std::vector<std::unique_ptr<std::byte[]>> slabs_;
  size_t slab_used_ = 0;
};

// The hits one worker found for one policy, in blocks from its pool that never move once
// written (a vector growing by doubling spent a third of the screening loop copying itself).
class HitList {
 public:
  void Add(Hit h, HitPool* pool) {
    if (blocks_.empty() || last_size_ == HitPool::kBlockHits) {
      blocks_.push_back(pool->NewBlock());
      last_size_ = 0;
    }
    new (blocks_.back() + last_size_++) Hit(h);
    ++size_;
  }
  size_t size() const { return size_; }
  template <typename F>
  void ForEach(F f) const {
    for (size_t b = 0; b < blocks_.size(); ++b) {
      const size_t n = b + 1 == blocks_.size() ? last_size_ : HitPool::kBlockHits;
      for (size_t i = 0; i < n; ++i) f(blocks_[b][i]);
    }
  }

 private:
  std::vector<Hit*> blocks_;
  size_t last_size_ = 0;
  size_t size_ = 0;
};

// What one worker found over its batches.
struct Partial {
  HitPool pool;
  std::vector<HitList> hits;  // per compiled policy, in the order of `compiled`
  int64_t not_eligible = 0;
  int64_t cannot_determine = 0;
  std::vector<int64_t> missing;  // per schema field: pairs that need it
  std::map<std::string, int64_t> errors_by_code;
};

// Counts a cannot-determine pair and the facts it needs.
void CountMissing(const rules::BatchProgram& program, uint64_t mask, Partial* out) {
  ++out->cannot_determine;
  for (int bit = 0; mask != 0; ++bit, mask >>= 1) {
    if (mask & 1) ++out->missing[static_cast<size_t>(program.field_of_bit(bit))];
  }
}

// Counts an eligible pair whose award is not an amount: unknown (cannot determine) or an error
// (also a number past the range of Money).
void CountAwardValue(const rules::Value& amount, const rules::Schema& schema, Partial* out) {
  if (amount.is_unknown()) {
    ++out->cannot_determine;  // eligible, but the amount needs a missing fact
    for (const std::string& field : amount.unknown_value().fields) {
      ++out->missing[static_cast<size_t>(schema.FieldIndex(field))];
    }
    return;
  }
  if (amount.is_error()) {
    ++out->errors_by_code[amount.error_value().code];
    return;
  }
  absl::StatusOr<core::Money> money =
      core::Money::FromDecimal(amount.decimal_value(), core::RoundingMode::kHalfUp);
  ++out->errors_by_code[ErrorCode(money.status())];
}

// Batches a worker takes at a time (see Screen): a policy's program is reused over 8 × 2,048
// rows, while the few columns it reads (~5 × 128 KiB) stream through the cache in order.
// Measured on the bench data: 1 batch a group 1.3 s of CPU for 200M pairs, 4: 0.93 s, 8: 0.90 s,
// 16: 0.86 s (noisy; 8 keeps groups small enough to share out between threads).
constexpr int64_t kGroupBatches = 8;

// Screens one policy over one batch of rows [begin, begin + count).
void ScreenPolicyBatch(const CompiledPolicy& p, size_t policy, const EnterpriseTable& table,
                       int64_t begin, int count, rules::BatchScratch* scratch,
                       std::vector<uint16_t>* eligible, Partial* out) {
  const rules::BatchResult result =
      rules::EvalBatch(*p.eligibility_batch, begin, count, nullptr, 0, scratch);
  eligible->resize(static_cast<size_t>(rules::kBatchRows));
  const int n = result.SelectTrue(eligible->data());
  int decided_false = count - n;
  for (int r = 0; r < count && !result.AllBool(); ++r) {
    switch (result.Kind(r)) {
      case rules::RowKind::kTrue:
      case rules::RowKind::kFalse:
        break;
      case rules::RowKind::kUnknown:
        --decided_false;
        CountMissing(*p.eligibility_batch, result.UnknownMask(r), out);
        break;
      case rules::RowKind::kError:
        --decided_false;
        ++out->errors_by_code[result.Error(r).code];
        break;
      case rules::RowKind::kOther:  // not a bool: an error with its reason
        --decided_false;
        ++out->errors_by_code[rules::Decide(result.Get(r)).error.code];
        break;
    }
  }
  out->not_eligible += decided_false;
  if (n == 0) return;
  const rules::AwardBatch awards =
      rules::ComputeAwardBatch(*p.award_batch, p.cap, begin, count, eligible->data(), n, scratch);
  HitList& hits = out->hits[policy];
  for (int k = 0; k < n; ++k) {
    const int r = (*eligible)[static_cast<size_t>(k)];
    const uint32_t rank = static_cast<uint32_t>(table.uscc_rank(begin + r));
    int64_t fen = 0;
    if (awards.Fen(r, &fen)) {
      hits.Add(Hit{fen, rank}, &out->pool);
      continue;
    }
    const rules::Value amount = awards.Get(r);
    if (amount.is_decimal()) {
      absl::StatusOr<core::Money> money =
          core::Money::FromDecimal(amount.decimal_value(), core::RoundingMode::kHalfUp);
      if (money.ok()) {
        hits.Add(Hit{money->fen(), rank}, &out->pool);
        continue;
      }
    }
    CountAwardValue(amount, p.award->schema(), out);
  }
}

// Compiles every policy once and prepares it for the table; a policy with a compile issue goes
// to result->policy_errors.
std::vector<CompiledPolicy> CompileAll(const std::vector<ScreenPolicy>& policies,
                                       const EnterpriseTable& table, core::Date as_of,
                                       ScreenResult* result) {
  std::vector<CompiledPolicy> compiled;
  for (size_t i = 0; i < policies.size(); ++i) {
    const ScreenPolicy& p = policies[i];
    std::shared_ptr<const rules::Schema> schema = p.schema ? p.schema : table.schema();
    if (!schema->SameFields(*table.schema())) {
      result->policy_errors.push_back({p.id, "the policy's schema has other fields than the table"});
      continue;
    }
    rules::CompileResult eligibility =
        rules::Compile(p.eligibility, schema, rules::ResultKind::kBool);
    if (!eligibility.ok()) {
      result->policy_errors.push_back(
          {p.id, "eligibility " + rules::FormatIssue(eligibility.issues[0])});
      continue;
    }
    rules::CompileResult award = rules::Compile(p.award, schema, rules::ResultKind::kDecimal);
    if (!award.ok()) {
      result->policy_errors.push_back({p.id, "award " + rules::FormatIssue(award.issues[0])});
      continue;
    }
    CompiledPolicy c;
    c.index = static_cast<int>(i);
    if (p.cap.has_value()) c.cap = p.cap->ToDecimal();
    c.eligibility_batch =
        rules::BatchProgram::Prepare(eligibility.program, &table.columns(), as_of);
    c.award_batch = rules::BatchProgram::Prepare(award.program, &table.columns(), as_of);
    c.eligibility = std::move(eligibility.program);
    c.award = std::move(award.program);
    compiled.push_back(std::move(c));
  }
  return compiled;
}

// Ranks the two-digit radix sort below can order: 2^22, about 4 million enterprises.
constexpr int kRadixBits = 11;
constexpr int64_t kRadixRanksMax = int64_t{1} << (2 * kRadixBits);

// A policy's hits from every worker, sorted by uscc rank into out[0, n): an LSD radix sort of
// two 11-bit digits (ranks are small integers and a policy may have hundreds of thousands of
// hits). Both digits are counted in one read of the workers' lists; the first pass scatters
// them into *scratch, the second into `out`. A larger table is sorted by comparisons.
void GatherSorted(const std::vector<const HitList*>& lists, size_t n, int64_t ranks, Hit* out,
                  std::vector<Hit>* scratch) {
  if (ranks > kRadixRanksMax) {
    size_t i = 0;
    for (const HitList* list : lists) list->ForEach([&](const Hit& h) { out[i++] = h; });
    std::sort(out, out + n, [](const Hit& a, const Hit& b) { return a.rank < b.rank; });
    return;
  }
  constexpr int kBits = kRadixBits;
  constexpr uint32_t kMask = (1u << kBits) - 1;
  size_t low[kMask + 2] = {}, high[kMask + 2] = {};
  for (const HitList* list : lists) {
    list->ForEach([&](const Hit& h) {
      ++low[(h.rank & kMask) + 1];
      ++high[((h.rank >> kBits) & kMask) + 1];
    });
  }
  for (uint32_t d = 0; d <= kMask; ++d) {
    low[d + 1] += low[d];
    high[d + 1] += high[d];
  }
  if (scratch->size() < n) scratch->resize(n);
  Hit* mid = scratch->data();
  for (const HitList* list : lists) {
    list->ForEach([&](const Hit& h) { mid[low[h.rank & kMask]++] = h; });
  }
  for (size_t i = 0; i < n; ++i) out[high[(mid[i].rank >> kBits) & kMask]++] = mid[i];
}

// Joins the workers' hits policy by policy (in policy id order), each sorted by uscc.
void MaterializeRows(const std::vector<ScreenPolicy>& policies,
                     const std::vector<CompiledPolicy>& compiled, const EnterpriseTable& table,
                     const std::vector<Partial>& partials, int threads, ScreenResult* result) {
  auto ids = std::make_shared<std::vector<std::string>>();
  for (const ScreenPolicy& p : policies) ids->push_back(p.id);
  std::vector<size_t> order(compiled.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return policies[static_cast<size_t>(compiled[a].index)].id <
           policies[static_cast<size_t>(compiled[b].index)].id;
  });
  std::vector<ScreenRows::Segment> segments(order.size());
  size_t total = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    segments[k].policy_id = (*ids)[static_cast<size_t>(compiled[order[k]].index)];
    segments[k].begin = total;
    for (const Partial& p : partials) total += p.hits[order[k]].size();
    segments[k].end = total;
  }
  // One allocation for every pair, advised for huge pages, written once (not zeroed first).
  std::unique_ptr<Hit[]> pairs(new Hit[total]);
  rules::AdviseHugePages(pairs.get(), total * sizeof(Hit));
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::vector<Hit> scratch;
    for (size_t k = next++; k < order.size(); k = next++) {
      std::vector<const HitList*> lists;
      for (const Partial& p : partials) lists.push_back(&p.hits[order[k]]);
      GatherSorted(lists, segments[k].end - segments[k].begin, table.size(),
                   pairs.get() + segments[k].begin, &scratch);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  result->rows.Assign(std::move(pairs), std::move(segments), table.usccs_by_rank());
  result->policy_ids = std::move(ids);
}

}  // namespace

ScreenResult Screen(const std::vector<ScreenPolicy>& policies, const EnterpriseTable& enterprises,
                    core::Date as_of, int threads,
                    const std::function<void(int64_t done, int64_t total)>& progress) {
  ScreenResult result;
  const std::vector<CompiledPolicy> compiled = CompileAll(policies, enterprises, as_of, &result);
  const int64_t rows = enterprises.size();
  const int64_t total = rows * static_cast<int64_t>(compiled.size());
  const int64_t batches = (rows + rules::kBatchRows - 1) / rules::kBatchRows;
  int64_t workers = std::clamp<int64_t>(threads, 1, kScreenThreadsMax);
  workers = std::max<int64_t>(1, std::min(workers, batches));

  std::vector<Partial> partials(static_cast<size_t>(workers));
  for (Partial& p : partials) {
    p.hits.resize(compiled.size());
    p.missing.assign(enterprises.schema()->fields().size(), 0);
  }
  std::atomic<int64_t> next_group{0};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::condition_variable finished_cv;
  int64_t finished = 0;
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(workers));
  for (int64_t w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      rules::BatchScratch scratch;
      std::vector<uint16_t> eligible;
      Partial& out = partials[static_cast<size_t>(w)];
      for (int64_t g = next_group++; g * kGroupBatches < batches; g = next_group++) {
        const int64_t first = g * kGroupBatches;
        const int64_t last = std::min(batches, first + kGroupBatches);
        // Policy by policy over the group's batches: a policy's steps and lookup tables are
        // read once per group rather than once per batch (with 200 policies they do not all
        // stay in a core's cache), while the group's columns do.
        for (size_t p = 0; p < compiled.size(); ++p) {
          for (int64_t b = first; b < last; ++b) {
            const int64_t begin = b * rules::kBatchRows;
            const int count = static_cast<int>(std::min<int64_t>(rules::kBatchRows, rows - begin));
            ScreenPolicyBatch(compiled[p], p, enterprises, begin, count, &scratch, &eligible, &out);
          }
        }
        const int64_t group_rows =
            std::min(rows, last * rules::kBatchRows) - first * rules::kBatchRows;
        done.fetch_add(group_rows * static_cast<int64_t>(compiled.size()),
                       std::memory_order_relaxed);
      }
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
      finished_cv.notify_one();
    });
  }
  {
    // The calling thread reports progress while the workers run.
    std::unique_lock<std::mutex> lock(mu);
    while (!finished_cv.wait_for(lock, std::chrono::milliseconds(100),
                                 [&] { return finished == workers; })) {
      if (progress) {
        lock.unlock();
        progress(done.load(std::memory_order_relaxed), total);
        lock.lock();
      }
    }
  }
  for (std::thread& t : pool) t.join();
  if (progress) progress(total, total);

  std::vector<int64_t> missing(enterprises.schema()->fields().size(), 0);
  for (Partial& p : partials) {
    result.not_eligible += p.not_eligible;
    result.cannot_determine += p.cannot_determine;
    for (size_t f = 0; f < missing.size(); ++f) missing[f] += p.missing[f];
    for (const auto& [code, count] : p.errors_by_code) {
      result.errors_by_code[code] += count;
      result.errors += count;
    }
  }
  for (size_t f = 0; f < missing.size(); ++f) {
    if (missing[f] > 0)
      result.missing_by_field[enterprises.schema()->fields()[f].code] = missing[f];
  }
  result.pairs_evaluated = total;
  MaterializeRows(policies, compiled, enterprises, partials, static_cast<int>(workers), &result);
  result.eligible = static_cast<int64_t>(result.rows.size());
  return result;
}

}  // namespace zhida::services

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

#include "core/mapped_file.h"
#include "nlohmann/json.hpp"
#include "rules/batch.h"
#include "rules/columns_csv.h"
#include "rules/huge_pages.h"
#include "rules/issue.h"
#include "rules/limits.h"
#include "rules/program.h"

namespace zhida::services {

namespace {

absl::Status PoliciesError(const std::string& message_zh, const std::string& message_en) {
  return InvalidField("screen.policies", "policies", message_zh, message_en);
}

// The string value of `key` in policy object `p`, which `who` names in messages.
absl::StatusOr<std::string> PolicyString(const nlohmann::json& p, const char* key,
                                         const std::string& who) {
  auto it = p.find(key);
  if (it == p.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return PoliciesError(who + " 的 “" + key + "” 缺失或不是非空字符串",
                         who + ": \"" + key + "\" is missing or not a non-empty string");
  }
  return it->get<std::string>();
}

struct ColumnSpec {
  const char* code;
  const char* label_zh;
  const char* unit;
  rules::FieldType type;
};

// The columns of DATASET.md's enterprises.csv (tests/data/bench-sample/schema.json says the same).
constexpr ColumnSpec kColumns[] = {
    {"uscc", "统一社会信用代码", "", rules::FieldType::kString},
    {"name", "企业名称", "", rules::FieldType::kString},
    {"region", "所在县（市、区）", "", rules::FieldType::kString},
    {"industry", "国民经济行业分类", "", rules::FieldType::kString},
    {"scale", "企业规模", "", rules::FieldType::kString},
    {"established", "成立日期", "", rules::FieldType::kDate},
    {"employees", "从业人数", "人", rules::FieldType::kInt},
    {"insured_employees", "参保职工人数", "人", rules::FieldType::kInt},
    {"revenue", "上年度营业收入", "元", rules::FieldType::kDecimal},
    {"revenue_prev", "前年度营业收入", "元", rules::FieldType::kDecimal},
    {"tax_paid", "上年度纳税额", "元", rules::FieldType::kDecimal},
    {"tax_paid_prev", "前年度纳税额", "元", rules::FieldType::kDecimal},
    {"rd_expense", "上年度研发费用", "元", rules::FieldType::kDecimal},
    {"rd_expense_prev", "前年度研发费用", "元", rules::FieldType::kDecimal},
    {"export_value", "上年度出口额", "元", rules::FieldType::kDecimal},
    {"export_value_prev", "前年度出口额", "元", rules::FieldType::kDecimal},
    {"fixed_asset_investment", "技改固定资产投资额", "元", rules::FieldType::kDecimal},
    {"high_tech", "高新技术企业", "", rules::FieldType::kBool},
    {"specialized_sme", "专精特新中小企业", "", rules::FieldType::kBool},
    {"listed", "上市企业", "", rules::FieldType::kBool},
    {"tax_credit_grade", "纳税信用等级", "", rules::FieldType::kString},
    {"dishonest", "列入失信被执行人名单", "", rules::FieldType::kBool},
    {"loan_default", "存在银行贷款违约", "", rules::FieldType::kBool},
};

// Whether a CSV field must be quoted: it holds a comma, a quote or a line break. A plain loop:
// find_first_of with four characters makes four passes (a third of the write time).
bool NeedsQuotes(std::string_view field) {
  for (char c : field) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

// The bytes `field` takes in the CSV: quoted when it must be, with its quotes doubled.
size_t CsvFieldBytes(std::string_view field) {
  if (!NeedsQuotes(field)) return field.size();
  return field.size() + 2 + static_cast<size_t>(std::count(field.begin(), field.end(), '"'));
}

char* WriteCsvField(std::string_view field, char* to) {
  if (!NeedsQuotes(field)) {
    std::memcpy(to, field.data(), field.size());
    return to + field.size();
  }
  *to++ = '"';
  for (char c : field) {
    if (c == '"') *to++ = '"';
    *to++ = c;
  }
  *to++ = '"';
  return to;
}

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

// "0.05", "-12.50", "1234567.89" (Money::ToString) into `to`, without a string per row; returns
// the length (at most 22: a sign, 17 digits, the point and two decimals).
size_t FormatFen(int64_t fen, char* to) {
  const uint64_t m = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  char digits[24];
  int n = 0;
  uint64_t whole = m / 100;
  do {
    digits[n++] = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  size_t length = 0;
  if (fen < 0) to[length++] = '-';
  while (n > 0) to[length++] = digits[--n];
  to[length++] = '.';
  to[length++] = static_cast<char>('0' + m % 100 / 10);
  to[length++] = static_cast<char>('0' + m % 10);
  return length;
}

// The digits of `fen` as FormatFen writes them.
size_t FenBytes(int64_t fen) {
  uint64_t whole = (fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen)) / 100;
  size_t digits = 1;
  while (whole >= 10) {
    whole /= 10;
    ++digits;
  }
  return (fen < 0 ? 1 : 0) + digits + 3;
}

// A line of the result CSV: `policy_id,uscc,award\n`.
size_t LineBytes(const ScreenRow& row) {
  return CsvFieldBytes(row.policy_id) + CsvFieldBytes(row.uscc) + FenBytes(row.award.fen()) + 3;
}

char* WriteLine(const ScreenRow& row, char* to) {
  to = WriteCsvField(row.policy_id, to);
  *to++ = ',';
  to = WriteCsvField(row.uscc, to);
  *to++ = ',';
  to += FormatFen(row.award.fen(), to);
  *to++ = '\n';
  return to;
}

// Rows below which formatting the result CSV on another thread is not worth starting it.
constexpr size_t kWriteRowsMin = 100000;

// Runs f(0) … f(parts - 1), each on its own thread (the last on the caller's).
template <typename F>
void RunParts(size_t parts, const F& f) {
  std::vector<std::thread> pool;
  for (size_t p = 0; p + 1 < parts; ++p) pool.emplace_back([&f, p] { f(p); });
  f(parts - 1);
  for (std::thread& t : pool) t.join();
}

}  // namespace

absl::StatusOr<std::vector<ScreenPolicy>> LoadScreenPolicies(std::string_view json_text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() names the line and column ("... at line 3, column 5: ...").
    return PoliciesError(std::string("政策文件不是有效的 JSON：") + e.what(),
                         std::string("the policies file is not valid JSON: ") + e.what());
  }
  if (!json.is_array()) {
    return PoliciesError("政策文件应为 JSON 数组", "the policies file must be a JSON array");
  }
  std::vector<ScreenPolicy> policies;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < json.size(); ++i) {
    const nlohmann::json& p = json[i];
    std::string position = "第 " + std::to_string(i + 1) + " 项政策";
    if (!p.is_object()) {
      return PoliciesError(position + " 不是 JSON 对象",
                           "policy #" + std::to_string(i + 1) + " is not a JSON object");
    }
    ASSIGN_OR_RETURN(std::string id, PolicyString(p, "id", position));
    std::string who = position + "（" + id + "）";
    ASSIGN_OR_RETURN(std::string eligibility, PolicyString(p, "eligibility", who));
    ASSIGN_OR_RETURN(std::string award, PolicyString(p, "award", who));
    if (!seen.emplace(id, i).second) {
      return PoliciesError(who + " 的 “id” 与前面的政策重复", "duplicate policy id " + id);
    }
    policies.push_back(
        ScreenPolicy{std::move(id), std::move(eligibility), std::move(award), {}, nullptr});
  }
  return policies;
}

std::shared_ptr<const rules::Schema> EnterpriseScreenSchema() {
  static const std::shared_ptr<const rules::Schema> schema = [] {
    auto s = std::make_shared<rules::Schema>();
    for (const ColumnSpec& c : kColumns) {
      absl::Status st = s->AddField(rules::FieldDef{c.code, c.label_zh, c.unit, c.type});
      ZCHECK(st.ok());  // the table above is valid by construction
    }
    return s;
  }();
  return schema;
}

absl::StatusOr<EnterpriseTable> EnterpriseTable::FromCsv(std::string_view csv_text, int threads) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  rules::CsvTableOptions options;
  options.error_code = "screen.enterprises";
  options.error_field = "enterprises";
  options.key_column = "uscc";
  options.threads = std::clamp(threads, 1, kScreenThreadsMax);
  ASSIGN_OR_RETURN(rules::ColumnTable columns,
                   rules::ColumnTableFromCsv(csv_text, EnterpriseScreenSchema(), options));
  EnterpriseTable table;
  table.columns_ = std::make_shared<const rules::ColumnTable>(std::move(columns));
  const rules::Column& uscc = table.columns_->column(table.schema()->FieldIndex("uscc"));
  table.RankUsccs([&](int64_t row) { return uscc.StringAt(row); }, options.threads);
  return table;
}

EnterpriseTable EnterpriseTable::FromSnapshot(std::shared_ptr<const rules::ColumnTable> columns,
                                              const std::vector<std::string>& usccs, int threads) {
  ZCHECK(columns != nullptr && static_cast<int64_t>(usccs.size()) == columns->rows());
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  EnterpriseTable table;
  table.columns_ = std::move(columns);
  table.RankUsccs([&](int64_t row) { return std::string_view(usccs[static_cast<size_t>(row)]); },
                  std::clamp(threads, 1, kScreenThreadsMax));
  return table;
}

absl::StatusOr<EnterpriseTable> EnterpriseTable::FromFile(const std::string& path, int threads) {
  ASSIGN_OR_RETURN(core::MappedFile file, core::MappedFile::Open(path));
  return FromCsv(file.bytes(), threads);  // the table keeps its own copy of every value
}

template <typename UsccOf>
void EnterpriseTable::RankUsccs(const UsccOf& uscc_of, int threads) {
  // Sorted by the first 16 bytes as two big-endian integers (a zero pad keeps the order of a
  // shorter text), then by the whole text on a tie: integer compares for almost every pair.
  struct Key {
    uint64_t high = 0, low = 0;
    uint32_t row = 0;
  };
  std::vector<Key> keys;
  size_t text_bytes = 0;
  rules::ReserveHuge(&keys, static_cast<size_t>(size()));
  keys.resize(static_cast<size_t>(size()));
  for (int64_t r = 0; r < size(); ++r) {
    const std::string_view u = uscc_of(r);
    text_bytes += u.size();
    Key& k = keys[static_cast<size_t>(r)];
    for (size_t i = 0; i < 16; ++i) {
      const uint64_t byte = i < u.size() ? static_cast<unsigned char>(u[i]) : 0;
      (i < 8 ? k.high : k.low) |= byte << (8 * (7 - i % 8));
    }
    k.row = static_cast<uint32_t>(r);
  }
  auto less = [&](const Key& a, const Key& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    return uscc_of(a.row) < uscc_of(b.row);
  };
  // Two halves sorted at once, then merged: the sort is a tenth of the load.
  const auto middle = keys.begin() + static_cast<std::ptrdiff_t>(keys.size() / 2);
  if (threads >= 2 && keys.size() >= 2 * static_cast<size_t>(rules::kBatchRows)) {
    std::thread other([&] { std::sort(keys.begin(), middle, less); });
    std::sort(middle, keys.end(), less);
    other.join();
    std::inplace_merge(keys.begin(), middle, keys.end(), less);
  } else {
    std::sort(keys.begin(), keys.end(), less);
  }
  uscc_rank_.resize(keys.size());
  auto sorted = std::make_shared<UsccsByRank>();
  rules::ReserveHuge(&sorted->text, text_bytes);
  rules::ReserveHuge(&sorted->offsets, keys.size() + 1);
  sorted->offsets.push_back(0);
  for (size_t i = 0; i < keys.size(); ++i) {
    uscc_rank_[keys[i].row] = static_cast<uint32_t>(i);
    sorted->text.append(uscc_of(keys[i].row));
    sorted->offsets.push_back(sorted->text.size());
  }
  usccs_by_rank_ = std::move(sorted);
}

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

ScreenRow ScreenRows::At(size_t segment, size_t i) const {
  if (segment == segments_.size())
    return extra_[i - (segments_.empty() ? 0 : segments_.back().end)];
  const Pair& p = pairs_[i];
  return ScreenRow{segments_[segment].policy_id, (*usccs_)[p.rank], core::Money::FromFen(p.fen)};
}

void ScreenRows::Settle(size_t* segment, size_t i) const {
  while (*segment < segments_.size() && i >= segments_[*segment].end) ++*segment;
}

ScreenRows::Iterator ScreenRows::begin() const {
  size_t segment = 0;
  Settle(&segment, 0);
  return Iterator(this, segment, 0);
}

ScreenRow ScreenRows::operator[](size_t i) const {
  const size_t in_segments = segments_.empty() ? 0 : segments_.back().end;
  if (i >= in_segments) return extra_[i - in_segments];
  const auto s = std::upper_bound(segments_.begin(), segments_.end(), i,
                                  [](size_t x, const Segment& seg) { return x < seg.end; });
  const Pair& p = pairs_[i];
  return ScreenRow{s->policy_id, (*usccs_)[p.rank], core::Money::FromFen(p.fen)};
}

void ScreenRows::push_back(const ScreenRow& row) {
  extra_.push_back(row);
  ++size_;
}

void ScreenRows::Assign(std::unique_ptr<Pair[]> pairs, std::vector<Segment> segments,
                        std::shared_ptr<const UsccsByRank> usccs) {
  pairs_ = std::move(pairs);
  segments_ = std::move(segments);
  usccs_ = std::move(usccs);
  size_ = (segments_.empty() ? 0 : segments_.back().end) + extra_.size();
}

void WriteScreenCsv(const ScreenResult& result, std::string* out) {
  static constexpr std::string_view kHeader = "policy_id,uscc,award\n";
  const ScreenRows& rows = result.rows;
  const size_t n = rows.size();
  // The rows are cut into parts formatted at once, one per core (each of at least
  // kWriteRowsMin rows): each part's size is measured first, so that every part is written
  // straight to its place in the one output string.
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t parts =
      std::min({cores, static_cast<size_t>(kScreenThreadsMax), n / kWriteRowsMin + 1});
  std::vector<size_t> first(parts + 1), offset(parts + 1);
  for (size_t p = 0; p <= parts; ++p) first[p] = n * p / parts;
  RunParts(parts, [&](size_t p) {
    size_t bytes = 0;
    rows.ForEachIn(first[p], first[p + 1], [&](const ScreenRow& row) { bytes += LineBytes(row); });
    offset[p + 1] = bytes;
  });
  offset[0] = out->size() + kHeader.size();
  for (size_t p = 0; p < parts; ++p) offset[p + 1] += offset[p];
  rules::ReserveHuge(out, offset[parts]);
  out->resize(offset[parts]);
  std::memcpy(out->data() + offset[0] - kHeader.size(), kHeader.data(), kHeader.size());
  RunParts(parts, [&](size_t p) {
    char* to = out->data() + offset[p];
    rows.ForEachIn(first[p], first[p + 1], [&](const ScreenRow& row) { to = WriteLine(row, to); });
  });
}

}  // namespace zhida::services

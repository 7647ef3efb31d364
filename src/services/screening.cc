#include "services/screening.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>
#include <utility>

#include "core/csv.h"
#include "nlohmann/json.hpp"
#include "rules/issue.h"
#include "rules/program.h"

namespace zhida::services {

namespace {

absl::Status PoliciesError(const std::string& message_zh, const std::string& message_en) {
  return InvalidField("screen.policies", "policies", message_zh, message_en);
}

absl::Status EnterprisesError(int line, const std::string& what_zh, const std::string& what_en) {
  return InvalidField("screen.enterprises", "enterprises",
                      "第 " + std::to_string(line) + " 行：" + what_zh,
                      "line " + std::to_string(line) + ": " + what_en);
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

void AppendCsvField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// A compiled policy; a policy that failed to compile is left out of the work.
struct CompiledPolicy {
  int index = 0;  // in the input
  std::shared_ptr<const rules::Program> eligibility;
  std::shared_ptr<const rules::Program> award;
  std::optional<core::Decimal> cap;
};

// An eligible pair before it is given its strings: indices into the inputs.
struct Hit {
  int policy = 0;
  int64_t row = 0;
  core::Money award;
};

// What one worker found over its chunk of enterprises.
struct Partial {
  std::vector<Hit> hits;
  int64_t not_eligible = 0;
  int64_t cannot_determine = 0;
  std::map<std::string, int64_t> missing_by_field;
  std::map<std::string, int64_t> errors_by_code;
};

// Enterprises a worker evaluates between two updates of the shared progress counter: small
// enough for ten smooth updates a second, large enough that the atomic add costs nothing.
constexpr int64_t kProgressBatchRows = 256;

void ScreenChunk(const std::vector<CompiledPolicy>& policies, const EnterpriseTable& table,
                 core::Date as_of, int64_t begin, int64_t end, std::atomic<int64_t>* done,
                 Partial* out) {
  rules::Activation activation(table.schema(), as_of);
  const int64_t policy_count = static_cast<int64_t>(policies.size());
  for (int64_t row = begin; row < end; ++row) {
    table.Fill(row, &activation);
    for (const CompiledPolicy& p : policies) {
      rules::EligibilityDecision d =
          rules::Decide(rules::EvalRow(*p.eligibility, activation).value);
      if (d.outcome == rules::Eligibility::kNotEligible) {
        ++out->not_eligible;
        continue;
      }
      if (d.outcome == rules::Eligibility::kCannotDetermine) {
        ++out->cannot_determine;
        for (const std::string& field : d.missing) ++out->missing_by_field[field];
        continue;
      }
      if (d.outcome == rules::Eligibility::kError) {
        ++out->errors_by_code[d.error.code];
        continue;
      }
      rules::Value amount = rules::ComputeAward(*p.award, activation, p.cap);
      if (amount.is_unknown()) {
        ++out->cannot_determine;  // eligible, but the amount needs a missing fact
        for (const std::string& field : amount.unknown_value().fields) {
          ++out->missing_by_field[field];
        }
        continue;
      }
      if (amount.is_error()) {
        ++out->errors_by_code[amount.error_value().code];
        continue;
      }
      absl::StatusOr<core::Money> money =
          core::Money::FromDecimal(amount.decimal_value(), core::RoundingMode::kHalfUp);
      if (!money.ok()) {
        ++out->errors_by_code[ErrorCode(money.status())];
        continue;
      }
      out->hits.push_back(Hit{p.index, row, *money});
    }
    if ((row - begin + 1) % kProgressBatchRows == 0 || row + 1 == end) {
      int64_t rows_since = (row - begin + 1) % kProgressBatchRows;
      if (rows_since == 0) rows_since = kProgressBatchRows;
      done->fetch_add(rows_since * policy_count, std::memory_order_relaxed);
    }
  }
}

// Compiles every policy once; a policy with a compile issue goes to result->policy_errors.
std::vector<CompiledPolicy> CompileAll(const std::vector<ScreenPolicy>& policies,
                                       const std::shared_ptr<const rules::Schema>& schema,
                                       ScreenResult* result) {
  std::vector<CompiledPolicy> compiled;
  for (size_t i = 0; i < policies.size(); ++i) {
    const ScreenPolicy& p = policies[i];
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
    std::optional<core::Decimal> cap;
    if (p.cap.has_value()) cap = p.cap->ToDecimal();
    compiled.push_back(
        CompiledPolicy{static_cast<int>(i), eligibility.program, award.program, cap});
  }
  return compiled;
}

// Sorts the hits by policy id then uscc (byte order) and gives them their strings.
void MaterializeRows(const std::vector<ScreenPolicy>& policies, const EnterpriseTable& table,
                     std::vector<Hit> hits, ScreenResult* result) {
  // Ranks, so that the sort compares integers instead of strings.
  std::vector<int> policy_order(policies.size());
  std::iota(policy_order.begin(), policy_order.end(), 0);
  std::sort(policy_order.begin(), policy_order.end(),
            [&](int a, int b) { return policies[a].id < policies[b].id; });
  std::vector<int> policy_rank(policies.size());
  for (size_t r = 0; r < policy_order.size(); ++r) {
    policy_rank[policy_order[r]] = static_cast<int>(r);
  }
  std::vector<int64_t> row_order(static_cast<size_t>(table.size()));
  std::iota(row_order.begin(), row_order.end(), int64_t{0});
  std::sort(row_order.begin(), row_order.end(),
            [&](int64_t a, int64_t b) { return table.uscc(a) < table.uscc(b); });
  std::vector<int64_t> row_rank(row_order.size());
  for (size_t r = 0; r < row_order.size(); ++r) {
    row_rank[static_cast<size_t>(row_order[r])] = static_cast<int64_t>(r);
  }
  std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    int pa = policy_rank[a.policy], pb = policy_rank[b.policy];
    if (pa != pb) return pa < pb;
    return row_rank[static_cast<size_t>(a.row)] < row_rank[static_cast<size_t>(b.row)];
  });
  result->rows.reserve(hits.size());
  for (const Hit& h : hits) {
    result->rows.push_back(ScreenRow{policies[h.policy].id, table.uscc(h.row), h.award});
  }
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
    policies.push_back(ScreenPolicy{std::move(id), std::move(eligibility), std::move(award), {}});
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

absl::StatusOr<EnterpriseTable> EnterpriseTable::FromCsv(std::string_view csv_text) {
  EnterpriseTable table;
  table.schema_ = EnterpriseScreenSchema();
  const rules::Schema& schema = *table.schema_;
  core::CsvReader reader(csv_text);
  std::vector<std::string_view> cells;
  std::string error;
  if (!reader.Next(&cells, &error)) {
    if (!error.empty()) return InvalidField("screen.enterprises", "enterprises", error, error);
    return EnterprisesError(1, "文件为空，缺少表头", "empty file, no header");
  }
  std::vector<int> slots;  // schema index of each column of the file
  for (std::string_view header : cells) {
    int slot = schema.FieldIndex(header);
    if (slot < 0) {
      return EnterprisesError(1, "未知的列 “" + std::string(header) + "”",
                              "unknown column '" + std::string(header) + "'");
    }
    if (std::find(slots.begin(), slots.end(), slot) != slots.end()) {
      return EnterprisesError(1, "列 “" + std::string(header) + "” 重复",
                              "duplicate column '" + std::string(header) + "'");
    }
    slots.push_back(slot);
  }
  const int uscc_slot = schema.FieldIndex("uscc");
  const auto uscc_at = std::find(slots.begin(), slots.end(), uscc_slot);
  if (uscc_at == slots.end()) return EnterprisesError(1, "缺少 uscc 列", "no uscc column");
  const size_t uscc_column = static_cast<size_t>(uscc_at - slots.begin());
  table.columns_.resize(schema.fields().size());

  while (reader.Next(&cells, &error)) {
    const int line = reader.line();
    if (cells.size() != slots.size()) {
      return EnterprisesError(line,
                              "应有 " + std::to_string(slots.size()) + " 列，实有 " +
                                  std::to_string(cells.size()) + " 列",
                              "expected " + std::to_string(slots.size()) + " fields, got " +
                                  std::to_string(cells.size()));
    }
    if (cells[uscc_column].empty()) {
      return EnterprisesError(line, "uscc 为空", "empty uscc");
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      const rules::FieldDef& f = schema.fields()[static_cast<size_t>(slots[i])];
      absl::StatusOr<rules::Value> v = rules::ParseFactText(cells[i], f.type, f.code);
      if (!v.ok()) {
        return EnterprisesError(line, "列 " + f.code + "：" + std::string(v.status().message()),
                                "column " + f.code + ": " + ErrorEnglish(v.status()));
      }
      table.columns_[static_cast<size_t>(slots[i])].push_back(*std::move(v));
    }
    table.usccs_.emplace_back(cells[uscc_column]);
  }
  if (!error.empty()) return InvalidField("screen.enterprises", "enterprises", error, error);
  // A column the file lacks: unknown for every enterprise.
  for (size_t f = 0; f < table.columns_.size(); ++f) {
    if (table.columns_[f].size() != table.usccs_.size()) {
      table.columns_[f].assign(table.usccs_.size(), rules::Value::Unknown(schema.fields()[f].code));
    }
  }
  return table;
}

void EnterpriseTable::Fill(int64_t row, rules::Activation* activation) const {
  for (size_t f = 0; f < columns_.size(); ++f) {
    activation->SetIndex(static_cast<int>(f), columns_[f][static_cast<size_t>(row)]);
  }
}

ScreenResult Screen(const std::vector<ScreenPolicy>& policies, const EnterpriseTable& enterprises,
                    core::Date as_of, int threads,
                    const std::function<void(int64_t done, int64_t total)>& progress) {
  ScreenResult result;
  const std::vector<CompiledPolicy> compiled = CompileAll(policies, enterprises.schema(), &result);
  const int64_t rows = enterprises.size();
  const int64_t total = rows * static_cast<int64_t>(compiled.size());
  int64_t workers = std::clamp<int64_t>(threads, 1, kScreenThreadsMax);
  workers = std::max<int64_t>(1, std::min(workers, rows));

  std::vector<Partial> partials(static_cast<size_t>(workers));
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::condition_variable finished_cv;
  int64_t finished = 0;
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(workers));
  for (int64_t w = 0; w < workers; ++w) {
    const int64_t begin = rows * w / workers, end = rows * (w + 1) / workers;
    pool.emplace_back([&, w, begin, end] {
      ScreenChunk(compiled, enterprises, as_of, begin, end, &done,
                  &partials[static_cast<size_t>(w)]);
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

  std::vector<Hit> hits;
  for (Partial& p : partials) {
    hits.insert(hits.end(), p.hits.begin(), p.hits.end());
    result.not_eligible += p.not_eligible;
    result.cannot_determine += p.cannot_determine;
    for (const auto& [field, count] : p.missing_by_field) result.missing_by_field[field] += count;
    for (const auto& [code, count] : p.errors_by_code) {
      result.errors_by_code[code] += count;
      result.errors += count;
    }
  }
  result.pairs_evaluated = total;
  result.eligible = static_cast<int64_t>(hits.size());
  MaterializeRows(policies, enterprises, std::move(hits), &result);
  return result;
}

void WriteScreenCsv(const ScreenResult& result, std::string* out) {
  // About 40 bytes a line ("P0001,91350503325797804T,117638.30\n").
  out->reserve(out->size() + 24 + result.rows.size() * 40);
  out->append("policy_id,uscc,award\n");
  for (const ScreenRow& row : result.rows) {
    AppendCsvField(row.policy_id, out);
    out->push_back(',');
    AppendCsvField(row.uscc, out);
    out->push_back(',');
    out->append(row.award.ToString());
    out->push_back('\n');
  }
}

}  // namespace zhida::services

// The inputs of a screening: the policies file, the enterprise file's schema and the enterprises
// held by column, with their usccs ranked for sorted output.
#include "services/screening.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <utility>

#include "core/mapped_file.h"
#include "nlohmann/json.hpp"
#include "rules/columns_csv.h"
#include "rules/huge_pages.h"
#include "rules/limits.h"

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

}  // namespace zhida::services

#include "services/reference.h"

#include <algorithm>

#include "core/region.h"

namespace zhida::services {

const std::vector<DeptKind>& DeptKinds() {
  static const std::vector<DeptKind> kinds = {
      {"czj", "财政局", ""},
      {"gxj", "工业和信息化局", ""},
      {"kjj", "科学技术局", ""},
      {"swj", "商务局", ""},
      {"rsj", "人力资源和社会保障局", ""},
      {"fgw", "发展和改革委员会", "credit"},
      {"sw", "税务局", "tax"},
      {"scjg", "市场监督管理局", ""},
      {"fy", "人民法院", "court"},
      {"gaj", "公安局", "police"},
      {"jrj", "金融监管局", "bank"},
      {"szb", "数字办", ""},
      {"xzfw", "行政服务中心", ""},
  };
  return kinds;
}

const DeptKind* FindDeptKind(std::string_view kind) {
  for (const DeptKind& k : DeptKinds()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

std::string DepartmentName(std::string_view region, std::string_view kind) {
  const core::Region* r = core::FindRegion(region);
  const DeptKind* k = FindDeptKind(kind);
  if (r == nullptr || k == nullptr) return std::string(region) + "." + std::string(kind);
  std::string name(r->name);
  if (kind == "fy" && region == core::kCityRegion) return name + "中级人民法院";
  return name + std::string(k->suffix);
}

absl::Status SeedDepartments(store::Tx& tx) {
  for (const core::Region& region : core::AllRegions()) {
    for (const DeptKind& kind : DeptKinds()) {
      std::string code = std::string(region.code) + "." + std::string(kind.kind);
      RETURN_IF_ERROR(tx.Exec(
                            "INSERT INTO departments (code, region, kind, name, review_kind) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                            {code, std::string(region.code), std::string(kind.kind),
                             DepartmentName(region.code, kind.kind),
                             kind.review_kind.empty() ? store::Null()
                                                      : store::Value(std::string(kind.review_kind))})
                          .status());
    }
  }
  return absl::OkStatus();
}

static Department DepartmentFromRow(const store::Row& row) {
  return Department{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)};
}

static int KindOrder(std::string_view kind) {
  const auto& kinds = DeptKinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i].kind == kind) return static_cast<int>(i);
  }
  return static_cast<int>(kinds.size());
}

static int RegionOrder(std::string_view code) {
  auto regions = core::AllRegions();
  for (size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].code == code) return static_cast<int>(i);
  }
  return static_cast<int>(regions.size());
}

absl::StatusOr<std::vector<Department>> ListDepartments(store::Tx& tx, std::string_view region) {
  ASSIGN_OR_RETURN(store::Result result,
                   region.empty()
                       ? tx.Query("SELECT code, region, kind, name, COALESCE(review_kind, '') "
                                  "FROM departments")
                       : tx.Query("SELECT code, region, kind, name, COALESCE(review_kind, '') "
                                  "FROM departments WHERE region = ?",
                                  {std::string(region)}));
  std::vector<Department> departments;
  for (const store::Row& row : result.rows) departments.push_back(DepartmentFromRow(row));
  std::sort(departments.begin(), departments.end(), [](const auto& a, const auto& b) {
    return std::pair(RegionOrder(a.region), KindOrder(a.kind)) <
           std::pair(RegionOrder(b.region), KindOrder(b.kind));
  });
  return departments;
}

absl::StatusOr<Department> GetDepartment(store::Tx& tx, std::string_view code) {
  ASSIGN_OR_RETURN(store::Result result,
                   tx.Query("SELECT code, region, kind, name, COALESCE(review_kind, '') "
                            "FROM departments WHERE code = ?",
                            {std::string(code)}));
  if (result.rows.empty()) {
    return NotFoundError("department.not_found", "部门不存在：" + std::string(code),
                         "no such department: " + std::string(code));
  }
  return DepartmentFromRow(result.rows[0]);
}

const std::vector<FieldDef>& StandardFields() {
  static const std::vector<FieldDef> fields = {
      {"region", "所在地区", "string", "", "scjg", "县（市、区）行政区划代码，GB/T 2260"},
      {"industry", "国民经济行业", "string", "", "scjg", "GB/T 4754-2017 行业小类代码，如 C1951"},
      {"scale", "企业规模", "string", "", "gxj", "micro 微型、small 小型、medium 中型、large 大型"},
      {"established", "成立日期", "date", "", "scjg", "营业执照成立日期"},
      {"employees", "从业人数", "int", "人", "rsj", "上年末从业人员数"},
      {"insured_employees", "参保人数", "int", "人", "rsj", "上年末参加失业保险人数"},
      {"revenue", "上年度营业收入", "decimal", "元", "sw", "上一会计年度营业收入"},
      {"revenue_prev", "前年度营业收入", "decimal", "元", "sw", "再上一会计年度营业收入"},
      {"tax_paid", "上年度纳税额", "decimal", "元", "sw", "上一年度实际入库税收"},
      {"tax_paid_prev", "前年度纳税额", "decimal", "元", "sw", "再上一年度实际入库税收"},
      {"rd_expense", "上年度研发费用", "decimal", "元", "sw", "上一年度研发费用加计扣除申报额"},
      {"rd_expense_prev", "前年度研发费用", "decimal", "元", "sw", "再上一年度研发费用"},
      {"export_value", "上年度出口额", "decimal", "元", "swj", "上一年度海关出口额（人民币）"},
      {"export_value_prev", "前年度出口额", "decimal", "元", "swj", "再上一年度海关出口额"},
      {"fixed_asset_investment", "技改设备投资额", "decimal", "元", "gxj",
       "上一年度技术改造设备投资额"},
      {"high_tech", "高新技术企业", "bool", "", "kjj", "是否在有效期内的国家高新技术企业"},
      {"specialized_sme", "专精特新企业", "bool", "", "gxj", "是否为专精特新中小企业"},
      {"listed", "上市企业", "bool", "", "jrj", "是否已在境内外证券交易所上市"},
      {"tax_credit_grade", "纳税信用等级", "string", "", "sw", "A、B、M、C、D"},
      {"dishonest", "失信被执行人", "bool", "", "fy", "是否列入失信被执行人名单"},
      {"loan_default", "银行贷款违约", "bool", "", "jrj", "是否存在银行贷款逾期或违约"},
  };
  return fields;
}

absl::Status SeedFields(store::Tx& tx) {
  const auto& fields = StandardFields();
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldDef& f = fields[i];
    RETURN_IF_ERROR(tx.Exec("INSERT INTO fields (code, label, type, unit, source_kind, "
                            "description, position) VALUES (?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (code) DO NOTHING",
                            {f.code, f.label, f.type, f.unit, f.source_kind, f.description,
                             static_cast<int64_t>(i)})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FieldDef>> ListFields(store::Tx& tx) {
  ASSIGN_OR_RETURN(store::Result result,
                   tx.Query("SELECT code, label, type, unit, source_kind, description "
                            "FROM fields ORDER BY position, code"));
  std::vector<FieldDef> fields;
  for (const store::Row& row : result.rows) {
    fields.push_back(FieldDef{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                              row.Text(5)});
  }
  return fields;
}

std::string_view CanonicalScale(std::string_view text) {
  if (text == "micro" || text == "微型") return "micro";
  if (text == "small" || text == "小型") return "small";
  if (text == "medium" || text == "中型") return "medium";
  if (text == "large" || text == "大型") return "large";
  return "";
}

bool ValidIndustryCode(std::string_view code) {
  if (code.size() < 3 || code.size() > 5 || code[0] < 'A' || code[0] > 'T') return false;
  for (size_t i = 1; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') return false;
  }
  return true;
}

}  // namespace zhida::services

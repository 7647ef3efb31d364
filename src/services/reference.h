// Reference data: Quanzhou's departments per region (DESIGN.md §6) and the enterprise field
// schema (DESIGN.md §5), seeded into the store and read back from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace zhida::services {

struct DeptKind {
  std::string_view kind;         // e.g. gxj
  std::string_view suffix;       // e.g. 工业和信息化局 (the region name comes first)
  std::string_view review_kind;  // credit, tax, court, police, bank, or "" (DESIGN.md §1 联审)
};

// The department kinds every region has, in display order.
const std::vector<DeptKind>& DeptKinds();
const DeptKind* FindDeptKind(std::string_view kind);

struct Department {
  std::string code;  // region + "." + kind
  std::string region;
  std::string kind;
  std::string name;
  std::string review_kind;
};

// The name of a department, e.g. ("350582", "gxj") → 晋江市工业和信息化局; the city's court is the
// 中级人民法院, a county's the 人民法院.
std::string DepartmentName(std::string_view region, std::string_view kind);

// Inserts every region's departments (idempotent).
absl::Status SeedDepartments(store::Tx& tx);
// The departments of `region` ("" for all), by region then kind order.
absl::StatusOr<std::vector<Department>> ListDepartments(store::Tx& tx, std::string_view region);
// One department, or kNotFound.
absl::StatusOr<Department> GetDepartment(store::Tx& tx, std::string_view code);

struct FieldDef {
  std::string code;
  std::string label;  // 中文
  std::string type;   // bool, int, decimal, string, date
  std::string unit;   // 元, 人, …
  std::string source_kind;
  std::string description;
};

// The standard enterprise fields: the columns of the registry's CSV (tests/data/bench-sample and
// docs/api.md), with their labels, types, units and source departments.
const std::vector<FieldDef>& StandardFields();
// Inserts the standard fields (idempotent).
absl::Status SeedFields(store::Tx& tx);
// The field schema as stored, in display order.
absl::StatusOr<std::vector<FieldDef>> ListFields(store::Tx& tx);

// The code of an enterprise scale (micro, small, medium, large) for the code itself or its Chinese
// name (微型, 小型, 中型, 大型); "" for any other text.
std::string_view CanonicalScale(std::string_view text);
// Whether `code` is a GB/T 4754-2017 division, group or class code: a section letter A–T and 2
// to 4 digits (C19, C195, C1951).
bool ValidIndustryCode(std::string_view code);

}  // namespace zhida::services

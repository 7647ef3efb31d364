// The project's own generator of synthetic Quanzhou enterprises for `zhida demo` and the import
// benchmark (issue 2 §9). Everything it writes is fictional: names, codes, people, phone numbers
// and bank accounts are made up; only their shapes and distributions imitate reality.
//
// Output is the CSV of ../shared/bench/DATASET.md (its 23 columns, in that order) followed by
// four registry columns: contact_name, contact_phone, bank_name, bank_account.
//
// Determinism: row i depends only on (seed, i). Hence the same options give byte-identical output,
// the first N rows of a larger run equal a smaller run with the same seed, and rows can be
// produced in any order or in parallel. No std:: distribution and no libm transcendental function
// is used, so the bytes do not depend on the standard library's version.
//
// Facts describe fiscal year 2025 (`revenue`, `tax_paid`, …) and 2024 (`*_prev`); an enterprise
// established in 2025 has no previous-year values (zeros), one established in 2026 has none at all.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace zhida::services {

struct DemoOptions {
  int64_t count = 20000;  // rows to write (not counting the header); must be >= 0
  uint64_t seed = 1;
};

// The CSV header, in order: the 23 columns of DATASET.md, then the 4 registry columns.
inline constexpr int kDemoCsvColumnCount = 27;
inline constexpr std::array<std::string_view, kDemoCsvColumnCount> kDemoCsvColumns = {
    "uscc",
    "name",
    "region",
    "industry",
    "scale",
    "established",
    "employees",
    "insured_employees",
    "revenue",
    "revenue_prev",
    "tax_paid",
    "tax_paid_prev",
    "rd_expense",
    "rd_expense_prev",
    "export_value",
    "export_value_prev",
    "fixed_asset_investment",
    "high_tech",
    "specialized_sme",
    "listed",
    "tax_credit_grade",
    "dishonest",
    "loan_default",
    "contact_name",
    "contact_phone",
    "bank_name",
    "bank_account",
};

// One synthetic enterprise. Money is in fen (1/100 yuan), always >= 0.
struct DemoEnterprise {
  std::string uscc;               // 18 chars, valid GB 32100-2015 check char; chars 3–8 = region
  std::string name;               // unique, e.g. 晋江市恒达鞋业有限公司
  std::string region;             // one of the 11 county-level codes of Quanzhou (GB/T 2260)
  std::string industry;           // GB/T 4754-2017 class, section letter + 4 digits, e.g. C1951
  std::string scale;              // micro | small | medium | large
  std::string established;        // YYYY-MM-DD, 1985-01-01 … 2026-10-31
  int64_t employees = 0;          // >= 1
  int64_t insured_employees = 0;  // 0 … employees
  int64_t revenue_fen = 0;
  int64_t revenue_prev_fen = 0;
  int64_t tax_paid_fen = 0;
  int64_t tax_paid_prev_fen = 0;
  int64_t rd_expense_fen = 0;
  int64_t rd_expense_prev_fen = 0;
  int64_t export_value_fen = 0;
  int64_t export_value_prev_fen = 0;
  int64_t fixed_asset_investment_fen = 0;
  bool high_tech = false;
  bool specialized_sme = false;
  bool listed = false;
  char tax_credit_grade = 'B';  // A, B, M, C or D
  bool dishonest = false;
  bool loan_default = false;
  std::string contact_name;   // fictional person
  std::string contact_phone;  // 11-digit mobile number, fictional
  std::string bank_name;      // e.g. 中国工商银行晋江支行
  std::string bank_account;   // 16–19 digits, unique
};

// Fills `*out` with enterprise number `index` (0-based) of the data set for `seed`. Pure and
// thread-safe: the result depends only on (seed, index). `index` must be in [0, 2^32).
void MakeDemoEnterprise(uint64_t seed, int64_t index, DemoEnterprise* out);

// Appends the header line (with '\n') to `*out`.
void AppendDemoCsvHeader(std::string* out);

// Appends `e` as one CSV line (with '\n') to `*out`. No field needs quoting.
void AppendDemoCsvRow(const DemoEnterprise& e, std::string* out);

// Appends a whole CSV (UTF-8 without BOM, header row, '\n' line ends) with options.count rows to
// `*out`. About 260 bytes per row (1,000,000 rows: ~260 MB, ~2.5 s of CPU); to stream very large
// sets, call MakeDemoEnterprise + AppendDemoCsvRow in chunks instead.
void WriteDemoEnterprisesCsv(const DemoOptions& options, std::string* out);

}  // namespace zhida::services

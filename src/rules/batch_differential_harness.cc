// Random enterprises and the comparison of EvalRow with EvalBatch (batch_differential.h).
#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "rules/batch.h"
#include "rules/batch_differential.h"
#include "rules/batch_internal.h"
#include "rules/limits.h"
#include "rules/program.h"

namespace zhida::rules::testing {
namespace {

Value RandomDecimal(std::mt19937_64& rng, int column_scale) {
  static constexpr std::int64_t kSpecial[] = {0,
                                              1,
                                              -1,
                                              100,
                                              std::numeric_limits<std::int64_t>::max(),
                                              std::numeric_limits<std::int64_t>::min(),
                                              std::numeric_limits<std::int64_t>::max() / 10,
                                              4611686018427387904};
  // Mostly the column's scale; sometimes another (a file with "1500" among "1500.00").
  const int scale = rng() % 8 == 0 ? static_cast<int>(rng() % 5) : column_scale;
  __int128 coefficient = 0;
  switch (rng() % 10) {
    case 0:
    case 1:
      coefficient = kSpecial[rng() % std::size(kSpecial)];
      break;
    case 2:  // wider than 64 bits: held boxed
      coefficient = static_cast<__int128>(rng() % 1000 + 1) * 100000000000000000 * 1000;
      break;
    case 3:
      coefficient = -static_cast<std::int64_t>(rng() % 100000);
      break;
    default:
      coefficient = static_cast<std::int64_t>(rng() % 10000000000000ULL);
      break;
  }
  return Value::Dec(*core::Decimal::FromParts(coefficient, scale));
}

Value RandomInt(std::mt19937_64& rng) {
  static constexpr std::int64_t kSpecial[] = {0,
                                              1,
                                              -1,
                                              2,
                                              std::numeric_limits<std::int64_t>::max(),
                                              std::numeric_limits<std::int64_t>::min(),
                                              3037000500,
                                              -4611686018427387904};
  if (rng() % 4 == 0) return Value::Int(kSpecial[rng() % std::size(kSpecial)]);
  return Value::Int(static_cast<std::int64_t>(rng() % 2000));
}

Value RandomCell(std::mt19937_64& rng, const FieldDef& f, int row, int column_scale) {
  static constexpr const char* kRegions[] = {"350502", "350503", "350581", "350582", "350583"};
  static constexpr const char* kIndustries[] = {"C1951", "C3011", "F5131", "I6510",
                                                "M7320", "C13",   ""};
  static constexpr const char* kScales[] = {"micro", "small", "medium", "large"};
  static constexpr const char* kGrades[] = {"A", "B", "M", "C", "D"};
  switch (f.type) {
    case FieldType::kBool:
      return Value::Bool(rng() % 2 == 0);
    case FieldType::kInt:
      return RandomInt(rng);
    case FieldType::kDecimal:
      return RandomDecimal(rng, column_scale);
    case FieldType::kDate:
      return Value::Date(core::Date::FromDays(static_cast<std::int32_t>(7000 + rng() % 15000)));
    case FieldType::kList: {
      ValueList items;
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
        items.push_back(Value::String(rng() % 2 ? "A" : "B"));
      }
      return Value::List(std::move(items));
    }
    default:
      break;
  }
  if (f.code == "uscc") return Value::String(absl::StrCat("9135", 1000000 + row));
  if (f.code == "name") return Value::String(absl::StrCat("泉州企业", row));
  if (f.code == "region") return Value::String(kRegions[rng() % std::size(kRegions)]);
  if (f.code == "industry") return Value::String(kIndustries[rng() % std::size(kIndustries)]);
  if (f.code == "scale") return Value::String(kScales[rng() % std::size(kScales)]);
  return Value::String(kGrades[rng() % std::size(kGrades)]);
}

}  // namespace

Enterprises RandomEnterprises(const std::shared_ptr<const Schema>& schema, int rows, int parts,
                              std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto& fields = schema->fields();
  std::vector<int> unknown_percent(fields.size()), column_scale(fields.size());
  for (std::size_t f = 0; f < fields.size(); ++f) {
    unknown_percent[f] = rng() % 2 == 0 ? 0 : 10;  // fully known columns take the fast paths
    column_scale[f] = rng() % 3 == 0 ? static_cast<int>(rng() % 4) : 2;
  }
  Enterprises out;
  out.rows.resize(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const bool unknown = static_cast<int>(rng() % 100) < unknown_percent[f];
      out.rows[static_cast<std::size_t>(r)].push_back(
          unknown ? Value::Unknown(fields[f].code)
                  : RandomCell(rng, fields[f], r, column_scale[f]));
    }
  }
  std::vector<ColumnTableBuilder> builders;
  for (int p = 0; p < parts; ++p) {
    builders.emplace_back(schema);
    for (int r = rows * p / parts; r < rows * (p + 1) / parts; ++r) {
      for (std::size_t f = 0; f < fields.size(); ++f) {
        absl::Status st = builders.back().AppendValue(static_cast<int>(f),
                                                      out.rows[static_cast<std::size_t>(r)][f]);
        ZCHECK(st.ok());
      }
      builders.back().EndRow();
    }
  }
  out.table = ColumnTableBuilder::Concat(std::move(builders));
  return out;
}

bool SameValue(const Value& a, const Value& b) {
  if (a.kind() != b.kind() || a.DebugString() != b.DebugString()) return false;
  if (!a.is_error()) return true;
  const ErrorInfo& x = a.error_value();
  const ErrorInfo& y = b.error_value();
  return x.code == y.code && x.message_zh == y.message_zh && x.message_en == y.message_en;
}

void CompareEvaluators(const std::shared_ptr<const Program>& program, const Enterprises& data,
                       core::Date as_of, bool award, const std::optional<core::Decimal>& cap,
                       std::uint64_t seed, DiffReport* report) {
  std::mt19937_64 rng(seed);
  std::shared_ptr<const BatchProgram> batch = BatchProgram::Prepare(program, &data.table, as_of);
  BatchScratch scratch;
  Activation activation(data.table.schema(), as_of);
  const std::int64_t rows = data.table.rows();
  std::vector<std::uint16_t> selection;
  for (std::int64_t begin = 0; begin < rows; begin += kBatchRows) {
    const int count = static_cast<int>(std::min<std::int64_t>(kBatchRows, rows - begin));
    // All rows, or a random subset: the kernels must honour an incoming selection.
    selection.clear();
    const int keep_percent = seed != 0 && rng() % 3 == 0 ? 30 : 100;
    for (int r = 0; r < count; ++r) {
      if (static_cast<int>(rng() % 100) < keep_percent) {
        selection.push_back(static_cast<std::uint16_t>(r));
      }
    }
    const int selected = static_cast<int>(selection.size());
    std::vector<Value> got(static_cast<std::size_t>(count));
    if (award) {
      AwardBatch a =
          ComputeAwardBatch(*batch, cap, begin, count, selection.data(), selected, &scratch);
      for (std::uint16_t r : selection) got[r] = a.Get(r);
    } else {
      BatchResult b = EvalBatch(*batch, begin, count, selection.data(), selected, &scratch);
      for (std::uint16_t r : selection) got[r] = b.Get(r);
    }
    for (std::uint16_t r : selection) {
      const std::vector<Value>& facts = data.rows[static_cast<std::size_t>(begin + r)];
      for (std::size_t f = 0; f < facts.size(); ++f) {
        activation.SetIndex(static_cast<int>(f), facts[f]);
      }
      const Value want =
          award ? ComputeAward(*program, activation, cap) : EvalRow(*program, activation).value;
      ++report->rows_compared;
      ++report->kinds[static_cast<int>(want.kind())];
      report->fallback_rows += scratch.state().FellBack(r);
      if (SameValue(want, got[r])) continue;
      ++report->mismatches;
      if (report->examples.size() < 5) {
        report->examples.push_back(
            absl::StrCat(award ? "award " : "rule ", program->source(), "\n  row ", begin + r,
                         ": EvalRow ", want.DebugString(), ", EvalBatch ", got[r].DebugString()));
      }
    }
  }
}

}  // namespace zhida::rules::testing

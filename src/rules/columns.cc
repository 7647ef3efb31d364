#include "rules/columns.h"

#include <algorithm>
#include <utility>

#include "core/date.h"
#include "core/decimal.h"
#include "rules/huge_pages.h"
#include "rules/limits.h"

namespace zhida::rules {
namespace {

// Coefficients of at most 18 digits always fit int64; the fast text path stops there and leaves
// longer numbers to Decimal::Parse.
constexpr int kFastDigitsMax = 18;

// Parses [-]digits[.digits] with at most kFastDigitsMax digits in all, the form of every
// generated cell. False for anything else, which then takes ParseFactText's full path.
bool ParsePlainDecimal(std::string_view text, std::int64_t* coefficient, int* scale) {
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    i = 1;
  }
  std::int64_t value = 0;
  int digits = 0, fraction = 0;
  bool point = false;
  const std::size_t start = i;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      if (++digits > kFastDigitsMax) return false;
      value = value * 10 + (c - '0');
      if (point) ++fraction;
    } else if (c == '.' && !point && i > start && i + 1 < text.size()) {
      point = true;
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  *coefficient = negative ? -value : value;
  *scale = fraction;
  return true;
}

// [-]digits with at most 18 digits.
bool ParsePlainInt(std::string_view text, std::int64_t* out) {
  int scale = 0;
  return ParsePlainDecimal(text, out, &scale) && scale == 0 &&
         text.find('.') == std::string_view::npos;
}

template <typename T>
void Append(std::vector<T>* to, const std::vector<T>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

}  // namespace

std::string_view Column::StringAt(std::int64_t row) const {
  const std::size_t r = static_cast<std::size_t>(row);
  if (dict_encoded) return dict[static_cast<std::size_t>(i32[r])];
  return std::string_view(arena).substr(offsets[r], offsets[r + 1] - offsets[r]);
}

Value ColumnTable::CellValue(int field, std::int64_t row) const {
  const Column& c = column(field);
  const std::size_t r = static_cast<std::size_t>(row);
  switch (c.cell_state(row)) {
    case CellState::kUnknown:
      return Value::Unknown(schema_->fields()[static_cast<std::size_t>(field)].code);
    case CellState::kBoxed:
      return c.boxed.at(row);
    case CellState::kKnown:
      break;
  }
  switch (c.type) {
    case FieldType::kBool:
      return Value::Bool(c.u8[r] != 0);
    case FieldType::kInt:
      return Value::Int(c.i64[r]);
    case FieldType::kDecimal: {
      int scale = c.scales.empty() ? c.scale : c.scales[r];
      return Value::Dec(*core::Decimal::FromParts(c.i64[r], scale));
    }
    case FieldType::kString:
      return Value::String(std::string(c.StringAt(row)));
    case FieldType::kDate:
      return Value::Date(core::Date::FromDays(c.i32[r]));
    case FieldType::kList:
    case FieldType::kMap:
    case FieldType::kDyn:
      return c.values[r];
  }
  return Value();
}

void ColumnTable::Fill(std::int64_t row, Activation* activation) const {
  for (std::size_t f = 0; f < columns_.size(); ++f) {
    activation->SetIndex(static_cast<int>(f), CellValue(static_cast<int>(f), row));
  }
}

ColumnTableBuilder::ColumnTableBuilder(std::shared_ptr<const Schema> schema)
    : schema_(std::move(schema)) {
  ZCHECK(schema_ != nullptr);
  const std::size_t n = schema_->fields().size();
  columns_.resize(n);
  dict_index_.resize(n);
  scale_set_.assign(n, false);
  for (std::size_t f = 0; f < n; ++f) {
    Column& c = columns_[f];
    c.type = schema_->fields()[f].type;
    c.dict_encoded = c.type == FieldType::kString;
    if (c.type == FieldType::kString) c.offsets.push_back(0);
  }
}

absl::Status ColumnTableBuilder::AppendText(int field, std::string_view text) {
  Column& c = columns_[static_cast<std::size_t>(field)];
  if (text.empty()) {
    AppendUnknown(field);
    return absl::OkStatus();
  }
  // Fast paths for the forms a generated or exported file uses; anything else (and every
  // error) goes through ParseFactText, so that acceptance and messages are exactly its own.
  switch (c.type) {
    case FieldType::kDecimal: {
      std::int64_t coefficient = 0;
      int scale = 0;
      if (ParsePlainDecimal(text, &coefficient, &scale)) {
        AppendDecimal(field, coefficient, scale);
        return absl::OkStatus();
      }
      break;
    }
    case FieldType::kInt: {
      std::int64_t value = 0;
      if (ParsePlainInt(text, &value)) {
        if (c.has_state()) c.state.push_back(0);
        c.i64.push_back(value);
        return absl::OkStatus();
      }
      break;
    }
    case FieldType::kBool:
      if (text == "true" || text == "false") {
        if (c.has_state()) c.state.push_back(0);
        c.u8.push_back(text[0] == 't' ? 1 : 0);
        return absl::OkStatus();
      }
      break;
    case FieldType::kString:
      if (c.has_state()) c.state.push_back(0);
      AppendString(field, text);
      return absl::OkStatus();
    default:
      break;
  }
  const FieldDef& f = schema_->fields()[static_cast<std::size_t>(field)];
  ASSIGN_OR_RETURN(Value v, ParseFactText(text, f.type, f.code));
  return AppendValue(field, v);
}

absl::Status ColumnTableBuilder::AppendValue(int field, const Value& value) {
  const FieldDef& f = schema_->fields()[static_cast<std::size_t>(field)];
  if (!ValueFitsType(value, f.type)) {
    return InvalidField("rules.field_type", f.code, "字段 " + f.code + " 的值类型不符",
                        "field " + f.code + ": value of the wrong type");
  }
  if (value.is_unknown()) {
    AppendUnknown(field);
    return absl::OkStatus();
  }
  Column& c = columns_[static_cast<std::size_t>(field)];
  switch (f.type) {
    case FieldType::kDecimal: {
      core::Decimal d;
      value.AsDecimal(&d);
      __int128 coefficient = d.coefficient();
      if (value.is_decimal() && coefficient >= INT64_MIN && coefficient <= INT64_MAX) {
        AppendDecimal(field, static_cast<std::int64_t>(coefficient), d.scale());
        return absl::OkStatus();
      }
      // Too wide for the typed array, or an int kept as an int: the row evaluator's path.
      if (!c.has_state()) c.state.assign(c.i64.size(), 0);
      c.state.push_back(static_cast<std::uint8_t>(CellState::kBoxed));
      c.boxed.emplace(static_cast<std::int64_t>(c.i64.size()), value);
      c.i64.push_back(0);
      if (!c.scales.empty()) c.scales.push_back(0);
      return absl::OkStatus();
    }
    case FieldType::kInt:
      if (c.has_state()) c.state.push_back(0);
      c.i64.push_back(value.int_value());
      return absl::OkStatus();
    case FieldType::kBool:
      if (c.has_state()) c.state.push_back(0);
      c.u8.push_back(value.bool_value() ? 1 : 0);
      return absl::OkStatus();
    case FieldType::kString:
      if (c.has_state()) c.state.push_back(0);
      AppendString(field, value.string_value());
      return absl::OkStatus();
    case FieldType::kDate:
      if (c.has_state()) c.state.push_back(0);
      c.i32.push_back(value.date_value().days());
      return absl::OkStatus();
    case FieldType::kList:
    case FieldType::kMap:
    case FieldType::kDyn:
      if (c.has_state()) c.state.push_back(0);
      c.values.push_back(value);
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

void ColumnTableBuilder::AppendUnknown(int field) {
  Column& c = columns_[static_cast<std::size_t>(field)];
  const std::int64_t row = rows_;
  if (!c.has_state()) c.state.assign(static_cast<std::size_t>(row), 0);
  c.state.push_back(static_cast<std::uint8_t>(CellState::kUnknown));
  ++c.unknown_count;
  // A placeholder keeps the row's position in the typed arrays.
  switch (c.type) {
    case FieldType::kBool:
      c.u8.push_back(0);
      break;
    case FieldType::kInt:
    case FieldType::kDecimal:
      c.i64.push_back(0);
      if (!c.scales.empty()) c.scales.push_back(0);
      break;
    case FieldType::kDate:
      c.i32.push_back(0);
      break;
    case FieldType::kString:
      if (c.dict_encoded) {
        c.i32.push_back(0);
      } else {
        c.offsets.push_back(c.arena.size());
      }
      break;
    default:
      c.values.push_back(Value::Unknown(schema_->fields()[static_cast<std::size_t>(field)].code));
      break;
  }
}

void ColumnTableBuilder::AppendDecimal(int field, std::int64_t coefficient, int scale) {
  Column& c = columns_[static_cast<std::size_t>(field)];
  if (c.has_state()) c.state.push_back(0);
  if (!scale_set_[static_cast<std::size_t>(field)]) {
    scale_set_[static_cast<std::size_t>(field)] = true;
    c.scale = scale;
  }
  if (scale != c.scale && c.scales.empty()) {
    // The first decimal of another scale: from now on each row carries its own.
    c.scales.assign(c.i64.size(), static_cast<std::uint8_t>(c.scale));
  }
  c.i64.push_back(coefficient);
  if (!c.scales.empty()) c.scales.push_back(static_cast<std::uint8_t>(scale));
}

void ColumnTableBuilder::AppendString(int field, std::string_view text) {
  Column& c = columns_[static_cast<std::size_t>(field)];
  if (c.dict_encoded) {
    auto& index = dict_index_[static_cast<std::size_t>(field)];
    auto it = index.find(absl::string_view(text.data(), text.size()));
    if (it != index.end()) {
      c.i32.push_back(it->second);
      return;
    }
    if (static_cast<int>(c.dict.size()) < kDictionaryEntriesMax) {
      const std::int32_t code = static_cast<std::int32_t>(c.dict.size());
      c.dict.emplace_back(text);
      index.emplace(std::string(text), code);
      c.i32.push_back(code);
      return;
    }
    DropDictionary(field);
  }
  c.arena.append(text);
  c.offsets.push_back(c.arena.size());
}

void ColumnTableBuilder::DropDictionary(int field) {
  Column& c = columns_[static_cast<std::size_t>(field)];
  c.offsets.assign(1, 0);
  for (std::size_t r = 0; r < c.i32.size(); ++r) {
    if (c.cell_state(static_cast<std::int64_t>(r)) == CellState::kKnown) {
      c.arena.append(c.dict[static_cast<std::size_t>(c.i32[r])]);
    }
    c.offsets.push_back(c.arena.size());
  }
  c.dict_encoded = false;
  c.dict.clear();
  std::vector<std::int32_t>().swap(c.i32);
  dict_index_[static_cast<std::size_t>(field)].clear();
  // Room for the rows to come at the length seen so far (a unique id or a name), plus a tenth.
  if (rows_reserved_ > rows_ && rows_ > 0) {
    const std::size_t per_row = c.arena.size() / static_cast<std::size_t>(rows_) + 1;
    ReserveHuge(&c.arena, per_row * static_cast<std::size_t>(rows_reserved_) * 11 / 10);
    ReserveHuge(&c.offsets, static_cast<std::size_t>(rows_reserved_) + 1);
  }
}

void ColumnTableBuilder::EndRow() {
  ++rows_;
  for (std::size_t f = 0; f < columns_.size(); ++f) {
    const Column& c = columns_[f];
    std::size_t length = 0;
    switch (c.type) {
      case FieldType::kBool:
        length = c.u8.size();
        break;
      case FieldType::kInt:
      case FieldType::kDecimal:
        length = c.i64.size();
        break;
      case FieldType::kDate:
        length = c.i32.size();
        break;
      case FieldType::kString:
        length = c.dict_encoded ? c.i32.size() : c.offsets.size() - 1;
        break;
      default:
        length = c.values.size();
        break;
    }
    if (static_cast<std::int64_t>(length) < rows_) {
      --rows_;
      AppendUnknown(static_cast<int>(f));
      ++rows_;
    }
  }
}

namespace {

// Appends the first `rows` strings of `from` (dictionary coded or plain) to the plain *to.
void AppendPlain(const Column& from, std::size_t rows, Column* to) {
  for (std::size_t r = 0; r < rows; ++r) {
    if (from.cell_state(static_cast<std::int64_t>(r)) == CellState::kKnown) {
      to->arena.append(from.StringAt(static_cast<std::int64_t>(r)));
    }
    to->offsets.push_back(to->arena.size());
  }
}

// Turns the dictionary-coded column *c of `rows` rows into plain text, in place.
void MakePlain(std::size_t rows, Column* c) {
  Column plain;
  plain.offsets.push_back(0);
  AppendPlain(*c, rows, &plain);
  c->arena = std::move(plain.arena);
  c->offsets = std::move(plain.offsets);
  c->dict_encoded = false;
  c->dict.clear();
  std::vector<std::int32_t>().swap(c->i32);
}

// Appends the string column `from` to *to, whose dictionary `index` maps text to code. The
// joined column keeps one dictionary unless it would grow past kDictionaryEntriesMax.
void AppendStrings(const Column& from, std::size_t from_rows, std::size_t to_rows,
                   absl::flat_hash_map<std::string, std::int32_t>* index, Column* to) {
  if (to->dict_encoded && from.dict_encoded) {
    std::vector<std::int32_t> remap;
    for (const std::string& text : from.dict) {
      auto [it, added] = index->emplace(text, static_cast<std::int32_t>(to->dict.size()));
      if (added) to->dict.push_back(text);
      remap.push_back(it->second);
    }
    if (static_cast<int>(to->dict.size()) <= kDictionaryEntriesMax) {
      for (std::int32_t code : from.i32) {
        // An unknown cell's placeholder may be 0 in a part with no dictionary at all.
        to->i32.push_back(static_cast<std::size_t>(code) < remap.size()
                              ? remap[static_cast<std::size_t>(code)]
                              : 0);
      }
      return;
    }
    // Too many distinct texts together: the joined column is plain text.
  }
  if (to->dict_encoded) MakePlain(to_rows, to);
  AppendPlain(from, from_rows, to);
}

// Appends the decimal column `from` to *to; per-row scales once two scales meet.
void AppendDecimals(const Column& from, bool from_scale_set, std::size_t to_rows,
                    bool* to_scale_set, Column* to) {
  const bool same = from.scales.empty() && to->scales.empty() &&
                    (!from_scale_set || !*to_scale_set || from.scale == to->scale);
  if (same) {
    if (!*to_scale_set && from_scale_set) to->scale = from.scale;
    *to_scale_set = *to_scale_set || from_scale_set;
    Append(&to->i64, from.i64);
    return;
  }
  if (to->scales.empty()) to->scales.assign(to_rows, static_cast<std::uint8_t>(to->scale));
  Append(&to->i64, from.i64);
  if (!from.scales.empty()) {
    Append(&to->scales, from.scales);
  } else {
    to->scales.insert(to->scales.end(), from.i64.size(), static_cast<std::uint8_t>(from.scale));
  }
}

}  // namespace

void ColumnTableBuilder::Reserve(std::int64_t rows) {
  const std::size_t n = static_cast<std::size_t>(rows);
  for (Column& c : columns_) {
    switch (c.type) {
      case FieldType::kBool:
        ReserveHuge(&c.u8, n);
        break;
      case FieldType::kInt:
      case FieldType::kDecimal:
        ReserveHuge(&c.i64, n);
        break;
      case FieldType::kDate:
      case FieldType::kString:
        ReserveHuge(&c.i32, n);
        break;
      default:
        c.values.reserve(n);
        break;
    }
  }
  rows_reserved_ = std::max(rows_reserved_, rows);
}

ColumnTable ColumnTableBuilder::Concat(std::vector<ColumnTableBuilder> parts) {
  ZCHECK(!parts.empty());
  // The first part is extended in place: its arrays (reserved for the whole file by the CSV
  // reader) are not copied, only the later parts'.
  ColumnTableBuilder& first = parts[0];
  for (std::size_t p = 1; p < parts.size(); ++p) {
    const ColumnTableBuilder& part = parts[p];
    ZCHECK(part.schema_ == first.schema_);
    const std::size_t to_rows = static_cast<std::size_t>(first.rows_);
    const std::size_t from_rows = static_cast<std::size_t>(part.rows_);
    for (std::size_t f = 0; f < first.columns_.size(); ++f) {
      Column& to = first.columns_[f];
      const Column& from = part.columns_[f];
      if (from.has_state() || to.has_state()) {
        if (!to.has_state()) to.state.assign(to_rows, 0);
        if (from.has_state()) {
          Append(&to.state, from.state);
        } else {
          to.state.insert(to.state.end(), from_rows, 0);
        }
      }
      to.unknown_count += from.unknown_count;
      for (const auto& [row, value] : from.boxed) {
        to.boxed.emplace(row + static_cast<std::int64_t>(to_rows), value);
      }
      Append(&to.u8, from.u8);
      Append(&to.values, from.values);
      if (to.type == FieldType::kDate) Append(&to.i32, from.i32);
      if (to.type == FieldType::kInt) Append(&to.i64, from.i64);
      if (to.type == FieldType::kDecimal) {
        bool scale_set = first.scale_set_[f];
        AppendDecimals(from, part.scale_set_[f], to_rows, &scale_set, &to);
        first.scale_set_[f] = scale_set;
      }
      if (to.type == FieldType::kString) {
        AppendStrings(from, from_rows, to_rows, &first.dict_index_[f], &to);
      }
    }
    first.rows_ += part.rows_;
  }
  ColumnTable table;
  table.schema_ = first.schema_;
  table.rows_ = first.rows_;
  table.columns_ = std::move(first.columns_);
  return table;
}

}  // namespace zhida::rules

#include "core/csv.h"

#include <array>
#include <cstring>

#include "absl/strings/str_format.h"
#include "core/status.h"

namespace zhida::core {
namespace {

// Bytes that end an unquoted field.
constexpr std::array<bool, 256> MakeStops() {
  std::array<bool, 256> stops{};
  stops[static_cast<unsigned char>(',')] = true;
  stops[static_cast<unsigned char>('\n')] = true;
  stops[static_cast<unsigned char>('\r')] = true;
  return stops;
}
constexpr std::array<bool, 256> kStops = MakeStops();

// kStops and the quote: where the scan of an unquoted field pauses.
constexpr std::array<bool, 256> MakeStopsOrQuote() {
  std::array<bool, 256> stops = MakeStops();
  stops[static_cast<unsigned char>('"')] = true;
  return stops;
}
constexpr std::array<bool, 256> kStopsOrQuote = MakeStopsOrQuote();

// The quotes in `s`, counted a byte at a time so that the compiler can vectorize the loop.
size_t CountQuotes(std::string_view s) {
  size_t count = 0;
  for (char c : s) count += c == '"' ? 1 : 0;
  return count;
}

// Line breaks in `s`: CRLF counts once, a lone CR or LF once each.
int CountLineBreaks(std::string_view s) {
  int count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++count;
    } else if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) {
      ++count;
    }
  }
  return count;
}

}  // namespace

CsvReader::CsvReader(std::string_view utf8_text, int first_line)
    : text_(utf8_text), line_(first_line) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::Fail(int line, std::string_view what, std::string* error) {
  error_ = absl::StrFormat("第 %d 行：%s", line, what);
  *error = error_;
  return false;
}

bool CsvReader::Next(std::vector<std::string_view>* fields, std::string* error) {
  ZCHECK(fields != nullptr && error != nullptr);
  fields->clear();
  error->clear();
  if (!error_.empty()) {
    *error = error_;
    return false;
  }
  const char* const data = text_.data();
  const size_t n = text_.size();
  while (pos_ < n && (data[pos_] == '\n' || data[pos_] == '\r')) {  // empty lines
    if (data[pos_] == '\r' && pos_ + 1 < n && data[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= n) return false;
  record_line_ = line_;
  unescaped_.clear();
  pending_.clear();
  auto too_many_fields = [&] {
    return Fail(record_line_, absl::StrFormat("字段数超过 %d 个", kFieldsMax), error);
  };
  while (true) {
    if (fields->size() >= kFieldsMax) return too_many_fields();
    if (data[pos_] == '"') {
      if (!ReadQuoted(fields, error)) return false;
    } else {
      const size_t start = pos_;
      while (true) {
        while (pos_ < n && !kStopsOrQuote[static_cast<unsigned char>(data[pos_])]) ++pos_;
        if (pos_ >= n || data[pos_] != '"') break;
        literal_quote_ = true;  // kept as data
        ++pos_;
      }
      fields->emplace_back(data + start, pos_ - start);
    }
    if (pos_ >= n) break;  // the last record has no line break
    if (data[pos_] == ',') {
      if (++pos_ < n) continue;
      // "a," at the very end of the input: a last, empty field.
      if (fields->size() >= kFieldsMax) return too_many_fields();
      fields->emplace_back();
      break;
    }
    if (data[pos_] == '\r' && pos_ + 1 < n && data[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    break;
  }
  for (const auto& [index, offset] : pending_) {
    (*fields)[index] = std::string_view(unescaped_.data() + offset, (*fields)[index].size());
  }
  return true;
}

bool CsvReader::ReadQuoted(std::vector<std::string_view>* fields, std::string* error) {
  const char* const data = text_.data();
  const size_t n = text_.size();
  const int open_line = line_;
  size_t segment = ++pos_;  // after the opening quote
  bool escaped = false;     // whether the field is being copied to unescaped_
  size_t offset = 0;        // where it starts there
  while (true) {
    const void* found = std::memchr(data + pos_, '"', n - pos_);
    if (found == nullptr) return Fail(open_line, "引号未闭合", error);
    const size_t quote = static_cast<const char*>(found) - data;
    line_ += CountLineBreaks(text_.substr(pos_, quote - pos_));
    if (quote + 1 < n && data[quote + 1] == '"') {  // "" stands for one quote
      if (!escaped) {
        escaped = true;
        offset = unescaped_.size();
      }
      unescaped_.append(data + segment, quote + 1 - segment);
      pos_ = segment = quote + 2;
      continue;
    }
    if (escaped) {
      unescaped_.append(data + segment, quote - segment);
      pending_.emplace_back(fields->size(), offset);
      // A placeholder of the right length; Next points it into unescaped_ once the record ends.
      fields->emplace_back(unescaped_.data(), unescaped_.size() - offset);
    } else {
      fields->emplace_back(data + segment, quote - segment);
    }
    pos_ = quote + 1;
    if (pos_ < n && !kStops[static_cast<unsigned char>(data[pos_])]) {
      return Fail(line_, "右引号后面应是逗号或换行（字段内的引号要写成两个引号 \"\"）", error);
    }
    return true;
  }
}

std::vector<CsvPart> SplitCsvRecords(std::string_view utf8_text, size_t parts_max) {
  std::vector<CsvPart> parts;
  if (parts_max <= 1) {
    parts.push_back(CsvPart{utf8_text, 1});
    return parts;
  }
  const std::string_view bom = "\xEF\xBB\xBF";
  const size_t n = utf8_text.size();
  const size_t target = n / parts_max + 1;
  size_t begin = 0;
  int line = 1;
  while (begin < n) {
    size_t cut = n;
    if (parts.size() + 1 < parts_max && begin + target < n) {
      // The first LF at or after begin + target with an even number of quotes before it, and
      // no byte-order mark after it.
      bool inside = CountQuotes(utf8_text.substr(begin, target)) % 2 == 1;
      for (size_t i = begin + target; i < n; ++i) {
        const char c = utf8_text[i];
        if (c == '"') {
          inside = !inside;
        } else if (c == '\n' && !inside && utf8_text.substr(i + 1, 3) != bom) {
          cut = i + 1;  // after a LF (and so after any CRLF)
          break;
        }
      }
    }
    std::string_view part = utf8_text.substr(begin, cut - begin);
    parts.push_back(CsvPart{part, line});
    line += CountLineBreaks(part);
    begin = cut;
  }
  return parts;
}

bool ReadsAsSplit(size_t parts, bool any_error, bool any_literal_quote) {
  return parts <= 1 || (!any_error && !any_literal_quote);
}

}  // namespace zhida::core

// The output of a screening: ScreenRows, the compact eligible pairs, and the result CSV written
// in parallel parts.
#include "services/screening.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <utility>

#include "rules/huge_pages.h"

namespace zhida::services {

namespace {

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

#include "core/money.h"

#include <algorithm>
#include <limits>

namespace zhida::core {
namespace {

absl::Status SyntaxError() {
  return MakeError(absl::StatusCode::kInvalidArgument, "money.syntax", {},
                   "金额格式不正确，应为数字，最多两位小数（如 12345.67）",
                   "malformed amount: expected digits with at most two decimals (e.g. 12345.67)");
}
absl::Status TooManyDecimals() {
  return MakeError(absl::StatusCode::kInvalidArgument, "money.too_many_decimals", {},
                   "金额最多保留两位小数", "an amount has at most two decimals");
}
absl::Status Overflow() {
  return MakeError(absl::StatusCode::kOutOfRange, "money.overflow", {}, "金额超出可处理的范围",
                   "amount out of range");
}

uint64_t Magnitude(int64_t fen) {
  return fen < 0 ? uint64_t{0} - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
}

// Appends `v` in decimal, with a comma every three digits when `grouped`.
void AppendInteger(uint64_t v, bool grouped, std::string* out) {
  char buf[32];
  int len = 0, digits = 0;
  do {
    if (grouped && digits > 0 && digits % 3 == 0) buf[len++] = ',';
    buf[len++] = static_cast<char>('0' + v % 10);
    v /= 10;
    ++digits;
  } while (v != 0);
  while (len > 0) out->push_back(buf[--len]);
}

// sign, integer part, '.', two decimals, from a magnitude in hundredths.
std::string Format(bool negative, uint64_t hundredths, bool grouped) {
  std::string out;
  if (negative && hundredths != 0) out.push_back('-');
  AppendInteger(hundredths / 100, grouped, &out);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + hundredths % 100 / 10));
  out.push_back(static_cast<char>('0' + hundredths % 10));
  return out;
}

}  // namespace

absl::StatusOr<Money> Money::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  auto is_digit = [&](size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
  if (!is_digit(i)) return SyntaxError();
  // The magnitude in fen; saturates just above 2^63 so that it cannot wrap.
  constexpr uint64_t kSaturated = (uint64_t{1} << 63) + 1;
  uint64_t fen = 0;
  auto push = [&](int digit) {
    fen = fen > kSaturated / 10 ? kSaturated : std::min(kSaturated, fen * 10 + digit);
  };
  for (; is_digit(i); ++i) push(text[i] - '0');
  int decimals = 0;
  bool nonzero_beyond_fen = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!is_digit(i)) return SyntaxError();
    for (; is_digit(i); ++i) {
      if (decimals < 2) {
        push(text[i] - '0');
        ++decimals;
      } else if (text[i] != '0') {
        nonzero_beyond_fen = true;
      }
    }
  }
  if (i != text.size()) return SyntaxError();
  if (nonzero_beyond_fen) return TooManyDecimals();
  for (; decimals < 2; ++decimals) push(0);
  const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  if (fen > limit) return Overflow();
  return Money(negative ? static_cast<int64_t>(uint64_t{0} - fen) : static_cast<int64_t>(fen));
}

absl::StatusOr<Money> Money::FromDecimal(const Decimal& value, RoundingMode mode) {
  absl::StatusOr<Decimal> rounded = value.Round(2, mode);
  if (!rounded.ok()) return Overflow();  // Round(2, …) fails only on overflow
  const __int128 c = rounded->coefficient();
  if (c < std::numeric_limits<int64_t>::min() || c > std::numeric_limits<int64_t>::max()) {
    return Overflow();
  }
  return Money(static_cast<int64_t>(c));
}

std::string Money::ToString() const { return Format(fen_ < 0, Magnitude(fen_), false); }

std::string Money::ToGrouped() const { return Format(fen_ < 0, Magnitude(fen_), true); }

std::string Money::ToWan() const {
  // 0.01 万元 = 100 yuan = 10,000 fen; ties round away from zero.
  const uint64_t m = Magnitude(fen_);
  const uint64_t hundredths = m / 10000 + (m % 10000 >= 5000 ? 1 : 0);
  return Format(fen_ < 0, hundredths, true) + " 万元";
}

absl::StatusOr<Money> Money::Add(Money other) const {
  int64_t sum;
  if (__builtin_add_overflow(fen_, other.fen_, &sum)) return Overflow();
  return Money(sum);
}

absl::StatusOr<Money> Money::Sub(Money other) const {
  int64_t diff;
  if (__builtin_sub_overflow(fen_, other.fen_, &diff)) return Overflow();
  return Money(diff);
}

absl::StatusOr<Money> Money::MulRound(const Decimal& factor, RoundingMode mode) const {
  absl::StatusOr<Decimal> product = ToDecimal().MulRound(factor, 2, mode);
  if (!product.ok()) return Overflow();  // scale 2 is valid, so only an overflow remains
  return FromDecimal(*product, RoundingMode::kDown);  // already exact to the fen
}

}  // namespace zhida::core

// The bytes of one fuzz input, consumed front to back. Running out of bytes is not an error: every
// Take gives a default (0, false, ""), so that every input, however short, is a valid case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zhida::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // Bytes up to the first NUL (consumed with it), or all that is left.
  std::string_view TakeUntilNul() {
    size_t nul = rest_.find('\0');
    std::string_view taken = rest_.substr(0, nul);
    rest_.remove_prefix(nul == std::string_view::npos ? rest_.size() : nul + 1);
    return taken;
  }
  uint8_t TakeByte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  uint64_t TakeU64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | TakeByte();
    return v;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace zhida::fuzz

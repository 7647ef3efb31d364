#include "core/ids.h"

#include <sodium.h>

#include "absl/strings/str_format.h"
#include "core/status.h"

namespace zhida::core {
namespace {

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

class SodiumIds : public IdSource {
 public:
  SodiumIds() { ZCHECK(sodium_init() >= 0); }  // 1 = already initialized, also fine

  std::string NewToken(int bytes) override {
    ZCHECK(bytes >= 1 && bytes <= kTokenBytesMax);
    unsigned char buf[kTokenBytesMax];
    randombytes_buf(buf, static_cast<size_t>(bytes));
    std::string token = Hex(buf, static_cast<size_t>(bytes));
    sodium_memzero(buf, sizeof buf);
    return token;
  }

  std::string NewRequestId() override { return NewToken(8); }
};

}  // namespace

IdSource::~IdSource() = default;

IdSource& SecureIds() {
  static SodiumIds* const ids = new SodiumIds();  // thread-safe initialization, never destroyed
  return *ids;
}

std::string SeqIds::NewToken(int bytes) {
  ZCHECK(bytes >= 1 && bytes <= kTokenBytesMax);
  const uint64_t n = next_.fetch_add(1);
  std::string hex = absl::StrFormat("%x", n);
  const size_t width = static_cast<size_t>(bytes) * 2;
  if (hex.size() < width) hex.insert(0, width - hex.size(), '0');
  return hex;
}

std::string SeqIds::NewRequestId() { return absl::StrFormat("req-%012d", next_.fetch_add(1)); }

}  // namespace zhida::core

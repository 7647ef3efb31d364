#include "core/text.h"

#include <errno.h>
#include <iconv.h>

#include <cstring>

#include "absl/strings/str_format.h"

namespace zhida::core {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

absl::Status EncodingError(size_t offset, bool truncated) {
  return MakeError(
      absl::StatusCode::kInvalidArgument, "text.encoding", {},
      truncated ? absl::StrFormat("文件在第 %d 字节处被截断，不是完整的 GB18030 编码", offset)
                : absl::StrFormat("第 %d 字节处不是有效的 GB18030 编码（也不是 UTF-8）", offset),
      truncated ? absl::StrFormat("truncated GB18030 sequence at byte %d", offset)
                : absl::StrFormat("invalid GB18030 (and not UTF-8) at byte %d", offset));
}

// Closes an iconv descriptor on scope exit.
struct IconvCloser {
  iconv_t cd;
  ~IconvCloser() { iconv_close(cd); }
};

}  // namespace

size_t Utf8Length(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* const end = p + bytes.size();
  while (p < end) {
    // Fast path: eight ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int length;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) lo = 0x90;  // no overlong forms
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;  // 0x80–0xC1 (continuation or overlong lead) and 0xF5–0xFF
    }
    if (end - p < length) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i < length; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += length;
  }
  return true;
}

std::string_view StripUtf8Bom(std::string_view text) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  return text;
}

absl::StatusOr<std::string> Gb18030ToUtf8(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return MakeError(absl::StatusCode::kInternal, "text.iconv", {}, "系统不支持 GB18030 转换",
                     "iconv cannot convert GB18030");
  }
  IconvCloser closer{cd};
  // A GB18030 character of n bytes becomes at most 2n bytes of UTF-8 (2 → 3 and 4 → 4 bytes),
  // so twice the input is enough; the loop still handles E2BIG.
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; the input is not modified
  size_t in_left = bytes.size();
  size_t out_used = 0;
  while (in_left > 0) {
    char* out_ptr = out.data() + out_used;
    size_t out_left = out.size() - out_used;
    const size_t r = iconv(cd, &in, &in_left, &out_ptr, &out_left);
    out_used = out.size() - out_left;
    if (r != static_cast<size_t>(-1)) break;
    const size_t offset = static_cast<size_t>(in - bytes.data());
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    return EncodingError(offset, errno == EINVAL);
  }
  out.resize(out_used);
  return out;
}

TextEncoding DetectEncoding(std::string_view bytes) {
  return IsValidUtf8(bytes) ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
}

absl::StatusOr<std::string> DecodeToUtf8(std::string_view bytes) {
  const std::string_view text = StripUtf8Bom(bytes);
  if (DetectEncoding(text) == TextEncoding::kUtf8) return std::string(text);
  return Gb18030ToUtf8(text);
}

}  // namespace zhida::core

// Text encodings of imported files. Inside Zhida all text is UTF-8; files from Chinese office
// software are often GB18030 (GBK is a subset) and sometimes carry a UTF-8 byte-order mark.
// DecodeToUtf8 turns any of these into UTF-8 at the boundary.
//
// Error code: text.encoding.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace zhida::core {

// Whether `bytes` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates
// (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool IsValidUtf8(std::string_view bytes);

// The number of characters (code points) in UTF-8 text: what a length limit on a name or a title
// counts, since a Chinese character is 3 bytes. Continuation bytes are not counted.
size_t Utf8Length(std::string_view utf8);

// `text` without a leading UTF-8 byte-order mark (EF BB BF), if it has one.
std::string_view StripUtf8Bom(std::string_view text);

// Converts GB18030 to UTF-8 with glibc's iconv. Error (text.encoding) when a byte sequence is
// not GB18030 or is cut off at the end, naming its byte offset (0-based, as editors show it).
absl::StatusOr<std::string> Gb18030ToUtf8(std::string_view bytes);

enum class TextEncoding { kUtf8, kGb18030 };

// kUtf8 when `bytes` is valid UTF-8 (so plain ASCII is UTF-8), else kGb18030. The guess is safe
// in that direction: GB18030 text with Chinese characters is almost never valid UTF-8.
TextEncoding DetectEncoding(std::string_view bytes);

// The UTF-8 text of an imported file: the BOM stripped, the encoding detected, converted.
absl::StatusOr<std::string> DecodeToUtf8(std::string_view bytes);

}  // namespace zhida::core

#include "cli/cli_util.h"

#include <iostream>

namespace zhida::cli {

int Fail(const absl::Status& status) {
  std::cerr << "错误：" << status.message();
  std::string field = ErrorField(status);
  if (!field.empty()) std::cerr << "（字段 " << field << "）";
  std::cerr << "\n";
  return 1;
}

std::string PadToWidth(const std::string& text, size_t width) {
  size_t shown = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    shown += len >= 3 ? 2 : 1;  // UTF-8 of 3+ bytes: CJK and other wide characters
    i += len;
  }
  return shown >= width ? text + " " : text + std::string(width - shown, ' ');
}

}  // namespace zhida::cli

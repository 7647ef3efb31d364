#include "cli/cli_util.h"

#include <fstream>
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

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return InvalidField("file.open", "file", "无法打开文件：" + path, "cannot open " + path);
  }
  // One allocation of the file's size and one read: a stringstream would copy a large import
  // file several times while growing.
  std::string data(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) {
    return InvalidField("file.read", "file", "读取文件失败：" + path, "cannot read " + path);
  }
  return data;
}

absl::StatusOr<std::vector<services::PolicyParameter>> ReadParametersFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  nlohmann::json list = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (list.is_discarded()) {
    return InvalidField("file.json", "parameters", "参数文件不是有效的 JSON：" + path,
                        "not valid JSON: " + path);
  }
  return services::PolicyParametersFromJson(nlohmann::json{{"parameters", list}}, "parameters");
}

}  // namespace zhida::cli

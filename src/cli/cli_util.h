// Small helpers shared by the command files of `zhida`.
#pragma once

#include <string>

#include "core/status.h"

namespace zhida::cli {

// Prints "错误：<message>（字段 <field>）" to stderr and returns the failure exit code 1.
int Fail(const absl::Status& status);

// `text` padded with spaces to `width` terminal columns (a CJK character takes two), with at
// least one space after it, for aligned tables.
std::string PadToWidth(const std::string& text, size_t width);

}  // namespace zhida::cli

// Small helpers shared by the command files of `zhida`.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "services/policy.h"

namespace zhida::cli {

// Prints "错误：<message>（字段 <field>）" to stderr and returns the failure exit code 1.
int Fail(const absl::Status& status);

// `text` padded with spaces to `width` terminal columns (a CJK character takes two), with at
// least one space after it, for aligned tables.
std::string PadToWidth(const std::string& text, size_t width);

// The whole file at `path`, read in one go. InvalidArgument "file.open" / "file.read".
absl::StatusOr<std::string> ReadFile(const std::string& path);

// A file of policy parameters: a JSON array in the form of a policy's `parameters`. Errors name
// the file, or the entry's path ("parameters[0].versions[1].value").
absl::StatusOr<std::vector<services::PolicyParameter>> ReadParametersFile(
    const std::string& path);

}  // namespace zhida::cli

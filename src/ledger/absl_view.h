// Debian 12's abseil has its own absl::string_view, to which std::string_view does not convert,
// so absl::StrCat refuses a std::string_view: convert explicitly. Internal to src/ledger.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace zhida::ledger::internal {

inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace zhida::ledger::internal

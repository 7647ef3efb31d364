#include "rules/issue.h"

#include "absl/strings/str_cat.h"

namespace zhida::rules {

std::string FormatIssue(const Issue& issue) {
  return absl::StrCat(issue.line, ":", issue.column, ": ", issue.code, ": ", issue.message_zh, " (",
                      issue.message_en, ")");
}

void IssueList::Add(Position pos, std::string code, std::string message_zh,
                    std::string message_en) {
  if (static_cast<int>(issues_.size()) >= kMaxIssues) return;
  issues_.push_back(
      Issue{pos.line, pos.column, std::move(code), std::move(message_zh), std::move(message_en)});
}

}  // namespace zhida::rules

// Issues: the mistakes in a rule's text that the checker reports to the policy author when the
// policy is saved (STYLE.md "Errors, three channels": user mistakes carry a position and a text a
// user reads, in Chinese and English). Issues are values, never absl::Status.
#pragma once

#include <string>
#include <vector>

namespace zhida::rules {

// A place in a rule's text. `line` and `column` are 1-based; `column` counts Unicode characters
// (not bytes), so that it matches what the author sees. `offset` is the 0-based byte offset.
struct Position {
  int line = 1;
  int column = 1;
  int offset = 0;
};

// One mistake in a rule's text. `code` is a stable machine code ("check.unknown_field", ...)
// that the API and the tests use; the messages are for people.
struct Issue {
  int line = 0;
  int column = 0;
  std::string code;
  std::string message_zh;
  std::string message_en;
};

// Formats an issue as "line:column: code: message_zh (message_en)" for logs and the command line.
std::string FormatIssue(const Issue& issue);

// Issues gathered by one pass. Passes stop after kMaxIssues so that garbage input cannot produce
// an unbounded list; 20 is more than an author fixes at once.
inline constexpr int kMaxIssues = 20;

class IssueList {
 public:
  // Records an issue at `pos`. Ignored past kMaxIssues.
  void Add(Position pos, std::string code, std::string message_zh, std::string message_en);

  bool empty() const { return issues_.empty(); }
  const std::vector<Issue>& issues() const { return issues_; }
  std::vector<Issue> Release() { return std::move(issues_); }

 private:
  std::vector<Issue> issues_;
};

}  // namespace zhida::rules

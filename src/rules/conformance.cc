#include "rules/conformance.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/value_json.h"

namespace zhida::rules {
namespace {

absl::Status Malformed(const std::string& what) {
  return MakeError(absl::StatusCode::kInvalidArgument, "conformance.malformed", "",
                   absl::StrCat("一致性用例格式错误：", what),
                   absl::StrCat("malformed conformance input: ", what));
}

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFoundError("conformance.read", absl::StrCat("无法读取 ", path.string()),
                         absl::StrCat("cannot read ", path.string()));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads `dir`/SKIP into key → reason.
absl::StatusOr<std::map<std::string, std::string>> ReadSkipList(const std::filesystem::path& dir) {
  std::map<std::string, std::string> skips;
  std::filesystem::path path = dir / "SKIP";
  if (!std::filesystem::exists(path)) return skips;
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::size_t colon = line.find(':');
    std::string key = colon == std::string::npos ? line : line.substr(0, colon);
    std::string reason = colon == std::string::npos ? "" : line.substr(colon + 1);
    key.erase(key.find_last_not_of(" \t") + 1);
    reason.erase(0, std::min(reason.size(), reason.find_first_not_of(" \t")));
    reason.erase(reason.find_last_not_of(" \t\r") + 1);
    if (key.empty() || reason.empty()) {
      return Malformed(absl::StrCat("SKIP line ", number, " needs 'file/section/name: reason'"));
    }
    skips[key] = reason;
  }
  return skips;
}

std::optional<FieldType> TypeOfBinding(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
      return FieldType::kBool;
    case ValueKind::kInt:
      return FieldType::kInt;
    case ValueKind::kDecimal:
      return FieldType::kDecimal;
    case ValueKind::kString:
      return FieldType::kString;
    case ValueKind::kList:
      return FieldType::kList;
    case ValueKind::kMap:
      return FieldType::kMap;
    case ValueKind::kDate:
      return FieldType::kDate;
    default:
      return FieldType::kDyn;
  }
}

// Runs one case; returns "" when it passes, else the reason it fails.
absl::StatusOr<std::string> RunCase(const nlohmann::json& c) {
  if (!c.contains("expr") || !c["expr"].is_string()) return Malformed("case without expr");
  const std::string expr = c["expr"].get<std::string>();
  auto schema = std::make_shared<Schema>();
  std::vector<std::pair<std::string, Value>> bindings;
  if (c.contains("bindings")) {
    for (const auto& [name, json] : c["bindings"].items()) {
      ASSIGN_OR_RETURN(Value v, ValueFromJson(json));
      // A binding whose name the language reserves (`false`, `null`) cannot be referenced.
      if (schema->AddField(FieldDef{name, name, "", *TypeOfBinding(v)}).ok()) {
        bindings.emplace_back(name, std::move(v));
      }
    }
  }
  CheckOptions options;
  options.check_types = !c.value("disable_check", false);
  CompileResult compiled = Compile(expr, schema, ResultKind::kAny, options);
  if (!compiled.ok()) {
    return absl::StrCat("rejected by the checker: ", FormatIssue(compiled.issues[0]));
  }
  Activation activation(schema, core::Date::FromYmd(2024, 1, 1));
  for (auto& [name, v] : bindings) RETURN_IF_ERROR(activation.Set(name, std::move(v)));
  Value got = EvalRow(*compiled.program, activation).value;
  if (c.value("expect_error", false)) {
    if (got.is_error()) return std::string();
    return absl::StrCat("expected an error, got ", got.DebugString());
  }
  if (!c.contains("expect")) return Malformed("case without expect or expect_error");
  ASSIGN_OR_RETURN(Value want, ValueFromJson(c["expect"]));
  if (got.is_error()) {
    return absl::StrCat("expected ", want.DebugString(), ", got error ", got.error_value().code,
                        ": ", got.error_value().message_en);
  }
  if (!SameTypedValue(got, want)) {
    return absl::StrCat("expected ", want.DebugString(), " (", ValueKindName(want.kind()),
                        "), got ", got.DebugString(), " (", ValueKindName(got.kind()), ")");
  }
  return std::string();
}

}  // namespace

bool SameTypedValue(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kDecimal:
      return a.decimal_value().Compare(b.decimal_value()) == 0;
    case ValueKind::kList: {
      const ValueList& l = a.list_value();
      const ValueList& r = b.list_value();
      if (l.size() != r.size()) return false;
      for (std::size_t i = 0; i < l.size(); ++i) {
        if (!SameTypedValue(l[i], r[i])) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      const ValueMap& l = a.map_value();
      const ValueMap& r = b.map_value();
      if (l.size() != r.size()) return false;
      for (const auto& [k, v] : l) {
        auto it = r.find(k);
        if (it == r.end() || !SameTypedValue(v, it->second)) return false;
      }
      return true;
    }
    case ValueKind::kUnknown:
    case ValueKind::kError:
      return false;
    default: {
      Value eq = Equal(a, b);
      return eq.is_bool() && eq.bool_value();
    }
  }
}

absl::StatusOr<ConformanceCounts> RunConformance(const std::string& dir, std::ostream& out) {
  std::filesystem::path root(dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return NotFoundError("conformance.dir", absl::StrCat("找不到目录 ", dir),
                         absl::StrCat("no such directory: ", dir));
  }
  ASSIGN_OR_RETURN(auto skips, ReadSkipList(root));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ConformanceCounts counts;
  for (const auto& file : files) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    nlohmann::json cases = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!cases.is_array()) return Malformed(absl::StrCat(file.string(), " is not a JSON array"));
    std::string stem = file.stem().string();
    for (const auto& c : cases) {
      std::string key = absl::StrCat(stem, "/", c.value("section", ""), "/", c.value("name", ""));
      if (skips.count(key)) {
        ++counts.skipped;
        continue;
      }
      ASSIGN_OR_RETURN(std::string failure, RunCase(c));
      if (failure.empty()) {
        ++counts.passed;
      } else {
        ++counts.failed;
        out << "FAIL " << key << ": " << c.value("expr", "") << "\n    " << failure << "\n";
      }
    }
  }
  out << counts.passed << " passed, " << counts.failed << " failed";
  if (counts.skipped > 0) out << ", " << counts.skipped << " skipped";
  out << "\n";
  return counts;
}

}  // namespace zhida::rules

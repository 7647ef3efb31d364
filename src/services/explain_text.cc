#include "services/explain_text.h"

#include "core/region.h"
#include "services/explain_compare.h"
#include "services/explain_format.h"
#include "services/rule_text.h"

namespace zhida::services {

namespace {

using rules::OpCode;
using rules::Step;
using rules::Value;

const Step& StepAt(const rules::Program& p, std::int32_t i) {
  return p.steps()[static_cast<size_t>(i)];
}

const rules::FieldDef& FieldAt(const rules::Program& p, std::int32_t i) {
  return p.schema().fields()[static_cast<size_t>(StepAt(p, i).slot)];
}

bool IsFieldStep(const rules::Program& p, std::int32_t i) {
  return StepAt(p, i).op == OpCode::kField;
}

bool IsConstString(const rules::Program& p, std::int32_t i) {
  return StepAt(p, i).op == OpCode::kConst && StepAt(p, i).constant.is_string();
}

std::string Quoted(const std::string& label) { return "「" + label + "」"; }

ConditionReading Change(std::string sentence, std::string requirement, bool held) {
  ConditionReading r;
  r.sentence = std::move(sentence);
  if (!held) r.gap = Gap{"change", "", "", Tidy(std::move(requirement))};
  return r;
}

// 高新技术企业：是 / 失信被执行人：是，要求为否.
ConditionReading ReadBool(const rules::FieldDef& field, const Value& actual, bool required,
                          bool held) {
  std::string sentence = field.label_zh + "：" + ValueText(actual);
  std::string want = required ? "是" : "否";
  if (!held) sentence += "，要求为" + want;
  return Change(sentence, Quoted(field.label_zh) + "须为“" + want + "”", held);
}

// The subject of a test on strings: the field's label and its value by name.
struct Subject {
  std::string label;
  std::string value;
  std::string field;
};

Subject SubjectOf(const rules::Program& p, std::int32_t i, const Value& v) {
  if (IsFieldStep(p, i)) {
    const rules::FieldDef& f = FieldAt(p, i);
    return {f.label_zh, ValueText(v, f.code, f.unit), f.code};
  }
  return {Quoted(LabelText(p, i)), ValueText(v), ""};
}

ConditionReading ReadEquality(const rules::Program& p, const Step& s,
                              const rules::ConditionTrace& t, bool held) {
  std::int32_t subject = s.args[0], other = s.args[1];
  Value sv = t.operands[0].value, ov = t.operands[1].value;
  if (StepAt(p, subject).op == OpCode::kConst && StepAt(p, other).op != OpCode::kConst) {
    std::swap(subject, other);
    std::swap(sv, ov);
  }
  // `high_tech == true` reads like the bool field itself.
  if (IsFieldStep(p, subject) && sv.is_bool() && ov.is_bool()) {
    bool required = ov.bool_value() == (s.binary_op == rules::BinaryOp::kEq);
    return ReadBool(FieldAt(p, subject), sv, required, held);
  }
  Subject sub = SubjectOf(p, subject, sv);
  std::string want = StepAt(p, other).op == OpCode::kConst
                         ? ValueText(ov, sub.field)
                         : Quoted(LabelText(p, other)) + " " + ValueText(ov, sub.field);
  bool eq = s.binary_op == rules::BinaryOp::kEq;
  std::string sentence = sub.label + "为 " + sub.value;
  if (eq && !held) sentence += "，要求为 " + want;
  if (!eq) sentence += held ? "，不是 " + want : "，要求不为 " + want;
  return Change(Tidy(sentence), Quoted(sub.label) + "须" + (eq ? "为 " : "不为 ") + want, held);
}

ConditionReading ReadIn(const rules::Program& p, const Step& s, const rules::ConditionTrace& t,
                        bool held) {
  Subject sub = SubjectOf(p, s.args[0], t.operands[0].value);
  const Value& coll = t.operands[1].value;
  std::string set;
  if (coll.is_list()) {
    std::vector<std::string> items;
    for (const Value& v : coll.list_value()) items.push_back(ValueText(v, sub.field));
    set = JoinList(items) + (items.size() > 1 ? " 之一" : "");
  } else {
    set = Quoted(LabelText(p, s.args[1])) + " 中的一项";
  }
  std::string sentence = sub.label + "为 " + sub.value + (held ? "，属于 " : "，要求为 ") + set;
  return Change(Tidy(sentence), Quoted(sub.label) + "须为 " + set, held);
}

// The prefixes a simple anchored pattern accepts: "^[BCD]" → B, C, D; "^C13" → C13;
// "^(C13|C14)" → C13, C14. Empty for any other pattern.
std::vector<std::string> SimplePrefixes(const std::string& pattern) {
  auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (pattern.size() < 2 || pattern[0] != '^') return {};
  std::string body = pattern.substr(1);
  std::vector<std::string> out;
  if (body.front() == '[' && body.back() == ']') {
    for (size_t i = 1; i + 1 < body.size(); ++i) {
      if (!alnum(body[i])) return {};
      out.emplace_back(1, body[i]);
    }
    return out;
  }
  if (body.front() == '(' && body.back() == ')') body = body.substr(1, body.size() - 2);
  std::string current;
  for (char c : body + "|") {
    if (c == '|') {
      if (current.empty()) return {};
      out.push_back(current);
      current.clear();
    } else if (alnum(c)) {
      current.push_back(c);
    } else {
      return {};
    }
  }
  return out;
}

// The prefixes a string test of a field accepts, when it is startsWith or a simple `matches`.
std::vector<std::string> PrefixesOf(const rules::Program& p, std::int32_t i) {
  const Step& s = StepAt(p, i);
  if (s.op != OpCode::kCall || s.args.size() != 2 || !IsFieldStep(p, s.args[0]) ||
      !IsConstString(p, s.args[1])) {
    return {};
  }
  const std::string& arg = StepAt(p, s.args[1]).constant.string_value();
  if (s.builtin == rules::Builtin::kStartsWith) return {arg};
  if (s.builtin == rules::Builtin::kMatches) return SimplePrefixes(arg);
  return {};
}

ConditionReading ReadPrefixes(const Subject& sub, const std::vector<std::string>& prefixes,
                              bool held) {
  std::string what;
  if (sub.field == "region" && prefixes.size() == 1) {
    // region.startsWith("3505"): the enterprise is within the region 350500 (泉州市).
    std::string code = prefixes[0] + std::string(6 - std::min<size_t>(6, prefixes[0].size()), '0');
    const core::Region* region = core::FindRegion(code);
    if (region != nullptr) {
      std::string name(region->name);
      return Change(Tidy(sub.label + "为 " + sub.value + (held ? "，属于" : "，要求属于") + name),
                    Quoted(sub.label) + "须属于" + name, held);
    }
  }
  what = "以 " + JoinList(prefixes) + (prefixes.size() > 1 ? " 之一" : "") + " 开头";
  return Change(Tidy(sub.label + "为 " + sub.value + (held ? "，" : "，要求") + what),
                Quoted(sub.label) + "须" + what, held);
}

ConditionReading ReadStringTest(const rules::Program& p, const Step& s,
                                const rules::ConditionTrace& t, bool held, std::int32_t step) {
  Subject sub = SubjectOf(p, s.args[0], t.operands[0].value);
  std::vector<std::string> prefixes = PrefixesOf(p, step);
  if (!prefixes.empty()) return ReadPrefixes(sub, prefixes, held);
  std::string arg = t.operands.size() > 1 && t.operands[1].value.is_string()
                        ? t.operands[1].value.string_value()
                        : LabelText(p, s.args[1]);
  std::string what;
  switch (s.builtin) {
    case rules::Builtin::kStartsWith: what = "以“" + arg + "”开头"; break;
    case rules::Builtin::kEndsWith: what = "以“" + arg + "”结尾"; break;
    case rules::Builtin::kContains: what = "包含“" + arg + "”"; break;
    default: what = "符合格式“" + arg + "”"; break;
  }
  return Change(Tidy(sub.label + "为 " + sub.value + (held ? "，" : "，要求") + what),
                Quoted(sub.label) + "须" + what, held);
}

ConditionReading Generic(const rules::Program& p, std::int32_t step, bool held) {
  std::string text = Quoted(LabelText(p, step));
  return Change((held ? "满足条件" : "不满足条件") + text, "须满足条件" + text, held);
}

struct PartReading {
  rules::ConditionOutcome outcome;
  ConditionReading reading;
};

// Reads each operand of an `&&` or `||` as a condition of its own: its text compiled against
// the same schema and evaluated with a trace (rule_text.h explains why that is faithful).
std::vector<PartReading> ReadParts(const rules::Program& p, const Step& s,
                                   const rules::Activation& a) {
  std::vector<PartReading> parts;
  for (std::int32_t arg : s.args) {
    rules::CompileResult part =
        rules::Compile(p.StepText(arg), p.shared_schema(), rules::ResultKind::kBool);
    if (!part.ok()) return {};
    rules::EvalResult r = rules::EvalRow(*part.program, a, rules::EvalOptions{true});
    const std::vector<std::int32_t>& conditions = part.program->conditions();
    if (conditions.size() == 1) {
      parts.push_back(
          {r.trace[0].outcome, ReadCondition(*part.program, conditions[0], r.trace[0], a)});
      continue;
    }
    // A parenthesised `&&` inside an `||`: its conditions joined.
    PartReading joined{rules::ConditionOutcome::kHeld, {}};
    for (size_t k = 0; k < conditions.size(); ++k) {
      ConditionReading c = ReadCondition(*part.program, conditions[k], r.trace[k], a);
      joined.reading.sentence += (k > 0 ? "，且" : "") + c.sentence;
      if (r.trace[k].outcome != rules::ConditionOutcome::kHeld) {
        joined.outcome = rules::ConditionOutcome::kFailed;
      }
    }
    parts.push_back(std::move(joined));
  }
  return parts;
}

std::string JoinSentences(const std::vector<PartReading>& parts, bool only_failed) {
  std::string out;
  for (const PartReading& part : parts) {
    if (only_failed && part.outcome == rules::ConditionOutcome::kHeld) continue;
    if (!out.empty()) out += "；";
    out += part.reading.sentence;
  }
  return out;
}

ConditionReading ReadOr(const rules::Program& p, const Step& s, const rules::Activation& a,
                        bool held, std::int32_t step) {
  // An `||` of prefixes of one field: "国民经济行业为 C1951，以 C13、C14 之一开头".
  std::vector<std::string> prefixes;
  int slot = -1;
  for (std::int32_t arg : s.args) {
    std::vector<std::string> more = PrefixesOf(p, arg);
    int arg_slot = more.empty() ? -2 : StepAt(p, StepAt(p, arg).args[0]).slot;
    if (more.empty() || (slot >= 0 && arg_slot != slot)) {
      prefixes.clear();
      break;
    }
    slot = arg_slot;
    prefixes.insert(prefixes.end(), more.begin(), more.end());
  }
  if (!prefixes.empty()) {
    const rules::FieldDef& f = p.schema().fields()[static_cast<size_t>(slot)];
    Subject sub{f.label_zh, ValueText(a.Get(slot), f.code, f.unit), f.code};
    return ReadPrefixes(sub, prefixes, held);
  }
  std::vector<PartReading> parts = ReadParts(p, s, a);
  if (parts.empty()) return Generic(p, step, held);
  if (held) {
    for (const PartReading& part : parts) {
      if (part.outcome == rules::ConditionOutcome::kHeld) {
        return Change("满足其中一项：" + part.reading.sentence, "", true);
      }
    }
  }
  return Change("以下各项均不满足（满足一项即可）：" + JoinSentences(parts, false),
                "须满足以下任意一项：" + JoinSentences(parts, false), held);
}

ConditionReading ReadAnd(const rules::Program& p, const Step& s, const rules::Activation& a,
                         bool held, std::int32_t step) {
  std::vector<PartReading> parts = ReadParts(p, s, a);
  if (parts.empty()) return Generic(p, step, held);
  ConditionReading r;
  r.sentence = JoinSentences(parts, !held);
  if (held) return r;
  const ConditionReading* only = nullptr;
  int failed = 0;
  for (const PartReading& part : parts) {
    if (part.outcome == rules::ConditionOutcome::kHeld) continue;
    ++failed;
    only = &part.reading;
  }
  r.gap =
      failed == 1 && only->gap ? *only->gap : Gap{"change", "", "", "须同时满足：" + r.sentence};
  return r;
}

}  // namespace

ConditionReading ReadCondition(const rules::Program& program, std::int32_t step,
                               const rules::ConditionTrace& trace,
                               const rules::Activation& activation) {
  if (trace.outcome == rules::ConditionOutcome::kUnknown) {
    return ConditionReading{MissingSentence(program.schema(), trace.value), std::nullopt, "", "",
                            ""};
  }
  if (trace.outcome == rules::ConditionOutcome::kError) {
    const std::string& message = trace.value.is_error() ? trace.value.error_value().message_zh
                                                        : std::string("条件的结果不是真/假");
    return ConditionReading{message, std::nullopt, "", "", ""};
  }
  const bool held = trace.outcome == rules::ConditionOutcome::kHeld;
  const Step& s = StepAt(program, step);
  switch (s.op) {
    case OpCode::kField:
      if (trace.value.is_bool()) {
        return ReadBool(FieldAt(program, step), trace.value, true, held);
      }
      break;
    case OpCode::kNot:
      if (IsFieldStep(program, s.args[0]) && trace.operands.size() == 1) {
        return ReadBool(FieldAt(program, s.args[0]), trace.operands[0].value, false, held);
      }
      break;
    case OpCode::kCompare: {
      if (trace.operands.size() != 2) break;
      if (std::optional<ConditionReading> r = ReadComparison(program, step, trace, activation)) {
        return *r;
      }
      if (s.binary_op == rules::BinaryOp::kEq || s.binary_op == rules::BinaryOp::kNe) {
        return ReadEquality(program, s, trace, held);
      }
      break;
    }
    case OpCode::kIn:
      if (trace.operands.size() == 2) return ReadIn(program, s, trace, held);
      break;
    case OpCode::kCall:
      if (trace.operands.size() == 2 &&
          (s.builtin == rules::Builtin::kStartsWith || s.builtin == rules::Builtin::kEndsWith ||
           s.builtin == rules::Builtin::kContains || s.builtin == rules::Builtin::kMatches)) {
        return ReadStringTest(program, s, trace, held, step);
      }
      break;
    case OpCode::kHasFact: {
      std::string label = Quoted(program.schema().fields()[static_cast<size_t>(s.slot)].label_zh);
      return Change((held ? "已有" : "没有") + label + "数据", "须提供" + label + "数据", held);
    }
    case OpCode::kOr: return ReadOr(program, s, activation, held, step);
    case OpCode::kAnd: return ReadAnd(program, s, activation, held, step);
    default: break;
  }
  return Generic(program, step, held);
}

std::vector<std::string> MissingLabels(const rules::Schema& schema, const rules::Value& value) {
  std::vector<std::string> labels;
  if (!value.is_unknown()) return labels;
  for (const std::string& code : value.unknown_value().fields) {
    const rules::FieldDef* f = schema.FindField(code);
    labels.push_back(f != nullptr ? f->label_zh : code);
  }
  return labels;
}

std::string MissingSentence(const rules::Schema& schema, const rules::Value& value) {
  std::string out = "缺少";
  for (const std::string& label : MissingLabels(schema, value)) out += Quoted(label);
  return out + "数据，无法判断";
}

}  // namespace zhida::services

#include "services/explain_compare.h"

#include <string>

#include "services/explain_format.h"
#include "services/rule_text.h"

namespace zhida::services {

namespace {

using rules::BinaryOp;
using rules::OpCode;
using rules::Step;
using rules::Value;

enum class Figure { kMoney, kRate, kNumber, kDate };

// A comparison recognised as "quantity op threshold".
struct Comparison {
  BinaryOp op = BinaryOp::kGe;
  Figure figure = Figure::kNumber;
  std::string unit;         // kNumber: 人, 年, … (may be empty)
  std::string label;        // 上年度营业收入, 营业收入增长率
  std::string detail;       // "（上年度营业收入 …，前年度营业收入 …）" or ""
  std::string other_label;  // the threshold's label when it is not a constant
  bool threshold_constant = true;
  bool integral = false;  // both sides int: a strict bound is one more
  core::Decimal v, t;     // kMoney, kNumber: the values; kRate: the ratios
  core::Date dv, dt;      // kDate
};

const Step& StepAt(const rules::Program& p, std::int32_t i) {
  return p.steps()[static_cast<size_t>(i)];
}

int SlotOf(const rules::Program& p, std::int32_t i) {
  return StepAt(p, i).op == OpCode::kField ? StepAt(p, i).slot : -1;
}

const rules::FieldDef& Field(const rules::Program& p, int slot) {
  return p.schema().fields()[static_cast<size_t>(slot)];
}

bool IsArith(const rules::Program& p, std::int32_t i, BinaryOp op) {
  return StepAt(p, i).op == OpCode::kArith && StepAt(p, i).binary_op == op;
}

BinaryOp Flip(BinaryOp op) {
  switch (op) {
    case BinaryOp::kLt: return BinaryOp::kGt;
    case BinaryOp::kLe: return BinaryOp::kGe;
    case BinaryOp::kGt: return BinaryOp::kLt;
    case BinaryOp::kGe: return BinaryOp::kLe;
    default: return op;
  }
}

bool IsLowerBound(BinaryOp op) { return op == BinaryOp::kGe || op == BinaryOp::kGt; }
bool IsStrict(BinaryOp op) { return op == BinaryOp::kGt || op == BinaryOp::kLt; }

bool Holds(BinaryOp op, int cmp) {
  switch (op) {
    case BinaryOp::kLt: return cmp < 0;
    case BinaryOp::kLe: return cmp <= 0;
    case BinaryOp::kGt: return cmp > 0;
    case BinaryOp::kGe: return cmp >= 0;
    case BinaryOp::kEq: return cmp == 0;
    default: return cmp != 0;
  }
}

// The word between the quantity and the threshold.
const char* Word(BinaryOp op, bool held, bool date) {
  switch (op) {
    case BinaryOp::kGe: return date ? (held ? "不早于" : "早于") : (held ? "不低于" : "低于");
    case BinaryOp::kGt: return date ? (held ? "晚于" : "不晚于") : (held ? "超过" : "未超过");
    case BinaryOp::kLe: return date ? (held ? "不晚于" : "晚于") : (held ? "不超过" : "超过");
    case BinaryOp::kLt: return date ? (held ? "早于" : "不早于") : (held ? "低于" : "不低于");
    case BinaryOp::kEq: return held ? "等于" : "不等于";
    default: return held ? "不等于" : "等于";
  }
}

// "大于零" and its kin: a zero threshold reads better as a word than as "0.00 元".
const char* ZeroWord(BinaryOp op) {
  switch (op) {
    case BinaryOp::kGt: return "大于零";
    case BinaryOp::kGe: return "不小于零";
    case BinaryOp::kLt: return "小于零";
    case BinaryOp::kLe: return "不大于零";
    case BinaryOp::kEq: return "等于零";
    default: return "不等于零";
  }
}

// "上年度营业收入" → "营业收入": the year is implied by a rate or an increase.
std::string StripYear(const std::string& label) {
  for (const char* prefix : {"上年度", "本年度", "当年", "今年"}) {
    std::string p(prefix);
    if (label.rfind(p, 0) == 0 && label.size() > p.size()) return label.substr(p.size());
  }
  return label;
}

// Fields `code` and `code_prev` are one measure in two consecutive years (the schema's naming).
bool IsPrevious(const rules::FieldDef& current, const rules::FieldDef& previous) {
  return previous.code == current.code + "_prev";
}

std::string IncreaseLabel(const rules::FieldDef& f) {
  std::string base = StripYear(f.label_zh);
  const std::string e = "额";
  if (base.size() > e.size() && base.compare(base.size() - e.size(), e.size(), e) == 0) {
    base.resize(base.size() - e.size());
  }
  return base + "增加额";
}

std::string ShareLabel(const rules::FieldDef& a, const rules::FieldDef& b) {
  std::string whole = StripYear(a.label_zh) != a.label_zh && StripYear(b.label_zh) != b.label_zh
                          ? StripYear(b.label_zh)
                          : b.label_zh;
  return a.label_zh + "占" + whole + "的比例";
}

// "（上年度营业收入 2,240.00 万元，前年度营业收入 2,000.00 万元）".
std::string Detail(const rules::Program& p, const rules::Activation& a, int slot_a, int slot_b) {
  const rules::FieldDef& fa = Field(p, slot_a);
  const rules::FieldDef& fb = Field(p, slot_b);
  return "（" + fa.label_zh + " " + ValueText(a.Get(slot_a), fa.code, fa.unit) + "，" +
         fb.label_zh + " " + ValueText(a.Get(slot_b), fb.code, fb.unit) + "）";
}

bool PositiveDecimal(const Value& v, core::Decimal* out) {
  return v.AsDecimal(out) && out->Sign() > 0;
}

std::optional<core::Decimal> Ratio(const core::Decimal& x, const core::Decimal& y) {
  // 18 places: exact for a threshold b × r / b, and far finer than any shown rate.
  absl::StatusOr<core::Decimal> q = x.Div(y, core::Decimal::kMaxScale, core::RoundingMode::kHalfUp);
  if (!q.ok()) return std::nullopt;
  return *q;
}

// The operand of `×` step `i` other than field `slot`; -1 when `i` is not such a product.
std::int32_t TimesField(const rules::Program& p, std::int32_t i, int slot) {
  if (!IsArith(p, i, BinaryOp::kMul)) return -1;
  const Step& s = StepAt(p, i);
  if (SlotOf(p, s.args[0]) == slot) return s.args[1];
  if (SlotOf(p, s.args[1]) == slot) return s.args[0];
  return -1;
}

// Growth rates and shares: quantity `l` op threshold `r`, with their values.
std::optional<Comparison> AsRate(const rules::Program& p, const rules::Activation& a,
                                 std::int32_t l, std::int32_t r, const Value& lv, const Value& rv,
                                 BinaryOp op) {
  core::Decimal lval, rval, aval, bval;
  if (!lv.AsDecimal(&lval) || !rv.AsDecimal(&rval)) return std::nullopt;
  Comparison c;
  c.op = op;
  c.figure = Figure::kRate;
  int slot_a = -1, slot_b = -1;
  bool growth = false;
  std::optional<core::Decimal> ratio_v, ratio_t;
  if (IsArith(p, l, BinaryOp::kSub) && SlotOf(p, StepAt(p, l).args[0]) >= 0 &&
      SlotOf(p, StepAt(p, l).args[1]) >= 0) {
    // a − b ≥ b × r: the growth of a over b is at least r.
    slot_a = SlotOf(p, StepAt(p, l).args[0]);
    slot_b = SlotOf(p, StepAt(p, l).args[1]);
    if (TimesField(p, r, slot_b) < 0 || !PositiveDecimal(a.Get(slot_b), &bval)) return std::nullopt;
    growth = true;
    ratio_v = Ratio(lval, bval);
    ratio_t = Ratio(rval, bval);
  } else if (SlotOf(p, l) >= 0) {
    // a ≥ b × m: a growth of m − 1 when b is a's previous year, else a share of at least m.
    slot_a = SlotOf(p, l);
    for (int slot = 0; slot < static_cast<int>(p.schema().fields().size()); ++slot) {
      if (slot != slot_a && TimesField(p, r, slot) >= 0) slot_b = slot;
    }
    if (slot_b < 0 || !PositiveDecimal(a.Get(slot_b), &bval)) return std::nullopt;
    growth = IsPrevious(Field(p, slot_a), Field(p, slot_b));
    ratio_v = Ratio(lval, bval);
    ratio_t = Ratio(rval, bval);
    if (growth && ratio_v && ratio_t) {
      absl::StatusOr<core::Decimal> gv = ratio_v->Sub(core::Decimal::FromInt(1));
      absl::StatusOr<core::Decimal> gt = ratio_t->Sub(core::Decimal::FromInt(1));
      if (!gv.ok() || !gt.ok()) return std::nullopt;
      ratio_v = *gv;
      ratio_t = *gt;
    }
  } else if (IsArith(p, l, BinaryOp::kDiv) && SlotOf(p, StepAt(p, l).args[1]) >= 0 &&
             StepAt(p, r).op == OpCode::kConst) {
    // (a − b) ÷ b ≥ r or a ÷ b ≥ r: the rate is written out.
    std::int32_t num = StepAt(p, l).args[0];
    slot_b = SlotOf(p, StepAt(p, l).args[1]);
    if (IsArith(p, num, BinaryOp::kSub) && SlotOf(p, StepAt(p, num).args[1]) == slot_b &&
        SlotOf(p, StepAt(p, num).args[0]) >= 0) {
      slot_a = SlotOf(p, StepAt(p, num).args[0]);
      growth = true;
    } else if (SlotOf(p, num) >= 0) {
      slot_a = SlotOf(p, num);
    } else {
      return std::nullopt;
    }
    ratio_v = lval;
    ratio_t = rval;
  } else {
    return std::nullopt;
  }
  if (!ratio_v || !ratio_t) return std::nullopt;
  c.v = *ratio_v;
  c.t = *ratio_t;
  c.label = growth ? StripYear(Field(p, slot_a).label_zh) + "增长率"
                   : ShareLabel(Field(p, slot_a), Field(p, slot_b));
  c.detail = Detail(p, a, slot_a, slot_b);
  return c;
}

// The label of a quantity side and, for a difference of two facts, the facts it is made of.
void DescribeSide(const rules::Program& p, const rules::Activation& a, std::int32_t i,
                  Comparison* c) {
  const Step& s = StepAt(p, i);
  if (s.op == OpCode::kField) {
    c->label = Field(p, s.slot).label_zh;
    return;
  }
  if (IsArith(p, i, BinaryOp::kSub) && SlotOf(p, s.args[0]) >= 0 && SlotOf(p, s.args[1]) >= 0) {
    const rules::FieldDef& fa = Field(p, SlotOf(p, s.args[0]));
    const rules::FieldDef& fb = Field(p, SlotOf(p, s.args[1]));
    c->label = IsPrevious(fa, fb) ? IncreaseLabel(fa) : "「" + LabelText(p, i) + "」";
    c->detail = Detail(p, a, SlotOf(p, s.args[0]), SlotOf(p, s.args[1]));
    return;
  }
  bool years = s.op == OpCode::kCall && s.builtin == rules::Builtin::kYearsBetween;
  bool days = s.op == OpCode::kCall && s.builtin == rules::Builtin::kDaysBetween;
  if ((years || days) && SlotOf(p, s.args[0]) >= 0 && StepAt(p, s.args[1]).op == OpCode::kAsOf) {
    // years_between(established, as_of): 成立年限.
    std::string label = Field(p, SlotOf(p, s.args[0])).label_zh;
    const std::string date = "日期";
    if (label.size() > date.size() &&
        label.compare(label.size() - date.size(), date.size(), date) == 0) {
      c->label = label.substr(0, label.size() - date.size()) + (years ? "年限" : "天数");
    } else {
      c->label = "自「" + label + "」起的" + (years ? "整年数" : "天数");
    }
    c->unit = years ? "年" : "天";
    return;
  }
  c->label = "「" + LabelText(p, i) + "」";
}

std::optional<Comparison> Analyze(const rules::Program& p, std::int32_t step,
                                  const rules::ConditionTrace& trace, const rules::Activation& a) {
  const Step& s = StepAt(p, step);
  std::int32_t l = s.args[0], r = s.args[1];
  Value lv = trace.operands[0].value, rv = trace.operands[1].value;
  BinaryOp op = s.binary_op;
  if (std::optional<Comparison> c = AsRate(p, a, l, r, lv, rv, op)) return c;
  if (std::optional<Comparison> c = AsRate(p, a, r, l, rv, lv, Flip(op))) return c;
  if (StepAt(p, l).op == OpCode::kConst && StepAt(p, r).op != OpCode::kConst) {
    std::swap(l, r);
    std::swap(lv, rv);
    op = Flip(op);
  }
  Comparison c;
  c.op = op;
  c.threshold_constant = StepAt(p, r).op == OpCode::kConst;
  if (lv.is_date() && rv.is_date()) {
    c.figure = Figure::kDate;
    c.dv = lv.date_value();
    c.dt = rv.date_value();
  } else if (lv.AsDecimal(&c.v) && rv.AsDecimal(&c.t)) {
    c.integral = lv.is_int() && rv.is_int();
  } else {
    return std::nullopt;
  }
  DescribeSide(p, a, l, &c);
  if (!c.threshold_constant) {
    Comparison other;
    DescribeSide(p, a, r, &other);
    c.other_label = other.label;
  }
  if (c.figure != Figure::kDate) {
    if (c.unit.empty()) c.unit = UnitOf(p, l);
    if (c.unit.empty()) c.unit = UnitOf(p, r);
    c.figure = c.unit == "元" ? Figure::kMoney : Figure::kNumber;
  }
  return c;
}

// The amount `x` in 元 as YuanText shows it, back in 元.
core::Decimal ShownYuan(const core::Decimal& x, core::RoundingMode mode) {
  const core::Decimal wan = core::Decimal::FromInt(10000);
  if (x.Compare(wan) >= 0 || x.Compare(core::Decimal::FromInt(-10000)) <= 0) {
    absl::StatusOr<core::Decimal> w = x.Div(wan, 2, mode);
    if (w.ok()) {
      absl::StatusOr<core::Decimal> back = w->Mul(wan);
      if (back.ok()) return *back;
    }
  }
  return x.Round(2, mode).value_or(x);
}

core::Decimal Percent(const core::Decimal& ratio) {
  return ratio.Mul(core::Decimal::FromInt(100)).value_or(ratio);
}

// The two figures as the sentence shows them, and their values as shown (in 元, or in percent
// for a rate), which the gap is the difference of.
struct Shown {
  std::string v, t;
  core::Decimal v_value, t_value;
  int places = 2;    // decimals of the shown figures (元 amounts: of 万元 or 元; rates: of %)
  bool wan = false;  // amounts shown in 万元
};

// Amounts: in 万元 where that is honest, else in 元 with two places, else exactly.
Shown ShowMoney(const Comparison& c, bool held) {
  const core::RoundingMode nearest = core::RoundingMode::kHalfUp;
  core::Decimal vs = ShownYuan(c.v, nearest), ts = ShownYuan(c.t, nearest);
  // A threshold the policy writes is shown exactly; one that is another fact is rounded.
  if ((ts == c.t || !c.threshold_constant) && Holds(c.op, vs.Compare(ts)) == held) {
    return {YuanText(c.v), YuanText(c.t), vs, ts, 2, true};
  }
  core::Decimal v2 = c.v.Round(2, nearest).value_or(c.v);
  core::Decimal t2 = c.t.Round(2, nearest).value_or(c.t);
  if ((t2 == c.t || !c.threshold_constant) && Holds(c.op, v2.Compare(t2)) == held) {
    return {CutDecimal(c.v, 2, Cut::kNearest) + " 元",
            CutDecimal(c.t, 2, Cut::kNearest) + " 元",
            v2,
            t2,
            2,
            false};
  }
  return {YuanExactText(c.v), YuanExactText(c.t), c.v, c.t, core::Decimal::kMaxScale, false};
}

// The figures of a comparison, honest about it (explain_text.h): rounded the nearest way, so
// that a fact reads the same in every sentence, with more places where rounding would misstate
// the comparison.
Shown ShowFigures(const Comparison& c, bool held) {
  switch (c.figure) {
    case Figure::kDate: return {DateText(c.dv), DateText(c.dt)};
    case Figure::kNumber: {
      std::string unit = c.unit.empty() ? "" : " " + c.unit;
      return {GroupedDecimal(c.v, 0) + unit, GroupedDecimal(c.t, 0) + unit, c.v, c.t};
    }
    case Figure::kMoney: return ShowMoney(c, held);
    case Figure::kRate: {
      core::Decimal tp = Percent(c.t);
      for (int places : {1, 2, 4, 6, 8}) {
        core::Decimal vp = Percent(c.v).Round(places, core::RoundingMode::kHalfUp).value_or(tp);
        if (Holds(c.op, vp.Compare(tp)) == held || places == 8) {
          return {PercentText(c.v, places, Cut::kNearest), PercentExactText(c.t), vp, tp, places};
        }
      }
    }
  }
  return {};
}

// The exact shortfall (or excess) of a failed bound, in the figures' unit (a ratio for rates).
core::Decimal ExactNeed(const Comparison& c) {
  const bool lower = IsLowerBound(c.op);
  core::Decimal need = (lower ? c.t.Sub(c.v) : c.v.Sub(c.t)).value_or(core::Decimal());
  if (IsStrict(c.op) && (c.integral || need.IsZero())) {
    // One more than the bound: 1 for counts, the last place of the figures for decimals.
    int scale = std::max(c.v.scale(), c.t.scale());
    if (c.figure == Figure::kMoney) scale = std::max(scale, 2);
    core::Decimal step = c.integral ? core::Decimal::FromInt(1)
                                    : core::Decimal::FromParts(1, scale).value_or(core::Decimal());
    need = need.Add(step).value_or(need);
  }
  return need;
}

// How far a failed comparison is. The text gives the difference of the figures shown, so that
// the sentence adds up (1,087.00 万元 + 913.00 万元 = 2,000.00 万元); `value` is exact.
Gap GapOf(const Comparison& c, const Shown& shown) {
  const bool date = c.figure == Figure::kDate;
  const bool zero = c.threshold_constant && !date && c.t.IsZero() && c.figure != Figure::kRate;
  if (date || c.op == BinaryOp::kEq || c.op == BinaryOp::kNe || zero) {
    std::string want =
        zero ? std::string(ZeroWord(c.op)) : std::string(Word(c.op, true, date)) + " " + shown.t;
    return Gap{"change", "", "", Tidy("「" + c.label + "」须" + want)};
  }
  const bool lower = IsLowerBound(c.op);
  const core::Decimal need = ExactNeed(c);
  core::Decimal shown_need =
      (lower ? shown.t_value.Sub(shown.v_value) : shown.v_value.Sub(shown.t_value)).value_or(need);
  Gap gap{"amount", need.ToString(), c.unit, ""};
  std::string amount;
  switch (c.figure) {
    case Figure::kMoney:
      gap.unit = "元";
      // A strict bound met exactly shows no difference: the step past it is the gap.
      amount = shown_need.Sign() > 0 && shown.wan ? YuanText(shown_need) : YuanText(need, Cut::kUp);
      break;
    case Figure::kRate: {
      core::Decimal points = Percent(need);
      gap.unit = "个百分点";
      gap.value = points.Round(2, core::RoundingMode::kCeiling).value_or(points).ToString();
      if (shown_need.Sign() <= 0) shown_need = points;  // shown equal, e.g. a strict bound met
      int places = shown.places;
      while (places < 8 &&
             shown_need.Round(places, core::RoundingMode::kCeiling).value_or(shown_need).IsZero()) {
        places += 2;
      }
      amount = CutDecimal(shown_need, places, Cut::kUp) + " 个百分点";
      break;
    }
    default: amount = GroupedDecimal(need, 0) + (c.unit.empty() ? "" : " " + c.unit); break;
  }
  gap.text = Tidy((lower ? "还差 " : "超出 ") + amount);
  return gap;
}

}  // namespace

std::optional<ConditionReading> ReadComparison(const rules::Program& program, std::int32_t step,
                                               const rules::ConditionTrace& trace,
                                               const rules::Activation& activation) {
  std::optional<Comparison> c = Analyze(program, step, trace, activation);
  if (!c) return std::nullopt;
  const bool held = trace.outcome == rules::ConditionOutcome::kHeld;
  Shown shown = ShowFigures(*c, held);
  ConditionReading r;
  r.quantity = c->label;
  r.quantity_value = shown.v;
  r.threshold = shown.t;
  std::string sentence = c->label + " " + shown.v + c->detail + "，";
  const bool zero = c->threshold_constant && c->figure != Figure::kDate &&
                    c->figure != Figure::kRate && c->t.IsZero();
  if (zero) {
    sentence += std::string(held ? "" : "须") + ZeroWord(c->op);
  } else {
    sentence += std::string(Word(c->op, held, c->figure == Figure::kDate)) + " " +
                (c->other_label.empty() ? "" : c->other_label + " ") + shown.t;
  }
  if (!held) {
    r.gap = GapOf(*c, shown);
    if (r.gap->kind == "amount") sentence += "，" + r.gap->text;
  }
  r.sentence = Tidy(sentence);
  return r;
}

}  // namespace zhida::services

// How explanations write numbers, amounts, rates, dates and coded values in Chinese (issue 3 §3).
//
// The rules, in one place so that every sentence follows them (docs/api.md repeats them):
//
// - Numbers are exact decimals with thousands separators: 1,234,567.89. Trailing zeros are
//   trimmed down to the number's own minimum (two places for money), never past it.
// - Money (a field whose unit is 元): at least 1 万元 (10,000 元) is written in 万元 with two
//   decimals ("1,500.00 万元"), less in 元 with two decimals ("9,999.50 元"). People in Quanzhou
//   speak of revenue and subsidies in 万元; a small amount in 万元 would read as zero.
// - Rates (a growth rate, a share) are written as percentages with one decimal ("8.2%"), their
//   thresholds exactly ("5%", "12.5%"), and differences of rates in 个百分点.
// - Dates are written 2024年12月31日.
// - Region codes are written as the region's name (晋江市), enterprise scales as 微型/小型/中型/
//   大型, booleans as 是/否.
//
// Rounding never misstates a comparison: see CompareTexts in explain_text.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/decimal.h"
#include "rules/value.h"

namespace zhida::services {

// How a shown figure is cut to its places.
enum class Cut { kNearest, kDown, kUp };

// `value` with thousands separators, exactly, keeping at least `min_places` decimals: trailing
// zeros beyond them are dropped (60000.0000 with min_places 2 → "60,000.00"; 0.060 → "0.06").
std::string GroupedDecimal(const core::Decimal& value, int min_places);

// `value` cut to `places` decimals (0..18) in the direction `cut`, grouped.
std::string CutDecimal(const core::Decimal& value, int places, Cut cut);

// An amount in 元, per the money rule above, cut to its two places in the direction `cut`:
// "1,500.00 万元", "9,999.50 元".
std::string YuanText(const core::Decimal& yuan, Cut cut = Cut::kNearest);
// The same always in 元, grouped, with at least two decimals and never rounded.
std::string YuanExactText(const core::Decimal& yuan);

// A ratio (0.082) as a percentage with `places` decimals, cut as asked: "8.2%".
std::string PercentText(const core::Decimal& ratio, int places, Cut cut);
// A ratio as an exact percentage, trailing zeros trimmed: 0.05 → "5%", 0.125 → "12.5%".
std::string PercentExactText(const core::Decimal& ratio);

// 2024年12月31日.
std::string DateText(core::Date date);

// How a coded value of field `field` reads: a region code as its name (350582 → 晋江市), a scale
// as 小型; other strings unchanged.
std::string CodeText(std::string_view field, const std::string& code);

// Any value as a person reads it, in the unit `unit` of its field (may be empty): numbers grouped
// (money per the money rule), bool 是/否, dates, coded strings (CodeText), lists joined with
// "、". `field` names the field the value belongs to ("" when none).
std::string ValueText(const rules::Value& value, std::string_view field = {},
                      std::string_view unit = {});

// Tidies the spaces of a sentence assembled from parts: a space stays only where ASCII text
// (a number, a code) meets other text ("低于 2,000.00 万元", "以 C 开头"); it goes next to
// Chinese punctuation, between two Chinese characters, at the ends, and when doubled.
std::string Tidy(std::string_view sentence);

// Joins `items` with the Chinese enumeration comma: "小型、中型".
std::string JoinList(const std::vector<std::string>& items);

}  // namespace zhida::services

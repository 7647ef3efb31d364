// Search terms for the policy catalog: Chinese has no spaces, so text is indexed as CJK unigrams
// and bigrams (which finds 2-character words such as 研发 anywhere) plus lower-cased ASCII words
// (document numbers, years). Portable to both backends: the terms live in an ordinary table.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace zhida::services {

// Adds the terms of `text` to `terms` with at least `weight` (a term keeps its highest weight).
void AddIndexTerms(std::string_view text, int weight, std::map<std::string, int>* terms);

// The terms a query must all match: CJK runs of one character give that character, longer runs
// their bigrams; ASCII words as they are, lower-cased. At most kMaxQueryTerms (the rest are
// dropped: a query longer than that is a paste, not a search).
std::vector<std::string> QueryTerms(std::string_view query);
inline constexpr size_t kMaxQueryTerms = 32;

}  // namespace zhida::services

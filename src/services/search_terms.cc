#include "services/search_terms.h"

#include <set>

namespace zhida::services {

namespace {

// Decodes one UTF-8 code point at `i`, advancing it; invalid bytes decode as U+FFFD.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

bool IsCjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
}

bool IsWordChar(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

// Splits text into CJK runs (each a vector of encoded characters) and ASCII words.
struct Pieces {
  std::vector<std::vector<std::string>> cjk_runs;
  std::vector<std::string> words;
};

Pieces Split(std::string_view text) {
  Pieces pieces;
  std::vector<std::string> run;
  std::string word;
  auto flush = [&] {
    if (!run.empty()) pieces.cjk_runs.push_back(std::move(run));
    if (!word.empty()) pieces.words.push_back(std::move(word));
    run.clear();
    word.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    char32_t cp = NextCodePoint(text, &i);
    if (IsCjk(cp)) {
      if (!word.empty()) pieces.words.push_back(std::move(word)), word.clear();
      run.emplace_back(text.substr(start, i - start));
    } else if (IsWordChar(cp)) {
      if (!run.empty()) pieces.cjk_runs.push_back(std::move(run)), run.clear();
      word.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
    } else {
      flush();
    }
  }
  flush();
  return pieces;
}

}  // namespace

void AddIndexTerms(std::string_view text, int weight, std::map<std::string, int>* terms) {
  auto add = [&](std::string term) {
    int& w = (*terms)[std::move(term)];
    if (w < weight) w = weight;
  };
  Pieces pieces = Split(text);
  for (const auto& run : pieces.cjk_runs) {
    for (size_t i = 0; i < run.size(); ++i) {
      add(run[i]);
      if (i + 1 < run.size()) add(run[i] + run[i + 1]);
    }
  }
  for (auto& word : pieces.words) add(std::move(word));
}

std::vector<std::string> QueryTerms(std::string_view query) {
  std::set<std::string> seen;
  std::vector<std::string> terms;
  auto add = [&](std::string term) {
    if (terms.size() < kMaxQueryTerms && seen.insert(term).second) terms.push_back(term);
  };
  Pieces pieces = Split(query);
  for (const auto& run : pieces.cjk_runs) {
    if (run.size() == 1) add(run[0]);
    for (size_t i = 0; i + 1 < run.size(); ++i) add(run[i] + run[i + 1]);
  }
  for (auto& word : pieces.words) add(std::move(word));
  return terms;
}

}  // namespace zhida::services

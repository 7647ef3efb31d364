// A per-connection cache of prepared statements keyed by their SQL text, bounded and LRU.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/status.h"

namespace zhida::store {

// Maps SQL text to a backend handle `H` (a sqlite3_stmt*, a PostgreSQL statement name). Holds at
// most `size_max` entries; inserting past that evicts the least recently used entry and returns
// it so that its owner can free it. Not thread-safe (a connection is used by one thread at a time).
template <typename H>
class StatementCache {
 public:
  explicit StatementCache(size_t size_max) : size_max_(size_max) { ZCHECK(size_max_ >= 1); }

  // The handle for `sql`, marked most recently used; nullptr when absent.
  H* Find(std::string_view sql) {
    auto it = index_.find(sql);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->second;
  }

  // Adds `sql` → `handle` (which must be absent). Returns the evicted entry, if any.
  std::optional<std::pair<std::string, H>> Insert(std::string_view sql, H handle) {
    ZCHECK(index_.find(sql) == index_.end());
    entries_.emplace_front(std::string(sql), std::move(handle));
    index_.emplace(entries_.front().first, entries_.begin());
    if (entries_.size() <= size_max_) return std::nullopt;
    std::pair<std::string, H> evicted = std::move(entries_.back());
    entries_.pop_back();
    index_.erase(evicted.first);
    return evicted;
  }

  // Removes every entry, calling `free(handle)` on each.
  template <typename F>
  void Clear(F free) {
    for (auto& entry : entries_) free(entry.second);
    entries_.clear();
    index_.clear();
  }

  size_t size() const { return entries_.size(); }

 private:
  // Lets Find look up a string_view without building a std::string per statement run.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Entries = std::list<std::pair<std::string, H>>;
  const size_t size_max_;
  Entries entries_;  // most recently used first
  std::unordered_map<std::string, typename Entries::iterator, Hash, std::equal_to<>> index_;
};

}  // namespace zhida::store

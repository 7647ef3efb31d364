// Structured logging: one JSON object per line on stderr.
//
//   {"time":"2026-11-30T07:01:02.123Z","level":"info","msg":"request","request_id":"…",…}
//
// Why not spdlog: its model is a formatted message string; structured fields would have to be
// formatted into that string by us anyway, and it would be one more package for every build and CI
// image (Debian's libspdlog-dev is not installed here). What we need is small — a level filter,
// fields as first-class JSON values, correct escaping, one write per line under a mutex — and
// nlohmann::json, which we already depend on, does the escaping. Log lines are read by machines
// (journald, a log shipper) first, so JSON lines are the format.
//
// All functions are thread-safe.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace zhida::core {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// One field value: a string, a 64-bit integer or a bool. A string is held as a view: a LogValue
// lives only for the duration of the Log() call it is written in, and the caller's string must
// outlive that call (temporaries do: they live to the end of the full expression).
class LogValue {
 public:
  LogValue(std::string_view value) : value_(value) {}
  LogValue(const char* value) : value_(std::string_view(value)) {}
  LogValue(const std::string& value) : value_(std::string_view(value)) {}
  LogValue(bool value) : value_(value) {}
  // Any integer type but bool and char; unsigned values above INT64_MAX are clamped to it.
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) LogValue(T value)
      : value_(ToInt64(value)) {}

  // The held alternative.
  const std::variant<std::string_view, int64_t, bool>& value() const { return value_; }

 private:
  template <std::integral T>
  static int64_t ToInt64(T value) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(int64_t)) {
      constexpr auto kMax = static_cast<uint64_t>(INT64_MAX);
      return static_cast<int64_t>(static_cast<uint64_t>(value) > kMax ? kMax : value);
    } else {
      return static_cast<int64_t>(value);
    }
  }

  std::variant<std::string_view, int64_t, bool> value_;
};

using LogField = std::pair<std::string_view, LogValue>;

// Lines below `level` are dropped. The default is kInfo.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// True when a line at `level` would be written; lets callers skip building costly fields.
bool LogEnabled(LogLevel level);

// Parses "debug", "info", "warn" or "error" (as written in the "level" key); false otherwise.
bool ParseLogLevel(std::string_view text, LogLevel* level);

// Writes one line {"time","level","msg",…fields} if `level` is enabled. Fields keep their order.
// A field named "time", "level" or "msg" cannot overwrite those keys: it is written as
// "field.time" etc. Invalid UTF-8 in strings is replaced by U+FFFD, never an error.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

// Redirects every line (without its trailing newline) to `sink` instead of stderr; an empty
// function restores stderr. Meant for tests. The sink is called with the log mutex held, so it
// must not log itself.
void SetLogSink(std::function<void(std::string_view line)> sink);

// Formats a line as Log() would, at the given time (milliseconds since the Unix epoch, UTC). Used
// by Log() and by tests that need a fixed clock.
std::string FormatLogLine(int64_t unix_ms, LogLevel level, std::string_view message,
                          std::initializer_list<LogField> fields);

}  // namespace zhida::core

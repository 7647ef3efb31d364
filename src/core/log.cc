#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

namespace zhida::core {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};

// Guards the sink and serialises writes, so that lines from concurrent threads never interleave.
std::mutex g_mutex;
std::function<void(std::string_view)> g_sink;  // empty: stderr

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// RFC 3339 in UTC with milliseconds: 2026-11-30T07:01:02.123Z.
std::string FormatTime(int64_t unix_ms) {
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {  // before 1970: keep the fraction positive
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];  // room for any int year, so the compiler can prove no truncation
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

bool IsReservedKey(std::string_view key) { return key == "time" || key == "level" || key == "msg"; }

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level, std::memory_order_relaxed); }

LogLevel GetLogLevel() { return g_level.load(std::memory_order_relaxed); }

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= static_cast<int>(GetLogLevel());
}

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  for (LogLevel candidate :
       {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == LevelName(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

std::string FormatLogLine(int64_t unix_ms, LogLevel level, std::string_view message,
                          std::initializer_list<LogField> fields) {
  // ordered_json keeps insertion order, so every line starts time, level, msg.
  nlohmann::ordered_json line;
  line["time"] = FormatTime(unix_ms);
  line["level"] = LevelName(level);
  line["msg"] = message;
  for (const auto& [key, value] : fields) {
    std::string name = IsReservedKey(key) ? "field." + std::string(key) : std::string(key);
    std::visit([&](const auto& v) { line[name] = v; }, value.value());
  }
  // replace: request paths and headers come from clients and may be invalid UTF-8; a log call
  // must never throw because of them.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string line = FormatLogLine(now_ms, level, message, fields);
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_sink) {
    g_sink(line);
    return;
  }
  line.push_back('\n');
  // One fwrite per line: stderr is unbuffered, and the mutex keeps lines whole across threads.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void SetLogSink(std::function<void(std::string_view line)> sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = std::move(sink);
}

}  // namespace zhida::core

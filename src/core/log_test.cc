#include "core/log.h"

#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zhida::core {
namespace {

using ::testing::MatchesRegex;

// Captures log lines for the duration of a test and restores stderr and the level after.
class LogCapture {
 public:
  LogCapture() {
    SetLogSink([this](std::string_view line) { lines_.emplace_back(line); });
  }
  ~LogCapture() {
    SetLogSink(nullptr);
    SetLogLevel(LogLevel::kInfo);
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;  // appended under the log mutex
};

TEST(LogTest, LineIsJsonWithTimeLevelMsgAndFieldsInOrder) {
  LogCapture capture;
  Log(LogLevel::kInfo, "request",
      {{"request_id", "abc"}, {"status", 200}, {"cached", true}, {"bytes", size_t{42}}});
  ASSERT_EQ(capture.lines().size(), 1u);
  const std::string& line = capture.lines()[0];
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto json = nlohmann::ordered_json::parse(line);
  EXPECT_THAT(
      json["time"].get<std::string>(),
      MatchesRegex(
          R"(20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9][0-9][0-9]Z)"));
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["msg"], "request");
  EXPECT_EQ(json["request_id"], "abc");
  EXPECT_EQ(json["status"], 200);
  EXPECT_EQ(json["cached"], true);
  EXPECT_EQ(json["bytes"], 42);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "level", "msg", "request_id", "status",
                                            "cached", "bytes"}));
}

TEST(LogTest, FixedClockFormatsUtcWithMillis) {
  // 2026-11-30T07:01:02.123Z
  std::string line = FormatLogLine(1796022062123, LogLevel::kWarn, "x", {});
  EXPECT_EQ(line, R"({"time":"2026-11-30T07:01:02.123Z","level":"warn","msg":"x"})");
}

TEST(LogTest, EscapesQuotesControlCharactersAndChinese) {
  LogCapture capture;
  Log(LogLevel::kError, "a \"quoted\"\nline", {{"path", "/政策/\t\x01"}});
  ASSERT_EQ(capture.lines().size(), 1u);
  EXPECT_EQ(capture.lines()[0].find('\n'), std::string::npos);
  auto json = nlohmann::json::parse(capture.lines()[0]);
  EXPECT_EQ(json["msg"], "a \"quoted\"\nline");
  EXPECT_EQ(json["path"], "/政策/\t\x01");
  EXPECT_EQ(json["level"], "error");
}

TEST(LogTest, InvalidUtf8IsReplacedNotThrown) {
  LogCapture capture;
  Log(LogLevel::kInfo, "bad", {{"path", std::string_view("/\xff\xfe", 3)}});
  ASSERT_EQ(capture.lines().size(), 1u);
  auto json = nlohmann::json::parse(capture.lines()[0]);
  EXPECT_EQ(json["path"], "/\xEF\xBF\xBD\xEF\xBF\xBD");  // two U+FFFD
}

TEST(LogTest, ReservedKeysAreNotOverwritten) {
  LogCapture capture;
  Log(LogLevel::kInfo, "real", {{"msg", "fake"}, {"level", "debug"}});
  auto json = nlohmann::json::parse(capture.lines().at(0));
  EXPECT_EQ(json["msg"], "real");
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["field.msg"], "fake");
  EXPECT_EQ(json["field.level"], "debug");
}

TEST(LogTest, LevelFiltersLines) {
  LogCapture capture;
  SetLogLevel(LogLevel::kWarn);
  Log(LogLevel::kDebug, "d");
  Log(LogLevel::kInfo, "i");
  Log(LogLevel::kWarn, "w");
  Log(LogLevel::kError, "e");
  ASSERT_EQ(capture.lines().size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(capture.lines()[0])["msg"], "w");
  EXPECT_EQ(nlohmann::json::parse(capture.lines()[1])["msg"], "e");
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
}

TEST(LogTest, ParseLogLevel) {
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("verbose", &level));
  EXPECT_EQ(level, LogLevel::kError);
}

TEST(LogTest, ConcurrentLinesStayWhole) {
  LogCapture capture;
  constexpr int kThreads = 4;
  constexpr int kLinesPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLinesPerThread; ++i) {
        Log(LogLevel::kInfo, "concurrent",
            {{"thread", t}, {"i", i}, {"pad", std::string(200, 'x')}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(capture.lines().size(), static_cast<size_t>(kThreads * kLinesPerThread));
  for (const std::string& line : capture.lines()) {
    auto json = nlohmann::json::parse(line);  // throws (fails the test) on a torn line
    EXPECT_EQ(json["pad"].get<std::string>().size(), 200u);
  }
}

TEST(LogTest, UnsignedAboveInt64MaxIsClamped) {
  LogCapture capture;
  Log(LogLevel::kInfo, "big", {{"n", UINT64_MAX}});
  auto json = nlohmann::json::parse(capture.lines().at(0));
  EXPECT_EQ(json["n"].get<int64_t>(), INT64_MAX);
}

}  // namespace
}  // namespace zhida::core

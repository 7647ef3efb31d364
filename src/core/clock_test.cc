#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/time/clock.h"

namespace zhida::core {
namespace {

TEST(ClockTest, SystemClockIsNearAbslNow) {
  const absl::Time before = absl::Now();
  const absl::Time now = SystemClock().Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, absl::Now());
  EXPECT_EQ(&SystemClock(), &SystemClock());
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock;
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1735660800));
  EXPECT_EQ(clock.Now(), clock.Now());
  clock.Advance(absl::Hours(25));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1735660800 + 25 * 3600));
  clock.Advance(-absl::Seconds(1));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1735660800 + 25 * 3600 - 1));
  clock.Set(absl::UnixEpoch());
  EXPECT_EQ(clock.Now(), absl::UnixEpoch());
  const Clock& as_interface = clock;
  EXPECT_EQ(as_interface.Now(), absl::UnixEpoch());
}

TEST(ClockTest, FakeClockIsThreadSafe) {
  FakeClock clock(absl::UnixEpoch());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        clock.Advance(absl::Milliseconds(1));
        (void)clock.Now();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.Now(), absl::UnixEpoch() + absl::Seconds(4));
}

}  // namespace
}  // namespace zhida::core

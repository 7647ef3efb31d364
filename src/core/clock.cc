#include "core/clock.h"

#include "absl/time/clock.h"

namespace zhida::core {
namespace {

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock::~Clock() = default;

Clock& SystemClock() {
  static RealClock* const clock = new RealClock();  // never destroyed: usable during shutdown
  return *clock;
}

FakeClock::FakeClock(absl::Time start) : now_(start) {}

absl::Time FakeClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void FakeClock::Set(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = now;
}

void FakeClock::Advance(absl::Duration delta) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += delta;
}

}  // namespace zhida::core

// The clock, behind an interface so that tests inject time (STYLE.md: every side effect behind
// an interface). Production code asks a Clock& for Now(), never absl::Now() directly.
#pragma once

#include <mutex>

#include "absl/time/time.h"

namespace zhida::core {

class Clock {
 public:
  virtual ~Clock();
  // The current instant. Thread-safe.
  virtual absl::Time Now() const = 0;
};

// The real wall clock (absl::Now()). A process-wide singleton; thread-safe.
Clock& SystemClock();

// A clock that only moves when told to. Thread-safe: one thread may advance it while others
// read it.
class FakeClock : public Clock {
 public:
  // Starts at `start`; by default 2025-01-01T00:00:00+08:00, a fixed and unremarkable instant.
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1735660800));

  absl::Time Now() const override;
  void Set(absl::Time now);
  // Moves the clock by `delta` (which may be negative, to test clocks that step back).
  void Advance(absl::Duration delta);

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace zhida::core

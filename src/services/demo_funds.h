// The demo's funds (issue 4 §7): see demo_funds.cc.
#pragma once

#include "core/clock.h"
#include "core/status.h"
#include "services/actor.h"
#include "store/store.h"

namespace zhida::services {

// Creates the funds of `year` with their history. `maker` and `checker` are two different
// finance officers of the city (maker-checker); the database must already hold the demo's
// enterprises (payees are taken from it).
absl::Status BuildDemoFunds(store::Store& store, const core::Clock& clock, const Actor& maker,
                            const Actor& checker, int year);

}  // namespace zhida::services

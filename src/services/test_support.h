// A fresh, migrated store for service tests: a temp SQLite file, or — when ZHIDA_TEST_PG is set
// (tests/pg/with_pg.sh) — the private PostgreSQL server with an emptied schema.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/ids.h"
#include "nlohmann/json.hpp"
#include "services/actor.h"
#include "store/store.h"

namespace zhida::services::testing {

struct TestEnv {
  std::unique_ptr<store::Store> store;
  core::FakeClock clock;
  core::SeqIds ids;
  std::string dir;  // temp dir of the SQLite file ("" on PostgreSQL)
  ~TestEnv();
};

// Opens, empties and migrates a store and seeds departments and fields. Aborts the test on
// failure (ASSERT inside).
std::unique_ptr<TestEnv> NewTestEnv();

// A staff actor with one role grant (not stored: services trust the actor they are given).
Actor StaffActor(std::string role, std::string region, std::string dept = "");

// A valid policy body (the API's JSON) of `region` (350500: city level, else that county) with
// the given rules, cap and validity; the owner department is the region's 工信局.
nlohmann::json PolicyJson(const std::string& title, const std::string& region,
                          const std::string& eligibility, const std::string& award,
                          const std::string& cap, const std::string& from = "2026-01-01",
                          const std::string& to = "2026-12-31");

// A CSV of three valid enterprises in the registry's format (header + 3 rows).
std::string ThreeEnterprisesCsv();

}  // namespace zhida::services::testing

// A fresh, migrated store for service tests: a temp SQLite file, or — when ZHIDA_TEST_PG is set
// (tests/pg/with_pg.sh) — the private PostgreSQL server with an emptied schema. With it, what the
// service and API suites set up the same way: actors, policy bodies, enterprises imported and
// policies created.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/ids.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/actor.h"
#include "services/catalog.h"
#include "services/registry.h"
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

// Imports the enterprises of `csv` (the registry's format) as the system and succeeds only when
// all `rows` of its rows went in; a failure gives the status or the first row's issue. For
// ASSERT_TRUE(ImportAll(...)).
::testing::AssertionResult ImportAll(RegistryService& registry, const std::string& csv,
                                     int64_t rows);

// Creates the policy `body` (the API's JSON, e.g. from PolicyJson) as the system as a draft and,
// when `publish`, publishes it. Each step is EXPECTed; returns the policy's id, or 0 when it could
// not be created.
int64_t CreatePolicy(CatalogService& catalog, const nlohmann::json& body, bool publish);

// The fixture of suites over a fresh store (NewTestEnv) with the registry and the catalog on it.
// A suite's own SetUp starts with ASSERT_NO_FATAL_FAILURE(RegistryAndCatalogTest::SetUp()).
class RegistryAndCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override;

  std::unique_ptr<TestEnv> env_;
  std::unique_ptr<RegistryService> registry_;
  std::unique_ptr<CatalogService> catalog_;
};

}  // namespace zhida::services::testing

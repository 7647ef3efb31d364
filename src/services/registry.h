// The enterprise registry (issue 2 §5): enterprises, their facts with source, period and as-of
// time, and imports from CSV. A new value never overwrites history: each import is a batch, and
// the current value of a fact is the one of the latest batch that states it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/status.h"
#include "services/actor.h"
#include "services/reference.h"
#include "store/store.h"

namespace zhida::services {

struct Enterprise {
  std::string uscc;
  std::string name;
  std::string region;
  std::string industry;
  std::string scale;
  std::string established;  // YYYY-MM-DD or ""
  std::string contact_name;
  std::string contact_phone;
  std::string bank_name;
  std::string bank_account;
};

// One fact's current value and where it came from.
struct FactValue {
  std::string field;
  std::string value;   // canonical text (decimal "1500000.00", bool "true", date "2020-01-02")
  std::string source;  // department code or "import"
  std::string period;
  std::string as_of;   // RFC 3339
  int64_t batch_id = 0;
};

struct EnterpriseView {
  Enterprise enterprise;
  std::vector<FactValue> facts;  // in field-schema order; absent fields are unknown
};

struct ImportOptions {
  bool strict = false;            // all rows or none
  std::string source = "import";  // department code that delivered the data
  std::string period;             // e.g. "2025"; default: the year before as_of
  std::string file_name;
};

struct ImportIssue {
  int line = 0;         // 1-based line of the file (the header is line 1)
  std::string column;   // column name, "" for the whole row
  std::string code;     // machine code, e.g. uscc.check_digit
  std::string message;  // Chinese
};

struct ImportReport {
  int64_t rows_total = 0;
  int64_t rows_ok = 0;      // imported (0 when strict and any row failed)
  int64_t rows_failed = 0;
  int64_t enterprises_created = 0;
  int64_t enterprises_updated = 0;
  int64_t batch_id = 0;     // 0 when nothing was written
  std::vector<ImportIssue> issues;  // the first kMaxIssues
  bool committed = false;
  std::string encoding;     // utf-8 or gb18030
  static constexpr size_t kMaxIssues = 1000;  // a report longer than this is not read by anyone
};

class RegistryService {
 public:
  RegistryService(store::Store& store, const core::Clock& clock);

  // Imports enterprises with their facts from CSV bytes (UTF-8 with or without BOM, or GB18030):
  // columns uscc, name, region, industry, scale are required; established, contact_name,
  // contact_phone, bank_name, bank_account and any field of the schema are optional; other
  // columns are an error. Each bad row is reported with line, column and reason and is not
  // imported; with `strict` nothing is imported when any row is bad. A file-level problem
  // (encoding, header) is an error status.
  absl::StatusOr<ImportReport> ImportEnterprises(const Actor& actor, std::string_view bytes,
                                                 const ImportOptions& options);
  // Imports facts for enterprises already in the registry: a uscc column and field columns.
  absl::StatusOr<ImportReport> ImportFacts(const Actor& actor, std::string_view bytes,
                                           const ImportOptions& options);

  // One enterprise with its current facts — or, with `facts_as_of`, the facts as they stood at
  // the end of that day (China time): batches stated later are left out, so an evaluation as of
  // a past date sees what was known then. Staff see their region's enterprises; an enterprise
  // user sees only their own. kNotFound otherwise (also when out of scope, so that existence is
  // not disclosed).
  absl::StatusOr<EnterpriseView> Get(const Actor& actor, std::string_view uscc,
                                     std::optional<core::Date> facts_as_of = std::nullopt);

  // The facts of `uscc` merged over all batches (latest batch per field wins), or over the
  // batches stated on or before `as_of` (China time) when it is given.
  static absl::StatusOr<std::vector<FactValue>> CurrentFacts(
      store::Tx& tx, const std::vector<FieldDef>& fields, std::string_view uscc,
      std::optional<core::Date> as_of = std::nullopt);

 private:
  absl::StatusOr<ImportReport> Import(const Actor& actor, std::string_view bytes,
                                      const ImportOptions& options, bool with_enterprise);

  store::Store& store_;
  const core::Clock& clock_;
};

}  // namespace zhida::services

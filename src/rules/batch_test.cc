// The differential test (issue 3 §6, STYLE.md "a differential test makes them agree on every
// row"): EvalBatch must give exactly EvalRow's value — kind, value and scale, unknown fields,
// error code and messages — on random rules over random enterprises, and on the bench sample's
// 50 policies over its 10,000 enterprises. A negative control plants an off-by-one in the
// compare kernel and requires the harness to report it.
//
// The seed is printed; ZHIDA_SEED=<n> replays a run. ZHIDA_DIFF_RULES=<n> runs more rules.
#include "rules/batch.h"

#include <cstdlib>
#include <random>

#include "absl/strings/str_cat.h"
#include "core/test_files.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rules/batch_differential.h"
#include "rules/columns_csv.h"
#include "rules/limits.h"
#include "rules/program.h"

namespace zhida::rules {
namespace {

using core::testing::ReadTestFile;

const core::Date kAsOf = core::Date::FromYmd(2024, 6, 30);
const std::string kSampleDir = std::string(ZHIDA_SOURCE_DIR) + "/tests/data/bench-sample/";

std::uint64_t Seed() {
  static const std::uint64_t seed = [] {
    const char* env = std::getenv("ZHIDA_SEED");
    std::uint64_t s = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
    std::printf("batch differential seed %llu (replay: ZHIDA_SEED=%llu)\n",
                static_cast<unsigned long long>(s), static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

int RuleCount(int default_count) {
  const char* env = std::getenv("ZHIDA_DIFF_RULES");
  return env != nullptr ? std::atoi(env) : default_count;
}

// Runs `rules` random rules (eligibility-like bools, numbers as awards, checked and unchecked)
// over random enterprises and returns what the harness found.
testing::DiffReport RunRandom(std::uint64_t seed, int rules, int* compiled) {
  auto schema = testing::DifferentialSchema();
  // 4,500 rows: past the dictionary limit for uscc and name (plain text), three batches, the
  // last one short; built in three parts so that Concat's merging is exercised too.
  testing::Enterprises data = testing::RandomEnterprises(schema, 4500, 3, seed);
  testing::RuleGenerator gen(seed ^ 0x9e3779b97f4a7c15ULL);
  std::mt19937_64 rng(seed + 1);
  testing::DiffReport report;
  *compiled = 0;
  for (int i = 0; i < rules; ++i) {
    const bool award = i % 3 == 2;
    const std::string text = award ? gen.Number(3) : gen.Bool(3);
    CheckOptions options;
    options.check_types = i % 5 != 4;  // unchecked rules meet their type errors at run time
    CompileResult r =
        Compile(text, schema, award ? ResultKind::kDecimal : ResultKind::kBool, options);
    if (!r.ok()) continue;
    ++*compiled;
    std::optional<core::Decimal> cap;
    if (award && rng() % 2 == 0) cap = *core::Decimal::Parse(rng() % 2 ? "1000.005" : "0");
    // Half the rules with the operands of && and || in random orders: any order must give
    // the same values (the evaluator reorders them by selectivity).
    SetBatchShuffleForTest(i % 2 == 1);
    testing::CompareEvaluators(r.program, data, kAsOf, award, cap, rng(), &report);
    SetBatchShuffleForTest(false);
  }
  return report;
}

TEST(BatchDifferentialTest, RandomRulesAgreeWithEvalRow) {
  int compiled = 0;
  testing::DiffReport report = RunRandom(Seed(), RuleCount(400), &compiled);
  std::printf("%d rules compiled, %lld rows compared, %lld mismatches, %lld by EvalRow\n", compiled,
              static_cast<long long>(report.rows_compared),
              static_cast<long long>(report.mismatches),
              static_cast<long long>(report.fallback_rows));
  std::printf("EvalRow's values:");
  for (int k = 0; k < 10; ++k) {
    std::printf(" %s %lld", ValueKindName(static_cast<ValueKind>(k)),
                static_cast<long long>(report.kinds[k]));
  }
  std::printf("\n");
  EXPECT_GT(compiled, RuleCount(400) / 2);
  EXPECT_EQ(report.mismatches, 0) << "seed " << Seed() << "\n"
                                  << [&] {
                                       std::string all;
                                       for (const std::string& e : report.examples) all += e + "\n";
                                       return all;
                                     }();
}

// The negative control: with `>=` answering `>` in the compare kernel, the same harness must
// report mismatches — it would catch a real off-by-one.
TEST(BatchDifferentialTest, NegativeControlCatchesPlantedOffByOne) {
  SetBatchFaultForTest(true);
  int compiled = 0;
  testing::DiffReport report = RunRandom(Seed(), RuleCount(400), &compiled);
  // Rules sure to meet equal operands, whatever the seed.
  auto schema = testing::DifferentialSchema();
  testing::Enterprises data = testing::RandomEnterprises(schema, 500, 1, Seed());
  for (const char* text : {"revenue >= revenue", "employees >= insured_employees || false"}) {
    CompileResult r = Compile(text, schema, ResultKind::kBool);
    ASSERT_TRUE(r.ok());
    testing::CompareEvaluators(r.program, data, kAsOf, false, std::nullopt, Seed(), &report);
  }
  SetBatchFaultForTest(false);
  std::printf("negative control: %lld mismatches reported (must be > 0)\n",
              static_cast<long long>(report.mismatches));
  EXPECT_GT(report.mismatches, 0);
  ASSERT_FALSE(report.examples.empty());
  EXPECT_NE(report.examples[0].find(">="), std::string::npos) << report.examples[0];
}

TEST(BatchDifferentialTest, SameValueSeesScaleKindAndMessages) {
  EXPECT_TRUE(testing::SameValue(Value::Dec(*core::Decimal::Parse("1.50")),
                                 Value::Dec(*core::Decimal::Parse("1.50"))));
  EXPECT_FALSE(testing::SameValue(Value::Dec(*core::Decimal::Parse("1.5")),
                                  Value::Dec(*core::Decimal::Parse("1.50"))));
  EXPECT_FALSE(testing::SameValue(Value::Int(1), Value::Dec(*core::Decimal::Parse("1"))));
  EXPECT_FALSE(testing::SameValue(Value::Error("e", "甲", "a"), Value::Error("e", "乙", "a")));
  EXPECT_FALSE(testing::SameValue(Value::Unknown("a"), Value::Unknown("b")));
}

// The 50 sample policies over the 10,000 sample enterprises, loaded from the CSV text (the
// screening path) with one and with three threads: every row agrees, eligibility and award.
TEST(BatchDifferentialTest, BenchSamplePoliciesAgreeWithEvalRow) {
  auto schema = SchemaFromJson(nlohmann::json::parse(ReadTestFile(kSampleDir + "schema.json")));
  ASSERT_TRUE(schema.ok()) << schema.status();
  std::shared_ptr<const Schema> shared = *schema;
  const std::string csv = ReadTestFile(kSampleDir + "enterprises.csv");
  nlohmann::json policies = nlohmann::json::parse(ReadTestFile(kSampleDir + "policies.json"));
  for (int threads : {1, 3}) {
    CsvTableOptions options;
    options.threads = threads;
    absl::StatusOr<ColumnTable> table = ColumnTableFromCsv(csv, shared, options);
    ASSERT_TRUE(table.ok()) << table.status();
    ASSERT_EQ(table->rows(), 10000);
    testing::Enterprises data;
    data.table = *std::move(table);
    for (std::int64_t r = 0; r < data.table.rows(); ++r) {
      auto& facts = data.rows.emplace_back();
      for (std::size_t f = 0; f < shared->fields().size(); ++f) {
        facts.push_back(data.table.CellValue(static_cast<int>(f), r));
      }
    }
    testing::DiffReport report;
    for (const nlohmann::json& p : policies) {
      for (const char* key : {"eligibility", "award"}) {
        const bool award = std::string(key) == "award";
        CompileResult r = Compile(p[key].get<std::string>(), shared,
                                  award ? ResultKind::kDecimal : ResultKind::kBool);
        ASSERT_TRUE(r.ok()) << p["id"];
        testing::CompareEvaluators(r.program, data, kAsOf, award, std::nullopt, 0, &report);
      }
    }
    EXPECT_EQ(report.rows_compared, 50 * 2 * 10000) << threads;
    EXPECT_EQ(report.mismatches, 0) << (report.examples.empty() ? "" : report.examples[0]);
  }
}

// A program that reads more facts than an unknown mask has bits is evaluated row by row, with
// the same values.
TEST(BatchDifferentialTest, ProgramOverTheFieldLimitFallsBackToEvalRow) {
  auto schema = std::make_shared<Schema>();
  std::string sum;
  for (int f = 0; f < kBatchFieldsMax + 6; ++f) {
    const std::string code = absl::StrCat("f", f);
    ASSERT_TRUE(schema->AddField(FieldDef{code, code, "", FieldType::kInt}).ok());
    absl::StrAppend(&sum, f == 0 ? "" : " + ", code);
  }
  testing::Enterprises data;
  ColumnTableBuilder builder(schema);
  for (int r = 0; r < 5; ++r) {
    auto& facts = data.rows.emplace_back();
    for (int f = 0; f < kBatchFieldsMax + 6; ++f) {
      facts.push_back(r == 3 && f == 40 ? Value::Unknown(absl::StrCat("f", f)) : Value::Int(r));
      ASSERT_TRUE(builder.AppendValue(f, facts.back()).ok());
    }
    builder.EndRow();
  }
  std::vector<ColumnTableBuilder> parts;
  parts.push_back(std::move(builder));
  data.table = ColumnTableBuilder::Concat(std::move(parts));
  CompileResult r = Compile(sum + " > 100", schema, ResultKind::kBool);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(BatchProgram::Prepare(r.program, &data.table, kAsOf)->rows_only());
  testing::DiffReport report;
  testing::CompareEvaluators(r.program, data, kAsOf, false, std::nullopt, 0, &report);
  EXPECT_EQ(report.rows_compared, 5);
  EXPECT_EQ(report.fallback_rows, 5);
  EXPECT_EQ(report.mismatches, 0) << (report.examples.empty() ? "" : report.examples[0]);
  EXPECT_EQ(report.kinds[static_cast<int>(ValueKind::kUnknown)], 1);
}

// A policy's own parameters extend the table's schema (Schema::Extend): the program reads the
// table's field slots and its parameters' values on the as-of date, and both evaluators agree.
TEST(BatchDifferentialTest, ProgramOverAnExtendedSchemaUsesItsParametersByDate) {
  auto base = testing::DifferentialSchema();
  testing::Enterprises data = testing::RandomEnterprises(base, 1200, 2, Seed());
  std::shared_ptr<Schema> policy = Schema::Extend(base);
  EXPECT_EQ(ErrorCode(policy->AddField(FieldDef{"extra", "extra", "", FieldType::kInt})),
            "schema.extended");
  EXPECT_EQ(ErrorCode(policy->AddParameter(ParameterDef{"revenue", "", "", FieldType::kDecimal,
                                                        {ParameterVersion{kAsOf, Value::Int(1), ""}}})),
            "schema.duplicate");
  ParameterDef threshold{"threshold", "营业收入门槛", "元", FieldType::kDecimal, {}};
  threshold.versions.push_back(
      {core::Date::FromYmd(2024, 1, 1), Value::Dec(*core::Decimal::Parse("0")), "甲"});
  threshold.versions.push_back(
      {core::Date::FromYmd(2024, 7, 1), Value::Dec(*core::Decimal::Parse("999999999999999999")), "乙"});
  ASSERT_TRUE(policy->AddParameter(std::move(threshold)).ok());
  ASSERT_TRUE(policy->SameFields(*base) && base->SameFields(*policy));
  EXPECT_FALSE(policy->SameFields(*testing::DifferentialSchema()));
  EXPECT_EQ(base->FindParameter("threshold"), nullptr);  // the base is unchanged

  CompileResult r = Compile("revenue >= threshold && revenue * rate > 0", policy, ResultKind::kBool);
  ASSERT_TRUE(r.ok()) << FormatIssue(r.issues[0]);
  const core::Date dates[2] = {core::Date::FromYmd(2024, 6, 30), core::Date::FromYmd(2024, 7, 1)};
  for (int d = 0; d < 2; ++d) {
    testing::DiffReport report;
    testing::CompareEvaluators(r.program, data, dates[d], false, std::nullopt, Seed(), &report);
    EXPECT_EQ(report.mismatches, 0) << (report.examples.empty() ? "" : report.examples[0]);
    EXPECT_GT(report.kinds[static_cast<int>(ValueKind::kBool)], 0);
    Activation row(base, dates[d]);
    data.table.Fill(0, &row);
    EXPECT_FALSE(EvalRow(*r.program, row).value.is_error());
  }
  // On each date the program holds where the rule with that date's value written in holds.
  auto held = [&](const std::shared_ptr<const Program>& program, core::Date as_of) {
    auto batch = BatchProgram::Prepare(program, &data.table, as_of);
    BatchScratch scratch;
    std::vector<std::uint16_t> rows(kBatchRows);
    std::int64_t n = 0;
    for (std::int64_t begin = 0; begin < data.table.rows(); begin += kBatchRows) {
      int count = static_cast<int>(std::min<std::int64_t>(kBatchRows, data.table.rows() - begin));
      n += EvalBatch(*batch, begin, count, nullptr, count, &scratch).SelectTrue(rows.data());
    }
    return n;
  };
  auto written = [&](const char* value) {
    CompileResult c = Compile(absl::StrCat("revenue >= ", value, " && revenue * rate > 0"), base,
                              ResultKind::kBool);
    EXPECT_TRUE(c.ok());
    return c.program;
  };
  const std::int64_t june = held(r.program, dates[0]), july = held(r.program, dates[1]);
  EXPECT_EQ(june, held(written("0"), dates[0]));
  EXPECT_EQ(july, held(written("999999999999999999"), dates[1]));
  EXPECT_GT(june, july);
}

// A table read from CSV text holds exactly what ParseFactText makes of each cell.
TEST(ColumnTableTest, CsvCellsEqualParseFactText) {
  auto schema = testing::DifferentialSchema();
  const std::string lines[] = {
      "uscc,revenue,employees,region,high_tech,established",
      "A1,1500.00,3,350503,true,2020-01-31",
      "A2,1500,-0,350503,,2020-02-29",
      "A3,,+7,350581,false,",
      "A4,1e3,9223372036854775807,,true,1999-12-31",
      "A5,-0.5,1,QUOTED,false,2000-01-01",
      "A6,123456789012345678901.25,2,350504,true,2001-01-01",
  };
  // The same file with LF and with CRLF line ends, with a quoted field (read by one reader) or
  // not (read in parallel parts), with an empty line in it: the same cells every way.
  for (const char* line_end : {"\n", "\r\n"}) {
    for (const char* region : {"350503", "\"350503\""}) {
      std::string csv;
      for (const std::string& line : lines) {
        std::string l = line;
        if (const std::size_t at = l.find("QUOTED"); at != std::string::npos) {
          l.replace(at, 6, region);
        }
        absl::StrAppend(&csv, l, line_end, l[1] == '3' ? line_end : "");
      }
      for (int threads : {1, 4}) {
        SCOPED_TRACE(absl::StrCat("threads ", threads, " region ", region, " crlf ",
                                  std::string(line_end).size() == 2));
        CsvTableOptions options;
        options.threads = threads;
        absl::StatusOr<ColumnTable> table = ColumnTableFromCsv(csv, schema, options);
        ASSERT_TRUE(table.ok()) << table.status();
        ASSERT_EQ(table->rows(), 6);
        const char* expected[][6] = {
            {"\"A1\"", "1500.00", "3", "\"350503\"", "true", "2020-01-31"},
            {"\"A2\"", "1500", "0", "\"350503\"", "unknown(high_tech)", "2020-02-29"},
            {"\"A3\"", "unknown(revenue)", "7", "\"350581\"", "false", "unknown(established)"},
            {"\"A4\"", "1000", "9223372036854775807", "unknown(region)", "true", "1999-12-31"},
            {"\"A5\"", "-0.5", "1", "\"350503\"", "false", "2000-01-01"},
            {"\"A6\"", "123456789012345678901.25", "2", "\"350504\"", "true", "2001-01-01"},
        };
        const char* codes[] = {"uscc", "revenue", "employees", "region", "high_tech",
                               "established"};
        for (int r = 0; r < 6; ++r) {
          for (int c = 0; c < 6; ++c) {
            EXPECT_EQ(table->CellValue(schema->FieldIndex(codes[c]), r).DebugString(),
                      expected[r][c])
                << "row " << r << " column " << codes[c];
          }
        }
        // A field the file lacks is unknown everywhere.
        EXPECT_TRUE(table->CellValue(schema->FieldIndex("tax_paid"), 2).is_unknown());
      }
    }
  }
}

// A quoted file (names with commas, line breaks and doubled quotes, as spreadsheets write them)
// reads the same with one thread and with several; so does one with a literal quote in an
// unquoted cell, which sends the reading back to one reader.
TEST(ColumnTableTest, QuotedCsvReadsTheSameWithAnyThreads) {
  auto schema = testing::DifferentialSchema();
  for (const bool literal : {false, true}) {
    std::string csv = "uscc,name,revenue\n";
    for (int i = 0; i < 3000; ++i) {
      std::string name = absl::StrCat("泉州", i, "有限公司");
      if (i % 3 == 0) name = absl::StrCat("\"", name, "，晋江分公司, 二部\"");
      if (i % 7 == 0) name = absl::StrCat("\"", i, "号\n\"\"鞋业\"\"\"");
      if (literal && i == 2500) name = "5\"屏显示器厂";
      absl::StrAppend(&csv, i % 5 == 0 ? absl::StrCat("\"U", i, "\"") : absl::StrCat("U", i), ",",
                      name, ",", i, ".25", i % 11 == 0 ? "\r\n" : "\n");
    }
    std::vector<ColumnTable> tables;
    for (int threads : {1, 4}) {
      CsvTableOptions options;
      options.threads = threads;
      options.key_column = "uscc";
      absl::StatusOr<ColumnTable> table = ColumnTableFromCsv(csv, schema, options);
      ASSERT_TRUE(table.ok()) << table.status() << " threads " << threads;
      ASSERT_EQ(table->rows(), 3000);
      tables.push_back(*std::move(table));
    }
    for (const char* code : {"uscc", "name", "revenue"}) {
      const int field = schema->FieldIndex(code);
      for (std::int64_t r = 0; r < 3000; ++r) {
        ASSERT_EQ(tables[0].CellValue(field, r).DebugString(),
                  tables[1].CellValue(field, r).DebugString())
            << code << " row " << r << " literal " << literal;
      }
    }
    EXPECT_EQ(tables[1].CellValue(schema->FieldIndex("name"), 7).DebugString(),
              "\"7号\n\\\"鞋业\\\"\"");  // DebugString escapes the quotes
    EXPECT_EQ(tables[1].CellValue(schema->FieldIndex("uscc"), 10).DebugString(), "\"U10\"");
  }
}

// An error names the line of the first bad record of the file, whatever the threads.
TEST(ColumnTableTest, CsvErrorNamesTheLineWithAnyThreads) {
  auto schema = testing::DifferentialSchema();
  std::string csv = "uscc,revenue\n";
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&csv, "A", i, ",1.00\n");
  csv += "B,12x\nC,1.00\nD,\n";
  for (int threads : {1, 2, 7}) {
    CsvTableOptions options;
    options.threads = threads;
    options.key_column = "uscc";
    absl::StatusOr<ColumnTable> table = ColumnTableFromCsv(csv, schema, options);
    ASSERT_FALSE(table.ok());
    EXPECT_NE(table.status().message().find("第 1002 行：列 revenue"), std::string::npos)
        << table.status() << " threads " << threads;
  }
}

}  // namespace
}  // namespace zhida::rules

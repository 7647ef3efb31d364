#include "core/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace zhida::core {
namespace {

using Record = std::vector<std::string>;

// Every record of `text`, or the error prefixed by "error: ".
std::vector<Record> ReadAll(std::string_view text, std::string* error_out = nullptr) {
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::string error;
  std::vector<Record> records;
  while (reader.Next(&fields, &error)) records.emplace_back(fields.begin(), fields.end());
  if (error_out != nullptr) *error_out = error;
  return records;
}

std::string ErrorOf(std::string_view text) {
  std::string error;
  ReadAll(text, &error);
  return error;
}

TEST(CsvTest, Plain) {
  EXPECT_EQ(ReadAll("a,b,c\n1,2,3\n"), (std::vector<Record>{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(ReadAll("a,b\r\n1,2\r\n"), (std::vector<Record>{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,b\r1,2\r"), (std::vector<Record>{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,b\n1,2"), (std::vector<Record>{{"a", "b"}, {"1", "2"}}));  // no final LF
  EXPECT_EQ(ReadAll(""), std::vector<Record>{});
  EXPECT_EQ(ReadAll("\n\r\n"), std::vector<Record>{});
  EXPECT_EQ(ReadAll("x"), (std::vector<Record>{{"x"}}));
}

TEST(CsvTest, EmptyFields) {
  EXPECT_EQ(ReadAll("a,,b\n"), (std::vector<Record>{{"a", "", "b"}}));
  EXPECT_EQ(ReadAll("a,b,\n"), (std::vector<Record>{{"a", "b", ""}}));
  EXPECT_EQ(ReadAll("a,b,"), (std::vector<Record>{{"a", "b", ""}}));
  EXPECT_EQ(ReadAll(",\n"), (std::vector<Record>{{"", ""}}));
  EXPECT_EQ(ReadAll("\"\"\n"), (std::vector<Record>{{""}}));
  EXPECT_EQ(ReadAll("\"\",\"\""), (std::vector<Record>{{"", ""}}));
}

TEST(CsvTest, Quoted) {
  EXPECT_EQ(ReadAll("\"a,b\",c\n"), (std::vector<Record>{{"a,b", "c"}}));
  EXPECT_EQ(ReadAll("\"he said \"\"hi\"\"\",x\n"), (std::vector<Record>{{"he said \"hi\"", "x"}}));
  EXPECT_EQ(ReadAll("\"\"\"\"\n"), (std::vector<Record>{{"\""}}));
  EXPECT_EQ(ReadAll("\"line1\nline2\",x\r\ny,z\n"),
            (std::vector<Record>{{"line1\nline2", "x"}, {"y", "z"}}));
  EXPECT_EQ(ReadAll("\"crlf\r\ninside\""), (std::vector<Record>{{"crlf\r\ninside"}}));
  EXPECT_EQ(ReadAll("\"泉州,晋江\",\"350582\"\n"), (std::vector<Record>{{"泉州,晋江", "350582"}}));
  EXPECT_EQ(ReadAll("a,\"b\"\n"), (std::vector<Record>{{"a", "b"}}));
}

TEST(CsvTest, SeveralEscapedFieldsInOneRecord) {
  // Each unescaped field lands in the reader's buffer; long ones force it to reallocate, which
  // must not invalidate the fields returned before.
  const std::string big(5000, 'x');
  const std::string text =
      "\"a\"\"" + big + "\",\"b\"\"" + big + big + "\",plain,\"c\"\"\"\n" + "\"next\"\"\",2\n";
  const std::vector<Record> records = ReadAll(text);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], (Record{"a\"" + big, "b\"" + big + big, "plain", "c\""}));
  EXPECT_EQ(records[1], (Record{"next\"", "2"}));
}

TEST(CsvTest, QuoteInsideAnUnquotedFieldIsLiteral) {
  EXPECT_EQ(ReadAll("5\"屏,x\n"), (std::vector<Record>{{"5\"屏", "x"}}));
  EXPECT_EQ(ReadAll("a \"b\",c\n"), (std::vector<Record>{{"a \"b\"", "c"}}));
}

TEST(CsvTest, BomIsSkipped) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFuscc,name\n"), (std::vector<Record>{{"uscc", "name"}}));
}

TEST(CsvTest, LineNumbers) {
  CsvReader reader("h1,h2\n\n\"multi\nline\",x\r\nlast,row\n");
  std::vector<std::string_view> fields;
  std::string error;
  ASSERT_TRUE(reader.Next(&fields, &error));
  EXPECT_EQ(reader.line(), 1);
  ASSERT_TRUE(reader.Next(&fields, &error));
  EXPECT_EQ(reader.line(), 3);  // line 2 is empty
  ASSERT_TRUE(reader.Next(&fields, &error));
  EXPECT_EQ(reader.line(), 5);  // the quoted field spanned lines 3–4
  EXPECT_EQ(fields, (std::vector<std::string_view>{"last", "row"}));
  EXPECT_FALSE(reader.Next(&fields, &error));
  EXPECT_EQ(error, "");
  EXPECT_TRUE(fields.empty());
}

TEST(CsvTest, Errors) {
  EXPECT_EQ(ErrorOf("a,b\nc,\"open\n\nmore"), "第 2 行：引号未闭合");
  EXPECT_EQ(ErrorOf("\"a\"b,c\n"),
            "第 1 行：右引号后面应是逗号或换行（字段内的引号要写成两个引号 \"\"）");
  EXPECT_EQ(ErrorOf("x\n\"a\nb\"junk\n"),
            "第 3 行：右引号后面应是逗号或换行（字段内的引号要写成两个引号 \"\"）");
  EXPECT_EQ(ErrorOf("\""), "第 1 行：引号未闭合");
  EXPECT_EQ(ErrorOf("ok\n\"a\"\"\n"), "第 2 行：引号未闭合");  // "" is an escaped quote
}

TEST(CsvTest, ErrorsAreSticky) {
  CsvReader reader("ok,1\n\"bad\n");
  std::vector<std::string_view> fields;
  std::string error;
  ASSERT_TRUE(reader.Next(&fields, &error));
  EXPECT_FALSE(reader.Next(&fields, &error));
  EXPECT_EQ(error, "第 2 行：引号未闭合");
  EXPECT_EQ(reader.line(), 2);
  error.clear();
  EXPECT_FALSE(reader.Next(&fields, &error));
  EXPECT_EQ(error, "第 2 行：引号未闭合");
}

TEST(CsvTest, FieldLimit) {
  const std::string ok(CsvReader::kFieldsMax - 1, ',');
  ASSERT_EQ(ReadAll(ok).size(), 1u);
  EXPECT_EQ(ReadAll(ok)[0].size(), CsvReader::kFieldsMax);
  EXPECT_EQ(ErrorOf(ok + ","), "第 1 行：字段数超过 4096 个");
}

// RFC 4180 encoding of one record: a field is quoted when it holds a comma, quote or line break,
// or is empty and alone on its line (an empty line would be skipped).
std::string Encode(const Record& record) {
  std::string out;
  for (size_t i = 0; i < record.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& f = record[i];
    const bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                       (record.size() == 1 && f.empty()) || (!f.empty() && f[0] == '"');
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  }
  return out;
}

TEST(CsvTest, RandomRecordsRoundTrip) {
  const char* env = std::getenv("ZHIDA_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::printf("csv round-trip seed: %llu (ZHIDA_SEED)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  const std::string alphabet[] = {"a", "1", " ", ",", "\"", "\n", "\r", "\r\n", "泉", "\t"};
  for (int round = 0; round < 300; ++round) {
    std::vector<Record> records(rng() % 20 + 1);
    std::string text;
    for (Record& r : records) {
      r.resize(rng() % 6 + 1);
      for (std::string& f : r) {
        const int len = static_cast<int>(rng() % 8);
        for (int i = 0; i < len; ++i) f += alphabet[rng() % std::size(alphabet)];
      }
      text += Encode(r) + (rng() % 2 ? "\r\n" : "\n");
    }
    std::string error;
    ASSERT_EQ(ReadAll(text, &error), records) << "seed " << seed << " round " << round;
    ASSERT_EQ(error, "");
  }
}

using Splitter = std::function<std::vector<CsvPart>(std::string_view, size_t)>;

// What the split harness found over its random texts.
struct SplitReport {
  int wrong = 0;           // parts read otherwise than the whole, and nothing reported
  int checked_quoted = 0;  // texts with quotes, every one paired, cut into several parts
  int caught = 0;          // texts with an odd quote that a part's reader reported
  std::string first_wrong;
};

// Reads the parts of `split` one after another and compares with reading the whole text, over
// random texts of line breaks, empty lines and quoted fields with commas, line breaks and
// doubled quotes in them — and, in a third of the rounds, quotes that do not pair up.
SplitReport RunSplitHarness(uint64_t seed, const Splitter& split) {
  std::mt19937_64 rng(seed);
  const std::string plain[] = {"a", "泉州", ",", "\n", "\r\n", "\r", "\n\n", "12.50"};
  const std::string quoted[] = {"\"x,y\"", "\"\"", "\"a\nb\"", "\"\r\n\"", "\"5\"\"屏\"",
                                "\"\n\n,\"", "\"\xEF\xBB\xBF\""};
  const std::string odd[] = {"a\"b", "\"open", "\"x\"y", "\"", "\n\xEF\xBB\xBF"};
  struct Read {
    std::vector<std::pair<int, Record>> records;
    std::string error;
    bool literal = false;
  };
  auto read = [](std::string_view text, int first_line, Read* out) {
    CsvReader reader(text, first_line);
    std::vector<std::string_view> fields;
    while (reader.Next(&fields, &out->error)) {
      out->records.emplace_back(reader.line(), Record(fields.begin(), fields.end()));
    }
    out->literal |= reader.saw_literal_quote();
    return out->error.empty();
  };
  SplitReport report;
  for (int round = 0; round < 3000; ++round) {
    // A quoted piece starts a field (after a comma or a line break, or at the start), as a CSV
    // writer puts it.
    std::string text;
    const int len = static_cast<int>(rng() % 60);
    const bool with_odd = round % 3 == 2;
    for (int i = 0; i < len; ++i) {
      const int kind = static_cast<int>(rng() % 10);
      const bool field_start = text.empty() || text.back() == ',' || text.back() == '\n' ||
                               text.back() == '\r';
      if (kind < 3 && field_start) {
        text += quoted[rng() % std::size(quoted)];
      } else if (kind == 3 && with_odd) {
        text += odd[rng() % std::size(odd)];
      } else {
        text += plain[rng() % std::size(plain)];
      }
    }
    Read whole;
    const bool whole_ok = read(text, 1, &whole);
    const size_t parts_max = rng() % 6 + 1;
    std::vector<CsvPart> parts = split(text, parts_max);
    std::string joined;
    Read parted;
    bool any_error = false, bom_start = false;
    for (const CsvPart& part : parts) {
      joined += part.text;
      bom_start |= part.first_line > 1 && part.text.substr(0, 3) == "\xEF\xBB\xBF";
      Read one;
      any_error |= !read(part.text, part.first_line, &one);
      parted.records.insert(parted.records.end(), one.records.begin(), one.records.end());
      parted.literal |= one.literal;
    }
    const bool reported = !ReadsAsSplit(parts.size(), any_error, parted.literal);
    const bool same = joined == text && parts.size() <= parts_max && !bom_start &&
                      parted.records == whole.records && any_error == !whole_ok;
    const bool paired = whole_ok && !whole.literal;
    if (paired ? reported || !same : !reported && !same) {
      // A text whose quotes all pair up must read alike and report nothing; any other text must
      // read alike or be reported.
      if (report.wrong++ == 0) report.first_wrong = "round " + std::to_string(round);
    } else if (paired) {
      report.checked_quoted += text.find('"') != std::string::npos && parts.size() > 1 ? 1 : 0;
    } else if (reported) {
      ++report.caught;
    }
  }
  return report;
}

// Reading the parts of SplitCsvRecords one after another gives the records and line numbers of
// reading the whole text; where a quote does not pair up, a part's reader reports it instead.
TEST(CsvTest, SplitPartsReadLikeTheWhole) {
  const char* env = std::getenv("ZHIDA_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::printf("csv split seed: %llu (ZHIDA_SEED)\n", static_cast<unsigned long long>(seed));
  SplitReport report = RunSplitHarness(seed, SplitCsvRecords);
  EXPECT_EQ(report.wrong, 0) << "seed " << seed << ", first at " << report.first_wrong;
  // The rounds covered both kinds: quoted texts cut into parts, and reported odd quotes.
  EXPECT_GT(report.checked_quoted, 100);
  EXPECT_GT(report.caught, 50);
  // A quoted line break is no cut; the quotes before a cut pair up.
  // (The first cut is looked for from byte 6, inside the quoted field; it comes after it.)
  std::vector<CsvPart> parts = SplitCsvRecords("a\n\"b\nc\nd\"\ne\nf\n", 3);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].text, "a\n\"b\nc\nd\"\n");
  EXPECT_EQ(parts[1].text, "e\nf\n");
  EXPECT_EQ(parts[1].first_line, 5);
  EXPECT_EQ(SplitCsvRecords(std::string(300, 'a') + "\n" + std::string(100, 'b') + "\n", 2).size(),
            2u);
}

// Negative control: the split made blind to quotes (the planted bug: it cuts where
// SplitCsvRecords would cut if the text had no quotes, so inside quoted fields too) must be
// caught.
TEST(CsvTest, SplitHarnessCatchesACutInsideQuotes) {
  const Splitter blind = [](std::string_view text, size_t parts_max) {
    std::string unquoted(text);
    std::replace(unquoted.begin(), unquoted.end(), '"', 'q');
    std::vector<CsvPart> parts = SplitCsvRecords(unquoted, parts_max);
    size_t begin = 0;
    for (CsvPart& part : parts) {  // the same cuts over the real text
      part.text = text.substr(begin, part.text.size());
      begin += part.text.size();
    }
    return parts;
  };
  SplitReport report = RunSplitHarness(20261130, blind);
  EXPECT_GT(report.wrong, 0) << "the harness missed cuts inside quoted fields";
}

TEST(CsvTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(12345);
  const char bytes[] = {'a', ',', '"', '\n', '\r', '\xEF', '\xBB', '\xBF', '\0'};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) text += bytes[rng() % std::size(bytes)];
    CsvReader reader(text);
    std::vector<std::string_view> fields;
    std::string error;
    int records = 0;
    while (reader.Next(&fields, &error)) {
      ASSERT_LE(++records, len + 1);
      for (std::string_view f : fields) ASSERT_LE(f.size(), text.size());
    }
    if (!error.empty()) {
      ASSERT_EQ(error.rfind("第 ", 0), 0u) << error;
    }
  }
}

// A large file parses completely and correctly; the time is printed for information only (speed
// is measured by bench/import, never asserted in tests: the machines are shared and noisy).
TEST(CsvTest, ParsesAQuarterMillionRows) {
  constexpr int kRows = 250000;
  const std::string row =
      "91350581133456810F,泉州利瑞0城市配送有限公司,350581,G5437,micro,2002-01-16,4,0,"
      "2072768.47,2095273.20,64338.25,58899.37,0.00,0.00,0.00,0.00,0.00,false,false,false,M,"
      "false,false\n";
  std::string text;
  text.reserve(row.size() * kRows + 64);
  text += "\"quoted, with comma\",\"and \"\"quotes\"\"\"" + std::string(21, ',') + "\n";
  for (int i = 0; i < kRows; ++i) text += row;

  const auto start = std::chrono::steady_clock::now();
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::string error;
  int64_t records = 0, field_bytes = 0;
  while (reader.Next(&fields, &error)) {
    ASSERT_EQ(fields.size(), 23u);
    ++records;
    field_bytes += static_cast<int64_t>(fields[8].size());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(error, "");
  EXPECT_EQ(records, kRows + 1);
  EXPECT_EQ(field_bytes, int64_t{10} * kRows);
  std::printf("csv: %d rows x 23 columns (%.1f MB) in %.3f s; 1,000,000 rows would take %.3f s\n",
              kRows, text.size() / 1e6, seconds, seconds * 1e6 / kRows);
}

}  // namespace
}  // namespace zhida::core

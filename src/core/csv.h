// A streaming RFC 4180 CSV reader over UTF-8 text held in memory.
//
// Fields are separated by commas and records by CRLF, LF or a lone CR. A field may be quoted:
// inside quotes, commas and line breaks are data and "" stands for one quote. Fields are
// returned as string_views into the input, so an unquoted field costs no allocation; only a
// quoted field containing "" is unescaped, into a buffer owned by the reader.
//
// Choices where RFC 4180 leaves room, made to catch shifted columns without rejecting harmless
// input:
//   - a quote inside an unquoted field (5"屏) is kept as a literal character;
//   - anything but a comma or a line break after a closing quote ("a"b) is an error;
//   - a quote left open at the end of the input is an error naming the line it opened on;
//   - empty lines (no characters at all) are skipped; a leading UTF-8 BOM is skipped;
//   - a line break at the end of the input does not start another record.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhida::core {

class CsvReader {
 public:
  // A record may have at most this many fields: far above any real import (the enterprise file
  // has 23), low enough that a file of commas cannot make one record's vector huge.
  static constexpr size_t kFieldsMax = 4096;

  // `utf8_text` must outlive the reader and every view it returns. `first_line` is the line
  // number of its first line: a reader over a later part of a file (cut at a record boundary, for
  // parallel reading) reports the file's line numbers.
  explicit CsvReader(std::string_view utf8_text, int first_line = 1);

  // Reads the next record into *fields (cleared first) and returns true. Returns false at the end
  // of the input with *error empty, or on malformed input with *error set to a Chinese message
  // such as "第 3 行：引号未闭合"; after an error every call returns false with the same message.
  // The views stay valid until the next call to Next (views into the reader's unescaping buffer
  // are overwritten by it) or until the input is destroyed.
  bool Next(std::vector<std::string_view>* fields, std::string* error);

  // The 1-based line on which the record last returned (or the malformed one) starts. A record
  // with line breaks inside quotes spans several lines; this is its first.
  int line() const { return record_line_; }
  // The text being read: a field view lies inside it unless it was unescaped.
  std::string_view text() const { return text_; }
  // True once a record read so far had a quote inside an unquoted field (5"屏, kept as data). Such
  // a quote does not pair up, so the cuts of SplitCsvRecords after it may be wrong.
  bool saw_literal_quote() const { return literal_quote_; }

 private:
  bool Fail(int line, std::string_view what, std::string* error);
  // Reads a quoted field starting at pos_ (on the opening quote).
  bool ReadQuoted(std::vector<std::string_view>* fields, std::string* error);

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;  // the line at pos_
  int record_line_ = 0;
  std::string error_;  // non-empty once failed
  bool literal_quote_ = false;
  std::string unescaped_;
  // Fields whose text lives in unescaped_: (index in *fields, offset in unescaped_). The views
  // are made after the record is complete, since unescaped_ may reallocate while it grows.
  std::vector<std::pair<size_t, size_t>> pending_;
};

// A part of a CSV text that starts at a record boundary, and the line number it starts on.
struct CsvPart {
  std::string_view text;
  int first_line = 1;
};

// Cuts `utf8_text` into at most `parts_max` parts of about equal size, each starting at a record
// boundary, for reading in parallel (a CsvReader per part, given its first_line).
//
// A line break inside quotes is not a boundary. The cuts are made where an even number of quotes
// precede the line break — right when every quote opens or closes a quoted field or is one of a
// doubled "" inside it (RFC 4180), with no reading needed. A quote that does not pair up — a
// literal quote inside an unquoted field (5"屏), or one the reader refuses — may misplace the
// cuts after it; but the part that holds the first such quote starts right, so its reader
// reports it: saw_literal_quote(), or an error. A caller seeing either in any part must read the
// text again as one part (ReadsAsSplit says so). No part starts with a byte-order mark, which a
// part's reader would skip and the whole text's reader would not.
std::vector<CsvPart> SplitCsvRecords(std::string_view utf8_text, size_t parts_max);

// Whether the parts of a split were read as the whole text reads: true unless there were several
// parts and a part's reader failed or saw a literal quote (SplitCsvRecords).
bool ReadsAsSplit(size_t parts, bool any_error, bool any_literal_quote);

}  // namespace zhida::core

#include "services/treasury_file.h"

#include <sodium.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "services/funds_common.h"

namespace zhida::services {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr const char* kHeader[] = {"凭证号",     "收款人统一社会信用代码",
                                   "收款人名称", "收款人开户行",
                                   "收款人账号", "金额",
                                   "政策编号",   "政策版本",
                                   "方案编号",   "资金代码",
                                   "预算年度",   "摘要"};
constexpr size_t kColumns = std::size(kHeader);
constexpr std::string_view kTotalsLabel = "合计";
constexpr std::string_view kChecksumLabel = "SHA-256";

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> Cells(const OrderLine& l) {
  return {l.voucher,
          l.payee_uscc,
          l.payee_name,
          l.bank_name,
          l.bank_account,
          core::Money::FromFen(l.amount_fen).ToString(),
          absl::StrCat(l.policy_id),
          absl::StrCat(l.policy_version),
          l.plan_id,
          l.fund,
          absl::StrCat(l.fiscal_year),
          l.memo};
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    line += CsvField(cells[i]);
  }
  return line + "\r\n";
}

std::vector<std::string> TotalsCells(const std::vector<OrderLine>& lines) {
  int64_t total = 0;
  for (const OrderLine& l : lines) total += l.amount_fen;
  std::vector<std::string> cells(kColumns);
  cells[0] = std::string(kTotalsLabel);
  cells[1] = absl::StrCat(lines.size(), "笔");
  cells[5] = core::Money::FromFen(total).ToString();
  return cells;
}

absl::Status FileError(int line, std::string_view what_zh, std::string_view what_en) {
  return InvalidField("treasury.file", "file",
                      absl::StrCat("支付指令文件第 ", line, " 行：", Av(what_zh)),
                      absl::StrCat("batch file line ", line, ": ", Av(what_en)));
}

absl::Status ReturnError(int line, std::string_view what_zh, std::string_view what_en) {
  return InvalidField("treasury.return_file", "file",
                      absl::StrCat("回单文件第 ", line, " 行：", Av(what_zh)),
                      absl::StrCat("return file line ", line, ": ", Av(what_en)));
}

// Column names of the return file, Chinese and English.
int ReturnColumn(std::string_view name) {
  static const std::map<std::string_view, int> kNames = {
      {"凭证号", 0},   {"voucher", 0}, {"状态", 1},       {"status", 1},
      {"金额", 2},     {"amount", 2},  {"银行流水号", 3}, {"bank_serial", 3},
      {"处理时间", 4}, {"paid_at", 4}, {"失败原因", 5},   {"reason", 5}};
  auto it = kNames.find(name);
  return it == kNames.end() ? -1 : it->second;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

std::string OrderLinesText(const std::vector<OrderLine>& lines) {
  std::string text;
  for (const OrderLine& l : lines) text += CsvLine(Cells(l));
  return text;
}

std::string BatchCsv(const std::vector<OrderLine>& lines) {
  std::string body = OrderLinesText(lines);
  std::string csv(kBom);
  csv += CsvLine(std::vector<std::string>(std::begin(kHeader), std::end(kHeader)));
  csv += body;
  csv += CsvLine(TotalsCells(lines));
  csv += CsvLine({std::string(kChecksumLabel), Sha256Hex(body)});
  return csv;
}

absl::StatusOr<std::string> BatchXlsx(const std::vector<OrderLine>& lines) {
  char tmpl[] = "/tmp/zhida-xlsx-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("xlsx: cannot make a temp dir");
  std::string dir = tmpl, path = dir + "/batch.xlsx";
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) {
    std::filesystem::remove_all(dir);
    return absl::InternalError("xlsx: workbook_new failed");
  }
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "支付指令");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_format* text = workbook_add_format(workbook);
  format_set_num_format(text, "@");  // text: amounts and account numbers stay exact strings
  worksheet_set_column(sheet, 0, static_cast<lxw_col_t>(kColumns - 1), 20, text);
  auto write_row = [&](lxw_row_t row, const std::vector<std::string>& cells, lxw_format* f) {
    for (size_t c = 0; c < cells.size(); ++c) {
      worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), cells[c].c_str(), f);
    }
  };
  write_row(0, std::vector<std::string>(std::begin(kHeader), std::end(kHeader)), bold);
  lxw_row_t row = 1;
  for (const OrderLine& l : lines) write_row(row++, Cells(l), text);
  write_row(row++, TotalsCells(lines), bold);
  write_row(row, {std::string(kChecksumLabel), Sha256Hex(OrderLinesText(lines))}, text);
  lxw_error closed = workbook_close(workbook);
  if (closed != LXW_NO_ERROR) {
    std::filesystem::remove_all(dir);
    return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(closed)));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  if (bytes.empty()) return absl::InternalError("xlsx: empty output");
  return bytes;
}

absl::StatusOr<std::vector<OrderLine>> ParseBatchCsv(std::string_view csv) {
  core::CsvReader reader(core::StripUtf8Bom(csv));
  std::vector<std::string_view> f;
  std::string error;
  if (!reader.Next(&f, &error) || f.size() != kColumns || f[0] != kHeader[0]) {
    return FileError(1, "表头不对", "bad header");
  }
  std::vector<OrderLine> lines;
  std::optional<std::vector<std::string>> totals;
  while (reader.Next(&f, &error)) {
    std::vector<std::string> cells(f.begin(), f.end());
    if (!cells.empty() && cells[0] == kChecksumLabel) {
      if (!totals || cells.size() < 2) return FileError(reader.line(), "缺少合计行", "no totals");
      if (cells[1] != Sha256Hex(OrderLinesText(lines))) {
        return FileError(reader.line(), "校验值不符", "checksum mismatch");
      }
      if (*totals != TotalsCells(lines))
        return FileError(reader.line(), "合计不符", "totals differ");
      return lines;
    }
    if (cells.size() != kColumns) return FileError(reader.line(), "列数不对", "column count");
    if (cells[0] == kTotalsLabel) {
      totals = cells;
      continue;
    }
    OrderLine l;
    auto amount = core::Money::Parse(cells[5]);
    int64_t policy = 0, version = 0, year = 0;
    if (!amount.ok() || !absl::SimpleAtoi(cells[6], &policy) ||
        !absl::SimpleAtoi(cells[7], &version) || !absl::SimpleAtoi(cells[10], &year)) {
      return FileError(reader.line(), "金额或编号格式不对", "bad amount or number");
    }
    l.voucher = cells[0];
    l.payee_uscc = cells[1];
    l.payee_name = cells[2];
    l.bank_name = cells[3];
    l.bank_account = cells[4];
    l.amount_fen = amount->fen();
    l.policy_id = policy;
    l.policy_version = static_cast<int>(version);
    l.plan_id = cells[8];
    l.fund = cells[9];
    l.fiscal_year = static_cast<int>(year);
    l.memo = cells[11];
    lines.push_back(std::move(l));
  }
  if (!error.empty()) return FileError(reader.line(), error, "malformed CSV");
  return FileError(reader.line(), "缺少校验值行", "no checksum line");
}

absl::StatusOr<std::vector<ReturnLine>> ParseReturnFile(std::string_view bytes) {
  ASSIGN_OR_RETURN(std::string text, core::DecodeToUtf8(bytes));
  core::CsvReader reader(core::StripUtf8Bom(text));
  std::vector<std::string_view> f;
  std::string error;
  if (!reader.Next(&f, &error)) return ReturnError(1, "缺少表头", "no header");
  std::vector<int> column(f.size(), -1);
  int seen = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    column[i] = ReturnColumn(f[i]);
    if (column[i] >= 0) seen |= 1 << column[i];
  }
  if ((seen & 0b111) != 0b111) {
    return ReturnError(1, "表头须有 凭证号、状态、金额 三列", "needs voucher, status, amount");
  }
  std::vector<ReturnLine> lines;
  while (reader.Next(&f, &error)) {
    ReturnLine l;
    l.line = reader.line();
    std::string status, amount;
    for (size_t i = 0; i < f.size() && i < column.size(); ++i) {
      std::string value(f[i]);
      switch (column[i]) {
        case 0:
          l.voucher = value;
          break;
        case 1:
          status = value;
          break;
        case 2:
          amount = value;
          break;
        case 3:
          l.bank_serial = value;
          break;
        case 4:
          l.paid_at = value;
          break;
        case 5:
          l.reason = value;
          break;
        default:
          break;
      }
    }
    if (l.voucher.empty()) return ReturnError(l.line, "凭证号为空", "empty voucher");
    if (status == "成功" || status == "paid") {
      l.paid = true;
    } else if (status != "失败" && status != "failed") {
      return ReturnError(l.line, "状态应为 成功 或 失败", "status must be paid or failed");
    }
    auto money = core::Money::Parse(amount);
    if (!money.ok() || money->fen() <= 0) {
      return ReturnError(l.line, "金额格式不对", "bad amount");
    }
    l.amount_fen = money->fen();
    lines.push_back(std::move(l));
  }
  if (!error.empty()) return ReturnError(reader.line(), error, "malformed CSV");
  return lines;
}

std::string ReturnFileCsv(const std::vector<ReturnLine>& lines) {
  std::string csv(kBom);
  csv += CsvLine({"凭证号", "状态", "金额", "银行流水号", "处理时间", "失败原因"});
  for (const ReturnLine& l : lines) {
    csv +=
        CsvLine({l.voucher, l.paid ? "成功" : "失败", core::Money::FromFen(l.amount_fen).ToString(),
                 l.bank_serial, l.paid_at, l.reason});
  }
  return csv;
}

}  // namespace zhida::services

// The files exchanged with the treasury or agent bank (docs/funds.md "File formats").
//
// Batch file (支付指令文件), CSV in UTF-8 with a BOM (so that Excel and the bank's tools read the
// Chinese correctly) and the same content as XLSX:
//   header   凭证号,收款人统一社会信用代码,收款人名称,收款人开户行,收款人账号,金额,政策编号,
//            政策版本,方案编号,资金代码,预算年度,摘要
//   lines    one per payment order, amounts in yuan with two decimals ("12345.67")
//   totals   合计,<N>笔,,,,<total>,,,,,,
//   checksum SHA-256,<64 hex digits>
// The checksum is SHA-256 over the order lines exactly as written in the CSV (UTF-8, each line
// ending CRLF, without the BOM, header, totals and checksum lines). The XLSX carries the same
// checksum, so a bank can check either file against the other.
//
// Return file (回单文件) from the bank, CSV (UTF-8 with or without BOM, or GB18030), a header
// naming the columns in Chinese or English:
//   凭证号|voucher, 状态|status (成功|paid, 失败|failed), 金额|amount, 银行流水号|bank_serial,
//   处理时间|paid_at, 失败原因|reason
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace zhida::services {

struct OrderLine {
  std::string voucher;
  std::string payee_uscc;
  std::string payee_name;
  std::string bank_name;
  std::string bank_account;
  int64_t amount_fen = 0;
  int64_t policy_id = 0;
  int policy_version = 0;
  std::string plan_id;
  std::string fund;
  int fiscal_year = 0;
  std::string memo;

  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};

// SHA-256 of `bytes` as 64 lower-case hex digits (libsodium).
std::string Sha256Hex(std::string_view bytes);

// The order lines as written in the CSV (each ending CRLF): what the checksum covers.
std::string OrderLinesText(const std::vector<OrderLine>& lines);

// The batch file as CSV (with BOM, header, lines, totals, checksum).
std::string BatchCsv(const std::vector<OrderLine>& lines);
// The same as XLSX (libxlsxwriter; amounts as text cells, so that no binary floating point
// touches them). Errors: kInternal when the library fails.
absl::StatusOr<std::string> BatchXlsx(const std::vector<OrderLine>& lines);

// Reads a batch CSV back, checking the totals line and the checksum (what a bank does, and what
// FakeTreasury does). Errors: kInvalidArgument (treasury.file) naming the line.
absl::StatusOr<std::vector<OrderLine>> ParseBatchCsv(std::string_view csv);

struct ReturnLine {
  int line = 0;  // in the file, for messages
  std::string voucher;
  bool paid = false;
  int64_t amount_fen = 0;
  std::string bank_serial;
  std::string paid_at;  // as the bank wrote it
  std::string reason;   // why it failed ("" when paid)

  friend bool operator==(const ReturnLine&, const ReturnLine&) = default;
};

// Parses a return file. The whole file is refused on the first bad line (kInvalidArgument,
// code treasury.return_file, naming the line and column): half a return file is never applied.
absl::StatusOr<std::vector<ReturnLine>> ParseReturnFile(std::string_view bytes);

// Writes a return file in the format ParseReturnFile reads (UTF-8 with BOM, Chinese header).
std::string ReturnFileCsv(const std::vector<ReturnLine>& lines);

}  // namespace zhida::services

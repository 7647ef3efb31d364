// `zhida ledger …` and `zhida funds …` (issue 4): thin commands over the funds services.
// Reads run as the system; changes that need maker-checker name the officer with --as.
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/money.h"
#include "services/disbursement.h"
#include "services/fund_requests.h"
#include "services/funds.h"
#include "services/reconciliation.h"

namespace zhida::cli {

namespace {

using services::Actor;

std::string Y(int64_t fen) { return core::Money::FromFen(fen).ToGrouped(); }

// `text` right-aligned in `width` terminal columns (a CJK character takes two), for headers over
// right-aligned numbers.
std::string RightAlign(const std::string& text, size_t width) {
  size_t shown = 0;
  for (unsigned char c : text) shown += (c & 0xC0) != 0x80 ? (c >= 0xE0 ? 2 : 1) : 0;
  return shown >= width ? " " + text : std::string(width - shown, ' ') + text;
}

int ThisYear() { return core::TodayIn(core::SystemClock().Now()).year(); }

struct FundOpts {
  std::string fund;
  int year = 0;
  std::string as;
  std::string kind;
  std::string status;
  int64_t id = 0;
  std::string text;
  std::string file;
  std::string format = "csv";
  int limit = 100;
  std::string name, region = "350500", amount, basis;
};

void AddFundKey(CLI::App* cmd, FundOpts* o) {
  cmd->add_option("--fund", o->fund, "资金代码，如 KJCX")->required();
  cmd->add_option("--year", o->year, "预算年度（默认今年）");
}

services::FundKey KeyOf(const FundOpts& o) {
  return services::FundKey{o.fund, o.year == 0 ? ThisYear() : o.year};
}

// A command's work over the opened --db store: OK, or the error to print (exit code 1). Outcomes
// that are not errors (a check that does not pass, exceptions found) set the exit code themselves.
using StoreWork = std::function<absl::Status(store::Store&)>;

// Makes the callback of a command: opens the --db store with `open` (which reports its own
// failure), does the command's work over it and prints the error the work returns, setting
// `*exit_code` to the failure code.
struct WithStore {
  std::function<std::unique_ptr<store::Store>()> open;
  int* exit_code;

  std::function<void()> operator()(StoreWork work) const {
    return [open = open, exit_code = exit_code, work = std::move(work)] {
      std::unique_ptr<store::Store> store = open();
      if (store == nullptr) return;
      absl::Status status = work(*store);
      if (!status.ok()) *exit_code = Fail(status);
    };
  }
};

}  // namespace

absl::StatusOr<Actor> Commands::ActorFor(store::Store& store, const std::string& username) {
  if (username.empty()) return Actor::System();
  return services::StaffActorByUsername(store, username);
}

void Commands::AddLedger(CLI::App& app) {
  auto o = std::make_shared<FundOpts>();
  WithStore with_store{[this] { return OpenOrFail(); }, &exit_code_};
  CLI::App* cmd = app.add_subcommand("ledger", "资金台账：核验、余额与明细");
  cmd->require_subcommand(1);

  CLI::App* verify = cmd->add_subcommand(
      "verify", "核验台账：借贷平衡、无透支、每笔未决预留都属于有效的方案预留或支付指令");
  AddDbOption(verify);
  verify->callback(with_store([this](store::Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(auto report, services::VerifyFunds(store, core::SystemClock()));
    if (!report.ok()) {
      std::cerr << "核验未通过：" << report.first->message_zh << "\n";
      exit_code_ = 1;
      return absl::OkStatus();
    }
    std::cout << "核验通过：资金 " << report.ledger.funds << " 项（按年度），账户 "
              << report.ledger.accounts << " 个，转账 " << report.ledger.transfers
              << " 笔；未决预留 " << report.pending_transfers << " 笔，均属于有效的方案预留（"
              << report.live_reservations << " 项）或支付指令（" << report.live_orders << " 笔）\n";
    return absl::OkStatus();
  }));

  CLI::App* balance = cmd->add_subcommand("balance", "某项资金各账户的余额（已入账与预留）");
  AddDbOption(balance);
  AddFundKey(balance, o.get());
  balance->add_option("--kind", o->kind,
                      "账户类别：appropriation budget quota commitment "
                      "payable paid receivable");
  balance->callback(with_store([o](store::Store& store) -> absl::Status {
    std::optional<ledger::AccountKind> kind;
    if (!o->kind.empty()) {
      kind = ledger::ParseKindName(o->kind);
      if (!kind) return InvalidField("cli.kind", "kind", "未知的账户类别：" + o->kind);
    }
    services::FundsService funds(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto accounts, funds.Balances(Actor::System(), KeyOf(*o), kind));
    std::cout << PadToWidth("账户", 8) << PadToWidth("类别", 10) << PadToWidth("持有者", 30)
              << RightAlign("已入账（贷-借）", 16) << RightAlign("预留（借）", 16)
              << RightAlign("可用", 18) << "\n";
    for (const services::FundAccount& a : accounts) {
      const ledger::Balance& b = a.balance;
      std::cout << PadToWidth(std::to_string(a.account_id), 8)
                << PadToWidth(std::string(ledger::KindLabel(a.kind)), 10)
                << PadToWidth(a.holder.empty()            ? "—"
                              : a.holder_name == a.holder ? a.holder
                                                          : a.holder_name + " " + a.holder,
                              30)
                << std::setw(16) << Y(b.credits_posted - b.debits_posted) << std::setw(16)
                << Y(b.debits_pending) << std::setw(18) << Y(a.available_fen) << "\n";
    }
    return absl::OkStatus();
  }));

  CLI::App* history = cmd->add_subcommand("history", "某账户的转账明细（按入账顺序）");
  AddDbOption(history);
  history->add_option("--account", o->id, "账户编号（见 ledger balance）")->required();
  history->add_option("--limit", o->limit, "条数")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  history->callback(with_store([o](store::Store& store) -> absl::Status {
    services::FundsService funds(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto page, funds.History(Actor::System(), o->id, 0, o->limit));
    for (const ledger::StoredTransfer& st : page.transfers) {
      const ledger::Transfer& t = st.transfer;
      bool out = t.debit_account_id == o->id;
      std::string flag = (t.flags & ledger::kPending)       ? "预留"
                         : (t.flags & ledger::kPostPending) ? "确认"
                         : (t.flags & ledger::kVoidPending) ? "撤销"
                                                            : "入账";
      std::cout << st.created_at << "  " << PadToWidth(t.id, 26) << PadToWidth(t.code, 20)
                << PadToWidth(flag, 6) << (out ? "-" : "+") << std::setw(16) << Y(t.amount_fen)
                << "  " << t.reason << "\n";
    }
    return absl::OkStatus();
  }));
}

void Commands::AddFunds(CLI::App& app) {
  auto o = std::make_shared<FundOpts>();
  WithStore with_store{[this] { return OpenOrFail(); }, &exit_code_};
  CLI::App* cmd = app.add_subcommand("funds", "资金业务：预算、指标审批、清算与对账");
  cmd->require_subcommand(1);

  CLI::App* list = cmd->add_subcommand("list", "列出各项资金的年度预算");
  AddDbOption(list);
  list->add_option("--year", o->year, "预算年度（默认全部）");
  list->callback(with_store([o](store::Store& store) -> absl::Status {
    services::FundsService funds(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto all, funds.ListFunds(Actor::System(), o->year));
    for (const services::FundInfo& f : all) {
      std::cout << f.key.fund << "\t" << f.key.fiscal_year << "\t" << f.name << "\t"
                << Y(f.budget_fen) << " 元\t" << f.basis << "\n";
    }
    return absl::OkStatus();
  }));

  CLI::App* budget = cmd->add_subcommand("budget", "批复一项资金的年度预算（预算来源 → 预算）");
  AddDbOption(budget);
  AddFundKey(budget, o.get());
  budget->add_option("--name", o->name, "资金名称")->required();
  budget->add_option("--amount", o->amount, "金额（元），如 10000000.00")->required();
  budget->add_option("--region", o->region, "预算所属地区")->capture_default_str();
  budget->add_option("--basis", o->basis, "批复文号");
  budget->add_option("--as", o->as, "经办人用户名（默认：系统）");
  budget->callback(with_store([this, o](store::Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(core::Money amount, core::Money::Parse(o->amount));
    ASSIGN_OR_RETURN(Actor actor, ActorFor(store, o->as));
    services::FundsService funds(store, core::SystemClock());
    ASSIGN_OR_RETURN(services::FundInfo info,
                     funds.CreateBudget(actor, {KeyOf(*o), o->name, o->region, amount, o->basis}));
    std::cout << "预算已批复：" << info.key.fund << "（" << info.key.fiscal_year << " 年度）"
              << info.name << " " << Y(info.budget_fen) << " 元\n";
    return absl::OkStatus();
  }));

  CLI::App* settlement = cmd->add_subcommand("settlement",
                                             "据实清算表：各指标的下达、调整、"
                                             "预留、释放、支付、追回、收回与余额");
  AddDbOption(settlement);
  AddFundKey(settlement, o.get());
  settlement->callback(with_store([o](store::Store& store) -> absl::Status {
    services::FundsService funds(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto report, funds.Settlement(Actor::System(), KeyOf(*o)));
    std::cout << report.fund.name << "（" << report.fund.key.fund << "，"
              << report.fund.key.fiscal_year << " 年度）据实清算表，单位：元\n";
    const char* heads[] = {"下达",   "调整",     "预留", "释放", "已支付",
                           "支付中", "未用预留", "追回", "收回", "可用余额"};
    std::cout << PadToWidth("指标", 30);
    for (const char* h : heads) std::cout << RightAlign(h, 14);
    std::cout << "\n";
    auto row = [](const services::QuotaSettlement& q) {
      std::cout << PadToWidth(q.holder_name == q.holder ? q.holder : q.holder_name + " " + q.holder,
                              30);
      for (int64_t v :
           {q.allocated_fen, q.adjusted_fen, q.committed_fen, q.released_fen, q.paid_fen,
            q.in_flight_fen, q.outstanding_fen, q.recovered_fen, q.returned_fen, q.available_fen}) {
        std::cout << std::setw(14) << Y(v);
      }
      std::cout << (q.balanced ? "" : "  ！不平") << "\n";
    };
    for (const services::QuotaSettlement& q : report.quotas) row(q);
    row(report.total);
    return absl::OkStatus();
  }));

  CLI::App* requests = cmd->add_subcommand("requests", "指标变动与纠错申请（双人复核）");
  AddDbOption(requests);
  AddFundKey(requests, o.get());
  requests->add_option("--status", o->status, "pending approved rejected failed");
  requests->callback(with_store([o](store::Store& store) -> absl::Status {
    services::FundRequests service(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto list, service.List(Actor::System(), KeyOf(*o), o->status));
    for (const services::FundRequest& r : list) {
      std::cout << r.id << "\t" << r.kind << "\t" << r.status << "\t" << Y(r.amount_fen) << "\t"
                << r.maker << (r.checker.empty() ? "" : " → " + r.checker) << "\t" << r.reason
                << (r.result.empty() || r.result == "ok" ? "" : "（" + r.result + "）") << "\n";
    }
    return absl::OkStatus();
  }));

  for (bool approve : {true, false}) {
    CLI::App* decide = cmd->add_subcommand(
        approve ? "approve" : "reject",
        approve ? "复核通过一项申请（执行其转账）" : "退回一项申请（须说明理由）");
    AddDbOption(decide);
    decide->add_option("id", o->id, "申请编号")->required();
    decide->add_option("--as", o->as, "复核人用户名（不能是申请人）")->required();
    decide->add_option(approve ? "--note" : "--reason", o->text, approve ? "复核意见" : "退回理由");
    decide->callback(with_store([this, o, approve](store::Store& store) -> absl::Status {
      ASSIGN_OR_RETURN(Actor actor, ActorFor(store, o->as));
      services::FundRequests service(store, core::SystemClock());
      ASSIGN_OR_RETURN(services::FundRequest r, approve ? service.Approve(actor, o->id, o->text)
                                                        : service.Reject(actor, o->id, o->text));
      std::cout << "申请 " << r.id << "：" << r.status
                << (r.result_message.empty() || r.result == "ok" ? ""
                                                                 : "（" + r.result_message + "）")
                << "\n";
      exit_code_ = r.status == "failed" ? 1 : 0;
      return absl::OkStatus();
    }));
  }

  CLI::App* reconcile = cmd->add_subcommand("reconcile", "对账：台账、支付指令与银行回单逐笔核对");
  AddDbOption(reconcile);
  AddFundKey(reconcile, o.get());
  reconcile->callback(with_store([this, o](store::Store& store) -> absl::Status {
    services::Reconciliation recon(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto report, recon.Reconcile(Actor::System(), KeyOf(*o)));
    std::cout << "支付指令 " << report.orders << " 笔；已支付：台账 " << Y(report.ledger_paid_fen)
              << " 元，指令 " << Y(report.orders_paid_fen) << " 元，银行回单 "
              << Y(report.treasury_paid_fen) << " 元；支付中 " << Y(report.in_flight_fen)
              << " 元\n";
    for (const auto& [status, n] : report.orders_by_status) {
      std::cout << "  " << status << "：" << n << " 笔\n";
    }
    std::cout << (report.ok() ? "无异常\n" : "异常：\n");
    for (const services::ReconException& e : report.exceptions) {
      std::cout << "  [" << e.kind << "] " << e.subject << "：" << e.message << "。处理："
                << e.action << "\n";
    }
    exit_code_ = report.ok() ? 0 : 2;
    return absl::OkStatus();
  }));

  CLI::App* exp = cmd->add_subcommand("export", "导出支付批次文件（CSV 带 BOM 或 XLSX）");
  AddDbOption(exp);
  exp->add_option("--batch", o->id, "批次编号")->required();
  exp->add_option("--format", o->format, "csv 或 xlsx")
      ->check(CLI::IsMember({"csv", "xlsx"}))
      ->capture_default_str();
  exp->add_option("--out", o->file, "输出文件")->required();
  exp->callback(with_store([o](store::Store& store) -> absl::Status {
    services::Disbursement disbursement(store, core::SystemClock());
    ASSIGN_OR_RETURN(std::string bytes, o->format == "csv"
                                            ? disbursement.ExportCsv(Actor::System(), o->id)
                                            : disbursement.ExportXlsx(Actor::System(), o->id));
    std::ofstream out(o->file, std::ios::binary);
    out << bytes;
    out.close();
    if (!out) return InvalidField("file.write", "out", "无法写入文件：" + o->file);
    std::cout << "已导出批次 " << o->id << " → " << o->file << "（" << bytes.size() << " 字节）\n";
    return absl::OkStatus();
  }));

  CLI::App* ret =
      cmd->add_subcommand("import-return", "导入银行回单文件（成功入账，失败撤销并退回指标）");
  AddDbOption(ret);
  ret->add_option("file", o->file, "回单 CSV")->required()->check(CLI::ExistingFile);
  ret->add_option("--as", o->as, "经办人用户名")->required();
  ret->callback(with_store([this, o](store::Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(Actor actor, ActorFor(store, o->as));
    ASSIGN_OR_RETURN(std::string bytes, ReadFile(o->file));
    services::Disbursement disbursement(store, core::SystemClock());
    ASSIGN_OR_RETURN(auto report, disbursement.ImportReturnFile(actor, o->file, bytes));
    if (report.already_imported) {
      std::cout << "该回单此前已导入（文件 " << report.file_id << "），未重复入账\n";
      return absl::OkStatus();
    }
    std::cout << "回单 " << report.lines << " 行：成功入账 " << report.paid << " 笔，失败退回 "
              << report.failed << " 笔";
    for (const auto& [outcome, n] : report.skipped) std::cout << "，" << outcome << " " << n;
    std::cout << "\n";
    return absl::OkStatus();
  }));
}

}  // namespace zhida::cli

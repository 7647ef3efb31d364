// `zhida simulate` (事前评估, issue 3 §4): a thin command over SimulationService.
#include <iostream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/date.h"
#include "core/money.h"
#include "services/simulation.h"

namespace zhida::cli {
namespace {

void PrintGroups(const char* title, const std::vector<services::SimulationGroup>& groups) {
  std::cout << title << "\n";
  for (const services::SimulationGroup& g : groups) {
    std::cout << "  " << PadToWidth(g.label, 34) << PadToWidth(std::to_string(g.eligible) + " 家", 12)
              << g.cost.ToGrouped() << " 元\n";
  }
}

void PrintResult(const services::SimulationResult& r) {
  std::cout << "政策 " << r.policy_id << " 第 " << r.version << " 版" << (r.what_if ? "（试算修改）" : "")
            << "，评估日期 " << r.as_of.ToString() << "，数据快照批次 ≤ " << r.snapshot_batch_id
            << "\n";
  std::cout << "范围内企业 " << r.enterprises << " 家：符合 " << r.eligible << "，不符合 "
            << r.not_eligible << "，无法判断 " << r.cannot_determine << "，规则出错 " << r.errors
            << "\n";
  std::cout << "奖补总额 " << r.cost.ToGrouped() << " 元\n";
  if (r.budget) {
    std::cout << "资金 " << r.budget->fund << "（" << r.budget->fiscal_year << " 年）指标可用 "
              << r.budget->available.ToGrouped() << " 元";
    if (r.budget->shortfall.fen() > 0) {
      std::cout << "，缺口 " << r.budget->shortfall.ToGrouped() << " 元";
    }
    std::cout << "\n";
  }
  PrintGroups("按县（市、区）：", r.by_region);
  PrintGroups("按行业门类：", r.by_industry);
  PrintGroups("按企业规模：", r.by_scale);
  if (!r.missing.empty()) {
    std::cout << "无法判断所缺数据：\n";
    for (const auto& [label, count] : r.missing) std::cout << "  " << label << "：" << count << " 家\n";
  }
  if (r.diff) {
    const services::SimulationDiff& d = *r.diff;
    std::cout << "与第 " << d.baseline_version << " 版相比：新增符合 " << d.gained << " 家，不再符合 "
              << d.lost << " 家，金额变化 " << d.changed << " 家；总额 "
              << d.baseline_cost.ToGrouped() << " → " << r.cost.ToGrouped() << " 元（变化 "
              << d.cost_change.ToGrouped() << " 元）\n";
    for (const services::SimulationChange& c : d.largest_changes) {
      std::cout << "  " << c.uscc << " " << PadToWidth(c.name, 36) << c.before.ToGrouped() << " → "
                << c.after.ToGrouped() << "\n";
    }
  }
}

}  // namespace

void Commands::AddSimulate(CLI::App& app) {
  struct Opts {
    int64_t policy = 0;
    int version = 0;
    int compare_version = 0;
    std::string eligibility, award, cap, as_of, as, fund, parameters;
    bool no_cap = false;
    int64_t snapshot = 0;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "事前评估：在企业库数据快照上试算政策（草稿或修改后的规则）的覆盖面与资金");
  AddDbOption(cmd);
  cmd->add_option("--policy", opts->policy, "政策编号")->required();
  cmd->add_option("--version", opts->version, "版本（默认最新版本，含草稿）");
  cmd->add_option("--compare-version", opts->compare_version, "与该版本对比：谁新增、谁减少、金额变化");
  cmd->add_option("--eligibility", opts->eligibility, "试算用的申报条件（替换该版本的）");
  cmd->add_option("--award", opts->award, "试算用的奖补公式（替换该版本的）");
  cmd->add_option("--parameters", opts->parameters,
                  "试算用的政策参数文件（JSON 数组，格式同政策的 parameters；按代码替换或新增）");
  cmd->add_option("--cap", opts->cap, "试算用的每家企业奖补上限（元）");
  cmd->add_flag("--no-cap", opts->no_cap, "试算时不设上限");
  cmd->add_option("--as-of", opts->as_of, "评估日期 YYYY-MM-DD（默认今天，北京时间）");
  cmd->add_option("--snapshot", opts->snapshot, "使用较早的数据快照（批次号，重现以前的评估）");
  cmd->add_option("--fund", opts->fund, "与该资金（如 GYZZ）中主管部门本年度指标的可用余额比较");
  cmd->add_option("--as", opts->as, "以该工作人员的身份（默认系统）");
  cmd->callback([this, opts] {
    services::SimulationRequest request;
    request.policy_id = opts->policy;
    if (opts->version > 0) request.version = opts->version;
    if (opts->compare_version > 0) request.compare_version = opts->compare_version;
    if (!opts->eligibility.empty()) request.eligibility = opts->eligibility;
    if (!opts->award.empty()) request.award = opts->award;
    request.snapshot_batch_id = opts->snapshot;
    request.fund = opts->fund;
    if (!opts->parameters.empty()) {
      auto parameters = ReadParametersFile(opts->parameters);
      if (!parameters.ok()) {
        exit_code_ = Fail(parameters.status());
        return;
      }
      request.parameters = *std::move(parameters);
    }
    if (opts->no_cap || !opts->cap.empty()) {
      request.replace_cap = true;
      if (!opts->cap.empty()) {
        auto cap = core::Money::Parse(opts->cap);
        if (!cap.ok()) {
          exit_code_ = Fail(InvalidField("simulate.award_cap", "--cap", "上限应为金额，如 500000.00"));
          return;
        }
        request.cap = *cap;
      }
    }
    if (!opts->as_of.empty()) {
      auto date = core::Date::Parse(opts->as_of);
      if (!date.ok()) {
        exit_code_ = Fail(InvalidField("simulate.as_of", "--as-of", "评估日期应为 YYYY-MM-DD"));
        return;
      }
      request.as_of = *date;
    }
    std::unique_ptr<store::Store> store = OpenOrFail();
    if (store == nullptr) return;
    auto actor = ActorFor(*store, opts->as);
    if (!actor.ok()) {
      exit_code_ = Fail(actor.status());
      return;
    }
    services::SimulationService simulation(*store, core::SystemClock());
    auto result = simulation.Simulate(*actor, request);
    if (!result.ok()) {
      exit_code_ = Fail(result.status());
      return;
    }
    PrintResult(*result);
  });
}

}  // namespace zhida::cli

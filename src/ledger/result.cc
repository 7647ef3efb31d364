#include "ledger/result.h"



namespace zhida::ledger {

namespace {

struct Messages {
  std::string_view zh;
  std::string_view en;
};

// In the order of ZHIDA_LEDGER_TRANSFER_CODES. Written for a finance officer: what happened, in
// the words of DESIGN.md §1 (预算, 指标, 预留, 入账 …), and what to do where it is not obvious.
constexpr Messages kMessages[] = {
    {"成功", "ok"},
    {"同组关联转账中另有一笔失败，本笔一并未执行", "another transfer of the linked chain failed"},
    {"关联转账组没有结束：最后一笔不能标记为“关联”", "the linked chain is not closed"},
    {"使用了未定义的转账标志", "a reserved flag is set"},
    {"缺少转账编号", "the transfer id is empty"},
    {"转账编号只能由字母、数字和 - _ . : / 组成，最长 64 个字符",
     "the transfer id has characters other than letters, digits and - _ . : /, or is too long"},
    {"“预留”“确认预留”“撤销预留”只能选一种", "pending, post and void are mutually exclusive"},
    {"只有“确认预留”或“撤销预留”才能引用预留转账", "only a post or void names a pending transfer"},
    {"“确认预留”或“撤销预留”须注明所引用的预留转账编号",
     "a post or void must name its pending transfer"},
    {"所引用的预留转账编号格式不对", "the pending transfer id is malformed"},
    {"转账不能引用自身作为预留转账", "a transfer cannot resolve itself"},
    {"须指定付出（借方）账户", "the debit account is missing"},
    {"须指定收入（贷方）账户", "the credit account is missing"},
    {"付出账户与收入账户不能相同", "the debit and credit accounts are the same"},
    {"金额必须大于零（确认或撤销预留时可填 0，表示按预留金额）",
     "the amount must be positive (0 on a post or void means the pending amount)"},
    {"缺少业务类型代码", "the code is empty"},
    {"业务类型代码只能由小写字母、数字和 . _ - 组成，最长 48 个字符",
     "the code has characters other than a-z, 0-9 and . _ -, or is too long"},
    {"摘要过长（最多 200 个汉字）或含有控制字符、无效编码",
     "the reason is too long or has control characters or invalid UTF-8"},
    {"缺少经办人", "the user is empty"},
    {"经办人标识过长或含有控制字符", "the user is too long or has control characters"},
    {"该转账编号已用于另一笔转账：转账类型（预留/确认/撤销）不同，请换用新编号",
     "the id exists with different flags"},
    {"该转账编号已用于另一笔转账：付出账户不同，请换用新编号",
     "the id exists with a different debit account"},
    {"该转账编号已用于另一笔转账：收入账户不同，请换用新编号",
     "the id exists with a different credit account"},
    {"该转账编号已用于另一笔转账：金额不同，请换用新编号",
     "the id exists with a different amount"},
    {"该转账编号已用于另一笔转账：引用的预留转账不同，请换用新编号",
     "the id exists with a different pending transfer"},
    {"该转账编号已用于另一笔转账：业务类型不同，请换用新编号",
     "the id exists with a different code"},
    {"该转账编号已用于另一笔转账：摘要不同，请换用新编号",
     "the id exists with a different reason"},
    {"该转账编号已用于另一笔转账：经办人不同，请换用新编号",
     "the id exists with a different user"},
    {"该转账此前已成功执行，本次为重复提交，未再次记账",
     "the transfer exists (an earlier identical request succeeded; nothing was done again)"},
    {"付出账户不存在", "the debit account does not exist"},
    {"收入账户不存在", "the credit account does not exist"},
    {"付出账户与收入账户须属于同一项资金、同一预算年度",
     "the accounts belong to different funds or fiscal years"},
    {"所引用的预留转账不存在（或未成功）", "the pending transfer does not exist"},
    {"所引用的转账不是预留转账", "the referenced transfer is not pending"},
    {"付出账户与所引用的预留转账不一致", "the debit account differs from the pending transfer's"},
    {"收入账户与所引用的预留转账不一致", "the credit account differs from the pending transfer's"},
    {"金额与预留金额不一致：预留只能按原金额整笔确认或撤销",
     "the amount differs from the pending amount (a pending transfer is posted or voided whole)"},
    {"该预留已确认入账，不能再次确认或撤销", "the pending transfer was already posted"},
    {"该预留已撤销，不能再次确认或撤销", "the pending transfer was already voided"},
    {"付出账户的预留金额将超出系统可记录的上限", "the debit account's pending debits would overflow"},
    {"收入账户的预留金额将超出系统可记录的上限",
     "the credit account's pending credits would overflow"},
    {"付出账户的已入账金额将超出系统可记录的上限",
     "the debit account's posted debits would overflow"},
    {"收入账户的已入账金额将超出系统可记录的上限",
     "the credit account's posted credits would overflow"},
    {"付出账户的支出合计（含预留）将超出系统可记录的上限",
     "the debit account's debits (posted and pending) would overflow"},
    {"收入账户的收入合计（含预留）将超出系统可记录的上限",
     "the credit account's credits (posted and pending) would overflow"},
    {"付出账户可用余额不足（已扣除尚未确认的预留），不能超额使用",
     "the debit account's available balance (net of pending reservations) is too low"},
    {"收入账户收回的金额将超过它拨出的金额（如退回预算来源的金额超过原拨款），不能超额退回",
     "the credit account's credits would exceed its debits (e.g. returning more to the "
     "appropriation than it gave)"},
};
static_assert(std::size(kMessages) == kTransferCodeCount, "one message per TransferCode");

constexpr std::string_view kNames[] = {
#define ZHIDA_LEDGER_NAME(e, name) name,
    ZHIDA_LEDGER_TRANSFER_CODES(ZHIDA_LEDGER_NAME)
#undef ZHIDA_LEDGER_NAME
};

}  // namespace

std::string_view CodeName(TransferCode code) { return kNames[static_cast<int>(code)]; }

std::optional<TransferCode> ParseCodeName(std::string_view name) {
  for (int i = 0; i < kTransferCodeCount; ++i) {
    if (kNames[i] == name) return static_cast<TransferCode>(i);
  }
  return std::nullopt;
}

std::string_view ResultMessage(TransferCode code, Lang lang) {
  const Messages& m = kMessages[static_cast<int>(code)];
  return lang == Lang::kZh ? m.zh : m.en;
}

}  // namespace zhida::ledger

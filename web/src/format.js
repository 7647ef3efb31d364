// Formatting helpers for money, dates and policy vocabulary.
//
// Money travels as a decimal string ("500000.00"); it is never turned into a
// binary floating-point number here — every conversion is string arithmetic.

const MONEY_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Splits a decimal string into sign, integer digits (no leading zeros) and fraction digits. */
export function parseDecimal(text) {
  if (typeof text !== 'string') return null;
  const m = MONEY_RE.exec(text.trim());
  if (!m) return null;
  const int = m[2].replace(/^0+(?=\d)/, '');
  const frac = (m[3] || '').replace(/0+$/, '');
  const zero = /^0*$/.test(int) && frac === '';
  return { negative: Boolean(m[1]) && !zero, int, frac };
}

/** Inserts thousands separators into a string of digits. */
export function groupDigits(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Shifts the decimal point of a parsed decimal left by `places` digits and
 * returns a plain decimal string without trailing zeros ("12.5", "50", "0.35").
 */
function shiftLeft({ int, frac }, places) {
  const padded = int.padStart(places + 1, '0');
  const head = padded.slice(0, padded.length - places).replace(/^0+(?=\d)/, '');
  const tail = (padded.slice(padded.length - places) + frac).replace(/0+$/, '');
  return tail ? `${head}.${tail}` : head;
}

/**
 * "12345.6" → "12,345.60 元"; invalid input → "—".
 * Amounts in yuan with exactly two decimals, as in a payment notice.
 */
export function formatYuan(text) {
  const d = parseDecimal(text);
  if (!d) return '—';
  const frac = d.frac.padEnd(2, '0');
  return `${d.negative ? '-' : ''}${groupDigits(d.int)}.${frac} 元`;
}

/**
 * A short, readable amount for headlines and award caps:
 * "500000.00" → "50 万元", "125000.00" → "12.5 万元", "3000.00" → "3,000 元",
 * "12345.67" → "12,345.67 元" (万 only when it stays short), "200000000.00" → "2 亿元".
 * Exact: 万/亿 are found by moving the decimal point, never by dividing a float.
 */
export function formatAmount(text) {
  const d = parseDecimal(text);
  if (!d) return '—';
  const sign = d.negative ? '-' : '';
  const decimals = (s) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
  if (d.int.length > 8) {
    const yi = shiftLeft(d, 8);
    if (decimals(yi) <= 4) return `${sign}${yi} 亿元`;
  }
  if (d.int.length > 4) {
    const wan = shiftLeft(d, 4);
    if (decimals(wan) <= 2) return `${sign}${wan} 万元`;
  }
  const frac = d.frac ? `.${d.frac.padEnd(2, '0')}` : '';
  return `${sign}${groupDigits(d.int)}${frac} 元`;
}

/** Award cap for a policy card: "最高 50 万元", or "" when the policy has no cap. */
export function formatCap(cap) {
  if (cap == null || cap === '') return '';
  const amount = formatAmount(cap);
  return amount === '—' ? '' : `最高 ${amount}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2024-01-05" → "2024年1月5日"; anything else is returned as is ("—" when empty). */
export function formatDate(text) {
  if (!text) return '—';
  const m = DATE_RE.exec(text);
  if (!m) return String(text);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** {from, to} → "2024年1月1日 至 2026年12月31日"; an open end reads "长期有效". */
export function formatRange(range) {
  if (!range || (!range.from && !range.to)) return '—';
  const from = range.from ? formatDate(range.from) : '发布之日';
  const to = range.to ? formatDate(range.to) : '长期有效';
  return range.to ? `${from} 至 ${to}` : `${from} 起${to}`;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

function beijingParts(date) {
  const d = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const pad = (n) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

/** "2026-01-05T02:00:00Z" → "2026-01-05 10:00" (Beijing time, UTC+8, no daylight saving). */
export function formatDateTime(text) {
  if (!text) return '—';
  const t = Date.parse(text);
  if (Number.isNaN(t)) return String(text);
  const p = beijingParts(new Date(t));
  return `${p.date} ${p.time}`;
}

/** Today's date in Beijing as "YYYY-MM-DD" (for the 现行有效 filter). */
export function todayInBeijing(now = new Date()) {
  return beijingParts(now).date;
}

/** Whether `today` (YYYY-MM-DD) lies inside {from, to} (inclusive, open ends allowed). */
export function inRange(range, today) {
  if (!range) return false;
  if (range.from && today < range.from) return false;
  if (range.to && today > range.to) return false;
  return true;
}

export const MODE_LABELS = { auto: '免申即享', apply: '即申即享' };
export const LEVEL_LABELS = { city: '市级', county: '县级' };
export const STATUS_LABELS = {
  draft: '草稿',
  published: '已发布',
  suspended: '已暂停',
  expired: '已失效',
};

/** 政策依据 entry → "泉政文〔2021〕12号 第三条". */
export function formatBasis(basis) {
  if (!basis) return '';
  return [basis.document, basis.article].filter(Boolean).join(' ');
}

/** Splits text into paragraphs on line breaks, dropping empty lines. */
export function paragraphs(text) {
  if (!text) return [];
  return String(text)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Splits `text` into [{text, hit}] segments where `query` occurs (case-insensitive),
 * so that a template can highlight matches without v-html.
 */
export function highlight(text, query) {
  const s = text == null ? '' : String(text);
  const q = (query || '').trim();
  if (!q || !s) return [{ text: s, hit: false }];
  const terms = q.split(/\s+/).filter(Boolean).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(${terms.join('|')})`, 'gi');
  const out = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m.index > last) out.push({ text: s.slice(last, m.index), hit: false });
    out.push({ text: m[0], hit: true });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last), hit: false });
  return out;
}

/** "0595-22500000" → "tel:0595-22500000" with anything but digits, + and - removed. */
export function telHref(phone) {
  if (!phone) return '';
  return `tel:${String(phone).replace(/[^\d+-]/g, '')}`;
}

/**
 * A policy parameter's value as people read it: amounts in 元 as formatAmount
 * ("2000000.00" → "200 万元"), bools 是/否, dates 2024年1月5日, anything else
 * as written with its unit ("0.06", "30 人").
 */
export function formatParameterValue(value, { unit = '', type = 'decimal' } = {}) {
  if (value === undefined || value === null || value === '') return '—';
  const text = String(value);
  if (type === 'bool') return text === 'true' ? '是' : text === 'false' ? '否' : text;
  if (type === 'date') return formatDate(text);
  if (unit === '元' && parseDecimal(text)) return formatAmount(text);
  return unit ? `${text} ${unit}` : text;
}

/**
 * The index of the value in force on `day` ("YYYY-MM-DD") among a parameter's
 * versions (ordered by `from`): the last one that has started; -1 if none has.
 */
export function versionInForce(versions, day) {
  let found = -1;
  (versions || []).forEach((v, i) => {
    if (v && v.from && v.from <= day) found = i;
  });
  return found;
}

/** How an explanation's outcome reads, as a tag (POST /policies/{id}/explain). */
export const OUTCOME_TAGS = {
  eligible: { text: '符合条件', cls: 'zd-tag--auto' },
  not_eligible: { text: '暂不符合', cls: 'zd-tag--warn' },
  cannot_determine: { text: '数据不足，无法判断', cls: 'zd-tag--plain' },
  error: { text: '无法测算', cls: 'zd-tag--warn' },
};

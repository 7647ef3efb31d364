#include "services/demo_enterprises.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/uscc.h"

namespace zhida::services {
namespace {

// ---------------------------------------------------------------------------------------------
// Randomness. Every row has its own splitmix64 stream seeded from (seed, index), so row i never
// depends on the rows before it. Only IEEE +, -, *, / and sqrt (all exactly rounded) and the
// exact frexp/ldexp touch doubles, so the output is the same with any conforming compiler and
// library.

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, int64_t index)
      : state_(Mix64(Mix64(seed ^ 0x5a1d0c0ffee0b0a7ULL) + static_cast<uint64_t>(index))) {}

  uint64_t Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n > 0 and small (table sizes, digits).
  int64_t Below(int64_t n) { return static_cast<int64_t>(Uniform() * static_cast<double>(n)); }

  bool Chance(double p) { return Uniform() < p; }

  // Approximately standard normal: the centred sum of 6 uniforms, scaled to variance 1. Its tails
  // stop at ±4.24, which keeps every amount within a plausible range.
  double Normal() {
    double sum = 0;
    for (int i = 0; i < 6; ++i) sum += Uniform();
    return (sum - 3.0) * 1.4142135623730951;
  }

 private:
  uint64_t state_;
};

// e^x from +, *, / only (range reduction by ln 2, then a Taylor series), for |x| <= 30. Used for
// log-normal amounts; about 1e-15 relative error, and the same bits everywhere.
double Exp(double x) {
  constexpr double kLn2 = 0.6931471805599453;
  if (x > 30) x = 30;
  if (x < -30) x = -30;
  const int k = static_cast<int>(x / kLn2 + (x >= 0 ? 0.5 : -0.5));
  const double r = x - k * kLn2;
  double term = 1;
  double sum = 1;
  for (int i = 1; i <= 13; ++i) {  // |r| <= ln2 / 2: r^14 / 14! < 1e-17
    term = term * r / i;
    sum += term;
  }
  return std::ldexp(sum, k);  // exact
}

// ln x for x > 0, from frexp (exact) and the series ln m = 2 atanh((m - 1) / (m + 1)).
double Log(double x) {
  constexpr double kLn2 = 0.6931471805599453;
  int e = 0;
  const double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  const double z = (m - 1) / (m + 1);  // in (-1/3, 0]
  const double z2 = z * z;
  double power = z;
  double sum = 0;
  for (int k = 1; k <= 41; k += 2) {
    sum += power / k;
    power *= z2;
  }
  return 2 * sum + e * kLn2;
}

// Log-normal: median * e^(sigma * N(0,1)).
double LogNormal(Rng& rng, double median, double sigma) {
  return median * Exp(sigma * rng.Normal());
}

// Yuan to fen, rounded half up, clamped to [0, 5e12] fen (5e10 yuan) so that every engine that
// reads the file stays well inside its exact range.
int64_t ToFen(double yuan) {
  constexpr double kMaxFen = 5e12;
  double fen = yuan * 100.0 + 0.5;
  if (!(fen > 0)) return 0;
  if (fen > kMaxFen) fen = kMaxFen;
  return static_cast<int64_t>(fen);
}

// Picks an index by integer weights.
int Pick(Rng& rng, const std::vector<int>& cumulative) {
  const int64_t r = rng.Below(cumulative.back());
  int i = 0;
  while (cumulative[i] <= r) ++i;
  return i;
}

std::vector<int> Cumulative(std::initializer_list<int> weights) {
  std::vector<int> out;
  int total = 0;
  for (int w : weights) out.push_back(total += w);
  return out;
}

// Splits "a|b|c".
std::vector<std::string_view> SplitBar(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t bar = s.find('|', start);
    out.push_back(s.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos) return out;
    start = bar + 1;
  }
}

// Splits UTF-8 text into its code points (as byte strings).
std::vector<std::string> CodePoints(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference tables. Weights are shares, not probabilities; they imitate Quanzhou's economy:
// 晋江 has the most firms, then 南安 and 石狮; manufacturing (shoes, garments, stone, ceramics,
// tea, food) dominates, then wholesale/retail trade.

struct Region {
  const char* code;
  int weight;
  const char* short_place;  // for bank branches: 晋江, 丰泽
  const char* long_place;   // 晋江, 泉州丰泽
  const char* prefixes;     // name prefixes (weights 5:3:1 in this order)
  const char* specialties;  // manufacturing classes over-represented here (repeat = weight)
};

constexpr Region kRegions[] = {
    {"350502", 8, "鲤城", "泉州鲤城", "泉州|泉州市|福建", "C1819|C3484|C1411"},
    {"350503", 9, "丰泽", "泉州丰泽", "泉州|泉州市|福建", "C1811|C3982"},
    {"350504", 4, "洛江", "泉州洛江", "泉州|泉州市|福建", "C2927|C3670|C2110"},
    {"350505", 3, "泉港", "泉州泉港", "泉州|泉州市|福建", "C2511|C2614|C2651|C2822"},
    {"350521", 8, "惠安", "惠安", "惠安县|泉州|福建", "C2431|C3032|C1951|C1959"},
    {"350524", 7, "安溪", "安溪", "安溪县|泉州|福建", "C1530|C1530|C2439"},
    {"350525", 3, "永春", "永春", "永春县|泉州|福建", "C1530|C1462|C3075"},
    {"350526", 4, "德化", "德化", "德化县|泉州|福建", "C3074|C3074|C3075|C3072"},
    {"350581", 12, "石狮", "石狮", "石狮市|泉州|福建", "C1819|C1829|C1713|C1762|C1751|C4119"},
    {"350582", 27, "晋江", "晋江", "晋江市|泉州|福建",
     "C1951|C1952|C1953|C1959|C1811|C1821|C2231|C1421|C3973|C4119"},
    {"350583", 15, "南安", "南安", "南安市|泉州|福建", "C3032|C3032|C3071|C3072|C3443|C2927"},
};

// GB/T 4754-2017 classes: code, weight within its section, words for the company name.
struct IndustryClass {
  const char* code;
  int weight;
  const char* words;
};

constexpr IndustryClass kIndustries[] = {
    // C 制造业
    {"C1951", 6, "鞋业|体育用品|鞋服"},
    {"C1952", 2, "皮鞋|皮革制品"},
    {"C1953", 3, "塑胶鞋业|拖鞋"},
    {"C1954", 2, "橡胶制品"},
    {"C1959", 3, "鞋材|鞋底"},
    {"C1811", 4, "运动服饰|体育服饰"},
    {"C1819", 4, "服装|服饰|制衣"},
    {"C1821", 2, "针织服饰"},
    {"C1829", 2, "针织|内衣"},
    {"C1713", 2, "印染"},
    {"C1751", 3, "化纤织造|纺织"},
    {"C1762", 2, "漂染"},
    {"C2822", 1, "涤纶|化纤"},
    {"C3032", 5, "石材|石业"},
    {"C2431", 2, "石雕工艺|雕刻艺术"},
    {"C2439", 1, "藤铁工艺|工艺品"},
    {"C3071", 2, "建陶|瓷砖"},
    {"C3072", 1, "卫浴|洁具"},
    {"C3074", 2, "陶瓷|瓷业"},
    {"C3075", 2, "艺术陶瓷|瓷艺"},
    {"C1530", 3, "茶业|茶叶"},
    {"C1411", 2, "食品|烘焙食品"},
    {"C1421", 1, "糖果食品"},
    {"C1462", 1, "酿造|醋业"},
    {"C1431", 1, "米面食品"},
    {"C2231", 2, "纸品包装|包装"},
    {"C2221", 1, "纸业"},
    {"C2927", 2, "塑料制品|塑业"},
    {"C2929", 1, "塑胶"},
    {"C2452", 1, "玩具"},
    {"C4119", 1, "伞业|日用品"},
    {"C3443", 2, "水暖|阀门"},
    {"C3670", 1, "汽车配件"},
    {"C3484", 1, "机械|精密机械"},
    {"C3511", 1, "矿山机械|工程机械"},
    {"C3551", 1, "纺织机械"},
    {"C3981", 1, "电子元件"},
    {"C3982", 1, "电路板"},
    {"C3973", 1, "集成电路|半导体"},
    {"C2511", 1, "石油化工|石化"},
    {"C2614", 1, "化工"},
    {"C2651", 1, "新材料|树脂"},
    {"C3021", 1, "水泥制品|建材"},
    {"C3130", 1, "钢铁|钢业"},
    {"C2110", 1, "家具|家居"},
    // F 批发和零售业
    {"F5131", 3, "纺织品贸易"},
    {"F5132", 4, "服装贸易"},
    {"F5133", 4, "鞋帽贸易"},
    {"F5127", 2, "茶叶贸易"},
    {"F5165", 2, "建材贸易"},
    {"F5181", 2, "贸易|进出口"},
    {"F5211", 1, "百货"},
    {"F5212", 2, "超市|商贸"},
    {"F5232", 2, "服饰零售"},
    {"F5233", 1, "鞋帽零售"},
    {"F5292", 4, "电子商务|电商"},
    {"F5261", 1, "汽车销售"},
    // G 交通运输、仓储和邮政业
    {"G5431", 4, "物流|货运"},
    {"G5437", 2, "城市配送"},
    {"G5532", 1, "港务"},
    {"G5920", 2, "仓储"},
    {"G5821", 2, "货运代理|国际物流"},
    {"G6020", 1, "快递"},
    // I 信息传输、软件和信息技术服务业
    {"I6513", 4, "软件|软件开发"},
    {"I6519", 2, "信息科技"},
    {"I6531", 1, "芯片设计|微电子"},
    {"I6540", 2, "信息技术"},
    {"I6550", 1, "数据服务|云计算"},
    {"I6560", 2, "网络科技"},
    {"I6432", 2, "互联网科技"},
    // L 租赁和商务服务业
    {"L7211", 2, "企业管理"},
    {"L7212", 3, "投资管理|投资"},
    {"L7231", 1, "法律服务"},
    {"L7251", 2, "网络广告"},
    {"L7259", 2, "广告|文化传媒"},
    {"L7281", 1, "会展"},
    {"L7111", 1, "汽车租赁"},
    {"L7241", 1, "财务咨询"},
    // M 科学研究和技术服务业
    {"M7320", 2, "科技研究"},
    {"M7484", 2, "工程设计"},
    {"M7491", 2, "工业设计"},
    {"M7492", 1, "设计"},
    {"M7513", 1, "新材料科技"},
    {"M7519", 2, "科技"},
    {"M7520", 1, "知识产权"},
    {"M7452", 1, "检测技术"},
    // E 建筑业
    {"E4710", 3, "建设|建筑工程"},
    {"E4790", 1, "建筑"},
    {"E4813", 1, "市政工程|路桥"},
    {"E4910", 1, "电气安装|机电安装"},
    {"E5011", 3, "装饰工程|装饰设计"},
    // H 住宿和餐饮业
    {"H6110", 2, "酒店"},
    {"H6210", 3, "餐饮"},
    {"H6220", 1, "快餐"},
    {"H6231", 2, "茶馆|茶艺"},
    // K 房地产业
    {"K7010", 2, "房地产开发|置业"},
    {"K7020", 1, "物业管理|物业服务"},
    // A 农、林、牧、渔业
    {"A0164", 3, "茶叶种植|茶园"},
    {"A0411", 2, "水产养殖|海洋渔业"},
    {"A0111", 1, "农业发展"},
    // D 电力、热力、燃气及水生产和供应业
    {"D4415", 1, "风电"},
    {"D4416", 1, "光伏电力|新能源"},
    {"D4411", 1, "热电"},
};
constexpr int kIndustryCount = sizeof(kIndustries) / sizeof(kIndustries[0]);

// Sections, their share of enterprises, and economics per section: revenue factor against the
// scale's median, tax as a share of revenue, fixed-asset investment probability.
struct Section {
  char letter;
  int weight;
  double revenue_factor;
  double tax_rate;
  double invest_probability;
  double high_tech_factor;
};

constexpr Section kSections[] = {
    {'C', 44, 1.0, 0.035, 0.50, 1.5}, {'F', 18, 1.4, 0.012, 0.12, 0.2},
    {'G', 6, 0.9, 0.030, 0.30, 0.3},  {'I', 5, 0.7, 0.050, 0.15, 3.5},
    {'L', 6, 0.6, 0.040, 0.10, 0.3},  {'M', 5, 0.6, 0.050, 0.15, 3.0},
    {'E', 6, 1.1, 0.030, 0.20, 0.4},  {'H', 4, 0.4, 0.040, 0.25, 0.1},
    {'K', 2, 2.0, 0.080, 0.40, 0.1},  {'A', 3, 0.5, 0.005, 0.35, 0.5},
    {'D', 1, 1.5, 0.060, 0.70, 1.0},
};
constexpr int kSectionCount = sizeof(kSections) / sizeof(kSections[0]);

// Classes that sell abroad a lot (Quanzhou's shoes, garments, umbrellas, stone, ceramics, toys).
constexpr std::string_view kExportHeavy[] = {
    "C1951", "C1952", "C1953", "C1954", "C1959", "C1811", "C1819", "C1821", "C1829", "C2452",
    "C4119", "C3074", "C3075", "C3032", "C2431", "C2439", "C3443", "C1530", "C3072"};

enum Scale { kMicro, kSmall, kMedium, kLarge };
constexpr const char* kScaleNames[] = {"micro", "small", "medium", "large"};

// Per scale: employees (log-normal median, sigma, min, max), revenue (median yuan, sigma),
// share with no revenue at all.
struct ScaleProfile {
  double employees_median, employees_sigma;
  int64_t employees_min, employees_max;
  double revenue_median, revenue_sigma;
  double zero_revenue;
};

constexpr ScaleProfile kScaleProfiles[] = {
    {4, 0.8, 1, 19, 1.2e6, 1.0, 0.05},
    {55, 0.8, 20, 299, 1.5e7, 0.8, 0.015},
    {480, 0.35, 300, 999, 1.5e8, 0.7, 0},
    {2200, 0.8, 1000, 60000, 1.3e9, 0.9, 0},
};

// Characters for 字号 (trade names). Characters that occur in a name prefix or that begin an
// industry word are removed at start-up (see Tables), which makes every generated name parse back
// to its 字号 — and 字号s are unique by construction, so names are unique.
constexpr std::string_view kBrandChars =
    "恒兴达盛鑫源华泰荣顺祥宏远隆利嘉凯金银通宝富佳联创瑞丽美明辉昌峰龙凤和益众合鸿泓浩瀚博雅"
    "锦绣辰耀晟昊宸鼎诚亿腾飞跃翔鹏程豪骏驰骐麒麟旋朗悦欣怡晨曦旭阳晖煌炜烨灿琪瑶瑾璟琳琅珑玮"
    "璋铭锐钧铖钰锋淼森焱垚磊晶鼐誉馨润沁澜溢汇洪涛沣淳湘滨湾岚峻嵘崇岳屹巍嵩伟俊杰英卓越群"
    "冠胜捷迅敏睿哲思维康健宁谐畅茂蓬勃旺发万佰合众志远航帆启扬振奋展拓宇宙天地乾坤坚固正大"
    "中东西北海川泉溪河湖山岩松柏桐桦梅兰竹菊莲荷芙蓉芝萱蔚苍翠青蓝紫彤赤橙黄绿红白玉珠琦璞";

// Surnames common in southern Fujian, weighted, and characters for given names (fictional people).
constexpr std::string_view kSurnames =
    "陈陈陈陈林林林林黄黄黄王王李李吴吴蔡蔡张张郑郑许许洪洪苏庄施杨刘曾周谢柯傅丁骆康卢潘颜叶"
    "戴肖郭何邱";
constexpr std::string_view kGivenChars =
    "志明伟强建华国良文斌俊杰晓丽美玲秀英婷雅静燕萍海峰清水金福泉源荣辉鸿达永春锦坤振宗金灿"
    "淑芬惠珍琼瑜慧芳艺思嘉宇航子涵梓轩一诺欣怡佳";

constexpr const char* kMobilePrefixes[] = {"130", "131", "132", "133", "135", "136", "137",
                                           "138", "139", "150", "151", "152", "155", "157",
                                           "158", "159", "176", "177", "180", "181", "183",
                                           "185", "186", "187", "188", "189", "198", "199"};

// Banks: weight, how the branch is named, 4-digit account prefix, account length (16–19).
enum class BranchStyle { kLongPlace, kShortPlace, kRuralBank };
struct Bank {
  const char* name;
  int weight;
  BranchStyle style;
  const char* account_prefix;
  int account_digits;
};

constexpr Bank kBanks[] = {
    {"中国工商银行", 14, BranchStyle::kLongPlace, "1408", 19},
    {"中国农业银行", 12, BranchStyle::kLongPlace, "1358", 19},
    {"中国银行", 10, BranchStyle::kLongPlace, "4102", 16},
    {"中国建设银行", 12, BranchStyle::kLongPlace, "3505", 19},
    {"交通银行", 4, BranchStyle::kLongPlace, "3530", 18},
    {"兴业银行", 10, BranchStyle::kLongPlace, "1550", 18},
    {"招商银行", 4, BranchStyle::kLongPlace, "5959", 16},
    {"中国邮政储蓄银行", 5, BranchStyle::kLongPlace, "9350", 19},
    {"泉州银行", 12, BranchStyle::kShortPlace, "2210", 17},
    {"农商银行", 17, BranchStyle::kRuralBank, "9070", 19},
};

// Dates: 1985-01-01 … 2026-10-31 as days since 1970-01-01 (proleptic Gregorian).
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = static_cast<int>(yoe + era * 400 + (*month <= 2));
}

constexpr int64_t kFirstDay = DaysFromCivil(1985, 1, 1);
constexpr int64_t kLastDay = DaysFromCivil(2026, 10, 31);
constexpr int64_t kUsccReformDay = DaysFromCivil(2015, 10, 1);  // new-style codes from here on
constexpr int64_t kYear2024Day = DaysFromCivil(2024, 1, 1);
constexpr int64_t kYear2025Day = DaysFromCivil(2025, 1, 1);
constexpr int64_t kYear2026Day = DaysFromCivil(2026, 1, 1);

// ---------------------------------------------------------------------------------------------
// Codes.

// The characters of a uscc (GB 32100-2015), used for new-style subject identifiers.
constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// GB 11714 check character of an 8-character organization code body (digits and letters).
char OrgCodeCheck(std::string_view body8) {
  static constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    const char c = body8[i];
    sum += (c <= '9' ? c - '0' : c - 'A' + 10) * kWeights[i];
  }
  const int check = 11 - sum % 11;
  return check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
}

// (a * b) mod m, exact for any 64-bit operands.
uint64_t MulMod(uint64_t a, uint64_t b, uint64_t m) {
  __extension__ using Uint128 = unsigned __int128;
  return static_cast<uint64_t>(static_cast<Uint128>(a) * b % m);
}

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    const uint64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// An affine bijection of [0, modulus): index -> (index * multiplier + offset) mod modulus, for
// any offset. It gives every row a distinct code, account or 字号 that still looks random. The
// multiplier is the first number coprime to the modulus at or after 0.618… × modulus (golden
// ratio), so that neighbouring rows land far apart. Construct once (the gcd search is slow).
class Scrambler {
 public:
  Scrambler() = default;
  explicit Scrambler(uint64_t modulus)
      : modulus_(modulus), multiplier_(GoldenMultiplier(modulus)) {}

  uint64_t operator()(uint64_t index, uint64_t offset) const {
    return (MulMod(index, multiplier_, modulus_) + offset % modulus_) % modulus_;
  }

 private:
  static uint64_t GoldenMultiplier(uint64_t modulus) {
    uint64_t m = static_cast<uint64_t>(static_cast<double>(modulus) * 0.6180339887498949) | 1;
    while (Gcd(m, modulus) != 1) m += 2;
    return m;
  }

  uint64_t modulus_ = 1;
  uint64_t multiplier_ = 1;
};

// ---------------------------------------------------------------------------------------------
// Tables derived once from the constants above.

struct Tables {
  std::vector<int> region_weights;
  std::vector<std::vector<std::string_view>> region_prefixes;
  std::vector<std::vector<int>> region_specialties;  // indexes into kIndustries
  std::vector<int> section_weights;
  std::vector<std::vector<int>> section_classes;  // per section: indexes into kIndustries
  std::vector<std::vector<int>> section_class_weights;
  std::vector<std::vector<std::string_view>> class_words;
  std::vector<bool> class_export_heavy;
  std::vector<int> scale_weights;
  std::vector<std::string> brand;  // 字号 characters
  std::vector<std::string> surnames;
  std::vector<std::string> given;
  std::vector<int> bank_weights;
  std::vector<int> grade_weights[4];  // per scale: A, B, M, C, D
  uint64_t brand_tier_size[3];        // P^2, P^3, P^4
  Scrambler brand_scramblers[3];
  Scrambler old_body_scrambler;      // 8 digits
  Scrambler new_body_scrambler;      // 6 characters of the USCC alphabet
  Scrambler account_scramblers[16];  // by the number of free digits (12–15)
};

int IndustryIndex(std::string_view code) {
  for (int i = 0; i < kIndustryCount; ++i) {
    if (code == kIndustries[i].code) return i;
  }
  ZCHECK(false);
  return -1;
}

Tables BuildTables() {
  Tables t;
  int total = 0;
  for (const Region& r : kRegions) t.region_weights.push_back(total += r.weight);

  std::vector<std::string> reserved;  // characters a 字号 may not use
  for (const Region& r : kRegions) {
    t.region_prefixes.push_back(SplitBar(r.prefixes));
    for (std::string_view p : t.region_prefixes.back()) {
      for (std::string& c : CodePoints(p)) reserved.push_back(c);
    }
    std::vector<int> specialties;
    for (std::string_view code : SplitBar(r.specialties)) {
      specialties.push_back(IndustryIndex(code));
    }
    t.region_specialties.push_back(specialties);
  }

  total = 0;
  for (const Section& s : kSections) t.section_weights.push_back(total += s.weight);
  t.section_classes.resize(kSectionCount);
  t.section_class_weights.resize(kSectionCount);
  for (int i = 0; i < kIndustryCount; ++i) {
    const IndustryClass& ic = kIndustries[i];
    t.class_words.push_back(SplitBar(ic.words));
    for (std::string_view w : t.class_words.back()) reserved.push_back(CodePoints(w)[0]);
    bool heavy = false;
    for (std::string_view e : kExportHeavy) heavy = heavy || e == ic.code;
    t.class_export_heavy.push_back(heavy);
    for (int s = 0; s < kSectionCount; ++s) {
      if (kSections[s].letter != ic.code[0]) continue;
      std::vector<int>& cum = t.section_class_weights[s];
      t.section_classes[s].push_back(i);
      cum.push_back((cum.empty() ? 0 : cum.back()) + ic.weight);
    }
  }
  for (int s = 0; s < kSectionCount; ++s) ZCHECK(!t.section_classes[s].empty());

  t.scale_weights = Cumulative({61, 28, 9, 2});
  t.grade_weights[kMicro] = Cumulative({14, 56, 16, 9, 5});
  t.grade_weights[kSmall] = Cumulative({22, 52, 16, 7, 3});
  t.grade_weights[kMedium] = Cumulative({42, 45, 6, 5, 2});
  t.grade_weights[kLarge] = Cumulative({58, 37, 2, 2, 1});

  for (std::string& c : CodePoints(kBrandChars)) {
    bool skip = false;
    for (const std::string& r : reserved) skip = skip || r == c;
    for (const std::string& b : t.brand) skip = skip || b == c;
    if (!skip) t.brand.push_back(c);
  }
  // 2-character 字号s must cover the default 20,000 rows.
  ZCHECK(t.brand.size() * t.brand.size() >= 20000);
  const uint64_t p = t.brand.size();
  t.brand_tier_size[0] = p * p;
  t.brand_tier_size[1] = p * p * p;
  t.brand_tier_size[2] = p * p * p * p;
  for (int i = 0; i < 3; ++i) t.brand_scramblers[i] = Scrambler(t.brand_tier_size[i]);
  t.old_body_scrambler = Scrambler(100000000);
  t.new_body_scrambler = Scrambler(887503681);  // 31^6
  uint64_t power_of_ten = 1;
  for (int digits = 1; digits < 16; ++digits) {
    power_of_ten *= 10;
    if (digits >= 12) t.account_scramblers[digits] = Scrambler(power_of_ten);
  }

  t.surnames = CodePoints(kSurnames);
  t.given = CodePoints(kGivenChars);
  total = 0;
  for (const Bank& b : kBanks) t.bank_weights.push_back(total += b.weight);
  return t;
}

const Tables& GetTables() {
  static const Tables* const tables = new Tables(BuildTables());
  return *tables;
}

// The unique 字号 of row `index`: 2 characters for the first P^2 rows, then 3, then 4.
std::string BrandName(const Tables& t, uint64_t seed, uint64_t index) {
  const uint64_t p = t.brand.size();
  int length = 2;
  for (int tier = 0; tier < 3; ++tier, ++length) {
    if (index < t.brand_tier_size[tier] || tier == 2) break;
    index -= t.brand_tier_size[tier];
  }
  uint64_t v = t.brand_scramblers[length - 2](index, Mix64(seed + 11));
  std::string out;
  for (int i = 0; i < length; ++i) {
    out += t.brand[v % p];
    v /= p;
  }
  return out;
}

std::string MakeUscc(const Tables& t, uint64_t seed, uint64_t index, std::string_view region,
                     bool new_style) {
  std::string body;
  if (!new_style) {
    // 8 digits, distinct per row.
    const uint64_t v = t.old_body_scrambler(index, Mix64(seed + 21));
    char digits[9];
    for (int i = 7, x = static_cast<int>(v); i >= 0; --i, x /= 10) digits[i] = '0' + x % 10;
    body.assign(digits, 8);
  } else {
    // "MA" + 6 characters of the USCC alphabet, distinct per row.
    uint64_t v = t.new_body_scrambler(index, Mix64(seed + 22));
    char chars[6];
    for (int i = 5; i >= 0; --i, v /= 31) chars[i] = kUsccAlphabet[v % 31];
    body = "MA";
    body.append(chars, 6);
  }
  std::string uscc = "91";  // 9 = registered by market regulation, 1 = enterprise
  uscc += region;
  uscc += body;
  uscc += OrgCodeCheck(body);
  uscc += core::UsccCheckChar(uscc);
  return uscc;
}

std::string FormatDate(int64_t days) {
  int y = 0, m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[11] = {static_cast<char>('0' + y / 1000),
                  static_cast<char>('0' + y / 100 % 10),
                  static_cast<char>('0' + y / 10 % 10),
                  static_cast<char>('0' + y % 10),
                  '-',
                  static_cast<char>('0' + m / 10),
                  static_cast<char>('0' + m % 10),
                  '-',
                  static_cast<char>('0' + d / 10),
                  static_cast<char>('0' + d % 10),
                  0};
  return std::string(buf, 10);
}

std::string PersonName(Rng& rng, const Tables& t) {
  std::string out = t.surnames[rng.Below(t.surnames.size())];
  const int given = rng.Chance(0.8) ? 2 : 1;
  for (int i = 0; i < given; ++i) out += t.given[rng.Below(t.given.size())];
  return out;
}

std::string MobilePhone(Rng& rng) {
  constexpr int kPrefixCount = sizeof(kMobilePrefixes) / sizeof(kMobilePrefixes[0]);
  std::string out = kMobilePrefixes[rng.Below(kPrefixCount)];
  for (int i = 0; i < 8; ++i) out += static_cast<char>('0' + rng.Below(10));
  return out;
}

void MakeBank(Rng& rng, const Tables& t, uint64_t seed, uint64_t index, const Region& region,
              DemoEnterprise* e) {
  const Bank& bank = kBanks[Pick(rng, t.bank_weights)];
  const bool district = std::string_view(region.short_place) != region.long_place;
  switch (bank.style) {
    case BranchStyle::kLongPlace:
      e->bank_name = std::string(bank.name) + region.long_place + "支行";
      break;
    case BranchStyle::kShortPlace:
      e->bank_name = std::string(bank.name) + region.short_place + "支行";
      break;
    case BranchStyle::kRuralBank:
      e->bank_name = district ? std::string("泉州农商银行") + region.short_place + "支行"
                              : std::string(region.short_place) + "农商银行";
      break;
  }
  // Prefix + a distinct scrambled number (12–15 digits, so 2^32 rows never collide).
  const int free_digits = bank.account_digits - 4;
  ZCHECK(free_digits >= 12 && free_digits <= 15);
  uint64_t v = t.account_scramblers[free_digits](index, Mix64(seed + 31));
  std::string digits(free_digits, '0');
  for (int i = free_digits - 1; i >= 0; --i, v /= 10) digits[i] = static_cast<char>('0' + v % 10);
  e->bank_account = std::string(bank.account_prefix) + digits;
}

// ---------------------------------------------------------------------------------------------
// One enterprise, part by part. Each part draws from the row's own stream, in a fixed order.

struct Kind {
  int scale;     // Scale
  int region;    // index into kRegions
  int section;   // index into kSections
  int industry;  // index into kIndustries
};

Kind PickKind(Rng& rng, const Tables& t) {
  Kind kind;
  kind.scale = Pick(rng, t.scale_weights);
  kind.region = Pick(rng, t.region_weights);
  kind.section = Pick(rng, t.section_weights);
  const std::vector<int>& specialties = t.region_specialties[kind.region];
  if (kSections[kind.section].letter == 'C' && rng.Chance(0.55)) {
    kind.industry = specialties[rng.Below(specialties.size())];
  } else {
    const int k = Pick(rng, t.section_class_weights[kind.section]);
    kind.industry = t.section_classes[kind.section][k];
  }
  return kind;
}

// Age in years is exponential with a mean that grows with the scale (young firms are many, big
// firms are old); an age beyond the 1985 floor is redrawn uniformly. Returns days since 1970.
int64_t PickEstablished(Rng& rng, int scale) {
  static constexpr double kMeanAgeYears[] = {6.5, 9, 13, 17};
  const double span_days = static_cast<double>(kLastDay - kFirstDay);
  double age_days = -kMeanAgeYears[scale] * 365.25 * Log(1 - rng.Uniform());
  if (age_days > span_days) age_days = span_days * rng.Uniform();
  int64_t established = kLastDay - static_cast<int64_t>(age_days);
  if (scale >= kMedium && established >= kYear2025Day) established -= 3650;  // no new big firms
  return established > kLastDay ? kLastDay : established;
}

void MakeHeadcount(Rng& rng, int scale, DemoEnterprise* e) {
  const ScaleProfile& sp = kScaleProfiles[scale];
  const int64_t employees =
      static_cast<int64_t>(LogNormal(rng, sp.employees_median, sp.employees_sigma) + 0.5);
  e->employees = employees < sp.employees_min   ? sp.employees_min
                 : employees > sp.employees_max ? sp.employees_max
                                                : employees;
  e->insured_employees = 0;
  if (!rng.Chance(scale == kMicro ? 0.2 : 0.05)) {
    const double share = 0.5 + 0.5 * std::sqrt(rng.Uniform());
    e->insured_employees = static_cast<int64_t>(static_cast<double>(e->employees) * share + 0.5);
    if (e->insured_employees > e->employees) e->insured_employees = e->employees;
  }
}

// Revenue, tax, R&D, exports and investment, plus the high-tech flag (it drives R&D). Flows are
// for 2025 and *_prev for 2024; a firm founded during 2024 had a partial previous year.
void MakeFinances(Rng& rng, const Tables& t, const Kind& kind, int64_t established,
                  DemoEnterprise* e) {
  const ScaleProfile& sp = kScaleProfiles[kind.scale];
  const Section& section = kSections[kind.section];
  const bool no_year = established >= kYear2026Day;
  const bool no_prev = established >= kYear2025Day;
  double prev_share = 1;
  if (established >= kYear2024Day && !no_prev) {
    prev_share = static_cast<double>(kYear2025Day - established) / 366.0;
  }
  double revenue = 0;
  if (!no_year && !rng.Chance(sp.zero_revenue)) {
    revenue = LogNormal(rng, sp.revenue_median * section.revenue_factor, sp.revenue_sigma);
  }
  const double growth = Exp(0.04 + 0.18 * rng.Normal());
  const double revenue_prev = no_prev ? 0 : revenue / growth * prev_share;
  const double tax_level = section.tax_rate * Exp(0.4 * rng.Normal());
  e->revenue_fen = ToFen(revenue);
  e->revenue_prev_fen = ToFen(revenue_prev);
  e->tax_paid_fen = ToFen(revenue * tax_level * Exp(0.12 * rng.Normal()));
  e->tax_paid_prev_fen = ToFen(revenue_prev * tax_level * Exp(0.12 * rng.Normal()));

  static constexpr double kHighTechBase[] = {0.006, 0.03, 0.10, 0.16};
  e->high_tech = established < kYear2025Day && revenue > 0 &&
                 rng.Chance(kHighTechBase[kind.scale] * section.high_tech_factor);
  double rd = 0, rd_prev = 0;
  static constexpr double kRdChance[] = {0.12, 0.35, 0.65, 0.85};
  if (revenue > 0 && rng.Chance(e->high_tech ? 0.99 : kRdChance[kind.scale])) {
    const double intensity =
        e->high_tech ? 0.045 * Exp(0.3 * rng.Normal()) : 0.018 * Exp(0.6 * rng.Normal());
    rd = revenue * intensity;
    if (!no_prev && (e->high_tech || rng.Chance(0.88))) {
      rd_prev = rd / Exp(0.08 + 0.3 * rng.Normal()) * prev_share;
    }
  }
  e->rd_expense_fen = ToFen(rd);
  e->rd_expense_prev_fen = ToFen(rd_prev);

  double exports = 0, exports_prev = 0;
  const double export_chance = section.letter == 'C'
                                   ? (t.class_export_heavy[kind.industry] ? 0.45 : 0.18)
                               : section.letter == 'F' ? 0.15
                                                       : 0.02;
  if (revenue > 0 && rng.Chance(export_chance)) {
    exports = revenue * (0.05 + 0.9 * rng.Uniform());
    if (!no_prev && rng.Chance(0.9)) {
      exports_prev = exports / Exp(0.03 + 0.3 * rng.Normal()) * prev_share;
    }
  }
  e->export_value_fen = ToFen(exports);
  e->export_value_prev_fen = ToFen(exports_prev);
  double investment = 0;
  if (revenue > 0 && rng.Chance(section.invest_probability)) {
    investment = revenue * 0.05 * Exp(0.9 * rng.Normal());
  }
  e->fixed_asset_investment_fen = ToFen(investment);
}

// 专精特新, listing, 纳税信用等级 and the credit flags. M grades are for new firms (and some tiny
// ones); bigger firms grade better; D and C grades go with dishonesty and loan default.
void MakeStatus(Rng& rng, const Tables& t, const Kind& kind, int64_t established,
                DemoEnterprise* e) {
  static constexpr double kSpecializedChance[] = {0.002, 0.02, 0.07, 0.01};
  const char letter = kSections[kind.section].letter;
  const bool innovative = letter == 'C' || letter == 'I' || letter == 'M';
  e->specialized_sme = innovative && e->revenue_fen > 0 &&
                       rng.Chance(kSpecializedChance[kind.scale] * (e->high_tech ? 4 : 1));
  static constexpr double kListedChance[] = {0, 0.0003, 0.004, 0.06};
  e->listed = established < kYear2025Day && rng.Chance(kListedChance[kind.scale]);

  static constexpr char kGradeLetters[] = {'A', 'B', 'M', 'C', 'D'};
  const bool no_prev = established >= kYear2025Day;
  e->tax_credit_grade =
      no_prev && rng.Chance(0.9) ? 'M' : kGradeLetters[Pick(rng, t.grade_weights[kind.scale])];
  const char grade = e->tax_credit_grade;
  e->dishonest = rng.Chance(grade == 'D' ? 0.3 : grade == 'C' ? 0.05 : 0.006);
  e->loan_default = rng.Chance(grade == 'D' || grade == 'C' ? 0.08 : 0.01);
}

// Prefix (weights 5:3:1) + unique 字号 + industry word + 有限公司 (or 股份有限公司).
void MakeName(Rng& rng, const Tables& t, uint64_t seed, uint64_t index, const Kind& kind,
              DemoEnterprise* e) {
  const std::vector<std::string_view>& prefixes = t.region_prefixes[kind.region];
  const int prefix_roll = static_cast<int>(rng.Below(9));
  const size_t prefix = prefix_roll < 5 ? 0 : prefix_roll < 8 ? 1 : 2;
  const std::vector<std::string_view>& words = t.class_words[kind.industry];
  const size_t word = rng.Chance(0.6) ? 0 : rng.Below(words.size());
  e->name.assign(prefixes[prefix < prefixes.size() ? prefix : 0]);
  e->name += BrandName(t, seed, index);
  e->name += words[word];
  e->name += e->listed || (kind.scale == kLarge && rng.Chance(0.5)) ? "股份有限公司" : "有限公司";
}

// ---------------------------------------------------------------------------------------------
// CSV formatting.

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

void AppendFen(int64_t fen, std::string* out) {
  AppendInt(fen / 100, out);
  const int cents = static_cast<int>(fen % 100);
  out->push_back('.');
  out->push_back(static_cast<char>('0' + cents / 10));
  out->push_back(static_cast<char>('0' + cents % 10));
}

void AppendBool(bool v, std::string* out) { out->append(v ? "true" : "false"); }

}  // namespace

void MakeDemoEnterprise(uint64_t seed, int64_t index, DemoEnterprise* out) {
  ZCHECK(index >= 0 && index < (int64_t{1} << 32));
  const Tables& t = GetTables();
  Rng rng(seed, index);
  DemoEnterprise& e = *out;
  // The order of the draws below is part of the output format: changing it changes every row.
  const Kind kind = PickKind(rng, t);
  const Region& region = kRegions[kind.region];
  e.region = region.code;
  e.industry = kIndustries[kind.industry].code;
  e.scale = kScaleNames[kind.scale];
  const int64_t established = PickEstablished(rng, kind.scale);
  e.established = FormatDate(established);
  MakeHeadcount(rng, kind.scale, &e);
  MakeFinances(rng, t, kind, established, &e);
  MakeStatus(rng, t, kind, established, &e);
  MakeName(rng, t, seed, index, kind, &e);
  e.uscc = MakeUscc(t, seed, index, region.code, established >= kUsccReformDay);
  e.contact_name = PersonName(rng, t);
  e.contact_phone = MobilePhone(rng);
  MakeBank(rng, t, seed, index, region, &e);
}

void AppendDemoCsvHeader(std::string* out) {
  for (int i = 0; i < kDemoCsvColumnCount; ++i) {
    if (i > 0) out->push_back(',');
    out->append(kDemoCsvColumns[i]);
  }
  out->push_back('\n');
}

void AppendDemoCsvRow(const DemoEnterprise& e, std::string* out) {
  for (std::string_view text :
       {std::string_view(e.uscc), std::string_view(e.name), std::string_view(e.region),
        std::string_view(e.industry), std::string_view(e.scale), std::string_view(e.established)}) {
    out->append(text);
    out->push_back(',');
  }
  for (int64_t count : {e.employees, e.insured_employees}) {
    AppendInt(count, out);
    out->push_back(',');
  }
  for (int64_t fen : {e.revenue_fen, e.revenue_prev_fen, e.tax_paid_fen, e.tax_paid_prev_fen,
                      e.rd_expense_fen, e.rd_expense_prev_fen, e.export_value_fen,
                      e.export_value_prev_fen, e.fixed_asset_investment_fen}) {
    AppendFen(fen, out);
    out->push_back(',');
  }
  for (bool flag : {e.high_tech, e.specialized_sme, e.listed}) {
    AppendBool(flag, out);
    out->push_back(',');
  }
  out->push_back(e.tax_credit_grade);
  for (bool flag : {e.dishonest, e.loan_default}) {
    out->push_back(',');
    AppendBool(flag, out);
  }
  for (std::string_view text : {std::string_view(e.contact_name), std::string_view(e.contact_phone),
                                std::string_view(e.bank_name), std::string_view(e.bank_account)}) {
    out->push_back(',');
    out->append(text);
  }
  out->push_back('\n');
}

void WriteDemoEnterprisesCsv(const DemoOptions& options, std::string* out) {
  ZCHECK(options.count >= 0);
  out->reserve(out->size() + 320 * static_cast<size_t>(options.count) + 400);
  AppendDemoCsvHeader(out);
  DemoEnterprise e;
  for (int64_t i = 0; i < options.count; ++i) {
    MakeDemoEnterprise(options.seed, i, &e);
    AppendDemoCsvRow(e, out);
  }
}

}  // namespace zhida::services

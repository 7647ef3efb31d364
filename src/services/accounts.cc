#include "services/accounts.h"

#include <sodium.h>

#include "core/text.h"
#include "core/region.h"
#include "core/uscc.h"
#include "services/common.h"
#include "services/reference.h"

namespace zhida::services {

namespace {

// Interactive limits (64 MiB, 2 passes): about 0.1 s on this class of machine, libsodium's
// recommendation for online logins.
constexpr unsigned long long kPwOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kPwMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void EnsureSodium() {
  static const int ok = sodium_init();
  ZCHECK(ok >= 0);
}

absl::Status ValidateUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 32) {
    return InvalidField("user.username_length", "username", "用户名长度应为 3 至 32 个字符",
                        "username must be 3 to 32 characters");
  }
  for (char c : username) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) {
      return InvalidField("user.username_chars", "username",
                          "用户名只能包含小写字母、数字和 . _ -",
                          "username may contain only a-z, 0-9, '.', '_' and '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePassword(std::string_view password) {
  bool letter = false, digit = false;
  for (char c : password) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letter = true;
    if (c >= '0' && c <= '9') digit = true;
  }
  if (password.size() < 8 || password.size() > 128 || !letter || !digit) {
    return InvalidField("user.weak_password", "password",
                        "密码至少 8 位，且须同时包含字母和数字",
                        "the password needs at least 8 characters with letters and digits");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), kPwOps, kPwMem) != 0) {
    return absl::ResourceExhaustedError("out of memory while hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  std::string h(hash);  // crypto_pwhash_str_verify needs a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string TokenHash(std::string_view token) {
  EnsureSodium();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

AccountService::AccountService(store::Store& store, const core::Clock& clock,
                               core::IdSource& ids)
    : store_(store), clock_(clock), ids_(ids) {}

absl::StatusOr<int64_t> AccountService::CreateUser(const Actor& actor, const NewUser& user) {
  int64_t id = 0;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(id, CreateUserInTx(tx, actor, user));
    return absl::OkStatus();
  }));
  return id;
}

absl::StatusOr<int64_t> AccountService::CreateUserInTx(store::Tx& tx, const Actor& actor,
                                                       const NewUser& user) {
  if (!actor.HasRole(kRoleSysAdmin)) return Forbidden("创建用户", "create users");
  RETURN_IF_ERROR(ValidateUsername(user.username));
  size_t name_chars = core::Utf8Length(user.display_name);
  if (name_chars == 0 || name_chars > 50) {
    return InvalidField("user.display_name", "display_name", "姓名不能为空，且不超过 50 个字",
                        "display_name must be 1 to 50 characters");
  }
  if (user.kind != "staff" && user.kind != "enterprise") {
    return InvalidField("user.kind", "kind", "用户类型应为 staff（工作人员）或 enterprise（企业）",
                        "kind must be staff or enterprise");
  }
  RETURN_IF_ERROR(ValidatePassword(user.password));
  if (user.kind == "enterprise") {
    if (!user.enterprise_uscc) {
      return InvalidField("user.enterprise_required", "enterprise_uscc",
                          "企业用户必须关联一家企业（统一社会信用代码）",
                          "an enterprise user needs enterprise_uscc");
    }
    RETURN_IF_ERROR(core::ValidateUscc(*user.enterprise_uscc));
    ASSIGN_OR_RETURN(store::Result found, tx.Query("SELECT 1 FROM enterprises WHERE uscc = ?",
                                                   {*user.enterprise_uscc}));
    if (found.rows.empty()) {
      return InvalidField("user.enterprise_unknown", "enterprise_uscc",
                          "企业库中没有该统一社会信用代码：" + *user.enterprise_uscc,
                          "no enterprise with this uscc");
    }
  } else if (user.enterprise_uscc) {
    return InvalidField("user.enterprise_for_staff", "enterprise_uscc",
                        "工作人员不能关联企业", "staff users have no enterprise");
  }
  for (const RoleGrant& grant : user.roles) {
    if (!IsKnownRole(grant.role)) {
      return InvalidField("user.role_unknown", "roles", "未知角色：" + grant.role,
                          "unknown role: " + grant.role);
    }
    if ((grant.role == kRoleEnterprise) != (user.kind == "enterprise")) {
      return InvalidField("user.role_kind", "roles", "企业用户只能拥有企业角色，工作人员不能拥有企业角色",
                          "the enterprise role is for enterprise users only");
    }
    if (core::FindRegion(grant.region) == nullptr) {
      return InvalidField("user.role_region", "roles", "角色的地区代码无效：" + grant.region,
                          "invalid region in role: " + grant.region);
    }
    if (!grant.dept.empty()) {
      ASSIGN_OR_RETURN(Department dept, GetDepartment(tx, grant.dept));
      if (dept.region != grant.region) {
        return InvalidField("user.role_dept_region", "roles",
                            "角色的部门不属于该地区：" + grant.dept,
                            "the role's department is not in its region");
      }
    }
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(user.password));
  ASSIGN_OR_RETURN(
      store::Result inserted,
      tx.Query("INSERT INTO users (username, display_name, kind, password_hash, enterprise_uscc, "
               "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
               {user.username, user.display_name, user.kind, hash, store::Opt(user.enterprise_uscc),
                TimeText(clock_.Now())}));
  int64_t id = inserted.rows.at(0).Int(0);
  for (const RoleGrant& grant : user.roles) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO user_roles (user_id, role, region, dept) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            {id, grant.role, grant.region, grant.dept})
                        .status());
  }
  RETURN_IF_ERROR(Audit(tx, clock_.Now(), actor, "user.create", "user", std::to_string(id),
                        {{"username", user.username}, {"kind", user.kind}}));
  return id;
}

absl::StatusOr<Actor> AccountService::LoadActor(store::Tx& tx, int64_t user_id) {
  ASSIGN_OR_RETURN(store::Result users,
                   tx.Query("SELECT id, username, display_name, kind, enterprise_uscc, disabled "
                            "FROM users WHERE id = ?",
                            {user_id}));
  if (users.rows.empty() || users.rows[0].Bool(5)) return NotLoggedIn();
  const store::Row& row = users.rows[0];
  Actor actor;
  actor.user_id = row.Int(0);
  actor.username = row.Text(1);
  actor.display_name = row.Text(2);
  actor.kind = row.Text(3);
  actor.enterprise_uscc = row.OptText(4);
  ASSIGN_OR_RETURN(store::Result roles,
                   tx.Query("SELECT role, region, dept FROM user_roles WHERE user_id = ? "
                            "ORDER BY role, region, dept",
                            {user_id}));
  for (const store::Row& r : roles.rows) {
    actor.roles.push_back(RoleGrant{r.Text(0), r.Text(1), r.Text(2)});
  }
  return actor;
}

absl::StatusOr<LoginResult> AccountService::Login(std::string_view username,
                                                  std::string_view password) {
  // Hash of a password nobody has, verified when the user does not exist so that both failures
  // cost the same.
  static const std::string dummy_hash = HashPassword("no-such-user-0").value();
  LoginResult result;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result users,
                     tx.Query("SELECT id, password_hash, disabled FROM users WHERE username = ?",
                              {std::string(username)}));
    bool ok = false;
    if (users.rows.empty()) {
      VerifyPassword(dummy_hash, password);
    } else {
      ok = VerifyPassword(users.rows[0].Text(1), password) && !users.rows[0].Bool(2);
    }
    if (!ok) {
      return MakeError(absl::StatusCode::kUnauthenticated, "auth.invalid_credentials", "",
                       "用户名或密码错误", "wrong username or password");
    }
    int64_t user_id = users.rows[0].Int(0);
    ASSIGN_OR_RETURN(result.actor, LoadActor(tx, user_id));
    absl::Time now = clock_.Now();
    result.token = ids_.NewToken(32);
    result.expires_at = now + kSessionAbsolute;
    RETURN_IF_ERROR(tx.Exec("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, "
                            "expires_at) VALUES (?, ?, ?, ?, ?)",
                            {TokenHash(result.token), user_id, TimeText(now), TimeText(now),
                             TimeText(result.expires_at)})
                        .status());
    return Audit(tx, now, result.actor, "auth.login", "user", std::to_string(user_id));
  }));
  return result;
}

absl::StatusOr<Actor> AccountService::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 256) return NotLoggedIn();
  std::string hash = TokenHash(token);
  absl::Time now = clock_.Now();
  int64_t user_id = 0;
  bool touch = false;
  Actor actor;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result sessions,
                     tx.Query("SELECT user_id, last_seen_at, expires_at FROM sessions "
                              "WHERE token_hash = ?",
                              {hash}));
    if (sessions.rows.empty()) return NotLoggedIn();
    const store::Row& row = sessions.rows[0];
    ASSIGN_OR_RETURN(absl::Time last_seen, ParseTimeText(row.Text(1)));
    ASSIGN_OR_RETURN(absl::Time expires, ParseTimeText(row.Text(2)));
    if (now >= expires || now - last_seen >= kSessionIdle) {
      return MakeError(absl::StatusCode::kUnauthenticated, "auth.session_expired", "",
                       "登录已过期，请重新登录", "the session has expired; please log in again");
    }
    user_id = row.Int(0);
    // Refreshing last_seen_at costs a write; once a minute is precise enough for a 2-hour limit.
    touch = now - last_seen >= absl::Minutes(1);
    ASSIGN_OR_RETURN(actor, LoadActor(tx, user_id));
    return absl::OkStatus();
  }));
  if (touch) {
    RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) {
      return tx.Exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                     {TimeText(now), hash})
          .status();
    }));
  }
  return actor;
}

absl::Status AccountService::Logout(std::string_view token) {
  if (token.empty()) return absl::OkStatus();
  return store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) {
    return tx.Exec("DELETE FROM sessions WHERE token_hash = ?", {TokenHash(token)}).status();
  });
}

absl::StatusOr<std::vector<UserInfo>> AccountService::ListUsers(const Actor& actor) {
  if (!actor.HasRole(kRoleSysAdmin) && !actor.HasRole(kRoleSecAdmin) &&
      !actor.HasRole(kRoleAuditAdmin)) {
    return Forbidden("查看用户列表", "list users");
  }
  std::vector<UserInfo> users;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    users.clear();
    ASSIGN_OR_RETURN(store::Result rows,
                     tx.Query("SELECT id, username, display_name, kind, enterprise_uscc, disabled "
                              "FROM users ORDER BY id"));
    ASSIGN_OR_RETURN(store::Result roles, tx.Query("SELECT user_id, role, region, dept "
                                                   "FROM user_roles ORDER BY user_id, role"));
    for (const store::Row& row : rows.rows) {
      UserInfo u{row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.OptText(4), {},
                 row.Bool(5)};
      for (const store::Row& r : roles.rows) {
        if (r.Int(0) == u.id) u.roles.push_back(RoleGrant{r.Text(1), r.Text(2), r.Text(3)});
      }
      users.push_back(std::move(u));
    }
    return absl::OkStatus();
  }));
  return users;
}

}  // namespace zhida::services

// Accounts: users, their scoped roles, password login and server-side sessions (issue 2 §4).
//
// Passwords are hashed with argon2id (libsodium crypto_pwhash_str). A session is a random token
// given to the browser in an HttpOnly cookie; the store keeps only its BLAKE2b hash, so a copy of
// the database does not let anyone log in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/status.h"
#include "services/actor.h"
#include "store/store.h"

namespace zhida::services {

struct NewUser {
  std::string username;      // 3–32 of a-z 0-9 . _ -
  std::string display_name;  // 1–50 characters
  std::string kind;          // staff, enterprise
  std::string password;      // ≥ 8 characters with letters and digits
  std::optional<std::string> enterprise_uscc;  // required for enterprise users
  std::vector<RoleGrant> roles;
};

struct UserInfo {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string kind;
  std::optional<std::string> enterprise_uscc;
  std::vector<RoleGrant> roles;
  bool disabled = false;
};

struct LoginResult {
  std::string token;  // goes to the cookie; never stored
  Actor actor;
  absl::Time expires_at;
};

class AccountService {
 public:
  // Sessions end after `idle` without a request or `absolute` after login, whichever is first.
  static constexpr absl::Duration kSessionIdle = absl::Hours(2);
  static constexpr absl::Duration kSessionAbsolute = absl::Hours(12);

  AccountService(store::Store& store, const core::Clock& clock, core::IdSource& ids);

  // Creates a user; only a system administrator (or the CLI) may. Errors name the field.
  absl::StatusOr<int64_t> CreateUser(const Actor& actor, const NewUser& user);
  // Creates a user inside the caller's transaction (the demo builder uses it).
  absl::StatusOr<int64_t> CreateUserInTx(store::Tx& tx, const Actor& actor, const NewUser& user);

  // Checks the password and opens a session. A wrong username and a wrong password give the same
  // error (auth.invalid_credentials) after the same work, so usernames cannot be probed.
  absl::StatusOr<LoginResult> Login(std::string_view username, std::string_view password);
  // The actor of a live session; kUnauthenticated when the token is unknown or expired.
  absl::StatusOr<Actor> Authenticate(std::string_view token);
  // Ends the session (idempotent).
  absl::Status Logout(std::string_view token);

  absl::StatusOr<std::vector<UserInfo>> ListUsers(const Actor& actor);

 private:
  absl::StatusOr<Actor> LoadActor(store::Tx& tx, int64_t user_id);

  store::Store& store_;
  const core::Clock& clock_;
  core::IdSource& ids_;
};

// argon2id hash of `password` in libsodium's string form.
absl::StatusOr<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// The hex BLAKE2b-256 of a session token, as stored.
std::string TokenHash(std::string_view token);

}  // namespace zhida::services

#include "services/accounts.h"

#include "gtest/gtest.h"
#include "services/registry.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

using testing::NewTestEnv;
using testing::StaffActor;

NewUser Officer() {
  return NewUser{"officer", "林晓东", "staff", "secret-pass-1", std::nullopt,
                 {RoleGrant{"policy_officer", "350500", "350500.gxj"}}};
}

TEST(AccountsTest, LoginAuthenticateLogout) {
  auto env = NewTestEnv();
  AccountService accounts(*env->store, env->clock, env->ids);
  ASSERT_TRUE(accounts.CreateUser(Actor::System(), Officer()).ok());
  auto login = accounts.Login("officer", "secret-pass-1");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->actor.username, "officer");
  ASSERT_EQ(login->actor.roles.size(), 1u);
  EXPECT_EQ(login->actor.roles[0].dept, "350500.gxj");
  auto actor = accounts.Authenticate(login->token);
  ASSERT_TRUE(actor.ok()) << actor.status();
  EXPECT_EQ(actor->display_name, "林晓东");
  ASSERT_TRUE(accounts.Logout(login->token).ok());
  EXPECT_EQ(accounts.Authenticate(login->token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AccountsTest, WrongPasswordAndUnknownUserGiveTheSameError) {
  auto env = NewTestEnv();
  AccountService accounts(*env->store, env->clock, env->ids);
  ASSERT_TRUE(accounts.CreateUser(Actor::System(), Officer()).ok());
  auto wrong = accounts.Login("officer", "secret-pass-2");
  auto unknown = accounts.Login("nobody", "secret-pass-1");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status(), unknown.status());
  EXPECT_EQ(ErrorCode(wrong.status()), "auth.invalid_credentials");
}

TEST(AccountsTest, SessionsExpireWhenIdleAndTheStoreHoldsOnlyHashes) {
  auto env = NewTestEnv();
  AccountService accounts(*env->store, env->clock, env->ids);
  ASSERT_TRUE(accounts.CreateUser(Actor::System(), Officer()).ok());
  auto login = accounts.Login("officer", "secret-pass-1");
  ASSERT_TRUE(login.ok());
  env->clock.Advance(absl::Minutes(90));
  EXPECT_TRUE(accounts.Authenticate(login->token).ok());  // refreshes last_seen
  env->clock.Advance(absl::Minutes(90));
  EXPECT_TRUE(accounts.Authenticate(login->token).ok());
  env->clock.Advance(AccountService::kSessionIdle);
  EXPECT_EQ(ErrorCode(accounts.Authenticate(login->token).status()), "auth.session_expired");
  ASSERT_TRUE(env->store->InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, tx.Query("SELECT COUNT(*) FROM sessions WHERE token_hash = ?",
                                               {login->token}));
    EXPECT_EQ(r.rows[0].Int(0), 0);
    ASSIGN_OR_RETURN(store::Result h, tx.Query("SELECT COUNT(*) FROM sessions WHERE token_hash = ?",
                                               {TokenHash(login->token)}));
    EXPECT_EQ(h.rows[0].Int(0), 1);
    return absl::OkStatus();
  }).ok());
}

TEST(AccountsTest, ValidationNamesTheFieldAndOnlyAdminsCreate) {
  auto env = NewTestEnv();
  AccountService accounts(*env->store, env->clock, env->ids);
  NewUser weak = Officer();
  weak.password = "short";
  EXPECT_EQ(ErrorField(accounts.CreateUser(Actor::System(), weak).status()), "password");
  NewUser bad_name = Officer();
  bad_name.username = "Officer One";
  EXPECT_EQ(ErrorField(accounts.CreateUser(Actor::System(), bad_name).status()), "username");
  NewUser bad_dept = Officer();
  bad_dept.roles[0].dept = "350582.gxj";  // not in the role's region 350500
  EXPECT_EQ(ErrorCode(accounts.CreateUser(Actor::System(), bad_dept).status()),
            "user.role_dept_region");
  NewUser ent{"ent9", "企业用户", "enterprise", "secret-pass-1", std::string("91350581133456810F"),
              {RoleGrant{"enterprise", "350500", ""}}};
  EXPECT_EQ(ErrorCode(accounts.CreateUser(Actor::System(), ent).status()),
            "user.enterprise_unknown");
  Actor officer = StaffActor("policy_officer", "350500", "350500.gxj");
  EXPECT_EQ(accounts.CreateUser(officer, Officer()).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(accounts.CreateUser(Actor::System(), Officer()).ok());
  EXPECT_EQ(accounts.CreateUser(Actor::System(), Officer()).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(AccountsTest, EnterpriseUserActsForExactlyOneEnterprise) {
  auto env = NewTestEnv();
  RegistryService registry(*env->store, env->clock);
  ASSERT_TRUE(registry.ImportEnterprises(Actor::System(), testing::ThreeEnterprisesCsv(), {}).ok());
  AccountService accounts(*env->store, env->clock, env->ids);
  NewUser ent{"ent1", "企业用户", "enterprise", "secret-pass-1",
              std::string("91350581133456810F"), {RoleGrant{"enterprise", "350500", ""}}};
  ASSERT_TRUE(accounts.CreateUser(Actor::System(), ent).ok());
  auto login = accounts.Login("ent1", "secret-pass-1");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->actor.enterprise_uscc, "91350581133456810F");
  EXPECT_EQ(login->actor.kind, "enterprise");
}

}  // namespace
}  // namespace zhida::services

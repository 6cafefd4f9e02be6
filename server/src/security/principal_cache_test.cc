// The principal cache of AuthService: a looked-up session or API token is reused for
// principal_cache_ms; changes on the same instance apply at once, changes made elsewhere (another
// instance, the CLI) within the cache time. Two AuthService objects on one database stand for two
// instances; a manual clock stands for time.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit_log.h"
#include "base/config.h"
#include "security/auth_service.h"
#include "security/crypto.h"
#include "storage/database.h"
#include "storage/sql_store.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01
constexpr char kPassword[] = "correct-horse-battery";

class PrincipalCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    ctx_ = std::make_unique<ServiceContext>(ServiceContext{db_.store(), audit_, clock_});
    AuthSettings settings;
    settings.principal_cache_ms = 2000;
    here_ = std::make_unique<AuthService>(*ctx_, settings);
    elsewhere_ = std::make_unique<AuthService>(*ctx_, settings);
    User u;
    u.email = "rep@example.com";
    u.name = "Rep";
    u.role = "sales_rep";
    u.region = "east_china";
    auto created = here_->CreateUser(Actor::System(), u, kPassword);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    user_ = *created;
    auto token = here_->CreateToken(Actor::System(), user_.id, "ci", 0);
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    token_id_ = token->first.id;
    token_ = token->second;
    from_.ip = "10.1.2.3";
  }
  ManualClock clock_{kStart};
  AuditLog audit_;
  TestDatabase db_{"pcache"};
  std::unique_ptr<ServiceContext> ctx_;
  std::unique_ptr<AuthService> here_;
  std::unique_ptr<AuthService> elsewhere_;
  User user_;
  int64_t token_id_ = 0;
  std::string token_;
  Actor from_;
};

TEST_F(PrincipalCacheTest, TokenRevokedOnThisInstanceFailsAtOnce) {
  auto p = here_->AuthenticateBearer(token_, from_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(here_->RevokeToken(p->actor, token_id_).ok());
  EXPECT_EQ(here_->AuthenticateBearer(token_, from_).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(PrincipalCacheTest, TokenRevokedElsewhereFailsWithinTheCacheTime) {
  auto p = here_->AuthenticateBearer(token_, from_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(elsewhere_->RevokeToken(p->actor, token_id_).ok());
  EXPECT_EQ(elsewhere_->AuthenticateBearer(token_, from_).status().code(), StatusCode::kUnauthenticated);
  // This instance still holds the principal it looked up, for at most the cache time.
  EXPECT_TRUE(here_->AuthenticateBearer(token_, from_).ok());
  clock_.Advance(2000);
  EXPECT_EQ(here_->AuthenticateBearer(token_, from_).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(PrincipalCacheTest, UserChangesApplyAtOnceHereAndWithinTheCacheTimeElsewhere) {
  auto login = here_->Login("rep@example.com", kPassword, from_);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_TRUE(here_->AuthenticateSession(login->session_token, from_).ok());
  ASSERT_TRUE(elsewhere_->AuthenticateSession(login->session_token, from_).ok());
  ASSERT_TRUE(elsewhere_->AuthenticateBearer(token_, from_).ok());

  Change<User> promote{user_.meta.version, [](User& u) {
                         u.role = "sales_manager";
                         return Status::Ok();
                       }};
  ASSERT_TRUE(here_->UpdateUser(Actor::System(), user_.id, promote).ok());
  auto now_here = here_->AuthenticateSession(login->session_token, from_);
  ASSERT_TRUE(now_here.ok());
  EXPECT_EQ(now_here->actor.role, "sales_manager");
  EXPECT_EQ(elsewhere_->AuthenticateSession(login->session_token, from_)->actor.role, "sales_rep");
  clock_.Advance(2000);
  EXPECT_EQ(elsewhere_->AuthenticateSession(login->session_token, from_)->actor.role, "sales_manager");

  Change<User> disable{user_.meta.version + 1, [](User& u) {
                         u.disabled = true;
                         return Status::Ok();
                       }};
  ASSERT_TRUE(here_->UpdateUser(Actor::System(), user_.id, disable).ok());
  EXPECT_EQ(here_->AuthenticateSession(login->session_token, from_).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(here_->AuthenticateBearer(token_, from_).status().code(), StatusCode::kUnauthenticated);
  clock_.Advance(2000);
  EXPECT_EQ(elsewhere_->AuthenticateBearer(token_, from_).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(PrincipalCacheTest, ZeroDisablesTheCache) {
  AuthSettings settings;
  settings.principal_cache_ms = 0;
  AuthService uncached(*ctx_, settings);
  ASSERT_TRUE(uncached.AuthenticateBearer(token_, from_).ok());
  ASSERT_TRUE(elsewhere_->RevokeToken(Actor::System(), token_id_).ok());
  EXPECT_EQ(uncached.AuthenticateBearer(token_, from_).status().code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace salesdb

// AuthService on a real SQLite file with a manual clock: idle and absolute session timeouts, lockout
// expiry, throttling windows and token expiry, without waiting for wall-clock time.
#include "security/auth_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit_log.h"
#include "base/config.h"
#include "security/crypto.h"
#include "storage/database.h"
#include "storage/sql_store.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01
constexpr char kPassword[] = "correct-horse-battery";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    ctx_ = std::make_unique<ServiceContext>(ServiceContext{db_.store(), audit_, clock_});
    AuthSettings settings;
    settings.session_idle_minutes = 30;
    settings.session_absolute_hours = 12;
    settings.max_failures = 3;
    settings.lockout_minutes = 15;
    settings.ip_max_failures = 10;
    settings.ip_window_minutes = 10;
    auth_ = std::make_unique<AuthService>(*ctx_, settings);
    User u;
    u.email = "rep@example.com";
    u.name = "Rep";
    u.role = "sales_rep";
    u.region = "east_china";
    auto created = auth_->CreateUser(Actor::System(), u, kPassword);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    from_.ip = "10.1.2.3";
  }
  StatusOr<LoginResult> Login(const std::string& password, const std::string& ip = "10.1.2.3") {
    Actor from;
    from.ip = ip;
    return auth_->Login("rep@example.com", password, from);
  }

  ManualClock clock_{kStart};
  AuditLog audit_;
  TestDatabase db_{"auth"};
  std::unique_ptr<ServiceContext> ctx_;
  std::unique_ptr<AuthService> auth_;
  Actor from_;
};

TEST_F(AuthServiceTest, IdleTimeoutEndsAnUnusedSessionAndUseKeepsItAlive) {
  auto login = Login(kPassword);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  const std::string token = login->session_token;
  // Used every 20 minutes, the session outlives the 30-minute idle limit.
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(20 * kMsPerMinute);
    ASSERT_TRUE(auth_->AuthenticateSession(token, from_).ok()) << "use " << i;
  }
  clock_.Advance(30 * kMsPerMinute - 1);
  EXPECT_TRUE(auth_->AuthenticateSession(token, from_).ok());
  clock_.Advance(30 * kMsPerMinute);
  auto expired = auth_->AuthenticateSession(token, from_);
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(expired.status().slug(), "session-expired");
}

TEST_F(AuthServiceTest, AbsoluteTimeoutEndsEvenABusySession) {
  auto login = Login(kPassword);
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->expires_at, kStart + 12 * kMsPerHour);
  for (int i = 0; i < 12 * 4 - 1; ++i) {  // every 15 minutes for just under 12 hours
    clock_.Advance(15 * kMsPerMinute);
    ASSERT_TRUE(auth_->AuthenticateSession(login->session_token, from_).ok()) << i;
  }
  clock_.Set(kStart + 12 * kMsPerHour);
  EXPECT_EQ(auth_->AuthenticateSession(login->session_token, from_).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, LockoutExpiresAfterItsTime) {
  EXPECT_EQ(Login("wrong-1").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("wrong-2").status().code(), StatusCode::kUnauthenticated);
  Status locked = Login("wrong-3").status();
  EXPECT_EQ(locked.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(locked.slug(), "locked-out");
  EXPECT_EQ(locked.retry_after_seconds(), 15 * 60);

  clock_.Advance(10 * kMsPerMinute);
  Status still = Login(kPassword).status();
  EXPECT_EQ(still.slug(), "locked-out");
  EXPECT_EQ(still.retry_after_seconds(), 5 * 60);
  clock_.Advance(5 * kMsPerMinute);
  EXPECT_TRUE(Login(kPassword).ok());
  // The count starts again after a success.
  EXPECT_EQ(Login("wrong-4").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("wrong-5").status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login(kPassword).ok());
}

TEST_F(AuthServiceTest, LockedAccountStaysLockedUnderContinuedGuessing) {
  for (int i = 0; i < 3; ++i) (void)Login("wrong");
  // Guesses while locked neither unlock nor extend past the lockout; the right password waits.
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(kMsPerMinute);
    EXPECT_EQ(Login("wrong").status().slug(), "locked-out");
  }
  EXPECT_EQ(Login(kPassword).status().slug(), "locked-out");
  clock_.Set(kStart + 15 * kMsPerMinute);
  EXPECT_TRUE(Login(kPassword).ok());
}

TEST_F(AuthServiceTest, SetPasswordClearsLockoutAndRevokesSessions) {
  auto before = Login(kPassword);
  ASSERT_TRUE(before.ok());
  for (int i = 0; i < 3; ++i) (void)Login("wrong");
  EXPECT_EQ(Login(kPassword).status().slug(), "locked-out");
  ASSERT_TRUE(auth_->SetPassword(Actor::System(), "rep@example.com", "another-password-9").ok());
  EXPECT_EQ(auth_->AuthenticateSession(before->session_token, from_).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login("another-password-9").ok());
}

TEST_F(AuthServiceTest, IpThrottleWindowSlides) {
  Actor from;
  from.ip = "10.9.9.9";
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(auth_->Login("nobody" + std::to_string(i) + "@example.com", "x", from).status().code(),
              StatusCode::kUnauthenticated);
    clock_.Advance(30 * kMsPerSecond);
  }
  Status throttled = auth_->Login("rep@example.com", kPassword, from).status();
  EXPECT_EQ(throttled.slug(), "too-many-requests");
  EXPECT_GT(throttled.retry_after_seconds(), 0);
  // Another address is not throttled.
  EXPECT_TRUE(Login(kPassword, "10.1.1.1").ok());
  // Once the oldest failures leave the 10-minute window, the address may try again.
  clock_.Advance(10 * kMsPerMinute);
  EXPECT_TRUE(auth_->Login("rep@example.com", kPassword, from).ok());
}

TEST_F(AuthServiceTest, LogoutAndPasswordChangeRevoke) {
  auto a = Login(kPassword);
  auto b = Login(kPassword);
  ASSERT_TRUE(a.ok() && b.ok());
  auto pa = auth_->AuthenticateSession(a->session_token, from_);
  ASSERT_TRUE(pa.ok());
  ASSERT_TRUE(auth_->ChangePassword(*pa, kPassword, "brand-new-password").ok());
  EXPECT_TRUE(auth_->AuthenticateSession(a->session_token, from_).ok());
  EXPECT_FALSE(auth_->AuthenticateSession(b->session_token, from_).ok());
  ASSERT_TRUE(auth_->Logout(*pa).ok());
  EXPECT_FALSE(auth_->AuthenticateSession(a->session_token, from_).ok());
  EXPECT_EQ(auth_->ChangePassword(*pa, "not-it-at-all", "another-new-password").code(), StatusCode::kInvalidArgument);
}

TEST_F(AuthServiceTest, ApiTokensExpireAndRevoke) {
  auto login = Login(kPassword);
  ASSERT_TRUE(login.ok());
  auto p = auth_->AuthenticateSession(login->session_token, from_);
  ASSERT_TRUE(p.ok());
  auto created = auth_->CreateToken(p->actor, p->user.id, "ci", 1);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string token = created->second;
  EXPECT_TRUE(auth_->AuthenticateBearer(token, from_).ok());
  clock_.Advance(kMsPerDay);
  EXPECT_EQ(auth_->AuthenticateBearer(token, from_).status().code(), StatusCode::kUnauthenticated);
  auto forever = auth_->CreateToken(p->actor, p->user.id, "forever", 0);
  ASSERT_TRUE(forever.ok());
  clock_.Advance(3650 * kMsPerDay);
  EXPECT_TRUE(auth_->AuthenticateBearer(forever->second, from_).ok());
  EXPECT_TRUE(auth_->RevokeToken(p->actor, forever->first.id).ok());
  EXPECT_FALSE(auth_->AuthenticateBearer(forever->second, from_).ok());
  EXPECT_EQ(auth_->RevokeToken(p->actor, forever->first.id).code(), StatusCode::kNotFound);
  EXPECT_FALSE(auth_->AuthenticateBearer("sdb_not-a-token", from_).ok());
  EXPECT_FALSE(auth_->AuthenticateBearer("", from_).ok());
}

}  // namespace
}  // namespace salesdb

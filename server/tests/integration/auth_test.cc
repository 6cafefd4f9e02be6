// Login protection and sessions over HTTP: account lockout (429 + Retry-After, the right password
// refused while locked, `salesdb user passwd` clears it), per-IP throttling, logout, password
// change and disabling revoking sessions. Timeouts are covered with a manual clock in
// security/auth_service_test.cc.
#include <gtest/gtest.h>

#include "fixtures.h"

namespace salesdb::testing {
namespace {

TEST(AuthTest, LockoutAfterRepeatedFailuresAndPasswdClearsIt) {
  TestServer server({"SALESDB_LOGIN_MAX_FAILURES=3", "SALESDB_LOGIN_LOCKOUT_MINUTES=15",
                     "SALESDB_LOGIN_IP_MAX_FAILURES=1000"});
  server.CreateUser("locked@example.com", "sales_rep", "east_china");
  Client c(server);
  for (int i = 0; i < 2; ++i) {
    HttpResponse r = c.Login("locked@example.com", "wrong-password-1");
    EXPECT_TRUE(IsProblem(r, 401)) << i;
    EXPECT_EQ(r.json()["type"], "https://salesdb.dev/problems/invalid-credentials");
    EXPECT_TRUE(r.set_cookies.empty());
  }
  HttpResponse locked = c.Login("locked@example.com", "wrong-password-1");
  ASSERT_TRUE(IsProblem(locked, 429));
  EXPECT_EQ(locked.json()["type"], "https://salesdb.dev/problems/locked-out");
  EXPECT_EQ(locked.header("retry-after"), "900");

  // While locked, the right password is refused too, with the time left.
  HttpResponse right = c.Login("locked@example.com", kUserPassword);
  ASSERT_TRUE(IsProblem(right, 429));
  EXPECT_EQ(right.json()["type"], "https://salesdb.dev/problems/locked-out");
  int retry = std::stoi(right.header("retry-after"));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 900);
  EXPECT_TRUE(right.set_cookies.empty());
  EXPECT_EQ(c.Get("/api/v1/auth/me").status, 401);

  // Other accounts are not affected.
  Client admin(server);
  EXPECT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);

  // An operator resets the password: the lockout is cleared.
  std::string out;
  ASSERT_EQ(server.Cli("user passwd --email locked@example.com --password new-password-123", &out), 0) << out;
  EXPECT_TRUE(IsProblem(c.Login("locked@example.com", kUserPassword), 401));
  EXPECT_EQ(c.Login("locked@example.com", "new-password-123").status, 200);
  EXPECT_EQ(c.Get("/api/v1/auth/me").status, 200);
  // A success resets the failure count: two more failures do not lock.
  Client other(server);
  EXPECT_EQ(other.Login("locked@example.com", "nope-nope-nope").status, 401);
  EXPECT_EQ(other.Login("locked@example.com", "nope-nope-nope").status, 401);
  EXPECT_EQ(other.Login("locked@example.com", "new-password-123").status, 200);
  // The email is matched without regard to case, for lockout too.
  EXPECT_EQ(other.Login("LOCKED@example.com", "new-password-123").status, 200);
}

TEST(AuthTest, PerIpThrottling) {
  TestServer server({"SALESDB_LOGIN_IP_MAX_FAILURES=4", "SALESDB_LOGIN_IP_WINDOW_MINUTES=10",
                     "SALESDB_LOGIN_MAX_FAILURES=100"});
  Client c(server);
  // Failures spread over many (unknown) accounts still count against the address.
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = c.Login("nobody" + std::to_string(i) + "@example.com", "whatever-password");
    EXPECT_TRUE(IsProblem(r, 401)) << i;
  }
  HttpResponse throttled = c.Login("nobody9@example.com", "whatever-password");
  ASSERT_TRUE(IsProblem(throttled, 429));
  EXPECT_EQ(throttled.json()["type"], "https://salesdb.dev/problems/too-many-requests");
  EXPECT_EQ(throttled.header("retry-after"), "600");
  // Even a right password from that address waits; sessions already open keep working.
  EXPECT_TRUE(IsProblem(c.Login(kAdminEmail, kAdminPassword), 429));
  EXPECT_EQ(c.Get("/livez").status, 200);
}

TEST(AuthTest, SessionsEndOnLogoutPasswordChangeAndDisable) {
  TestServer server;
  server.CreateUser("sess@example.com", "viewer");
  Client a(server), b(server), admin(server);
  ASSERT_EQ(a.Login("sess@example.com", kUserPassword).status, 200);
  ASSERT_EQ(b.Login("sess@example.com", kUserPassword).status, 200);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);

  // A forged or foreign cookie is not a session.
  Client forged(server);
  EXPECT_TRUE(IsProblem(forged.Get("/api/v1/auth/me", {{"Cookie", "salesdb_session=" + std::string(43, 'A')}}), 401));
  EXPECT_TRUE(IsProblem(forged.Get("/api/v1/auth/me", {{"Cookie", "salesdb_session=" + std::string(5000, 'A')}}), 401));
  // A wrong CSRF token is refused on unsafe methods.
  EXPECT_EQ(a.Post("/api/v1/tokens", nlohmann::json{{"name", "x"}}, {{"X-CSRF-Token", "wrong"}}).json()["type"],
            "https://salesdb.dev/problems/csrf-failed");

  // Password change: wrong current password or a short new one → 422, nothing revoked.
  EXPECT_TRUE(IsProblem(a.Post("/api/v1/auth/password",
                               nlohmann::json{{"current_password", "not-my-password"}, {"new_password", "long-enough-pw-1"}}),
                        422));
  EXPECT_TRUE(IsProblem(
      a.Post("/api/v1/auth/password", nlohmann::json{{"current_password", kUserPassword}, {"new_password", "short"}}), 422));
  EXPECT_EQ(b.Get("/api/v1/auth/me").status, 200);
  // The right change revokes every other session of the user and keeps this one.
  ASSERT_EQ(a.Post("/api/v1/auth/password",
                   nlohmann::json{{"current_password", kUserPassword}, {"new_password", "changed-password-1"}})
                .status,
            204);
  EXPECT_EQ(a.Get("/api/v1/auth/me").status, 200);
  HttpResponse revoked = b.Get("/api/v1/auth/me");
  EXPECT_TRUE(IsProblem(revoked, 401));
  EXPECT_EQ(admin.Get("/api/v1/auth/me").status, 200);
  Client c(server);
  EXPECT_EQ(c.Login("sess@example.com", kUserPassword).status, 401);
  EXPECT_EQ(c.Login("sess@example.com", "changed-password-1").status, 200);

  // Logout revokes the session on the server: replaying the cookie does not work.
  HttpResponse out = a.Post("/api/v1/auth/logout", std::string());
  EXPECT_EQ(out.status, 204);
  ASSERT_FALSE(out.set_cookies.empty());
  EXPECT_NE(out.set_cookies[0].find("Max-Age=0"), std::string::npos);
  EXPECT_TRUE(IsProblem(a.Get("/api/v1/auth/me"), 401));
  EXPECT_EQ(c.Get("/api/v1/auth/me").status, 200);

  // Disabling a user ends their sessions and API tokens at once; they cannot log in.
  HttpResponse token = c.Post("/api/v1/tokens", nlohmann::json{{"name", "script"}});
  ASSERT_EQ(token.status, 201);
  Client script(server);
  script.UseBearer(token.json()["token"]);
  EXPECT_EQ(script.Get("/api/v1/customers").status, 200);
  int64_t id = c.Get("/api/v1/auth/me").json()["user"]["id"];
  int64_t version = 0;
  for (const auto& u : Items(admin.Get("/api/v1/users?limit=500"))) {
    if (u["id"] == id) version = u["version"];
  }
  HttpResponse disabled = admin.Patch("/api/v1/users/" + std::to_string(id), {{"disabled", true}},
                                      {{"If-Match", "\"v" + std::to_string(version) + "\""}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(IsProblem(c.Get("/api/v1/auth/me"), 401));
  EXPECT_TRUE(IsProblem(script.Get("/api/v1/customers"), 401));
  EXPECT_TRUE(IsProblem(Client(server).Login("sess@example.com", "changed-password-1"), 401));
  // An admin may not disable themselves or change their own role.
  nlohmann::json me = admin.Get("/api/v1/auth/me").json()["user"];
  HttpResponse self = admin.Patch("/api/v1/users/" + std::to_string(me["id"].get<int64_t>()), {{"role", "viewer"}},
                                  {{"If-Match", "\"v" + std::to_string(me["version"].get<int64_t>()) + "\""}});
  EXPECT_TRUE(IsProblem(self, 409)) << self.body;
}

}  // namespace
}  // namespace salesdb::testing

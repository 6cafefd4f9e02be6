// The maintenance gate of the front end: while a restore runs, every request but /livez, /readyz
// and /metrics answers 503 problem+json with Retry-After, and /readyz says maintenance. A real API on
// a SQLite file stands behind it.
#include "http/frontend.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit_log.h"
#include "security/auth_service.h"
#include "security/crypto.h"
#include "storage/database.h"
#include "storage/sql_store.h"
#include "storage/test_database.h"

namespace salesdb::http {
namespace {

class FrontendMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    ctx_ = std::make_unique<ServiceContext>(ServiceContext{db_.store(), audit_, clock_});
    auth_ = std::make_unique<AuthService>(*ctx_, AuthSettings{});
    customers_ = std::make_unique<CustomerService>(*ctx_);
    contacts_ = std::make_unique<ContactService>(*ctx_);
    licenses_ = std::make_unique<LicenseService>(*ctx_);
    activities_ = std::make_unique<ActivityService>(*ctx_);
    opportunities_ = std::make_unique<OpportunityService>(*ctx_);
    dashboard_ = std::make_unique<DashboardService>(*ctx_);
    api_ = std::make_unique<api::Api>(
        api::Services{*auth_, *customers_, *contacts_, *licenses_, *activities_, *opportunities_, *dashboard_,
                      db_.store(), clock_},
        api::ApiOptions{});
    health_.Add("database", [] { return monitoring::CheckResult{}; });
    FrontendOptions options;
    options.maintenance = &maintenance_;
    frontend_ = std::make_unique<Frontend>(*api_, health_, options);
  }
  api::Response Get(const std::string& path) {
    api::Request req;
    req.method = "GET";
    req.path = path;
    req.ip = "127.0.0.1";
    return frontend_->Handle(req);
  }

  ManualClock clock_{1767225600000};
  AuditLog audit_;
  TestDatabase db_{"frontend"};
  std::unique_ptr<ServiceContext> ctx_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<CustomerService> customers_;
  std::unique_ptr<ContactService> contacts_;
  std::unique_ptr<LicenseService> licenses_;
  std::unique_ptr<ActivityService> activities_;
  std::unique_ptr<OpportunityService> opportunities_;
  std::unique_ptr<DashboardService> dashboard_;
  std::unique_ptr<api::Api> api_;
  monitoring::Health health_;
  monitoring::Maintenance maintenance_;
  std::unique_ptr<Frontend> frontend_;
};

TEST_F(FrontendMaintenanceTest, OtherRequestsGet503WhileOperationsEndpointsAnswer) {
  EXPECT_EQ(Get("/api/v1/customers").status, 401);
  EXPECT_EQ(Get("/readyz").status, 200);
  EXPECT_EQ(maintenance_.in_flight(), 0);  // released after each answer

  ASSERT_TRUE(maintenance_.Begin("replacing the database", 0, std::chrono::milliseconds(1000)).ok());
  for (const char* path : {"/api/v1/customers", "/api/v1/auth/me", "/", "/customers/12"}) {
    api::Response r = Get(path);
    EXPECT_EQ(r.status, 503) << path;
    EXPECT_EQ(r.content_type, "application/problem+json") << path;
    EXPECT_EQ(r.FindHeader("Retry-After"), "5") << path;
    EXPECT_NE(r.body.find("maintenance"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Get("/livez").status, 200);
  EXPECT_EQ(Get("/metrics").status, 200);
  api::Response ready = Get("/readyz");
  EXPECT_EQ(ready.status, 503);
  auto body = nlohmann::json::parse(ready.body);
  EXPECT_EQ(body["checks"]["maintenance"][0]["output"], "restoring a backup: replacing the database") << ready.body;

  maintenance_.End();
  EXPECT_EQ(Get("/api/v1/customers").status, 401);
  EXPECT_EQ(Get("/readyz").status, 200);
}

api::Request Req(const std::string& method, const std::string& path,
                 std::unordered_map<std::string, std::string> query = {}) {
  api::Request r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  return r;
}

TEST(QuickReadTest, PagesRowsProbesAndFilesRunOnTheIoThreads) {
  for (const char* path : {"/", "/customers/42", "/assets/index-1a2b.js", "/livez", "/readyz", "/metrics",
                           "/api/v1", "/api/v1/auth/me", "/api/v1/customers", "/api/v1/customers/42",
                           "/api/v1/contacts", "/api/v1/licenses/7", "/api/v1/activities", "/api/v1/opportunities/3"}) {
    EXPECT_TRUE(IsQuickRead(Req("GET", path))) << path;
  }
  EXPECT_TRUE(IsQuickRead(Req("HEAD", "/api/v1/customers/42")));
  EXPECT_TRUE(IsQuickRead(Req("GET", "/api/v1/customers", {{"region", "emea"}, {"limit", "50"}})));
}

TEST(QuickReadTest, WritesSearchesAndSlowReadsGoToTheWorkers) {
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    EXPECT_FALSE(IsQuickRead(Req(method, "/api/v1/customers/42"))) << method;
  }
  EXPECT_FALSE(IsQuickRead(Req("POST", "/api/v1/auth/login")));
  EXPECT_FALSE(IsQuickRead(Req("GET", "/api/v1/customers", {{"q", "acme"}})));
  for (const char* path : {"/api/v1/dashboard/summary", "/api/v1/audit", "/api/v1/audit/export.csv",
                           "/api/v1/audit/verify", "/api/v1/backups", "/api/v1/backups/3/download",
                           "/api/v1/customers/42/timeline", "/api/v1/customers/export.csv", "/api/v1/customers/",
                           "/api/v1/customersx", "/api/v1/customers/4x2", "/api/v1/users", "/api/v1/alerts"}) {
    EXPECT_FALSE(IsQuickRead(Req("GET", path))) << path;
  }
}

}  // namespace
}  // namespace salesdb::http

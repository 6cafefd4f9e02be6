// The core flows: login, customer CRUD with optimistic concurrency, idempotent POST, bad input.
#include <map>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "fixtures.h"
#include "harness.h"

namespace salesdb::testing {
namespace {

class CoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  Client Admin() {
    Client c(*server_);
    EXPECT_EQ(c.Login(kAdminEmail, kAdminPassword).status, 200);
    return c;
  }
  static TestServer* server_;
};
TestServer* CoreTest::server_ = nullptr;

TEST_F(CoreTest, LoginSetsHttpOnlyCookieAndMeAnswers) {
  Client c(*server_);
  HttpResponse r = c.Login(kAdminEmail, kAdminPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(r.set_cookies.empty());
  EXPECT_NE(r.set_cookies[0].find("HttpOnly"), std::string::npos);
  EXPECT_NE(r.set_cookies[0].find("SameSite=Lax"), std::string::npos);
  EXPECT_FALSE(r.header("x-request-id").empty());
  HttpResponse me = c.Get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["user"]["email"], kAdminEmail);
  EXPECT_EQ(me.json()["user"].count("password_hash"), 0u);
}

TEST_F(CoreTest, WithoutSessionEverythingIs401Problem) {
  Client c(*server_);
  HttpResponse r = c.Get("/api/v1/customers");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["status"], 401);
  EXPECT_FALSE(r.json()["request_id"].get<std::string>().empty());
}

TEST_F(CoreTest, CsrfTokenRequiredOnUnsafeMethods) {
  Client c = Admin();
  c.ForgetCsrf();
  HttpResponse r = c.Post("/api/v1/customers", CustomerBody("No CSRF Ltd"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["type"], "https://salesdb.dev/problems/csrf-failed");
}

TEST_F(CoreTest, CustomerLifecycleWithVersions) {
  Client c = Admin();
  HttpResponse created = c.Post("/api/v1/customers", CustomerBody("杭州云帆科技有限公司"));
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = created.json()["id"];
  EXPECT_EQ(created.header("location"), "/api/v1/customers/" + std::to_string(id));
  EXPECT_EQ(created.header("etag"), "\"v1\"");

  HttpResponse got = c.Get("/api/v1/customers/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["name"], "杭州云帆科技有限公司");
  EXPECT_TRUE(got.json()["contacts"].is_array());
  HttpResponse not_modified = c.Get("/api/v1/customers/" + std::to_string(id), {{"If-None-Match", got.header("etag")}});
  EXPECT_EQ(not_modified.status, 304);

  HttpResponse patched = c.Patch("/api/v1/customers/" + std::to_string(id), {{"status", "active"}},
                                 {{"If-Match", "\"v1\""}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["version"], 2);

  // A second writer still holding v1 loses: 412, nothing changes.
  HttpResponse stale = c.Patch("/api/v1/customers/" + std::to_string(id), {{"status", "churned"}},
                               {{"If-Match", "\"v1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.json()["current_version"], 2);
  EXPECT_EQ(c.Get("/api/v1/customers/" + std::to_string(id)).json()["status"], "active");

  HttpResponse no_version = c.Patch("/api/v1/customers/" + std::to_string(id), {{"status", "churned"}});
  EXPECT_EQ(no_version.status, 428);

  EXPECT_EQ(c.Delete("/api/v1/customers/" + std::to_string(id), {{"If-Match", "\"v2\""}}).status, 204);
  EXPECT_EQ(c.Get("/api/v1/customers/" + std::to_string(id)).status, 404);
  HttpResponse trash = c.Get("/api/v1/customers?deleted=true");
  ASSERT_EQ(trash.status, 200);
  EXPECT_EQ(trash.json()["items"][0]["id"], id);
  EXPECT_EQ(c.Post("/api/v1/customers/" + std::to_string(id) + "/restore", std::string()).status, 200);
  EXPECT_EQ(c.Get("/api/v1/customers/" + std::to_string(id)).status, 200);
}

// The detail page's five reads (one round trip on PostgreSQL): every kind of child, sealed columns
// opened, the customer's columns filled in, each list in its order, the 20 latest activities; a customer
// in the trash is not found.
TEST_F(CoreTest, CustomerDetailHoldsEveryKindOfChild) {
  Client c = Admin();
  int64_t id = CreateRow(c, "/api/v1/customers", CustomerBody("Detail Pipeline Co."));
  int64_t other = CreateRow(c, "/api/v1/customers", CustomerBody("Someone Else Ltd"));
  CreateRow(c, "/api/v1/contacts", ContactBody(id, "First Contact"));
  CreateRow(c, "/api/v1/contacts", ContactBody(id, "Second Contact"));
  CreateRow(c, "/api/v1/contacts", ContactBody(other, "Not Theirs"));
  nlohmann::json later = LicenseBody(id);
  later["expires_at"] = kJan2027 + 86'400'000;
  int64_t later_license = CreateRow(c, "/api/v1/licenses", later);
  CreateRow(c, "/api/v1/licenses", LicenseBody(id));
  CreateRow(c, "/api/v1/opportunities", OpportunityBody(id));
  for (int i = 0; i < 22; ++i) {
    nlohmann::json a = ActivityBody(id, "Call " + std::to_string(i));
    a["occurred_at"] = kJan2026 + i * 3'600'000;
    CreateRow(c, "/api/v1/activities", a);
  }

  HttpResponse got = c.Get("/api/v1/customers/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.body;
  nlohmann::json d = got.json();
  EXPECT_EQ(d["name"], "Detail Pipeline Co.");
  ASSERT_EQ(d["contacts"].size(), 2u);
  EXPECT_EQ(d["contacts"][0]["name"], "Second Contact");  // newest first
  EXPECT_EQ(d["contacts"][0]["email"], "li.wei@example.cn");
  ASSERT_EQ(d["licenses"].size(), 2u);
  EXPECT_EQ(d["licenses"][0]["id"], later_license);  // latest expiry first
  EXPECT_EQ(d["licenses"][0]["key"], c.Get("/api/v1/licenses/" + std::to_string(later_license)).json()["key"]);
  ASSERT_EQ(d["opportunities"].size(), 1u);
  EXPECT_EQ(d["opportunities"][0]["name"], "Enterprise upgrade");
  ASSERT_EQ(d["activities"].size(), 20u);
  EXPECT_EQ(d["activities"][0]["subject"], "Call 21");
  EXPECT_EQ(d["activities"][19]["subject"], "Call 2");
  EXPECT_EQ(d["activities"][0]["body"], "Talked about Dify");
  EXPECT_EQ(d["active_license_count"], 2);
  // Licences and opportunities name their customer's owner: who may change them.
  EXPECT_EQ(d["licenses"][0]["customer_owner_id"], d["owner_id"]);
  EXPECT_EQ(d["opportunities"][0]["customer_owner_id"], d["owner_id"]);
  // The detail reads its lists without joining the customer, whose columns it fills in: each child
  // equals its own GET, which joins.
  for (const char* kind : {"contacts", "licenses", "activities", "opportunities"}) {
    const nlohmann::json& child = d[kind][0];
    EXPECT_EQ(child, c.Get(std::string("/api/v1/") + kind + "/" + std::to_string(child["id"].get<int64_t>())).json())
        << kind;
  }

  EXPECT_TRUE(IsProblem(c.Get("/api/v1/customers/999999999"), 404));
  EXPECT_EQ(c.Delete("/api/v1/customers/" + std::to_string(id), {{"If-Match", "\"v1\""}}).status, 204);
  EXPECT_TRUE(IsProblem(c.Get("/api/v1/customers/" + std::to_string(id)), 404));
  EXPECT_EQ(c.Get("/api/v1/customers/" + std::to_string(other)).json()["contacts"].size(), 1u);
}

// A customer's timeline carries each row (an activity's body, a licence, an opportunity) as the row's own
// GET shows it to the same reader: whole for the admin, masked for a rep on someone else's customer.
TEST_F(CoreTest, TimelineItemsCarryTheirRowsMaskedAsTheirOwnGet) {
  Client admin = Admin();
  const int64_t customer = CreateRow(admin, "/api/v1/customers", CustomerBody("Timeline Rows Ltd", "east_china"));
  const int64_t activity = CreateRow(admin, "/api/v1/activities", ActivityBody(customer, "Pricing call"));
  const int64_t license = CreateRow(admin, "/api/v1/licenses", LicenseBody(customer));
  const int64_t opportunity = CreateRow(admin, "/api/v1/opportunities", OpportunityBody(customer));
  server_->CreateUser("timeline.rep@example.com", "sales_rep", "east_china");
  Client rep(*server_);
  ASSERT_EQ(rep.Login("timeline.rep@example.com", kUserPassword).status, 200);

  const std::map<std::string, std::string> own_get = {{"activity", "/api/v1/activities/" + std::to_string(activity)},
                                                      {"license", "/api/v1/licenses/" + std::to_string(license)},
                                                      {"opportunity", "/api/v1/opportunities/" + std::to_string(opportunity)}};
  for (Client* reader : {&admin, &rep}) {
    HttpResponse got = reader->Get("/api/v1/customers/" + std::to_string(customer) + "/timeline");
    ASSERT_EQ(got.status, 200) << got.body;
    nlohmann::json items = got.json()["items"];
    ASSERT_EQ(items.size(), 3u);
    for (const auto& item : items) {
      const std::string kind = item["kind"];
      ASSERT_TRUE(item.contains(kind)) << item;
      EXPECT_EQ(item[kind], reader->Get(own_get.at(kind)).json()) << kind;
    }
  }
  // What the comparison above stands on: the admin reads the body, the rep does not.
  EXPECT_EQ(admin.Get(own_get.at("activity")).json()["body"], "Talked about Dify");
  EXPECT_NE(rep.Get(own_get.at("activity")).json()["body"], "Talked about Dify");
}

// Customers are owned by sales people: nobody hands one to finance, a viewer or an auditor, and a sales
// manager hands them only to people of their own region. A refused owner is a 422 that changes nothing.
TEST_F(CoreTest, CustomersGoOnlyToSalesPeopleInScope) {
  Client admin = Admin();
  const int64_t manager = server_->CreateUser("owners.manager@example.com", "sales_manager", "emea");
  const int64_t own_rep = server_->CreateUser("owners.rep@example.com", "sales_rep", "emea");
  const int64_t far_rep = server_->CreateUser("owners.far@example.com", "sales_rep", "apac");
  const int64_t finance = server_->CreateUser("owners.finance@example.com", "finance");
  Client boss(*server_);
  ASSERT_EQ(boss.Login("owners.manager@example.com", kUserPassword).status, 200);
  const int64_t customer = CreateCustomer(admin, "Owned Right Ltd", "emea", manager);
  const std::string path = "/api/v1/customers/" + std::to_string(customer);

  auto give = [&](Client& c, int64_t owner) {
    const std::string etag = c.Get(path).header("etag");
    return c.Patch(path, {{"owner_id", owner}}, {{"If-Match", etag}});
  };
  EXPECT_TRUE(IsProblem(give(admin, finance), 422));
  EXPECT_TRUE(IsProblem(give(boss, far_rep), 422));
  EXPECT_TRUE(IsProblem(give(boss, 1), 422));  // the admin
  EXPECT_EQ(admin.Get(path).json()["owner_id"], manager);
  HttpResponse handed = give(boss, own_rep);
  ASSERT_EQ(handed.status, 200) << handed.body;
  EXPECT_EQ(handed.json()["owner_id"], own_rep);
  HttpResponse moved = give(admin, far_rep);  // the admin may; the customer stays in emea
  EXPECT_EQ(moved.status, 200) << moved.body;

  // The manager's list of users is their region's people, not the company.
  std::set<int64_t> listed;
  for (const auto& u : Items(boss.Get("/api/v1/users?limit=500"))) {
    EXPECT_EQ(u["region"], "emea") << u;
    listed.insert(u["id"].get<int64_t>());
  }
  EXPECT_EQ(listed, (std::set<int64_t>{manager, own_rep}));
  EXPECT_GT(Items(admin.Get("/api/v1/users?limit=500")).size(), 4u);
}

// The names beside user ids (a customer's owner, an activity's author, an opportunity's owner) are
// kept in memory (storage/user_names.h): a new user is named at once, a renamed one by the next read
// of every view, the cached customer list included.
TEST_F(CoreTest, UserNamesBesideRowsFollowRenames) {
  Client admin = Admin();
  const int64_t rep = CreateRow(admin, "/api/v1/users",
                                {{"email", "named.rep@example.com"}, {"name", "Zhou Before"}, {"role", "sales_rep"},
                                 {"region", "east_china"}, {"password", kUserPassword}});
  const int64_t customer = CreateCustomer(admin, "Named Owner Co.", "east_china", rep);
  nlohmann::json opportunity_body = OpportunityBody(customer);
  opportunity_body["owner_id"] = rep;
  const int64_t opportunity = CreateRow(admin, "/api/v1/opportunities", opportunity_body);
  Client writer(*server_);
  ASSERT_EQ(writer.Login("named.rep@example.com", kUserPassword).status, 200);
  const int64_t activity = CreateRow(writer, "/api/v1/activities", ActivityBody(customer));
  const std::string id = std::to_string(customer);

  auto expect_named = [&](const std::string& name) {
    nlohmann::json d = admin.Get("/api/v1/customers/" + id).json();
    EXPECT_EQ(d["owner_name"], name);
    ASSERT_EQ(d["activities"].size(), 1u);
    EXPECT_EQ(d["activities"][0]["user_name"], name);
    ASSERT_EQ(d["opportunities"].size(), 1u);
    EXPECT_EQ(d["opportunities"][0]["owner_name"], name);
    nlohmann::json listed = Items(admin.Get("/api/v1/customers?owner_id=" + std::to_string(rep)));
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["owner_name"], name);
    EXPECT_EQ(admin.Get("/api/v1/activities/" + std::to_string(activity)).json()["user_name"], name);
    EXPECT_EQ(admin.Get("/api/v1/opportunities/" + std::to_string(opportunity)).json()["owner_name"], name);
    EXPECT_EQ(Items(admin.Get("/api/v1/activities?customer_id=" + id))[0]["user_name"], name);
  };
  expect_named("Zhou Before");
  HttpResponse renamed = admin.Patch("/api/v1/users/" + std::to_string(rep), {{"name", "Zhou After"}},
                                     {{"If-Match", "\"v1\""}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  expect_named("Zhou After");
}

// Enough writes on the one writer connection (PgStatementCache: after 64 and 256 runs) that its statements
// are prepared again on PostgreSQL (fresh plans for grown tables) and keep answering; the audit
// chain, whose head is read once per batch, stays intact.
TEST_F(CoreTest, StatementsPreparedAgainKeepAnswering) {
  Client c = Admin();
  int64_t id = CreateRow(c, "/api/v1/customers", CustomerBody("Many Calls Ltd"));
  int created = 0;
  for (int i = 0; i < 1010; ++i) {
    nlohmann::json a = ActivityBody(id, "Replan " + std::to_string(i));
    a["occurred_at"] = kJan2026 + i * 1000;
    created += c.Post("/api/v1/activities", a).status == 201;
  }
  EXPECT_EQ(created, 1010);
  HttpResponse got = c.Get("/api/v1/customers/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["activities"][0]["subject"], "Replan 1009");
  HttpResponse verified = c.Get("/api/v1/audit/verify");
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_TRUE(verified.json()["intact"].get<bool>()) << verified.body;
}

TEST_F(CoreTest, IdempotentRetryCreatesOneRow) {
  Client c = Admin();
  auto body = CustomerBody("Idempotent Systems Inc.");
  HttpResponse first = c.Post("/api/v1/customers", body, {{"Idempotency-Key", "key-123"}});
  HttpResponse second = c.Post("/api/v1/customers", body, {{"Idempotency-Key", "key-123"}});
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(first.json()["id"], second.json()["id"]);
  EXPECT_EQ(second.header("idempotent-replayed"), "true");
  HttpResponse list = c.Get("/api/v1/customers?q=Idempotent");
  EXPECT_EQ(list.json()["items"].size(), 1u);
  HttpResponse other = c.Post("/api/v1/customers", CustomerBody("Other"), {{"Idempotency-Key", "key-123"}});
  EXPECT_EQ(other.status, 422);
}

TEST_F(CoreTest, BadInputGetsProblemAndWritesNothing) {
  Client c = Admin();
  auto count = [&] { return c.Get("/api/v1/customers?limit=500").json()["items"].size(); };
  size_t before = count();
  EXPECT_EQ(c.Post("/api/v1/customers", std::string("{not json")).status, 400);
  EXPECT_EQ(c.Post("/api/v1/customers", std::string("[1,2]")).status, 400);
  EXPECT_EQ(c.Post("/api/v1/customers", std::string("{\"name\":\"\xff\xfe\"}")).status, 400);
  HttpResponse wrong_type = c.Post("/api/v1/customers", nlohmann::json{{"name", 5}, {"region", "east_china"}});
  EXPECT_EQ(wrong_type.status, 422);
  EXPECT_EQ(wrong_type.json()["errors"][0]["field"], "name");
  HttpResponse unknown = c.Post("/api/v1/customers", nlohmann::json{{"name", "X"}, {"region", "east_china"}, {"bogus", 1}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.json()["errors"][0]["code"], "unknown_field");
  HttpResponse bad_region = c.Post("/api/v1/customers", CustomerBody("X", "atlantis"));
  EXPECT_EQ(bad_region.status, 422);
  EXPECT_EQ(c.Post("/api/v1/customers", CustomerBody("X"), {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(c.Post("/api/v1/customers", std::string(2 << 20, 'x')).status, 413);
  HttpResponse sql = c.Get("/api/v1/customers?q=%27%3B%20DROP%20TABLE%20customers%3B--");
  EXPECT_EQ(sql.status, 200);
  EXPECT_EQ(c.Get("/api/v1/customers?limit=100000").status, 422);
  EXPECT_EQ(c.Get("/api/v1/customers?sort=password").status, 422);
  EXPECT_EQ(c.Get("/api/v1/customers?cursor=garbage").status, 422);
  EXPECT_EQ(c.Get("/api/v1/customers/abc").status, 404);
  EXPECT_EQ(c.Send("PUT", "/api/v1/customers", "", {}).status, 405);
  EXPECT_EQ(count(), before);
  EXPECT_EQ(c.Get("/livez").status, 200);
}

TEST_F(CoreTest, KeysetPagingVisitsEveryRowOnce) {
  Client c = Admin();
  for (int i = 0; i < 7; ++i) ASSERT_EQ(c.Post("/api/v1/customers", CustomerBody("Paging " + std::to_string(i))).status, 201);
  std::set<int64_t> seen;
  std::string cursor;
  for (int page = 0; page < 20; ++page) {
    HttpResponse r = c.Get("/api/v1/customers?limit=3&sort=name&q=Paging" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    nlohmann::json body = r.json();
    for (const auto& item : body["items"]) EXPECT_TRUE(seen.insert(item["id"].get<int64_t>()).second);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(seen.size(), 7u);
}

// The customer's active licence count, as the detail and the list show it (they must agree).
int64_t ActiveLicences(Client& c, int64_t customer) {
  HttpResponse detail = c.Get("/api/v1/customers/" + std::to_string(customer));
  EXPECT_EQ(detail.status, 200) << detail.body;
  int64_t count = detail.json()["active_license_count"];
  std::string name = detail.json()["name"];
  HttpResponse list = c.Get("/api/v1/customers?limit=200&q=" + UrlEncode(name));
  bool listed = false;
  nlohmann::json page = list.json();
  for (const auto& row : page["items"]) {
    if (row["id"] == customer) {
      EXPECT_EQ(row["active_license_count"], count);
      listed = true;
    }
  }
  EXPECT_TRUE(listed) << list.body;
  return count;
}

// The dashboard follows committed writes (the summary is recomputed after each one; on a database
// this small the writer's next request waits for it, others' follow within moments) and a sales
// manager's summary counts their region only.
TEST_F(CoreTest, DashboardFollowsWritesAndScope) {
  Client admin = Admin();
  auto summary = [](Client& c) {
    HttpResponse r = c.Get("/api/v1/dashboard/summary");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  };
  nlohmann::json before = summary(admin);
  int64_t customer = admin.Post("/api/v1/customers", CustomerBody("Dashboard Lead", "emea")).json()["id"];
  nlohmann::json after = summary(admin);
  EXPECT_EQ(after["customers_by_status"]["lead"], before["customers_by_status"]["lead"].get<int64_t>() + 1);
  EXPECT_GE(after["generated_at"].get<int64_t>(), before["generated_at"].get<int64_t>());

  HttpResponse issued = admin.Post("/api/v1/licenses", nlohmann::json{{"customer_id", customer},
                                                                      {"edition", "team"},
                                                                      {"seats", 5},
                                                                      {"annual_value_minor", 500000},
                                                                      {"currency", "USD"},
                                                                      {"starts_at", 1767225600000},
                                                                      {"expires_at", 1893456000000},
                                                                      {"deployment", "cloud"}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  nlohmann::json licensed = summary(admin);
  EXPECT_EQ(licensed["active_licenses"], after["active_licenses"].get<int64_t>() + 1);

  // The pipeline keeps each currency's amount apart: yuan and dollars are never added up.
  auto negotiation = [](const nlohmann::json& s) {
    std::map<std::string, int64_t> amounts;
    int64_t count = -1;
    for (const auto& stage : s["pipeline"]) {
      if (stage["stage"] != "negotiation") continue;
      count = stage["count"];
      for (const auto& a : stage["amounts"]) amounts[a["currency"]] = a["amount_minor"];
    }
    return std::pair{count, amounts};
  };
  auto [count_before, amounts_before] = negotiation(licensed);
  for (auto [currency, amount] : {std::pair{"USD", 300000}, std::pair{"CNY", 2000000}}) {
    nlohmann::json body = OpportunityBody(customer);
    body["stage"] = "negotiation";
    body["currency"] = currency;
    body["amount_minor"] = amount;
    ASSERT_EQ(admin.Post("/api/v1/opportunities", body).status, 201);
  }
  auto [count_after, amounts_after] = negotiation(summary(admin));
  EXPECT_EQ(count_after, count_before + 2);
  EXPECT_EQ(amounts_after["USD"], amounts_before["USD"] + 300000);
  EXPECT_EQ(amounts_after["CNY"], amounts_before["CNY"] + 2000000);

  server_->CreateUser("emea.manager@example.com", "sales_manager", "emea");
  Client manager(*server_);
  ASSERT_EQ(manager.Login("emea.manager@example.com", kUserPassword).status, 200);
  nlohmann::json scoped = summary(manager);
  int64_t emea_customers = 0;
  for (const char* status : {"lead", "active", "churned"}) emea_customers += scoped["customers_by_status"][status].get<int64_t>();
  HttpResponse listed = admin.Get("/api/v1/customers?region=emea&limit=200");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(emea_customers, static_cast<int64_t>(listed.json()["items"].size()));
  EXPECT_EQ(scoped["active_licenses"], 1);

  // A customer in the trash leaves the summary with its licences (company-wide and in its region).
  HttpResponse current = admin.Get("/api/v1/customers/" + std::to_string(customer));
  ASSERT_EQ(current.status, 200);
  ASSERT_EQ(admin.Delete("/api/v1/customers/" + std::to_string(customer), {{"If-Match", current.header("etag")}}).status,
            204);
  nlohmann::json trashed = summary(admin);
  EXPECT_EQ(trashed["customers_by_status"]["lead"], before["customers_by_status"]["lead"]);
  EXPECT_EQ(trashed["active_licenses"], before["active_licenses"]);
  // The manager wrote nothing: they may get the previous summary while the next one is computed.
  bool refreshed = false;
  for (int i = 0; i < 200 && !refreshed; ++i) {
    refreshed = summary(manager)["active_licenses"] == 0;
    if (!refreshed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(refreshed);
}

TEST_F(CoreTest, LicenceIssueRenewRevoke) {
  Client c = Admin();
  int64_t customer = c.Post("/api/v1/customers", CustomerBody("Licence Holder")).json()["id"];
  HttpResponse issued = c.Post("/api/v1/licenses", nlohmann::json{{"customer_id", customer},
                                                                  {"edition", "enterprise"},
                                                                  {"seats", 50},
                                                                  {"annual_value_minor", 1800000},
                                                                  {"currency", "CNY"},
                                                                  {"starts_at", 1767225600000},
                                                                  {"expires_at", 1798761600000},
                                                                  {"deployment", "self_hosted"}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  std::string key = issued.json()["key"];
  EXPECT_EQ(key.rfind("DIFY-", 0), 0u);
  EXPECT_EQ(issued.json()["status"], "active");
  EXPECT_EQ(ActiveLicences(c, customer), 1);
  int64_t id = issued.json()["id"];
  HttpResponse found = c.Get("/api/v1/licenses?key=" + key);
  ASSERT_EQ(found.json()["items"].size(), 1u);
  HttpResponse renewed = c.Post("/api/v1/licenses/" + std::to_string(id) + "/renew",
                                nlohmann::json{{"expires_at", 1830297600000}, {"version", 1}});
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  HttpResponse revoked = c.Post("/api/v1/licenses/" + std::to_string(id) + "/revoke",
                                nlohmann::json{{"reason", "contract ended"}, {"version", 2}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json()["status"], "revoked");
  EXPECT_EQ(ActiveLicences(c, customer), 0);
  HttpResponse again = c.Post("/api/v1/licenses/" + std::to_string(id) + "/renew",
                              nlohmann::json{{"expires_at", 1861920000000}, {"version", 3}});
  EXPECT_EQ(again.status, 409);
}

// A create answers with the row as written and the values its reads join in (the customer's name
// and owner, the user's name) without reading it back: the answer must equal a read of the row.
TEST_F(CoreTest, CreateAnswersWhatAReadOfTheRowReturns) {
  Client c = Admin();
  const int64_t customer = CreateRow(c, "/api/v1/customers", CustomerBody("Read Back Ltd"));
  const std::vector<std::pair<std::string, nlohmann::json>> kinds = {
      {"contacts", ContactBody(customer)},
      {"activities", ActivityBody(customer)},
      {"opportunities", OpportunityBody(customer)},
      {"licenses", LicenseBody(customer)}};
  for (const auto& [path, body] : kinds) {
    HttpResponse created = c.Post("/api/v1/" + path, body);
    ASSERT_EQ(created.status, 201) << path << ": " << created.body;
    HttpResponse read = c.Get("/api/v1/" + path + "/" + std::to_string(created.json()["id"].get<int64_t>()));
    ASSERT_EQ(read.status, 200) << path << ": " << read.body;
    EXPECT_EQ(created.json(), read.json()) << path;
  }
}

TEST_F(CoreTest, AuditChainVerifies) {
  Client c = Admin();
  ASSERT_EQ(c.Post("/api/v1/customers", CustomerBody("Audited Co")).status, 201);
  std::string out;
  EXPECT_EQ(server_->Cli("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos);
}

TEST_F(CoreTest, MetricsAndReadiness) {
  Client c(*server_);
  HttpResponse ready = c.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.header("content-type"), "application/health+json");
  HttpResponse metrics = c.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("salesdb_http_requests_total{"), std::string::npos);
  EXPECT_NE(metrics.body.find("process_resident_memory_bytes"), std::string::npos);
}

}  // namespace
}  // namespace salesdb::testing

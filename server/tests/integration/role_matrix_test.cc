// Every endpoint × every role: one table, the contract of docs/api.md "Roles", walked against the
// real server. Each route is called by each role on a row of "mine" (a customer of the sales rep in
// the sales manager's region) and of "theirs" (another rep's customer in another region), and the
// exact status is checked. A guard reads the route registrations in server/src/api/*.cc so that a
// new route without a row here fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "fixtures.h"

namespace salesdb::testing {
namespace {

enum Role { kAdmin, kManager, kRep, kFinance, kViewer, kAuditor, kAnonymous, kRoleCount };
constexpr const char* kRoleNames[] = {"admin", "sales_manager", "sales_rep", "finance", "viewer", "auditor",
                                      "anonymous"};
constexpr const char* kEmails[] = {kAdminEmail,          "mgr@example.com",    "rep@example.com", "fin@example.com",
                                   "viewer@example.com", "auditor@example.com", ""};
enum Target { kMine, kTheirs };

struct Rows {
  int64_t customer = 0, contact = 0, activity = 0, opportunity = 0, license = 0;
};

struct Call {
  std::string path;
  nlohmann::json body;  // null: no body
  std::map<std::string, std::string> headers;
};

class RoleMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    admin_ = new Client(*server_);
    ASSERT_EQ(admin_->Login(kAdminEmail, kAdminPassword).status, 200);
    auto user = [](const std::string& email, const std::string& role, const std::string& region) -> int64_t {
      nlohmann::json body = {{"email", email}, {"name", role + " user"}, {"role", role}, {"password", kUserPassword}};
      if (!region.empty()) body["region"] = region;
      return CreateRow(*admin_, "/api/v1/users", body);
    };
    ids_[kManager] = user("mgr@example.com", "sales_manager", "east_china");
    ids_[kRep] = user("rep@example.com", "sales_rep", "east_china");
    rep2_ = user("rep2@example.com", "sales_rep", "south_china");
    ids_[kFinance] = user("fin@example.com", "finance", "");
    ids_[kViewer] = user("viewer@example.com", "viewer", "");
    ids_[kAuditor] = user("auditor@example.com", "auditor", "");
    for (int r = 0; r < kRoleCount; ++r) {
      clients_[r] = new Client(*server_);
      if (r == kAnonymous) continue;
      ASSERT_EQ(clients_[r]->Login(kEmails[r], r == kAdmin ? kAdminPassword : kUserPassword).status, 200) << kEmails[r];
      if (r == kAdmin) ids_[r] = clients_[r]->Get("/api/v1/auth/me").json()["user"]["id"];
    }
    rep2_client_ = new Client(*server_);
    ASSERT_EQ(rep2_client_->Login("rep2@example.com", kUserPassword).status, 200);
    shared_[kMine] = MakeRows(kMine, "Shared");
    shared_[kTheirs] = MakeRows(kTheirs, "Shared");
  }
  static void TearDownTestSuite() {
    for (auto*& c : clients_) {
      delete c;
      c = nullptr;
    }
    delete rep2_client_;
    delete admin_;
    delete server_;
    server_ = nullptr;
  }

  static int64_t NewCustomer(Target t, const std::string& name) {
    return t == kMine ? CreateCustomer(*admin_, name + " mine", "east_china", ids_[kRep])
                      : CreateCustomer(*admin_, name + " theirs", "south_china", rep2_);
  }
  // A customer of the target kind with one child of every kind, created by the admin.
  static Rows MakeRows(Target t, const std::string& name) {
    Rows rows;
    rows.customer = NewCustomer(t, name);
    rows.contact = CreateRow(*admin_, "/api/v1/contacts", ContactBody(rows.customer));
    rows.activity = CreateRow(*admin_, "/api/v1/activities", ActivityBody(rows.customer));
    rows.opportunity = CreateRow(*admin_, "/api/v1/opportunities", OpportunityBody(rows.customer));
    rows.license = CreateRow(*admin_, "/api/v1/licenses", LicenseBody(rows.customer));
    return rows;
  }
  // A fresh child of `kind` (contacts, activities, opportunities, licenses) under the shared customer.
  static int64_t FreshChild(const std::string& kind, Target t) {
    int64_t customer = shared_[t].customer;
    nlohmann::json body = kind == "contacts"     ? ContactBody(customer)
                          : kind == "activities" ? ActivityBody(customer)
                          : kind == "opportunities" ? OpportunityBody(customer)
                                                    : LicenseBody(customer);
    return CreateRow(*admin_, "/api/v1/" + kind, body);
  }
  static int64_t UserVersion(int64_t id) {
    HttpResponse r = admin_->Get("/api/v1/users?limit=500");
    for (const auto& u : Items(r)) {
      if (u["id"] == id) return u["version"];
    }
    ADD_FAILURE() << "user " << id << " not listed";
    return 0;
  }

  static TestServer* server_;
  static Client* admin_;
  static Client* clients_[kRoleCount];
  static Client* rep2_client_;
  static int64_t ids_[kRoleCount];
  static int64_t rep2_;
  static Rows shared_[2];
};
TestServer* RoleMatrixTest::server_ = nullptr;
Client* RoleMatrixTest::admin_ = nullptr;
Client* RoleMatrixTest::clients_[kRoleCount] = {};
Client* RoleMatrixTest::rep2_client_ = nullptr;
int64_t RoleMatrixTest::ids_[kRoleCount] = {};
int64_t RoleMatrixTest::rep2_ = 0;
Rows RoleMatrixTest::shared_[2] = {};

std::string Id(int64_t id) { return std::to_string(id); }
const std::map<std::string, std::string> kV1 = {{"If-Match", "\"v1\""}};

struct RouteCase {
  std::string method;
  std::string pattern;
  // Expected status per role, in the order admin, sales_manager, sales_rep, finance, viewer,
  // auditor: "200" for both rows, "200/404" for mine/theirs. Anonymous callers always get 401.
  std::string expect;
  std::function<Call(Role, Target)> make;
};

// Expected status for (role, target) from a RouteCase::expect string.
long Expected(const std::string& expect, Role role, Target t) {
  std::istringstream in(expect);
  std::vector<std::string> cells;
  for (std::string cell; in >> cell;) cells.push_back(cell);
  if (cells.size() != 6) throw std::runtime_error("expect needs 6 cells: " + expect);
  const std::string& cell = cells[role];
  auto slash = cell.find('/');
  if (slash == std::string::npos) return std::stol(cell);
  return std::stol(t == kMine ? cell.substr(0, slash) : cell.substr(slash + 1));
}

// The routes the server registers, read from the sources of server/src/api.
std::set<std::string> RegisteredRoutes() {
  std::set<std::string> out;
  const std::string dir = SALESDB_SOURCE_DIR "/server/src/api/";
  const std::regex add(R"re(r\.Add\("([A-Z]+)",\s*"([^"]+)")re");
  const std::regex crud(R"re(RegisterCrud<(\w+)>\(r,\s*"([^"]+)")re");
  const std::regex create(R"re(RegisterCreate<\w+>\(r,\s*"([^"]+)")re");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename();
    if (entry.path().extension() != ".cc" || name.ends_with("_test.cc")) continue;
    std::ifstream f(entry.path());
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string src = ss.str();
    for (std::sregex_iterator it(src.begin(), src.end(), add), end; it != end; ++it) {
      out.insert((*it)[1].str() + " " + (*it)[2].str());
    }
    for (std::sregex_iterator it(src.begin(), src.end(), crud), end; it != end; ++it) {
      const std::string base = (*it)[2];
      out.insert("GET " + base);
      out.insert("GET " + base + "/{id}");
      out.insert("PATCH " + base + "/{id}");
      if ((*it)[1] != "License") out.insert("DELETE " + base + "/{id}");
    }
    for (std::sregex_iterator it(src.begin(), src.end(), create), end; it != end; ++it) {
      out.insert("POST " + (*it)[1].str());
    }
  }
  return out;
}

TEST_F(RoleMatrixTest, EveryRouteEveryRoleEveryScope) {
  int counter = 0;
  auto unique = [&counter] { return std::to_string(++counter); };
  const std::vector<std::string> kChildren = {"contacts", "activities", "opportunities", "licenses"};
  auto child_id = [](const Rows& rows, const std::string& kind) {
    return kind == "contacts" ? rows.contact
           : kind == "activities" ? rows.activity
           : kind == "opportunities" ? rows.opportunity
                                     : rows.license;
  };

  std::vector<RouteCase> cases = {
      // ---- auth and own tokens: every role, on its own account.
      {"POST", "/api/v1/auth/login", "200 200 200 200 200 200",
       [](Role r, Target) -> Call {
         return {"/api/v1/auth/login",
                 {{"email", kEmails[r]}, {"password", r == kAdmin ? kAdminPassword : kUserPassword}}};
       }},
      {"GET", "/api/v1/auth/me", "200 200 200 200 200 200", [](Role, Target) -> Call { return {"/api/v1/auth/me"}; }},
      {"POST", "/api/v1/auth/logout", "204 204 204 204 204 204", nullptr},  // on a second session, below
      {"POST", "/api/v1/auth/password", "204 204 204 204 204 204", nullptr},  // changed and changed back, below
      {"GET", "/api/v1/tokens", "200 200 200 200 200 200", [](Role, Target) -> Call { return {"/api/v1/tokens"}; }},
      {"POST", "/api/v1/tokens", "201 201 201 201 201 201",
       [&](Role, Target) -> Call { return {"/api/v1/tokens", {{"name", "matrix " + unique()}}}; }},
      {"DELETE", "/api/v1/tokens/{id}", "204/404 204/404 204/404 204/404 204/404 204/404",
       [&](Role r, Target t) -> Call {
         Client& owner = t == kMine && r != kAnonymous ? *clients_[r] : *rep2_client_;
         HttpResponse created = owner.Post("/api/v1/tokens", nlohmann::json{{"name", "to revoke " + unique()}});
         EXPECT_EQ(created.status, 201) << created.body;
         return {"/api/v1/tokens/" + Id(created.json()["id"])};
       }},

      // ---- users: admin writes, the sales manager may list.
      {"GET", "/api/v1/users", "200 200 403 403 403 403", [](Role, Target) -> Call { return {"/api/v1/users"}; }},
      {"POST", "/api/v1/users", "201 403 403 403 403 403",
       [&](Role, Target) -> Call {
         return {"/api/v1/users",
                 {{"email", "new" + unique() + "@example.com"}, {"name", "New"}, {"role", "viewer"},
                  {"password", kUserPassword}}};
       }},
      {"PATCH", "/api/v1/users/{id}", "200 403 403 403 403 403",
       [&](Role, Target t) -> Call {
         int64_t id = t == kMine ? ids_[kViewer] : rep2_;
         return {"/api/v1/users/" + Id(id),
                 {{"name", "Renamed " + unique()}},
                 {{"If-Match", "\"v" + std::to_string(UserVersion(id)) + "\""}}};
       }},

      // ---- customers.
      {"GET", "/api/v1/customers", "200 200 200 200 200 403",
       [](Role, Target) -> Call { return {"/api/v1/customers?limit=500"}; }},
      {"GET", "/api/v1/customers/{id}", "200 200/404 200 200 200 403",
       [](Role, Target t) -> Call { return {"/api/v1/customers/" + Id(shared_[t].customer)}; }},
      {"GET", "/api/v1/customers/{id}/timeline", "200 200/404 200 200 200 403",
       [](Role, Target t) -> Call { return {"/api/v1/customers/" + Id(shared_[t].customer) + "/timeline"}; }},
      // A sales manager may create only in their region (422 names the region); a rep only for themselves.
      {"POST", "/api/v1/customers", "201 201/422 201/403 403 403 403",
       [&](Role, Target t) -> Call {
         nlohmann::json body = CustomerBody("Created " + unique(), t == kMine ? "east_china" : "south_china");
         body["owner_id"] = t == kMine ? ids_[kRep] : rep2_;
         return {"/api/v1/customers", body};
       }},
      {"PATCH", "/api/v1/customers/{id}", "200 200/404 200/403 403 403 403",
       [&](Role, Target t) -> Call {
         return {"/api/v1/customers/" + Id(NewCustomer(t, "Patch " + unique())), {{"notes", "patched"}}, kV1};
       }},
      {"DELETE", "/api/v1/customers/{id}", "204 204/404 204/403 403 403 403",
       [&](Role, Target t) -> Call { return {"/api/v1/customers/" + Id(NewCustomer(t, "Delete " + unique())), nullptr, kV1}; }},
      {"POST", "/api/v1/customers/{id}/restore", "200 200/404 200/403 403 403 403",
       [&](Role, Target t) -> Call {
         int64_t id = NewCustomer(t, "Restore " + unique());
         EXPECT_EQ(admin_->Delete("/api/v1/customers/" + Id(id), kV1).status, 204);
         return {"/api/v1/customers/" + Id(id) + "/restore", nlohmann::json::object()};
       }},

      // ---- licences: finance writes them everywhere.
      {"POST", "/api/v1/licenses/{id}/renew", "200 200/404 200/403 200 403 403",
       [](Role, Target t) -> Call {
         return {"/api/v1/licenses/" + Id(FreshChild("licenses", t)) + "/renew",
                 {{"expires_at", kJan2027 + 365 * 86400000LL}, {"version", 1}}};
       }},
      {"POST", "/api/v1/licenses/{id}/revoke", "200 200/404 200/403 200 403 403",
       [](Role, Target t) -> Call {
         return {"/api/v1/licenses/" + Id(FreshChild("licenses", t)) + "/revoke",
                 {{"reason", "matrix"}, {"version", 1}}};
       }},

      // ---- dashboard.
      {"GET", "/api/v1/dashboard/summary", "200 200 200 200 200 403",
       [](Role, Target) -> Call { return {"/api/v1/dashboard/summary"}; }},

      // ---- backups (admin only) and the audit trail (admin and auditor).
      {"GET", "/api/v1/backups", "200 403 403 403 403 403", [](Role, Target) -> Call { return {"/api/v1/backups"}; }},
      {"POST", "/api/v1/backups", "202 403 403 403 403 403",
       [](Role, Target) -> Call { return {"/api/v1/backups", nlohmann::json::object()}; }},
      {"GET", "/api/v1/backups/{id}/download", "404 403 403 403 403 403",
       [](Role, Target) -> Call { return {"/api/v1/backups/999999/download"}; }},
      {"POST", "/api/v1/backups/{id}/restore", "404 403 403 403 403 403",
       [](Role, Target) -> Call { return {"/api/v1/backups/999999/restore", nlohmann::json{{"confirm", "x"}}}; }},
      {"GET", "/api/v1/audit", "200 403 403 403 403 200", [](Role, Target) -> Call { return {"/api/v1/audit"}; }},
      {"GET", "/api/v1/audit/export.csv", "200 403 403 403 403 200",
       [](Role, Target) -> Call { return {"/api/v1/audit/export.csv"}; }},
      {"GET", "/api/v1/audit/verify", "200 403 403 403 403 200",
       [](Role, Target) -> Call { return {"/api/v1/audit/verify"}; }},
      {"GET", "/api/v1/audit/{id}", "200 403 403 403 403 200", [](Role, Target) -> Call { return {"/api/v1/audit/1"}; }},
      {"GET", "/api/v1/alerts", "200 403 403 403 403 200", [](Role, Target) -> Call { return {"/api/v1/alerts"}; }},
  };

  // Children share one shape; licences differ in who writes and have no DELETE.
  for (const std::string& kind : kChildren) {
    const bool lic = kind == "licenses";
    const std::string base = "/api/v1/" + kind;
    cases.push_back({"GET", base, "200 200/404 200 200 200 403", [base](Role, Target t) -> Call {
                       return {base + "?customer_id=" + Id(shared_[t].customer)};
                     }});
    cases.push_back({"GET", base + "/{id}", "200 200/404 200 200 200 403", [base, kind, child_id](Role, Target t) -> Call {
                       return {base + "/" + Id(child_id(shared_[t], kind))};
                     }});
    // Creating under a customer out of scope: the customer_id does not exist for the caller (422).
    cases.push_back({"POST", base, lic ? "201 201/422 201/403 201 403 403" : "201 201/422 201/403 403 403 403",
                     [base, kind](Role, Target t) -> Call {
                       int64_t c = shared_[t].customer;
                       nlohmann::json body = kind == "contacts"     ? ContactBody(c)
                                             : kind == "activities" ? ActivityBody(c)
                                             : kind == "opportunities" ? OpportunityBody(c)
                                                                       : LicenseBody(c);
                       return {base, body};
                     }});
    nlohmann::json patch = kind == "contacts"     ? nlohmann::json{{"title", "VP"}}
                           : kind == "activities" ? nlohmann::json{{"subject", "Follow-up"}}
                           : kind == "opportunities" ? nlohmann::json{{"stage", "qualified"}}
                                                     : nlohmann::json{{"seats", 20}};
    cases.push_back({"PATCH", base + "/{id}", lic ? "200 200/404 200/403 200 403 403" : "200 200/404 200/403 403 403 403",
                     [base, kind, patch](Role, Target t) -> Call {
                       return {base + "/" + Id(FreshChild(kind, t)), patch, kV1};
                     }});
    if (!lic) {
      cases.push_back({"DELETE", base + "/{id}", "204 204/404 204/403 403 403 403", [base, kind](Role, Target t) -> Call {
                         return {base + "/" + Id(FreshChild(kind, t)), nullptr, kV1};
                       }});
    }
  }

  // The table covers every registered route, and nothing else.
  std::set<std::string> in_table;
  for (const auto& c : cases) in_table.insert(c.method + " " + c.pattern);
  std::set<std::string> registered = RegisteredRoutes();
  ASSERT_GT(registered.size(), 20u) << "could not read the route registrations";
  for (const auto& r : registered) EXPECT_TRUE(in_table.count(r)) << "route without a row in the role matrix: " << r;
  for (const auto& r : in_table) EXPECT_TRUE(registered.count(r)) << "row for a route the server does not register: " << r;

  int checked = 0;
  for (const auto& rc : cases) {
    for (int role = 0; role < kRoleCount; ++role) {
      for (Target t : {kMine, kTheirs}) {
        const Role r = static_cast<Role>(role);
        const std::string where = rc.method + " " + rc.pattern + " as " + kRoleNames[r] + (t == kMine ? " on mine" : " on theirs");
        if (rc.pattern == "/api/v1/auth/logout") {
          // On a second session, so that the role's main session stays.
          Client second(*server_);
          if (r != kAnonymous) {
            ASSERT_EQ(second.Login(kEmails[r], r == kAdmin ? kAdminPassword : kUserPassword).status, 200);
          }
          HttpResponse out = second.Post("/api/v1/auth/logout", std::string());
          EXPECT_EQ(out.status, r == kAnonymous ? 401 : Expected(rc.expect, r, t)) << where << ": " << out.body;
          if (r != kAnonymous) {
            EXPECT_EQ(second.Get("/api/v1/auth/me").status, 401) << where;
          }
          ++checked;
          continue;
        }
        if (rc.pattern == "/api/v1/auth/password") {
          const std::string pw = r == kAdmin ? kAdminPassword : kUserPassword;
          HttpResponse there = clients_[r]->Post(
              rc.pattern, nlohmann::json{{"current_password", pw}, {"new_password", "temporary-pass-42"}});
          EXPECT_EQ(there.status, r == kAnonymous ? 401 : Expected(rc.expect, r, t)) << where << ": " << there.body;
          if (there.status == 204) {
            HttpResponse back = clients_[r]->Post(
                rc.pattern, nlohmann::json{{"current_password", "temporary-pass-42"}, {"new_password", pw}});
            ASSERT_EQ(back.status, 204) << where << ": " << back.body;
            // The change ended the role's other sessions, the fixture admin's among them.
            if (r == kAdmin) {
              ASSERT_EQ(admin_->Login(kAdminEmail, kAdminPassword).status, 200);
            }
          }
          ++checked;
          continue;
        }
        if (r == kAnonymous && rc.pattern == "/api/v1/auth/login") continue;
        Call call = rc.make(r, t);
        HttpResponse resp = clients_[r]->Send(rc.method, call.path, call.body.is_null() ? "" : call.body.dump(),
                                              call.headers);
        long want = r == kAnonymous ? 401 : Expected(rc.expect, r, t);
        EXPECT_EQ(resp.status, want) << where << " " << call.path << ": " << resp.body;
        if (want >= 400) {
          EXPECT_TRUE(IsProblem(resp, want)) << where;
        }
        if (rc.pattern == "/api/v1/auth/login" && resp.status == 200) {
          // A fresh login replaced nothing: the client keeps its own session.
          EXPECT_EQ(clients_[r]->Get("/api/v1/auth/me").status, 200) << where;
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(cases.size()) * kRoleCount * 2 - 2);
}

// Lists show each role only its rows: the sales manager never sees another region's, even unfiltered.
TEST_F(RoleMatrixTest, ListsAreScopedToTheCallersRows) {
  for (const std::string kind : {"customers", "contacts", "activities", "opportunities", "licenses"}) {
    for (Role r : {kAdmin, kManager, kRep, kFinance, kViewer}) {
      HttpResponse list = clients_[r]->Get("/api/v1/" + kind + "?limit=500");
      ASSERT_EQ(list.status, 200) << kind << " as " << kRoleNames[r];
      std::set<int64_t> customers;
      for (const auto& item : Items(list)) {
        customers.insert(kind == "customers" ? item["id"].get<int64_t>() : item["customer_id"].get<int64_t>());
      }
      EXPECT_TRUE(customers.count(shared_[kMine].customer)) << kind << " as " << kRoleNames[r];
      EXPECT_EQ(customers.count(shared_[kTheirs].customer), r == kManager ? 0u : 1u) << kind << " as " << kRoleNames[r];
    }
    EXPECT_TRUE(IsProblem(clients_[kAuditor]->Get("/api/v1/" + kind), 403)) << kind;
  }
  // The trash is for those who write customers.
  EXPECT_EQ(clients_[kRep]->Get("/api/v1/customers?deleted=true").status, 200);
  EXPECT_EQ(clients_[kManager]->Get("/api/v1/customers?deleted=true").status, 200);
  EXPECT_EQ(clients_[kFinance]->Get("/api/v1/customers?deleted=true").status, 403);
  EXPECT_EQ(clients_[kViewer]->Get("/api/v1/customers?deleted=true").status, 403);
}

// Personal data is masked for viewers and for a rep looking at another rep's customer.
TEST_F(RoleMatrixTest, PersonalDataIsMaskedPerRole) {
  const std::string theirs_contact = "/api/v1/contacts/" + Id(shared_[kTheirs].contact);
  const std::string mine_contact = "/api/v1/contacts/" + Id(shared_[kMine].contact);
  const std::string theirs_license = "/api/v1/licenses/" + Id(shared_[kTheirs].license);
  auto email = [](const HttpResponse& r) { return r.json()["email"].get<std::string>(); };
  EXPECT_EQ(email(clients_[kAdmin]->Get(theirs_contact)), "li.wei@example.cn");
  EXPECT_EQ(email(clients_[kFinance]->Get(theirs_contact)), "li.wei@example.cn");
  EXPECT_EQ(email(clients_[kRep]->Get(mine_contact)), "li.wei@example.cn");
  EXPECT_EQ(email(clients_[kRep]->Get(theirs_contact)), "l***@example.cn");
  EXPECT_EQ(email(clients_[kViewer]->Get(mine_contact)), "l***@example.cn");
  EXPECT_EQ(clients_[kViewer]->Get(mine_contact).json()["phone"], "861****8000");
  const std::string key = clients_[kAdmin]->Get(theirs_license).json()["key"];
  EXPECT_EQ(key.rfind("DIFY-", 0), 0u);
  EXPECT_EQ(clients_[kFinance]->Get(theirs_license).json()["key"], key);
  EXPECT_NE(clients_[kRep]->Get(theirs_license).json()["key"], key);
  EXPECT_NE(clients_[kViewer]->Get(theirs_license).json()["key"], key);
  // The same masking applies in lists and in the customer detail.
  HttpResponse detail = clients_[kViewer]->Get("/api/v1/customers/" + Id(shared_[kMine].customer));
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.json()["contacts"][0]["email"], "l***@example.cn");
  EXPECT_NE(detail.json()["licenses"][0]["key"], clients_[kAdmin]->Get("/api/v1/licenses/" + Id(shared_[kMine].license)).json()["key"]);
  // Whose customer it is decides, in the detail too (its lists take the owner from the customer's row).
  HttpResponse own = clients_[kRep]->Get("/api/v1/customers/" + Id(shared_[kMine].customer));
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(own.json()["contacts"][0]["email"], "li.wei@example.cn");
  HttpResponse theirs = clients_[kRep]->Get("/api/v1/customers/" + Id(shared_[kTheirs].customer));
  ASSERT_EQ(theirs.status, 200);
  EXPECT_EQ(theirs.json()["contacts"][0]["email"], "l***@example.cn");
  HttpResponse list = clients_[kRep]->Get("/api/v1/contacts?customer_id=" + Id(shared_[kTheirs].customer));
  EXPECT_EQ(list.json()["items"][0]["email"], "l***@example.cn");
}

// Bearer API tokens carry the same role as the user's session, and need no CSRF token.
TEST_F(RoleMatrixTest, BearerTokensCarryTheUsersRole) {
  HttpResponse created = clients_[kViewer]->Post("/api/v1/tokens", nlohmann::json{{"name", "script"}});
  ASSERT_EQ(created.status, 201) << created.body;
  Client script(*server_);
  script.UseBearer(created.json()["token"]);
  EXPECT_EQ(script.Get("/api/v1/customers").status, 200);
  EXPECT_TRUE(IsProblem(script.Post("/api/v1/customers", CustomerBody("By viewer token")), 403));
  EXPECT_TRUE(IsProblem(script.Get("/api/v1/users"), 403));
  ASSERT_EQ(clients_[kViewer]->Delete("/api/v1/tokens/" + Id(created.json()["id"])).status, 204);
  EXPECT_TRUE(IsProblem(script.Get("/api/v1/customers"), 401));
}

}  // namespace
}  // namespace salesdb::testing

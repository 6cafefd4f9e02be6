// The audit trail end to end: every mutating endpoint leaves exactly one entry with the right actor
// and diff; failed writes leave none; the query API and CSV export; and tampering with the table
// directly (sqlite3 CLI or psql, triggers dropped first as an attacker would) is caught by
// `salesdb audit verify`, which names the first bad entry. Runs on SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "harness.h"

namespace salesdb::testing {
namespace {

using nlohmann::json;

// Runs SQL against the server's database as an attacker with write access would.
int RunSql(const TestServer& server, const std::string& sql, std::string* output);

void Tamper(const TestServer& server, const std::string& sql) {
  std::string out;
  int rc = RunSql(server, sql, &out);
  ASSERT_EQ(rc, 0) << sql << "\n" << out;
}

int RunSql(const TestServer& server, const std::string& sql, std::string* output) {
  std::string file = server.data_dir() + "/tamper.sql";
  {
    std::ofstream out(file);
    out << sql;
  }
  std::string cmd;
  if (server.postgres()) {
    cmd = "psql -v ON_ERROR_STOP=1 -q '" + server.database_url() + "' -f '" + file + "' 2>&1";
  } else {
    cmd = "sqlite3 '" + server.data_dir() + "/salesdb.db' < '" + file + "' 2>&1";
  }
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  *output = out;
  return rc;
}

std::string DropTriggers(const TestServer& s) {
  return s.postgres() ? "DROP TRIGGER audit_log_no_update ON audit_log;\n"
                      : "DROP TRIGGER audit_log_no_update;\nDROP TRIGGER audit_log_no_delete;\n";
}

int64_t FirstBadId(const std::string& verify_output) {
  auto pos = verify_output.find("broken at entry ");
  if (pos == std::string::npos) return 0;
  return std::stoll(verify_output.substr(pos + 16));
}

// The entries recorded for one request (by its X-Request-Id).
json EntriesFor(Client& auditor, const HttpResponse& r) {
  std::string rid = r.header("x-request-id");
  EXPECT_FALSE(rid.empty());
  HttpResponse list = auditor.Get("/api/v1/audit?request_id=" + rid);
  EXPECT_EQ(list.status, 200) << list.body;
  return list.json()["items"];
}

// Checks that `r` succeeded and left exactly one entry with this action, entity, actor and id;
// returns the entry's detail (before/after/diff).
json ExpectOneEntry(Client& auditor, const HttpResponse& r, int64_t actor, const std::string& action,
                    const std::string& entity, int64_t entity_id, bool expect_diff) {
  EXPECT_LT(r.status, 300) << action << ": " << r.body;
  json items = EntriesFor(auditor, r);
  EXPECT_EQ(items.size(), 1u) << action << ": " << items.dump();
  if (items.size() != 1) return json();
  EXPECT_EQ(items[0]["action"], action);
  EXPECT_EQ(items[0]["entity"], entity) << action;
  EXPECT_EQ(items[0]["actor_id"], actor) << action;
  if (entity_id != 0) {
    EXPECT_EQ(items[0]["entity_id"], entity_id) << action;
  }
  HttpResponse detail = auditor.Get("/api/v1/audit/" + std::to_string(items[0]["id"].get<int64_t>()));
  EXPECT_EQ(detail.status, 200);
  if (expect_diff) {
    EXPECT_FALSE(detail.json()["diff"].empty()) << action << ": " << detail.body;
  }
  return detail.json();
}

int64_t Id(const HttpResponse& r) { return r.json()["id"].get<int64_t>(); }

class AuditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer({"SALESDB_AUDIT_CHECKPOINT_INTERVAL_SECONDS=1", "SALESDB_AUDIT_EVALUATE_INTERVAL_SECONDS=1",
                              "SALESDB_AUDIT_BULK_READ_ROWS_PER_MINUTE=30"});
    auditor_id_ = server_->CreateUser("auditor@example.com", "auditor");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static Client Login(const std::string& email, const std::string& password) {
    Client c(*server_);
    EXPECT_EQ(c.Login(email, password).status, 200);
    return c;
  }
  static TestServer* server_;
  static int64_t auditor_id_;
};
TestServer* AuditTest::server_ = nullptr;
int64_t AuditTest::auditor_id_ = 0;

TEST_F(AuditTest, EveryMutatingEndpointLeavesExactlyOneEntry) {
  Client admin = Login(kAdminEmail, kAdminPassword);
  Client auditor = Login("auditor@example.com", kUserPassword);
  const int64_t me = admin.Get("/api/v1/auth/me").json()["user"]["id"];

  // Customers.
  HttpResponse r = admin.Post("/api/v1/customers", CustomerBody("Audit Walk Ltd"));
  const int64_t customer = Id(r);
  ExpectOneEntry(auditor, r, me, "customer.create", "customer", customer, true);
  r = admin.Patch("/api/v1/customers/" + std::to_string(customer), {{"status", "active"}}, {{"If-Match", "\"v1\""}});
  json d = ExpectOneEntry(auditor, r, me, "customer.update", "customer", customer, true);
  bool status_in_diff = false;
  const json diff = d["diff"];
  for (const auto& f : diff) status_in_diff |= f["field"] == "status" && f["after"] == "active";
  EXPECT_TRUE(status_in_diff) << d.dump();

  // Contacts: e-mail and phone never reach the log in clear.
  r = admin.Post("/api/v1/contacts", json{{"customer_id", customer}, {"name", "Zhang San"},
                                          {"email", "zhang.san@example.com"}, {"phone", "+86 138 0013 8000"}});
  const int64_t contact = Id(r);
  d = ExpectOneEntry(auditor, r, me, "contact.create", "contact", contact, true);
  EXPECT_EQ(d.dump().find("zhang.san@"), std::string::npos) << d.dump();
  EXPECT_EQ(d.dump().find("0013 8000"), std::string::npos) << d.dump();
  r = admin.Patch("/api/v1/contacts/" + std::to_string(contact), {{"title", "CTO"}}, {{"If-Match", "\"v1\""}});
  ExpectOneEntry(auditor, r, me, "contact.update", "contact", contact, true);
  r = admin.Delete("/api/v1/contacts/" + std::to_string(contact), {{"If-Match", "\"v2\""}});
  ExpectOneEntry(auditor, r, me, "contact.delete", "contact", contact, true);

  // Activities: the body is redacted.
  r = admin.Post("/api/v1/activities", json{{"customer_id", customer}, {"type", "call"}, {"subject", "Intro"},
                                            {"body", "secret pricing discussed"}});
  const int64_t activity = Id(r);
  d = ExpectOneEntry(auditor, r, me, "activity.create", "activity", activity, true);
  EXPECT_EQ(d.dump().find("secret pricing"), std::string::npos) << d.dump();
  r = admin.Patch("/api/v1/activities/" + std::to_string(activity), {{"subject", "Intro call"}}, {{"If-Match", "\"v1\""}});
  ExpectOneEntry(auditor, r, me, "activity.update", "activity", activity, true);
  r = admin.Delete("/api/v1/activities/" + std::to_string(activity), {{"If-Match", "\"v2\""}});
  ExpectOneEntry(auditor, r, me, "activity.delete", "activity", activity, true);

  // Opportunities.
  r = admin.Post("/api/v1/opportunities", json{{"customer_id", customer}, {"name", "Expansion"}, {"stage", "prospect"},
                                               {"amount_minor", 100000}, {"currency", "CNY"},
                                               {"expected_close_at", 1798761600000}});
  const int64_t opp = Id(r);
  ExpectOneEntry(auditor, r, me, "opportunity.create", "opportunity", opp, true);
  r = admin.Patch("/api/v1/opportunities/" + std::to_string(opp), {{"stage", "qualified"}}, {{"If-Match", "\"v1\""}});
  ExpectOneEntry(auditor, r, me, "opportunity.update", "opportunity", opp, true);
  r = admin.Delete("/api/v1/opportunities/" + std::to_string(opp), {{"If-Match", "\"v2\""}});
  ExpectOneEntry(auditor, r, me, "opportunity.delete", "opportunity", opp, true);

  // Licences: the key is masked.
  r = admin.Post("/api/v1/licenses", json{{"customer_id", customer}, {"edition", "enterprise"}, {"seats", 50},
                                          {"annual_value_minor", 1800000}, {"currency", "CNY"},
                                          {"starts_at", 1767225600000}, {"expires_at", 1798761600000},
                                          {"deployment", "self_hosted"}});
  const int64_t license = Id(r);
  const std::string key = r.json()["key"];
  d = ExpectOneEntry(auditor, r, me, "license.issue", "license", license, true);
  EXPECT_EQ(d.dump().find(key), std::string::npos) << d.dump();
  r = admin.Patch("/api/v1/licenses/" + std::to_string(license), {{"seats", 60}}, {{"If-Match", "\"v1\""}});
  ExpectOneEntry(auditor, r, me, "license.update", "license", license, true);
  r = admin.Post("/api/v1/licenses/" + std::to_string(license) + "/renew",
                 json{{"expires_at", 1830297600000}, {"version", 2}});
  ExpectOneEntry(auditor, r, me, "license.renew", "license", license, true);
  r = admin.Post("/api/v1/licenses/" + std::to_string(license) + "/revoke",
                 json{{"reason", "contract ended"}, {"version", 3}});
  ExpectOneEntry(auditor, r, me, "license.revoke", "license", license, true);

  // Customer trash and restore.
  r = admin.Delete("/api/v1/customers/" + std::to_string(customer), {{"If-Match", "\"v2\""}});
  ExpectOneEntry(auditor, r, me, "customer.delete", "customer", customer, true);
  r = admin.Post("/api/v1/customers/" + std::to_string(customer) + "/restore", std::string("{}"));
  ExpectOneEntry(auditor, r, me, "customer.restore", "customer", customer, true);

  // Users and roles.
  r = admin.Post("/api/v1/users", json{{"email", "walk.user@example.com"}, {"name", "Walk User"}, {"role", "viewer"},
                                       {"password", kUserPassword}});
  const int64_t user = Id(r);
  d = ExpectOneEntry(auditor, r, me, "user.create", "user", user, true);
  EXPECT_EQ(d.dump().find("argon2"), std::string::npos);
  r = admin.Patch("/api/v1/users/" + std::to_string(user), {{"role", "finance"}}, {{"If-Match", "\"v1\""}});
  ExpectOneEntry(auditor, r, me, "user.role_change", "user", user, true);
  r = admin.Patch("/api/v1/users/" + std::to_string(user), {{"name", "Walk User II"}}, {{"If-Match", "\"v2\""}});
  ExpectOneEntry(auditor, r, me, "user.update", "user", user, true);

  // API tokens.
  r = admin.Post("/api/v1/tokens", json{{"name", "ci"}});
  ASSERT_LT(r.status, 300) << r.body;
  ExpectOneEntry(auditor, r, me, "auth.token_create", "user", me, false);
  const int64_t token = r.json().contains("id") ? r.json()["id"].get<int64_t>() : r.json()["token"]["id"].get<int64_t>();
  r = admin.Delete("/api/v1/tokens/" + std::to_string(token));
  ExpectOneEntry(auditor, r, me, "auth.token_revoke", "user", me, false);

  // Auth events of the new user: failed login, login, password change, logout.
  Client walker(*server_);
  r = walker.Login("walk.user@example.com", "wrong-password-123");
  EXPECT_EQ(r.status, 401);
  json failed = EntriesFor(auditor, r);
  ASSERT_EQ(failed.size(), 1u) << failed.dump();
  EXPECT_EQ(failed[0]["action"], "auth.login_failed");
  r = walker.Login("walk.user@example.com", kUserPassword);
  ExpectOneEntry(auditor, r, user, "auth.login", "user", user, false);
  r = walker.Post("/api/v1/auth/password", json{{"current_password", kUserPassword},
                                                {"new_password", "another-pass-98765"}});
  ExpectOneEntry(auditor, r, user, "auth.password_change", "user", user, false);
  r = walker.Post("/api/v1/auth/logout", std::string("{}"));
  ExpectOneEntry(auditor, r, user, "auth.logout", "user", user, false);
}

TEST_F(AuditTest, FailedWriteLeavesNoEntry) {
  Client admin = Login(kAdminEmail, kAdminPassword);
  Client auditor = Login("auditor@example.com", kUserPassword);
  int64_t customer = Id(admin.Post("/api/v1/customers", CustomerBody("Stale Writer Ltd")));
  HttpResponse stale = admin.Patch("/api/v1/customers/" + std::to_string(customer), {{"status", "active"}},
                                   {{"If-Match", "\"v7\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(EntriesFor(auditor, stale).size(), 0u);
  HttpResponse invalid = admin.Post("/api/v1/contacts", json{{"customer_id", customer}, {"name", ""}});
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(EntriesFor(auditor, invalid).size(), 0u);
  HttpResponse missing = admin.Post("/api/v1/licenses/999999/renew", json{{"expires_at", 1830297600000}, {"version", 1}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(EntriesFor(auditor, missing).size(), 0u);
}

// Another process appending between two of the server's batches (here a CLI command) moves the
// head: the server's next batch chains to the new head and still leaves exactly its own entry.
TEST_F(AuditTest, AnAppenderInBetweenLeavesTheChainWhole) {
  Client admin = Login(kAdminEmail, kAdminPassword);
  Client auditor = Login("auditor@example.com", kUserPassword);
  for (int round = 0; round < 3; ++round) {
    HttpResponse before = admin.Post("/api/v1/customers", CustomerBody("Before Appender " + std::to_string(round)));
    ASSERT_EQ(before.status, 201) << before.body;
    server_->CreateUser("appender" + std::to_string(round) + "@example.com", "viewer");  // another process
    HttpResponse after = admin.Post("/api/v1/customers", CustomerBody("After Appender " + std::to_string(round)));
    ASSERT_EQ(after.status, 201) << after.body;
    EXPECT_EQ(EntriesFor(auditor, after).size(), 1u);
  }
  std::string out;
  EXPECT_EQ(server_->Cli("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos) << out;
}

TEST_F(AuditTest, QueryFiltersPagingAndPermissions) {
  Client admin = Login(kAdminEmail, kAdminPassword);
  Client auditor = Login("auditor@example.com", kUserPassword);
  for (int i = 0; i < 5; ++i) admin.Post("/api/v1/customers", CustomerBody("Paged Co " + std::to_string(i)));
  std::set<int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    HttpResponse page = auditor.Get("/api/v1/audit?action=customer.create&limit=2" +
                                    (cursor.empty() ? std::string() : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    const json body = page.json();
    int64_t last = INT64_MAX;
    for (const auto& e : body["items"]) {
      EXPECT_EQ(e["action"], "customer.create");
      EXPECT_LT(e["id"].get<int64_t>(), last);  // newest first
      last = e["id"];
      EXPECT_TRUE(seen.insert(e["id"].get<int64_t>()).second);
    }
    ++pages;
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_GE(seen.size(), 5u);
  EXPECT_GE(pages, 3);
  // Time range and actor filters.
  const int64_t me = admin.Get("/api/v1/auth/me").json()["user"]["id"];
  HttpResponse mine = auditor.Get("/api/v1/audit?actor_id=" + std::to_string(me) + "&from=1&to=99999999999999");
  ASSERT_EQ(mine.status, 200);
  const json mine_items = mine.json()["items"];
  EXPECT_FALSE(mine_items.empty());
  for (const auto& e : mine_items) EXPECT_EQ(e["actor_id"], me);
  EXPECT_EQ(auditor.Get("/api/v1/audit?from=10&to=5").status, 422);
  EXPECT_EQ(auditor.Get("/api/v1/audit?actor_id=abc").status, 422);
  EXPECT_EQ(auditor.Get("/api/v1/audit?cursor=xyz").status, 422);
  EXPECT_EQ(auditor.Get("/api/v1/audit/999999999").status, 404);
  // A sales rep may not read the audit trail.
  server_->CreateUser("rep.audit@example.com", "sales_rep", "east_china");
  Client rep = Login("rep.audit@example.com", kUserPassword);
  EXPECT_EQ(rep.Get("/api/v1/audit").status, 403);
  EXPECT_EQ(rep.Get("/api/v1/audit/export.csv").status, 403);
  EXPECT_EQ(rep.Get("/api/v1/alerts").status, 403);
  EXPECT_EQ(rep.Get("/api/v1/audit/verify").status, 403);
}

TEST_F(AuditTest, CsvExportIsItselfAudited) {
  Client auditor = Login("auditor@example.com", kUserPassword);
  HttpResponse csv = auditor.Get("/api/v1/audit/export.csv?entity=customer&limit=100");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body.rfind("id,at,actor_id,", 0), 0u);
  json entries = EntriesFor(auditor, csv);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["action"], "audit.export");
  EXPECT_EQ(entries[0]["actor_id"], auditor_id_);
}

TEST_F(AuditTest, BulkReadsAreRecordedOncePerMinute) {
  Client admin = Login(kAdminEmail, kAdminPassword);
  Client auditor = Login("auditor@example.com", kUserPassword);
  const int64_t me = admin.Get("/api/v1/auth/me").json()["user"]["id"];
  for (int i = 0; i < 12; ++i) admin.Post("/api/v1/customers", CustomerBody("Bulk Co " + std::to_string(i)));
  // Wait for a fresh minute so that the reads below share one window.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto into_minute = std::chrono::duration_cast<std::chrono::milliseconds>(now).count() % 60000;
  if (into_minute > 50000) std::this_thread::sleep_for(std::chrono::milliseconds(61000 - into_minute));
  int recorded = 0;
  for (int i = 0; i < 6; ++i) {  // 6 × 10 rows > 30 per minute: one entry, on the 4th page
    HttpResponse page = admin.Get("/api/v1/customers?limit=10");
    ASSERT_EQ(page.status, 200);
    for (const auto& e : EntriesFor(auditor, page)) {
      EXPECT_EQ(e["action"], "customer.bulk_read");
      EXPECT_EQ(e["actor_id"], me);
      ++recorded;
    }
  }
  EXPECT_EQ(recorded, 1);
}

TEST_F(AuditTest, BruteForceRaisesAlertsAndMetric) {
  server_->CreateUser("victim@example.com", "viewer");
  for (int i = 0; i < 9; ++i) {
    Client c(*server_);
    c.Login("victim@example.com", "not-the-password-" + std::to_string(i));
  }
  Client auditor = Login("auditor@example.com", kUserPassword);
  json alerts;
  for (int i = 0; i < 100; ++i) {  // the detector runs every second in this suite
    alerts = auditor.Get("/api/v1/alerts").json()["items"];
    bool found = false;
    for (const auto& a : alerts) found |= a["rule"] == "failed_logins_account";
    if (found) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::set<std::string> rules;
  for (const auto& a : alerts) rules.insert(a["rule"].get<std::string>());
  EXPECT_TRUE(rules.count("failed_logins_account")) << alerts.dump();
  EXPECT_TRUE(rules.count("failed_logins_ip")) << alerts.dump();
  HttpResponse metrics = Client(*server_).Get("/metrics");
  const std::string series = "salesdb_security_alerts_total{rule=\"failed_logins_account\"} ";
  auto pos = metrics.body.find(series);
  ASSERT_NE(pos, std::string::npos) << metrics.body.substr(0, 2000);
  EXPECT_GE(std::stod(metrics.body.substr(pos + series.size())), 1.0);
}

TEST_F(AuditTest, VerifyApiAndCliAgreeOnAnIntactLog) {
  Client auditor = Login("auditor@example.com", kUserPassword);
  HttpResponse v = auditor.Get("/api/v1/audit/verify");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_TRUE(v.json()["intact"].get<bool>()) << v.body;
  EXPECT_TRUE(v.json()["first_bad_id"].is_null());
  std::string out;
  EXPECT_EQ(server_->Cli("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos);
}

// ---------------------------------------------------------------- tampering

// A server with some history, stopped (its last head signed), ready to be tampered with.
class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(std::vector<std::string>{"SALESDB_AUDIT_CHECKPOINT_INTERVAL_SECONDS=1"});
    Client admin(*server_);
    ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(admin.Post("/api/v1/customers", CustomerBody("Tamper Co " + std::to_string(i))).status, 201);
    }
    ASSERT_EQ(server_->Stop(), 0);  // signs the head on the way out
    std::string out;
    ASSERT_EQ(server_->Cli("audit verify", &out), 0) << out;
    ASSERT_NE(out.find("intact"), std::string::npos);
    ASSERT_EQ(out.find(" 0 signed checkpoints"), std::string::npos) << out;
  }
  int64_t VerifyNamesFirstBad() {
    std::string out;
    EXPECT_EQ(server_->Cli("audit verify", &out), 1) << out;
    return FirstBadId(out);
  }
  std::unique_ptr<TestServer> server_;
};

TEST_F(TamperTest, EditedRowIsNamed) {
  Tamper(*server_, DropTriggers(*server_) + "UPDATE audit_log SET after_json = '{\"name\":\"Forged\"}' WHERE id = 5;");
  EXPECT_EQ(VerifyNamesFirstBad(), 5);
}

TEST_F(TamperTest, DeletedRowNamesTheEntryAfterTheGap) {
  Tamper(*server_, DropTriggers(*server_) + "DELETE FROM audit_log WHERE id = 5;");
  EXPECT_EQ(VerifyNamesFirstBad(), 6);
}

TEST_F(TamperTest, InsertedRowIsNamed) {
  // Make room after entry 5 and slip a row in, linked to entry 5 as a real one would be.
  Tamper(*server_, DropTriggers(*server_) +
                       "UPDATE audit_log SET id = id + 1000000 WHERE id > 5;\n"
                       "UPDATE audit_log SET id = id - 999999 WHERE id > 1000000;\n"
                       "INSERT INTO audit_log (id, at, actor_id, actor_role, ip, user_agent, request_id, action, entity, "
                       "entity_id, before_json, after_json, prev_hash, hash) SELECT 6, at, actor_id, actor_role, ip, "
                       "user_agent, request_id, 'customer.delete', entity, entity_id, after_json, '', hash, "
                       "'0000000000000000000000000000000000000000000000000000000000000000' FROM audit_log WHERE id = 5;");
  EXPECT_EQ(VerifyNamesFirstBad(), 6);
}

TEST_F(TamperTest, ReorderedRowsNameTheFirstMoved) {
  Tamper(*server_, DropTriggers(*server_) +
                       "UPDATE audit_log SET id = -4 WHERE id = 4;\n"
                       "UPDATE audit_log SET id = 4 WHERE id = 8;\n"
                       "UPDATE audit_log SET id = 8 WHERE id = -4;");
  EXPECT_EQ(VerifyNamesFirstBad(), 4);
}

TEST_F(TamperTest, TruncatedTailIsCaughtByTheSignedCheckpoint) {
  std::string out;
  ASSERT_EQ(server_->Cli("audit verify", &out), 0);
  // The last entry is checkpointed; cut the last three.
  Tamper(*server_, DropTriggers(*server_) +
                       "DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 3 FROM audit_log);");
  std::string after;
  EXPECT_EQ(server_->Cli("audit verify", &after), 1) << after;
  EXPECT_NE(after.find("tail"), std::string::npos) << after;
  EXPECT_GT(FirstBadId(after), 0);
}

TEST_F(TamperTest, EditedCheckpointFileIsCaught) {
  std::string path = server_->data_dir() + "/audit/checkpoints.jsonl";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  auto pos = text.find("\"entry_id\":");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 11, "\"entry_id\":1");  // entry_id N → 1N: a forged, unsigned value
  std::ofstream(path, std::ios::trunc) << text;
  std::string out;
  EXPECT_EQ(server_->Cli("audit verify", &out), 1) << out;
  EXPECT_NE(out.find("signature"), std::string::npos) << out;
}

TEST_F(TamperTest, ArchivedEntriesKeepTheirProofAndOrdinaryDeletesStayRefused) {
  std::string out;
  ASSERT_EQ(server_->Cli("audit archive --older-than-days 0", &out), 0) << out;
  ASSERT_NE(out.find("archived "), std::string::npos) << out;
  // The archived rows left the table, yet the whole history still verifies (archives, then table).
  ASSERT_EQ(server_->Cli("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos);
  // The trigger is back: an ordinary DELETE is still refused.
  std::string sql_out;
  EXPECT_NE(RunSql(*server_, "DELETE FROM audit_log;", &sql_out), 0) << sql_out;
  // A later archive run continues the chain; the server still starts and appends after it.
  server_->Start();
  Client admin(*server_);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  ASSERT_EQ(server_->Stop(), 0);
  ASSERT_EQ(server_->Cli("audit verify", &out), 0) << out;
  // Editing the sealed archive is caught.
  std::string archive;
  for (const auto& f : std::filesystem::directory_iterator(server_->data_dir() + "/audit")) {
    if (f.path().string().find(".jsonl.zst") != std::string::npos) archive = f.path().string();
  }
  ASSERT_FALSE(archive.empty());
  {
    std::fstream io(archive, std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(20);
    char byte = 0;
    io.get(byte);
    io.seekp(20);
    io.put(static_cast<char>(~byte));  // flipped, so that it always differs
  }
  EXPECT_EQ(server_->Cli("audit verify", &out), 1) << out;
  EXPECT_NE(out.find("archive"), std::string::npos) << out;
}

// "figures-ok" when audit_lookup holds at least `at_least` copies and every copy's running figures
// (migration 0008) are what a brute-force computation in the database itself gives; else what it saw.
std::string LookupFigures(const TestServer& server, int at_least) {
  std::string out;
  const int rc = RunSql(server,
                        "SELECT CASE WHEN (SELECT COUNT(*) FROM audit_lookup) >= " + std::to_string(at_least) +
                            " AND (SELECT COUNT(*) FROM audit_lookup l WHERE at_max = (SELECT MAX(at) FROM "
                            "audit_lookup m WHERE m.id <= l.id) AND lag_max = (SELECT MAX(m.at_max - m.at) FROM "
                            "audit_lookup m WHERE m.id <= l.id)) = (SELECT COUNT(*) FROM audit_lookup) THEN "
                            "'figures-ok' ELSE 'figures-bad' END AS r;",
                        &out);
  return rc == 0 ? out : "psql/sqlite3 failed: " + out;
}

// Time ranges are read as id ranges through audit_lookup's running figures (migration 0008), filled
// by the batch copies every 512 ids: on both databases, every time range must answer exactly what a
// full read filtered by time answers, across the copied and the waiting entries.
TEST(AuditQueryTest, TimeRangesMatchAFullReadAcrossTheLookupCopies) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("audit bench-fill --entries 1100", &out), 0) << out;
  out = LookupFigures(server, 1024);
  EXPECT_NE(out.find("figures-ok"), std::string::npos) << out;
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  // Every entry's (id, at), newest first, then each time range paged through the API.
  auto read_all = [&](const std::string& filter) {
    std::vector<std::pair<int64_t, int64_t>> rows;
    std::string cursor;
    for (int guard = 0; guard < 100; ++guard) {
      HttpResponse page = admin.Get("/api/v1/audit?limit=500" + filter + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page.status, 200) << page.body;
      if (page.status != 200) break;
      const json body = page.json();
      for (const auto& e : body["items"]) rows.emplace_back(e["id"].get<int64_t>(), e["at"].get<int64_t>());
      if (body["next_cursor"].is_null()) break;
      cursor = body["next_cursor"];
    }
    return rows;
  };
  const auto all = read_all("");
  ASSERT_GE(all.size(), 1100u);
  std::vector<int64_t> times;
  for (size_t i = 0; i < all.size(); i += all.size() / 9) times.push_back(all[i].second);
  int ranges = 0;
  for (int64_t from : times) {
    for (int64_t to : times) {
      if (to <= from) continue;
      ++ranges;
      std::vector<std::pair<int64_t, int64_t>> want;
      for (const auto& row : all) {
        if (row.second >= from && row.second < to) want.push_back(row);
      }
      EXPECT_EQ(read_all("&from=" + std::to_string(from) + "&to=" + std::to_string(to)), want)
          << "[" << from << ", " << to << ")";
    }
  }
  EXPECT_GE(ranges, 10);  // the entries span enough distinct times
}

// Waits until audit_lookup holds at least `at_least` copies, each matching its entry; says what it saw.
std::string WaitForLookupCopies(const TestServer& server, int at_least) {
  const std::string check = "SELECT CASE WHEN COUNT(*) >= " + std::to_string(at_least) +
                            " AND COUNT(*) = (SELECT COUNT(*) FROM audit_lookup l JOIN audit_log a ON a.id = l.id AND "
                            "a.at = l.at AND a.actor_id = l.actor_id AND a.action = l.action) THEN 'copied' ELSE "
                            "'waiting' END AS r FROM audit_lookup;";
  std::string out;
  for (int tries = 0; tries < 100; ++tries) {
    if (RunSql(server, check, &out) != 0 || out.find("copied") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return out;
}

// Creates `n` customers through `server`; false on the first failure.
bool CreateCustomers(const TestServer& server, const std::string& prefix, int n) {
  Client admin(server);
  if (admin.Login(kAdminEmail, kAdminPassword).status != 200) return false;
  for (int i = 0; i < n; ++i) {
    if (admin.Post("/api/v1/customers", CustomerBody(prefix + std::to_string(i))).status != 201) return false;
  }
  return true;
}

// While the server runs, entries reach audit_lookup each time the log passes a multiple of 512 ids:
// SQLite in the writer's batch, PostgreSQL right after the COMMIT on a connection beside the writer.
TEST(AuditQueryTest, TheServerCopiesEntriesIntoTheLookupAsTheLogGrows) {
  TestServer server;
  ASSERT_TRUE(CreateCustomers(server, "Lookup Copy ", 520));
  const std::string out = WaitForLookupCopies(server, 512);
  EXPECT_NE(out.find("copied"), std::string::npos) << out;
  std::string verify;
  ASSERT_EQ(server.Cli("audit verify", &verify), 0) << verify;
}

// Two instances on one PostgreSQL database write at once: each copies after its own batches, from
// the mark the other left (one copier at a time: an advisory lock). Every entry is copied once, with
// its running figures, and no copy fails.
TEST(AuditQueryTest, TwoInstancesShareTheLookupCopies) {
  TestServer a;
  if (!a.postgres()) GTEST_SKIP() << "one instance per SQLite database";
  TestServer b{SameDatabaseAs{a}};
  bool ok_a = false, ok_b = false;
  std::thread ta([&] { ok_a = CreateCustomers(a, "Instance A ", 700); });
  std::thread tb([&] { ok_b = CreateCustomers(b, "Instance B ", 700); });
  ta.join();
  tb.join();
  ASSERT_TRUE(ok_a && ok_b);
  const std::string out = WaitForLookupCopies(a, 1024);
  EXPECT_NE(out.find("copied"), std::string::npos) << out;
  // The running figures hold across the two instances' copies.
  const std::string figures = LookupFigures(a, 1024);
  EXPECT_NE(figures.find("figures-ok"), std::string::npos) << figures;
  std::string verify;
  ASSERT_EQ(a.Cli("audit verify", &verify), 0) << verify;
  for (const TestServer* s : {&a, &b}) {
    std::ifstream log(s->log_path());
    std::string line;
    while (std::getline(log, line)) EXPECT_EQ(line.find("audit_lookup failed"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace salesdb::testing

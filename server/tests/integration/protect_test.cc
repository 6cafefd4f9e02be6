// Data protection (issue 4): field encryption at rest, tamper detection, master key checks, key
// rotation, role-based masking over every endpoint that returns customer data, reveal, TLS.
// Runs on SQLite, and on PostgreSQL when SALESDB_TEST_PG is set.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "harness.h"
#include "protect_util.h"

namespace salesdb::testing {
namespace {

// Called from several threads at once (the rotation test's writers): one generator per thread.
std::string Unique() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return std::to_string(rng() % 1000000000000ULL);
}

std::string Id(int64_t id) { return std::to_string(id); }

struct Fixture {
  int64_t customer_id = 0, contact_id = 0, license_id = 0, activity_id = 0;
  std::string email, phone, key, body;
};

// A customer owned by `owner_id` with one contact, licence and activity holding fresh canaries.
Fixture MakeCustomerData(Client& admin, int64_t owner_id) {
  Fixture f;
  std::string u = Unique();
  nlohmann::json c = CustomerBody("Canary Corp " + u);
  if (owner_id) c["owner_id"] = owner_id;
  HttpResponse cr = admin.Post("/api/v1/customers", c);
  EXPECT_EQ(cr.status, 201) << cr.body;
  f.customer_id = cr.json()["id"];
  f.email = "canary.mail." + u + "@canary-" + u + ".test";
  f.phone = "+86 139 " + u.substr(0, 4) + " " + u.substr(4, 4);
  f.body = "canary body " + u + " talked about the budget";
  HttpResponse ct = admin.Post("/api/v1/contacts", nlohmann::json{{"customer_id", f.customer_id},
                                                                   {"name", "Canary Person"},
                                                                   {"email", f.email},
                                                                   {"phone", f.phone}});
  EXPECT_EQ(ct.status, 201) << ct.body;
  f.contact_id = ct.json()["id"];
  EXPECT_EQ(ct.json()["email"], f.email);
  HttpResponse lic = admin.Post("/api/v1/licenses", nlohmann::json{{"customer_id", f.customer_id},
                                                                    {"edition", "team"},
                                                                    {"seats", 10},
                                                                    {"annual_value_minor", 100000},
                                                                    {"currency", "CNY"},
                                                                    {"starts_at", 1767225600000},
                                                                    {"expires_at", 1798761600000},
                                                                    {"deployment", "cloud"}});
  EXPECT_EQ(lic.status, 201) << lic.body;
  f.license_id = lic.json()["id"];
  f.key = lic.json()["key"];
  HttpResponse act = admin.Post("/api/v1/activities", nlohmann::json{{"customer_id", f.customer_id},
                                                                       {"type", "note"},
                                                                       {"subject", "call"},
                                                                       {"body", f.body}});
  EXPECT_EQ(act.status, 201) << act.body;
  f.activity_id = act.json()["id"];
  return f;
}

Client LoginAs(const TestServer& s, const std::string& email, const std::string& password) {
  Client c(s);
  HttpResponse r = c.Login(email, password);
  EXPECT_EQ(r.status, 200) << email << ": " << r.body;
  return c;
}

// ---------------------------------------------------------------- at rest

// The canary scan over database, logs, backups, checkpoints and exports: protect_canary_test.cc.

TEST(ProtectAtRest, PlaintextRowsFromBeforeEncryptionAreSealedAtStart) {
  TestServer server;
  Client admin = LoginAs(server, kAdminEmail, kAdminPassword);
  Fixture f = MakeCustomerData(admin, 0);
  server.Stop();
  // What a database migrated from schema 1 holds: plaintext and key version 0.
  std::string legacy = "legacy." + Unique() + "@old.test";
  RunSql(server, "UPDATE contacts SET email = '" + legacy + "', phone = '+86 138 0000 1111', key_version = 0 WHERE id = " +
                     Id(f.contact_id));
  RunSql(server, "UPDATE activities SET body = 'legacy body', key_version = 0 WHERE id = " + Id(f.activity_id));
  server.Start();
  EXPECT_EQ(RunSql(server, "SELECT COUNT(*) FROM contacts WHERE key_version = 0 OR email NOT LIKE 'e1.%'"), "0");
  EXPECT_EQ(RunSql(server, "SELECT COUNT(*) FROM activities WHERE key_version = 0 OR body NOT LIKE 'e1.%'"), "0");
  Client again = LoginAs(server, kAdminEmail, kAdminPassword);
  HttpResponse c = again.Get("/api/v1/contacts/" + Id(f.contact_id));
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json()["email"], legacy);
  EXPECT_EQ(again.Get("/api/v1/contacts?email=" + UrlEncode(legacy)).json()["items"].size(), 1u);  // blind index built
  EXPECT_EQ(again.Get("/api/v1/activities/" + Id(f.activity_id)).json()["body"], "legacy body");
  if (!server.postgres()) {  // freed plaintext was overwritten (secure_delete) and the WAL checkpointed
    server.Stop();
    for (const auto& [path, bytes] : ReadTree(server.data_dir())) {
      EXPECT_EQ(bytes.find(legacy), std::string::npos) << path;
    }
  }
}

// ---------------------------------------------------------------- tampering

class ProtectTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    admin_ = std::make_unique<Client>(LoginAs(*server_, kAdminEmail, kAdminPassword));
    a_ = MakeCustomerData(*admin_, 0);
    b_ = MakeCustomerData(*admin_, 0);
  }
  std::string Cell(const char* table, const char* column, int64_t id) {
    return RunSql(*server_, std::string("SELECT ") + column + " FROM " + table + " WHERE id = " + Id(id));
  }
  void SetCell(const char* table, const char* column, int64_t id, const std::string& v) {
    RunSql(*server_, std::string("UPDATE ") + table + " SET " + column + " = '" + v + "' WHERE id = " + Id(id));
  }
  // The API answers an integrity error and none of the plaintexts.
  void ExpectIntegrityError(const std::string& path) {
    HttpResponse r = admin_->Get(path);
    EXPECT_EQ(r.status, 500) << path << ": " << r.body;
    EXPECT_EQ(r.json()["type"], "https://salesdb.dev/problems/integrity-error") << r.body;
    for (const auto* v : {&a_.email, &b_.email, &a_.phone, &b_.phone, &a_.key, &b_.key, &a_.body, &b_.body}) {
      EXPECT_EQ(r.body.find(*v), std::string::npos);
    }
  }
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> admin_;
  Fixture a_, b_;
};

TEST_F(ProtectTamper, SwappedCiphertextsBetweenRowsAreDetected) {
  std::string ea = Cell("contacts", "email", a_.contact_id), eb = Cell("contacts", "email", b_.contact_id);
  ASSERT_EQ(ea.rfind("e1.", 0), 0u) << ea;
  SetCell("contacts", "email", a_.contact_id, eb);
  SetCell("contacts", "email", b_.contact_id, ea);
  ExpectIntegrityError("/api/v1/contacts/" + Id(a_.contact_id));
  ExpectIntegrityError("/api/v1/contacts/" + Id(b_.contact_id));
  ExpectIntegrityError("/api/v1/contacts?customer_id=" + Id(a_.customer_id));
  ExpectIntegrityError("/api/v1/customers/" + Id(a_.customer_id));
  std::string ka = Cell("licenses", "license_key", a_.license_id), kb = Cell("licenses", "license_key", b_.license_id);
  SetCell("licenses", "license_key", a_.license_id, "swap-in-progress");  // the column is UNIQUE
  SetCell("licenses", "license_key", b_.license_id, ka);
  SetCell("licenses", "license_key", a_.license_id, kb);
  ExpectIntegrityError("/api/v1/licenses/" + Id(a_.license_id));
  ExpectIntegrityError("/api/v1/licenses?customer_id=" + Id(b_.customer_id));
}

TEST_F(ProtectTamper, CiphertextMovedToAnotherColumnIsDetected) {
  SetCell("contacts", "email", a_.contact_id, Cell("contacts", "phone", a_.contact_id));
  ExpectIntegrityError("/api/v1/contacts/" + Id(a_.contact_id));
  // The other customer's rows still read.
  EXPECT_EQ(admin_->Get("/api/v1/contacts/" + Id(b_.contact_id)).json()["email"], b_.email);
}

TEST_F(ProtectTamper, OneFlippedCharacterIsDetected) {
  for (auto [table, column, id, path] :
       {std::tuple{"contacts", "phone", a_.contact_id, "/api/v1/contacts/" + Id(a_.contact_id)},
        std::tuple{"activities", "body", a_.activity_id, "/api/v1/activities/" + Id(a_.activity_id)},
        std::tuple{"licenses", "license_key", a_.license_id, "/api/v1/licenses/" + Id(a_.license_id)}}) {
    std::string v = Cell(table, column, id);
    size_t pos = v.size() / 2;
    v[pos] = v[pos] == 'A' ? 'B' : 'A';
    SetCell(table, column, id, v);
    ExpectIntegrityError(path);
  }
  // Plaintext written straight into the database is not accepted either.
  SetCell("contacts", "email", b_.contact_id, "planted@evil.test");
  ExpectIntegrityError("/api/v1/contacts/" + Id(b_.contact_id));
}

// ---------------------------------------------------------------- master key

TEST(ProtectMasterKey, WrongOrMissingMasterKeyStopsTheServerAtStart) {
  std::string key1, key2;
  ASSERT_EQ(Shell("openssl rand -base64 32", &key1), 0);
  ASSERT_EQ(Shell("openssl rand -base64 32", &key2), 0);
  key1.pop_back();
  key2.pop_back();
  TestServer server({"SALESDB_MASTER_KEY=" + key1});
  {
    Client admin = LoginAs(server, kAdminEmail, kAdminPassword);
    MakeCustomerData(admin, 0);
  }
  server.Stop();
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() + "/keys/master.key"));  // env key: no file made
  std::string out;
  EXPECT_EQ(ServeExpectingExit(server, {"SALESDB_MASTER_KEY=" + key2}, &out), 1) << out;
  EXPECT_NE(out.find("wrong master key"), std::string::npos) << out;
  EXPECT_EQ(out.find("\"listening\""), std::string::npos) << out;
  EXPECT_EQ(ServeExpectingExit(server, {}, &out), 1) << out;
  EXPECT_NE(out.find("no master key"), std::string::npos) << out;
  EXPECT_EQ(ServeExpectingExit(server, {"SALESDB_MASTER_KEY=bm90IDMyIGJ5dGVz"}, &out), 1) << out;
  EXPECT_NE(out.find("not base64 of exactly 32 bytes"), std::string::npos) << out;
  // A key file must be 0600.
  std::string file = server.data_dir() + "/mk.txt";
  std::ofstream(file) << key1 << "\n";
  ::chmod(file.c_str(), 0644);
  EXPECT_EQ(ServeExpectingExit(server, {}, &out, {"--master-key-file", file}), 1) << out;
  EXPECT_NE(out.find("chmod 600"), std::string::npos) << out;
  ::chmod(file.c_str(), 0600);
  EXPECT_EQ(CliWithEnv(server, "", "--master-key-file '" + file + "' keys status", &out), 0) << out;
  EXPECT_NE(out.find("active data key: 1"), std::string::npos) << out;
}

TEST(ProtectMasterKey, FirstRunCreatesAKeyFileWithAWarning) {
  TestServer server;
  struct stat st {};
  ASSERT_EQ(::stat((server.data_dir() + "/keys/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(server.log_path());
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("WARNING: created a new master key"), std::string::npos);
}

// ---------------------------------------------------------------- rotation

int64_t CountOldRows(const TestServer& s, int64_t active) {
  int64_t n = 0;
  for (const char* t : {"contacts", "licenses", "activities"}) {
    n += std::stoll(RunSql(s, std::string("SELECT COUNT(*) FROM ") + t + " WHERE key_version < " + Id(active)));
  }
  return n;
}

TEST(ProtectRotation, RotationUnderConcurrentWritesLosesNothingAndLeavesNoOldKey) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 150", &out), 0) << out;
  Client admin = LoginAs(server, kAdminEmail, kAdminPassword);
  Fixture f = MakeCustomerData(admin, 0);
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::pair<int64_t, std::string>> written;  // contact id → email
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      Client c = LoginAs(server, kAdminEmail, kAdminPassword);
      for (int i = 0; !stop || i < 20; ++i) {
        std::string email = "w" + std::to_string(w) + "." + std::to_string(i) + "." + Unique() + "@load.test";
        HttpResponse r = c.Post("/api/v1/contacts", nlohmann::json{{"customer_id", f.customer_id},
                                                                    {"name", "Load"},
                                                                    {"email", email}});
        if (r.status != 201) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        written.emplace_back(r.json()["id"].get<int64_t>(), email);
      }
    });
  }
  int rc = server.Cli("keys rotate --batch-size 50", &out);
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("starting rotation to data key 2"), std::string::npos) << out;
  EXPECT_NE(out.find("left"), std::string::npos) << out;
  EXPECT_NE(out.find("complete"), std::string::npos) << out;
  EXPECT_EQ(failures.load(), 0);
  ASSERT_GE(written.size(), 40u);
  for (const auto& [id, email] : written) {
    HttpResponse r = admin.Get("/api/v1/contacts/" + Id(id));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["email"], email);
  }
  EXPECT_EQ(CountOldRows(server, 2), 0);
  EXPECT_EQ(RunSql(server, "SELECT COUNT(*) FROM contacts WHERE email NOT LIKE 'e1.2.%'"), "0");
  ASSERT_EQ(server.Cli("keys status", &out), 0);
  EXPECT_NE(out.find("active data key: 2"), std::string::npos) << out;
  EXPECT_NE(out.find("rows left under older keys: 0"), std::string::npos) << out;
  EXPECT_EQ(RunSql(server, "SELECT state FROM encryption_keys WHERE kind = 'data' AND version = 1"), "retired");
  EXPECT_EQ(admin.Get("/api/v1/customers/" + Id(f.customer_id)).status, 200);
}

TEST(ProtectRotation, AnInterruptedRotationServesWithBothKeysAndResumes) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 120", &out), 0) << out;
  int64_t total = CountOldRows(server, 2);
  ASSERT_GT(total, 300);
  // Stopped after three batches: both keys in use, every row still reads.
  ASSERT_EQ(server.Cli("keys rotate --batch-size 40 --max-batches 3", &out), 0) << out;
  EXPECT_NE(out.find("rows left"), std::string::npos) << out;
  int64_t left = CountOldRows(server, 2);
  EXPECT_EQ(left, total - 120);
  Client admin = LoginAs(server, kAdminEmail, kAdminPassword);
  HttpResponse all = admin.Get("/api/v1/contacts?limit=500");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_GT(all.json()["items"].size(), 100u);
  ASSERT_EQ(server.Cli("keys status", &out), 0);
  EXPECT_NE(out.find("rotation unfinished: data key 1 retiring"), std::string::npos) << out;

  // Killed hard in the middle of a batch loop: the next run resumes the same rotation.
  std::string bin = std::getenv("SALESDB_BIN") ? std::getenv("SALESDB_BIN") : SALESDB_DEFAULT_BIN;
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    setenv("SALESDB_DATA_DIR", server.data_dir().c_str(), 1);
    if (server.postgres()) setenv("SALESDB_DATABASE_URL", server.database_url().c_str(), 1);
    setenv("SALESDB_LOG_LEVEL", "warn", 1);
    execl(bin.c_str(), bin.c_str(), "keys", "rotate", "--batch-size", "2", nullptr);
    _exit(127);
  }
  close(pipefd[1]);
  std::string seen;
  char buf[256];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) {
    seen.append(buf, n);
    if (seen.find("re-encrypted") != std::string::npos) break;
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(pipefd[0]);
  EXPECT_NE(seen.find("resuming rotation to data key 2"), std::string::npos) << seen;
  int64_t after_kill = CountOldRows(server, 2);
  EXPECT_LT(after_kill, left);
  EXPECT_GT(after_kill, 0);

  ASSERT_EQ(server.Cli("keys rotate", &out), 0) << out;
  EXPECT_NE(out.find("resuming rotation to data key 2"), std::string::npos) << out;
  EXPECT_NE(out.find("0 rows left"), std::string::npos) << out;
  EXPECT_EQ(CountOldRows(server, 2), 0);
  HttpResponse again = admin.Get("/api/v1/contacts?limit=500");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["items"].size(), all.json()["items"].size());
  // A second rotation starts afresh with key 3.
  ASSERT_EQ(server.Cli("keys rotate", &out), 0) << out;
  EXPECT_NE(out.find("starting rotation to data key 3"), std::string::npos) << out;
  EXPECT_EQ(CountOldRows(server, 3), 0);
}

// ---------------------------------------------------------------- masking

enum class Want { kFull, kPartial, kHidden };

std::string MaskedEmail(const std::string& e) { return e.substr(0, 1) + "***" + e.substr(e.find('@')); }
std::string MaskedKey(const std::string& k) { return "XXXX-…-" + k.substr(k.size() - 4); }

class ProtectMasking : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    rep1_ = server_->CreateUser("rep1@mask.test", "sales_rep", "east_china");
    server_->CreateUser("rep2@mask.test", "sales_rep", "east_china");
    server_->CreateUser("manager@mask.test", "sales_manager", "east_china");
    server_->CreateUser("finance@mask.test", "finance");
    server_->CreateUser("viewer@mask.test", "viewer");
    server_->CreateUser("auditor@mask.test", "auditor");
    Client admin = LoginAs(*server_, kAdminEmail, kAdminPassword);
    data_ = new Fixture(MakeCustomerData(admin, rep1_));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete server_;
  }
  static TestServer* server_;
  static Fixture* data_;
  static int64_t rep1_;
};
TestServer* ProtectMasking::server_ = nullptr;
Fixture* ProtectMasking::data_ = nullptr;
int64_t ProtectMasking::rep1_ = 0;

struct Seat {
  std::string email;  // login
  Want contact, key, body;
};

void Check(const nlohmann::json& row, const char* field, const std::string& plain, Want want, const std::string& partial,
           const std::string& where) {
  ASSERT_TRUE(row.contains(field)) << where;
  std::string v = row[field];
  switch (want) {
    case Want::kFull: EXPECT_EQ(v, plain) << where << " " << field; break;
    case Want::kPartial: EXPECT_EQ(v, partial) << where << " " << field; break;
    case Want::kHidden: EXPECT_EQ(v, "") << where << " " << field; break;
  }
  if (want != Want::kFull) {
    EXPECT_EQ(row.dump().find(plain), std::string::npos) << where;
  }
}

TEST_F(ProtectMasking, RoleByFieldMatrixHoldsOnEveryEndpoint) {
  const Fixture& d = *data_;
  std::string cid = Id(d.customer_id);
  std::vector<Seat> seats = {
      {kAdminEmail, Want::kFull, Want::kFull, Want::kFull},
      {"rep1@mask.test", Want::kFull, Want::kFull, Want::kFull},
      {"rep2@mask.test", Want::kPartial, Want::kPartial, Want::kHidden},
      {"manager@mask.test", Want::kFull, Want::kFull, Want::kFull},
      {"finance@mask.test", Want::kFull, Want::kFull, Want::kFull},
      {"viewer@mask.test", Want::kPartial, Want::kPartial, Want::kHidden},
  };
  for (const auto& seat : seats) {
    Client c = LoginAs(*server_, seat.email, seat.email == kAdminEmail ? kAdminPassword : kUserPassword);
    auto contact = [&](const nlohmann::json& row, const std::string& where) {
      Check(row, "email", d.email, seat.contact, MaskedEmail(d.email), seat.email + " " + where);
      std::string digits;
      for (char ch : d.phone) if (ch >= '0' && ch <= '9') digits += ch;
      Check(row, "phone", d.phone, seat.contact, digits.substr(0, 3) + "****" + digits.substr(digits.size() - 4),
            seat.email + " " + where);
    };
    auto license = [&](const nlohmann::json& row, const std::string& where) {
      Check(row, "key", d.key, seat.key, MaskedKey(d.key), seat.email + " " + where);
    };
    auto activity = [&](const nlohmann::json& row, const std::string& where) {
      Check(row, "body", d.body, seat.body, "", seat.email + " " + where);
    };
    HttpResponse detail = c.Get("/api/v1/customers/" + cid);
    ASSERT_EQ(detail.status, 200) << seat.email << detail.body;
    contact(detail.json()["contacts"][0], "detail");
    license(detail.json()["licenses"][0], "detail");
    activity(detail.json()["activities"][0], "detail");
    contact(c.Get("/api/v1/contacts?customer_id=" + cid).json()["items"][0], "contact list");
    contact(c.Get("/api/v1/contacts/" + Id(d.contact_id)).json(), "contact");
    license(c.Get("/api/v1/licenses?customer_id=" + cid).json()["items"][0], "licence list");
    license(c.Get("/api/v1/licenses/" + Id(d.license_id)).json(), "licence");
    activity(c.Get("/api/v1/activities?customer_id=" + cid).json()["items"][0], "activity list");
    activity(c.Get("/api/v1/activities/" + Id(d.activity_id)).json(), "activity");
    // Blind-index search cannot confirm a value the seat sees masked.
    size_t expect = seat.contact == Want::kFull ? 1 : 0;
    HttpResponse by_email = c.Get("/api/v1/contacts?email=" + UrlEncode(d.email));
    ASSERT_EQ(by_email.status, 200) << by_email.body;
    EXPECT_EQ(by_email.json()["items"].size(), expect) << seat.email;
    std::string digits;
    for (char ch : d.phone) if (ch >= '0' && ch <= '9') digits += ch;
    EXPECT_EQ(c.Get("/api/v1/contacts?phone=" + digits).json()["items"].size(), expect) << seat.email;
    EXPECT_EQ(c.Get("/api/v1/licenses?key=" + d.key).json()["items"].size(), seat.key == Want::kFull ? 1u : 0u);
    // No sort by an encrypted field; no substring search on one.
    EXPECT_EQ(c.Get("/api/v1/contacts?sort=email").status, 422);
    HttpResponse sub = c.Get("/api/v1/contacts?email=" + UrlEncode("*canary*"));
    EXPECT_EQ(sub.status, 422);
    EXPECT_EQ(sub.json()["errors"][0]["code"], "exact_match_only");
    EXPECT_EQ(c.Get("/api/v1/licenses?q=DIFY").status, 422);
    EXPECT_EQ(c.Get("/api/v1/activities?q=budget").status, 422);
  }
  Client auditor = LoginAs(*server_, "auditor@mask.test", kUserPassword);
  for (const std::string& path : {"/api/v1/customers/" + cid, "/api/v1/contacts?customer_id=" + cid,
                                  "/api/v1/contacts/" + Id(d.contact_id), "/api/v1/licenses/" + Id(d.license_id),
                                  "/api/v1/activities/" + Id(d.activity_id), "/api/v1/contacts?email=" + UrlEncode(d.email)}) {
    HttpResponse r = auditor.Get(path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body.find(d.email), std::string::npos);
  }
}

// The audit CSV is the one export of data about customers (admins and auditors). Audit entries are
// written through RedactForAudit, so the export holds the encrypted fields of the masking table as
// "[encrypted]", neither their plaintext nor their partial form, whoever exports.
TEST_F(ProtectMasking, AuditCsvExportCarriesNoSensitiveValue) {
  const Fixture& d = *data_;
  std::string digits;
  for (char ch : d.phone) if (ch >= '0' && ch <= '9') digits += ch;
  for (const char* who : {kAdminEmail, "auditor@mask.test"}) {
    Client c = LoginAs(*server_, who, who == std::string(kAdminEmail) ? kAdminPassword : kUserPassword);
    HttpResponse csv = c.Get("/api/v1/audit/export.csv?limit=10000");
    ASSERT_EQ(csv.status, 200) << who << ": " << csv.body;
    for (const char* action : {"contact.create", "license.issue", "activity.create"}) {
      EXPECT_NE(csv.body.find(action), std::string::npos) << who << " " << action;
    }
    EXPECT_NE(csv.body.find("\"\"email\"\":\"\"[encrypted]\"\""), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find("\"\"key\"\":\"\"[encrypted]\"\""), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find("\"\"body\"\":\"\"[encrypted]\"\""), std::string::npos) << csv.body;
    for (const std::string& v : {d.email, d.phone, digits, d.key, d.body, MaskedEmail(d.email), MaskedKey(d.key),
                                 digits.substr(0, 3) + "****" + digits.substr(digits.size() - 4)}) {
      EXPECT_EQ(csv.body.find(v), std::string::npos) << who << ": " << v;
    }
  }
}

TEST_F(ProtectMasking, RevealIsPermittedByTheTableAuditedAndRateLimited) {
  const Fixture& d = *data_;
  Client viewer = LoginAs(*server_, "viewer@mask.test", kUserPassword);
  EXPECT_EQ(viewer.Post("/api/v1/contacts/" + Id(d.contact_id) + "/reveal", nlohmann::json{{"field", "email"}}).status,
            403);
  Client rep2 = LoginAs(*server_, "rep2@mask.test", kUserPassword);
  EXPECT_EQ(rep2.Post("/api/v1/contacts/" + Id(d.contact_id) + "/reveal", nlohmann::json{{"field", "name"}}).status,
            422);
  HttpResponse r = rep2.Post("/api/v1/contacts/" + Id(d.contact_id) + "/reveal", nlohmann::json{{"field", "email"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["value"], d.email);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  HttpResponse k = rep2.Post("/api/v1/licenses/" + Id(d.license_id) + "/reveal", nlohmann::json{{"field", "key"}});
  ASSERT_EQ(k.status, 200) << k.body;
  EXPECT_EQ(k.json()["value"], d.key);
  HttpResponse b = rep2.Post("/api/v1/activities/" + Id(d.activity_id) + "/reveal", nlohmann::json{{"field", "body"}});
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(b.json()["value"], d.body);
  // Who, what, when — and never the value.
  std::string audit = RunSql(*server_,
                             "SELECT action || ' ' || entity_id || ' ' || actor_role || ' ' || after_json || ' ' || "
                             "CAST(at AS TEXT) FROM audit_log WHERE action LIKE '%.reveal' ORDER BY id");
  EXPECT_NE(audit.find("contact.reveal " + Id(d.contact_id) + " sales_rep {\"field\":\"email\"}"), std::string::npos)
      << audit;
  EXPECT_NE(audit.find("license.reveal " + Id(d.license_id)), std::string::npos) << audit;
  EXPECT_EQ(audit.find(d.email), std::string::npos);
  EXPECT_EQ(audit.find(d.key), std::string::npos);
  // Rate limit: 20 per 10 minutes per user, then 429 with Retry-After.
  int ok = 3;
  HttpResponse last;
  for (int i = 0; i < 25 && last.status != 429; ++i) {
    last = rep2.Post("/api/v1/contacts/" + Id(d.contact_id) + "/reveal", nlohmann::json{{"field", "phone"}});
    if (last.status == 200) ++ok;
  }
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(ok, 20);
  EXPECT_FALSE(last.header("retry-after").empty());
}

}  // namespace
}  // namespace salesdb::testing

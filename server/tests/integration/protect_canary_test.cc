// Data protection (issue 4), the canary scan: known values in every encrypted field (contact email
// and phone, licence key, activity body), written through the API and the seed command, then
// everything the server does with them (updates, idempotent replays, searches, reveals, refused
// input, audit checkpoints and CSV exports, backups through the API and the CLI, debug logging).
// Afterwards no canary, nor a simple variant of one, may be found in plaintext in the SQLite file and
// its -wal and -shm, a plain pg_dump, any log, backup, manifest, checkpoint or export. A value put in
// a plaintext column on purpose proves that the scan finds what is there.
// Runs on SQLite, and on PostgreSQL when SALESDB_TEST_PG is set.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "harness.h"
#include "protect_util.h"

namespace salesdb::testing {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Known plaintexts and the forms they could take in a file: as given, JSON-escaped (UTF-8 kept or
// \u-escaped) and URL-encoded; compared case-insensitively, which covers lower- and upper-case copies.
class Canaries {
 public:
  void Add(const std::string& what, const std::string& value) {
    std::string json = nlohmann::json(value).dump();
    std::string ascii = nlohmann::json(value).dump(-1, ' ', /*ensure_ascii=*/true);
    for (const std::string& v : {value, json.substr(1, json.size() - 2), ascii.substr(1, ascii.size() - 2),
                                 UrlEncode(value)}) {
      forms_.emplace(Lower(v), what);
    }
    ++values_;
  }
  // "what: form" of each canary found in `bytes`.
  std::vector<std::string> FoundIn(const std::string& bytes) const {
    std::string hay = Lower(bytes);
    std::vector<std::string> found;
    for (const auto& [form, what] : forms_) {
      if (hay.find(form) != std::string::npos) found.push_back(what + ": " + form);
    }
    return found;
  }
  int values() const { return values_; }

 private:
  std::set<std::pair<std::string, std::string>> forms_;  // lower-cased form, what it is
  int values_ = 0;
};

std::string Unique() {
  static std::mt19937_64 rng(std::random_device{}());
  return std::to_string(100000000000ULL + rng() % 900000000000ULL);
}

std::string Digits(const std::string& s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

class ProtectCanary : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_ = (fs::temp_directory_path() / ("salesdb-canary-logs-" + Unique())).string();
    fs::create_directories(logs_);
    server_ = std::make_unique<TestServer>(std::vector<std::string>{
        "SALESDB_LOG_LEVEL=debug", "SALESDB_LOG_FILE=" + logs_ + "/salesdb.log",
        "SALESDB_AUDIT_CHECKPOINT_INTERVAL_SECONDS=1"});
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(logs_, ec);
  }

  // Every place the scan reads: {where, bytes}.
  std::vector<std::pair<std::string, std::string>> Everything() {
    std::vector<std::pair<std::string, std::string>> all = ReadTree(server_->data_dir());
    for (auto& f : ReadTree(logs_)) all.push_back(std::move(f));
    if (server_->postgres()) {
      std::string dump;
      EXPECT_EQ(Shell("/usr/lib/postgresql/15/bin/pg_dump --format=plain '" + server_->database_url() + "'", &dump), 0)
          << dump;
      EXPECT_NE(dump.find("CREATE TABLE public.contacts"), std::string::npos);
      all.emplace_back("pg_dump", std::move(dump));
      if (const char* pg_dir = std::getenv("SALESDB_TEST_PG_DIR")) {  // the cluster's own log
        if (fs::exists(std::string(pg_dir) + "/pg.log")) all.emplace_back("pg.log", ReadFile(std::string(pg_dir) + "/pg.log"));
      }
    }
    for (const auto& [where, bytes] : outputs_) all.emplace_back(where, bytes);
    return all;
  }

  std::string logs_;
  std::unique_ptr<TestServer> server_;
  std::vector<std::pair<std::string, std::string>> outputs_;  // CLI output and export bodies
};

TEST_F(ProtectCanary, NoCanaryInPlaintextInDatabaseLogsBackupsCheckpointsOrExports) {
  Canaries canaries;
  std::string out;
  // Seeded data: its values become canaries once read back through the API.
  ASSERT_EQ(server_->Cli("seed --customers 20", &out), 0) << out;
  outputs_.emplace_back("seed output", out);
  Client admin(*server_);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  HttpResponse seeded = admin.Get("/api/v1/contacts?limit=3");
  ASSERT_EQ(seeded.status, 200) << seeded.body;
  ASSERT_EQ(seeded.json()["items"].size(), 3u) << seeded.body;
  const nlohmann::json seeded_contacts = seeded.json();  // a range-for over a temporary's member would dangle
  for (const auto& c : seeded_contacts["items"]) {
    canaries.Add("seeded email", c["email"]);
    canaries.Add("seeded phone", c["phone"]);
    canaries.Add("seeded phone digits", Digits(c["phone"]));
  }
  HttpResponse seeded_key = admin.Get("/api/v1/licenses?limit=3");
  ASSERT_EQ(seeded_key.json()["items"].size(), 3u) << seeded_key.body;
  const nlohmann::json seeded_licenses = seeded_key.json();
  for (const auto& l : seeded_licenses["items"]) canaries.Add("seeded licence key", l["key"]);
  HttpResponse seeded_body = admin.Get("/api/v1/activities?limit=1");
  ASSERT_FALSE(seeded_body.json()["items"].empty()) << seeded_body.body;
  canaries.Add("seeded activity body", seeded_body.json()["items"][0]["body"]);

  // Data written through the API.
  const std::string u = Unique();
  const std::string control = "Plaintext-Control-" + u;  // customer notes are not encrypted
  nlohmann::json customer = CustomerBody("Canary Corp " + u);
  customer["notes"] = control;
  HttpResponse cr = admin.Post("/api/v1/customers", customer);
  ASSERT_EQ(cr.status, 201) << cr.body;
  int64_t customer_id = cr.json()["id"];
  const std::string email = "Canary.Mail." + u + "@Canary-" + u + ".test";
  const std::string phone = "+86 139 " + u.substr(0, 4) + " " + u.substr(4, 4);
  const std::string body = "Canary body " + u + ": said \"budget\" / 预算 " + u.substr(6);
  canaries.Add("email", email);
  canaries.Add("email local part", email.substr(0, email.find('@')));
  canaries.Add("phone", phone);
  canaries.Add("phone digits", Digits(phone));
  canaries.Add("activity body", body);
  HttpResponse ct = admin.Post("/api/v1/contacts", nlohmann::json{{"customer_id", customer_id},
                                                                   {"name", "Canary Person"},
                                                                   {"email", email},
                                                                   {"phone", phone}});
  ASSERT_EQ(ct.status, 201) << ct.body;
  int64_t contact_id = ct.json()["id"];
  HttpResponse lic = admin.Post("/api/v1/licenses", nlohmann::json{{"customer_id", customer_id},
                                                                    {"edition", "team"},
                                                                    {"seats", 10},
                                                                    {"annual_value_minor", 100000},
                                                                    {"currency", "CNY"},
                                                                    {"starts_at", 1767225600000},
                                                                    {"expires_at", 1798761600000},
                                                                    {"deployment", "cloud"}});
  ASSERT_EQ(lic.status, 201) << lic.body;
  const std::string key = lic.json()["key"];
  canaries.Add("licence key", key);
  int64_t license_id = lic.json()["id"];
  HttpResponse act = admin.Post("/api/v1/activities", nlohmann::json{{"customer_id", customer_id},
                                                                       {"type", "note"},
                                                                       {"subject", "call"},
                                                                       {"body", body}});
  ASSERT_EQ(act.status, 201) << act.body;
  // An update, an idempotent create and its replay (the stored answer), searches, a reveal.
  const std::string email2 = "Second.Canary." + u + "@canary.test";
  canaries.Add("updated email", email2);
  ASSERT_EQ(admin.Patch("/api/v1/contacts/" + std::to_string(contact_id), {{"email", email2}},
                        {{"If-Match", "\"v1\""}})
                .status,
            200);
  const std::string email3 = "Third.Canary." + u + "@canary.test";
  canaries.Add("idempotent email", email3);
  nlohmann::json idem_body = {{"customer_id", customer_id}, {"name", "X"}, {"email", email3}};
  const std::string idem_key = "canary-" + u;
  ASSERT_EQ(admin.Post("/api/v1/contacts", idem_body, {{"Idempotency-Key", idem_key}}).status, 201);
  HttpResponse replay = admin.Post("/api/v1/contacts", idem_body, {{"Idempotency-Key", idem_key}});
  ASSERT_EQ(replay.status, 201);
  EXPECT_EQ(replay.json()["email"], email3);
  HttpResponse found = admin.Get("/api/v1/contacts?email=" + UrlEncode(email2));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json()["items"].size(), 1u);
  EXPECT_EQ(admin.Get("/api/v1/contacts?phone=" + Digits(phone)).json()["items"].size(), 1u);
  EXPECT_EQ(admin.Get("/api/v1/licenses?key=" + key).json()["items"].size(), 1u);
  server_->CreateUser("rep.canary@example.com", "sales_rep", "east_china");
  Client rep(*server_);
  ASSERT_EQ(rep.Login("rep.canary@example.com", kUserPassword).status, 200);
  HttpResponse masked = rep.Get("/api/v1/customers/" + std::to_string(customer_id));
  ASSERT_EQ(masked.status, 200) << masked.body;
  HttpResponse revealed =
      rep.Post("/api/v1/licenses/" + std::to_string(license_id) + "/reveal", nlohmann::json{{"field", "key"}});
  ASSERT_EQ(revealed.status, 200) << revealed.body;
  EXPECT_EQ(revealed.json()["value"], key);
  // Refused input that carries a canary is not stored or logged either.
  const std::string refused = "Refused.Canary." + u + "@canary.test";
  canaries.Add("refused email", refused);
  EXPECT_EQ(admin.Post("/api/v1/contacts",
                       nlohmann::json{{"customer_id", 999999999}, {"name", "Nobody"}, {"email", refused}})
                .status / 100,
            4);
  EXPECT_EQ(admin.Patch("/api/v1/contacts/" + std::to_string(contact_id), {{"email", refused}},
                        {{"If-Match", "\"v99\""}})
                .status,
            412);

  // Audit CSV exports (admin and auditor), a signed audit checkpoint, backups through the API and CLI.
  server_->CreateUser("auditor.canary@example.com", "auditor");
  Client auditor(*server_);
  ASSERT_EQ(auditor.Login("auditor.canary@example.com", kUserPassword).status, 200);
  for (Client* c : {&admin, &auditor}) {
    HttpResponse csv = c->Get("/api/v1/audit/export.csv?limit=10000");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_NE(csv.body.find("contact.update"), std::string::npos);
    outputs_.emplace_back("audit CSV export", csv.body);
  }
  ASSERT_EQ(admin.Post("/api/v1/backups", std::string("{}")).status, 202);
  bool backed_up = WaitUntil([&] {
    nlohmann::json list = admin.Get("/api/v1/backups").json();
    return !list["items"].empty() && !list["job"]["running"].get<bool>() && !list["job"]["queued"].get<bool>();
  });
  ASSERT_TRUE(backed_up);
  ASSERT_EQ(server_->Cli("backup create", &out), 0) << out;
  outputs_.emplace_back("backup create output", out);
  const std::string checkpoints = server_->data_dir() + "/audit/checkpoints.jsonl";
  const int64_t head = std::stoll(RunSql(*server_, "SELECT MAX(id) FROM audit_log"));
  auto newest_checkpoint = [&] {
    int64_t newest = 0;
    std::string text = ReadFile(checkpoints);
    for (size_t at = 0; (at = text.find("\"entry_id\":", at)) != std::string::npos; at += 11) {
      newest = std::max<int64_t>(newest, std::atoll(text.c_str() + at + 11));
    }
    return newest;
  };
  ASSERT_TRUE(WaitUntil([&] { return newest_checkpoint() >= head; })) << ReadFile(checkpoints) << " head " << head;

  // The scan, while the server runs (the SQLite WAL and shared memory exist) and after it stopped.
  ASSERT_EQ(canaries.values(), 22);
  Canaries control_only;
  control_only.Add("control", control);
  for (bool running : {true, false}) {
    if (!running) {
      ASSERT_EQ(server_->Stop(), 0);
      outputs_.clear();
    }
    std::set<std::string> kinds;
    bool control_found = false;
    for (const auto& [where, bytes] : Everything()) {
      std::string name = fs::path(where).filename().string();
      if (name.ends_with("-wal")) kinds.insert("wal");
      if (name.ends_with("-shm")) kinds.insert("shm");
      if (name.starts_with("salesdb.db") || name == "pg_dump") {
        kinds.insert("database");
        control_found = control_found || !control_only.FoundIn(bytes).empty();
      }
      if (name.ends_with(".sdbk")) kinds.insert("backup");
      if (name.ends_with(".manifest.json")) kinds.insert("manifest");
      if (name == "checkpoints.jsonl") kinds.insert("checkpoint");
      if (name.ends_with(".log")) kinds.insert("log");
      if (where == "audit CSV export") kinds.insert("export");
      for (const std::string& hit : canaries.FoundIn(bytes)) {
        ADD_FAILURE() << (running ? "[running] " : "[stopped] ") << hit << " in " << where;
      }
    }
    // The scan covered every kind of file, and finds a value that is stored in plaintext.
    std::set<std::string> want = {"database", "backup", "manifest", "checkpoint", "log"};
    if (running) want.insert("export");
    if (running && !server_->postgres()) want.insert({"wal", "shm"});
    for (const auto& k : want) EXPECT_TRUE(kinds.count(k)) << k << (running ? " while running" : " after stop");
    EXPECT_TRUE(control_found) << "the scan did not find the plaintext control value";
  }
}

}  // namespace
}  // namespace salesdb::testing

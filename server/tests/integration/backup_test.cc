// Backups end to end, on SQLite and (with SALESDB_TEST_PG) PostgreSQL: the restore drill, writes
// during a backup, kill -9 at random points, a full disk, S3 (s3rver) up, down and answering 500,
// and the admin API.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "fixtures.h"
#include "harness.h"

namespace salesdb::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// The path after "created " in `backup create` output.
std::string CreatedPath(const std::string& out) {
  auto pos = out.find("created ");
  if (pos == std::string::npos) return "";
  auto end = out.find('\n', pos);
  return out.substr(pos + 8, end - pos - 8);
}

std::vector<std::string> Manifests(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().string();
    if (n.size() > 14 && n.compare(n.size() - 14, 14, ".manifest.json") == 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Empties the live database: the SQLite file goes, the PostgreSQL schema is dropped.
void DeleteDatabase(const TestServer& server) {
  if (!server.postgres()) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(server.data_dir() + "/salesdb.db" + suffix);
    return;
  }
  PGconn* c = PQconnectdb(server.database_url().c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  PGresult* r = PQexec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
}

std::string SqliteCheck(const std::string& path, const char* pragma) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);  // a failed open still allocates the handle
    return "cannot open";
  }
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, pragma, -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out += t ? reinterpret_cast<const char*>(t) : "?";
      out += ";";
    }
  } else {
    out = sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// A child process that is killed with the test.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = freopen(log.c_str(), "w", stdout);
      (void)f;
      dup2(fileno(stdout), fileno(stderr));
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// s3rver from tests/s3 (npm ci there, or scripts/install-deps.sh), on a free port, bucket "backups".
class S3rver {
 public:
  S3rver() : dir_(fs::temp_directory_path().string() + "/s3rver-" + std::to_string(getpid()) + "-" +
                  std::to_string(FreePort())),
             port_(FreePort()) {
    fs::create_directories(dir_);
    std::string bin = std::string(SALESDB_SOURCE_DIR) + "/tests/s3/node_modules/s3rver/bin/s3rver.js";
    if (!fs::exists(bin)) throw std::runtime_error("s3rver is not installed: run npm ci in tests/s3");
    log_ = dir_ + ".log";
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/node", bin, "-d", dir_, "-a", "127.0.0.1", "-p", std::to_string(port_),
                                 "--configure-bucket", "backups"},
        log_);
    for (int i = 0; i < 300; ++i) {
      std::ifstream in(log_);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("listening") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("s3rver did not start; see " + log_);
  }
  ~S3rver() {
    process_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::remove(log_, ec);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  static std::vector<std::string> Env(const std::string& endpoint) {
    return {"SALESDB_BACKUP_S3_ENDPOINT=" + endpoint, "SALESDB_BACKUP_S3_BUCKET=backups",
            "SALESDB_BACKUP_S3_PREFIX=salesdb/", "SALESDB_BACKUP_S3_ACCESS_KEY=S3RVER",
            "SALESDB_BACKUP_S3_SECRET_KEY=S3RVER", "SALESDB_BACKUP_OFFSITE_RETRIES=2",
            "SALESDB_BACKUP_OFFSITE_BACKOFF_MS=20"};
  }
  // Sizes of the objects s3rver stores under salesdb/ (its folder layout: <bucket>/<key>._S3rver_object).
  std::map<std::string, uintmax_t> Objects() const {
    std::map<std::string, uintmax_t> out;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/backups", ec)) {
      std::string n = e.path().filename().string();
      const std::string suffix = "._S3rver_object";
      if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out[n.substr(0, n.size() - suffix.size())] = e.file_size();
      }
    }
    return out;
  }

 private:
  std::string dir_;
  int port_;
  std::string log_;
  std::unique_ptr<Process> process_;
};

// Answers every request with 500 and counts them.
class Http500Server {
 public:
  Http500Server() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[65536];
        timeval tv{0, 200000};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n > 0) {
          ++requests_;
          const char reply[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
          send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
        }
        close(c);
      }
    });
  }
  ~Http500Server() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

std::string BackupDir(const TestServer& s) { return s.data_dir() + "/backups"; }

TEST(BackupTest, RestoreDrillEveryTableHashMatches) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 5000", &out), 0) << out;
  ASSERT_EQ(server.Cli("backup create", &out), 0) << out;  // online: the server is running
  std::string file = CreatedPath(out);
  ASSERT_TRUE(fs::exists(file)) << out;
  nlohmann::json before = ReadJson(file + ".manifest.json");
  EXPECT_EQ(before["verification"]["status"], "passed");
  EXPECT_EQ(before["tables"]["customers"]["rows"], 5000);
  EXPECT_EQ(before["dialect"], server.postgres() ? "postgresql" : "sqlite");

  ASSERT_EQ(server.Cli("restore " + file, &out), 1) << "a running server must stop the restore: " << out;
  EXPECT_NE(out.find("stop it"), std::string::npos) << out;
  server.Stop();
  DeleteDatabase(server);
  ASSERT_EQ(server.Cli("restore " + file, &out), 0) << out;
  EXPECT_NE(out.find("restored"), std::string::npos) << out;
  EXPECT_NE(out.find("customers"), std::string::npos) << out;

  ASSERT_EQ(server.Cli("backup create", &out), 0) << out;
  nlohmann::json after = ReadJson(CreatedPath(out) + ".manifest.json");
  EXPECT_EQ(after["tables"], before["tables"]);
  EXPECT_EQ(after["schema_version"], before["schema_version"]);
  server.Start();
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  auto first = admin.Get("/api/v1/customers?limit=1");
  ASSERT_EQ(first.status, 200);
  // The full-text index, left out of the backup, was rebuilt: a search (SQLite: FTS5) finds customers.
  std::string name = first.json()["items"][0]["name"].get<std::string>();
  std::string term = name.substr(0, name.find(' '));  // "Delta", "广州远景金融服务有限公司"
  auto found = admin.Get("/api/v1/customers?limit=50&q=" + UrlEncode(term));
  ASSERT_EQ(found.status, 200);
  EXPECT_FALSE(Items(found).empty()) << term;
  for (const auto& c : Items(found)) EXPECT_NE(c["name"].get<std::string>().find(term), std::string::npos);
}

TEST(BackupTest, RestoreOfAChangedDatabaseTakesASafetyBackupFirst) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("backup create", &out), 0) << out;
  std::string file = CreatedPath(out);
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  ASSERT_EQ(admin.Post("/api/v1/customers", CustomerBody("Made after the backup")).status, 201);
  server.Stop();
  ASSERT_EQ(server.Cli("restore " + file, &out), 0) << out;
  EXPECT_NE(out.find("the database before the restore is in"), std::string::npos) << out;
  auto manifests = Manifests(BackupDir(server));
  ASSERT_EQ(manifests.size(), 2u);
  EXPECT_EQ(ReadJson(manifests[1])["reason"], "pre-restore");
  server.Start();
  Client again(server);
  ASSERT_EQ(again.Login(kAdminEmail, kAdminPassword).status, 200);
  auto list = again.Get("/api/v1/customers?q=Made%20after");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.json()["items"].empty()) << list.body;
}

TEST(BackupTest, VerifyNamesEachKindOfDamage) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("backup create", &out), 0) << out;
  std::string file = CreatedPath(out);
  ASSERT_EQ(server.Cli("backup verify " + file, &out), 0) << out;
  EXPECT_NE(out.find("verified"), std::string::npos);

  std::string copy = file + ".copy.sdbk";
  auto damaged = [&](const std::function<void()>& damage) {
    fs::copy_file(file, copy, fs::copy_options::overwrite_existing);
    fs::copy_file(file + ".manifest.json", copy + ".manifest.json", fs::copy_options::overwrite_existing);
    damage();
    std::string o;
    EXPECT_EQ(server.Cli("backup verify " + copy, &o), 1) << o;
    return o;
  };
  EXPECT_NE(damaged([&] { fs::resize_file(copy, fs::file_size(copy) - 100); }).find("(truncated)"), std::string::npos);
  EXPECT_NE(damaged([&] {
              // Flip the byte's bits: writing a fixed value would leave the file intact whenever the
              // (random, encrypted) byte already had that value, one backup in 256.
              std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
              f.seekg(200);
              char byte = 0;
              f.get(byte);
              f.seekp(200);
              f.put(static_cast<char>(~byte));
            }).find("(checksum)"),
            std::string::npos);
  EXPECT_NE(damaged([&] {
              auto j = ReadJson(copy + ".manifest.json");
              j["tables"]["users"]["rows"] = 99;
              std::ofstream(copy + ".manifest.json", std::ios::trunc) << j.dump();
            }).find("(manifest-mismatch)"),
            std::string::npos);
  // Another data folder has another key.
  std::string other_dir = server.data_dir() + "-other";
  std::string cmd = "--data-dir " + other_dir + " backup verify " + copy;
  fs::copy_file(file + ".manifest.json", copy + ".manifest.json", fs::copy_options::overwrite_existing);
  fs::copy_file(file, copy, fs::copy_options::overwrite_existing);
  EXPECT_EQ(server.Cli(cmd, &out), 1);
  EXPECT_NE(out.find("(wrong-key)"), std::string::npos) << out;
  fs::remove_all(other_dir);
}

// Writers keep creating customers (each with its audit row, one transaction) during backups: every
// backup must hold one moment, so customers − audit rows is the same in all of them.
TEST(BackupTest, WritesDuringBackupGiveOneMomentsState) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 2000", &out), 0) << out;
  std::vector<std::unique_ptr<Client>> clients;
  for (int w = 0; w < 3; ++w) {
    clients.push_back(std::make_unique<Client>(server));
    ASSERT_EQ(clients.back()->Login(kAdminEmail, kAdminPassword).status, 200);
  }
  ASSERT_EQ(server.Cli("backup create", &out), 0) << out;
  auto base = ReadJson(CreatedPath(out) + ".manifest.json");
  int64_t offset = base["tables"]["customers"]["rows"].get<int64_t>() - base["tables"]["audit_log"]["rows"].get<int64_t>();
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      Client& c = *clients[w];
      for (int i = 0; !stop; ++i) {
        auto r = c.Post("/api/v1/customers", CustomerBody("Writer " + std::to_string(w) + "-" + std::to_string(i)));
        if (r.status == 201) ++created;
      }
    });
  }
  std::vector<nlohmann::json> manifests;
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::string o;
    ASSERT_EQ(server.Cli("backup create", &o), 0) << o;
    manifests.push_back(ReadJson(CreatedPath(o) + ".manifest.json"));
  }
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(created.load(), 0);
  int64_t last_customers = base["tables"]["customers"]["rows"];
  for (const auto& m : manifests) {
    EXPECT_EQ(m["verification"]["status"], "passed");
    int64_t customers = m["tables"]["customers"]["rows"];
    int64_t audit = m["tables"]["audit_log"]["rows"];
    EXPECT_GE(customers, last_customers);
    last_customers = customers;
    EXPECT_EQ(customers - audit, offset) << m.dump();
  }
  EXPECT_GT(last_customers, base["tables"]["customers"]["rows"].get<int64_t>()) << "the writers ran during backups";
}

// kill -9 of `salesdb backup create` at random moments: never a complete-looking file that is not
// complete, never a damaged live database. 200 iterations, as issue 5 asks (SALESDB_KILL_ITERATIONS
// changes the count); about 0.4 s each on the 2-core machine, see docs/backups.md.
TEST(BackupTest, KillDuringBackupNeverLeavesAFalseBackupOrDamage) {
  TestServer server;
  if (server.postgres()) GTEST_SKIP() << "the SQLite run covers the process; pg_dump's own atomicity is PostgreSQL's";
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 300", &out), 0) << out;
  server.Stop();
  int iterations = 200;
  if (const char* n = std::getenv("SALESDB_KILL_ITERATIONS")) iterations = std::atoi(n);
  ASSERT_GT(iterations, 0);
  std::string bin = std::getenv("SALESDB_BIN") ? std::getenv("SALESDB_BIN") : SALESDB_DEFAULT_BIN;
  // The median of three backups' durations is the backup's length (one slow run on a busy machine
  // would otherwise stretch the window past the backup).
  std::vector<int64_t> runs_us;
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(server.Cli("backup create", &out), 0) << out;
    runs_us.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(runs_us.begin(), runs_us.end());
  const int64_t window_us = runs_us[1] * 6 / 5;
  // Kill points are spread evenly over [0, 1.2 × the backup's length]: iteration i kills at a random
  // point of its own slice of that window, the slices in a shuffled order, so that every phase of the
  // backup (snapshot, hashing, compression, verification, rename, manifest) gets its share of kills
  // whatever the count, and the tail past the end checks the finishing steps and complete runs.
  std::mt19937 rng(12345);
  std::vector<int> slices(iterations);
  for (int i = 0; i < iterations; ++i) slices[i] = i;
  std::shuffle(slices.begin(), slices.end(), rng);
  std::set<std::string> checked;
  int killed_mid_way = 0;
  std::string db = server.data_dir() + "/salesdb.db";
  for (int i = 0; i < iterations; ++i) {
    setenv("SALESDB_DATA_DIR", server.data_dir().c_str(), 1);
    setenv("SALESDB_LOG_LEVEL", "error", 1);
    {
      Process p({bin, "backup", "create"}, server.data_dir() + "/kill.log");
      const int64_t at_us = (slices[i] * window_us + static_cast<int64_t>(rng() % (window_us + 1))) / iterations;
      std::this_thread::sleep_for(std::chrono::microseconds(at_us));
      int status = 0;
      if (waitpid(p.pid(), &status, WNOHANG) == 0) ++killed_mid_way;
    }  // SIGKILL
    ASSERT_EQ(SqliteCheck(db, "PRAGMA integrity_check"), "ok;") << "iteration " << i;
    for (const auto& m : Manifests(BackupDir(server))) {
      std::string data = m.substr(0, m.size() - 14);
      if (checked.count(data)) continue;
      ASSERT_TRUE(fs::exists(data)) << "a manifest without its backup: " << m;
      std::string o;
      ASSERT_EQ(server.Cli("backup verify " + data, &o), 0) << "iteration " << i << ": " << o;
      checked.insert(data);
    }
  }
  unsetenv("SALESDB_DATA_DIR");
  EXPECT_GT(killed_mid_way, iterations / 4) << "the kills should land during backups";
  // The next run cleans up what the kills left.
  ASSERT_EQ(server.Cli("backup prune", &out), 0) << out;
  for (const auto& e : fs::directory_iterator(BackupDir(server))) {
    std::string n = e.path().filename().string();
    EXPECT_TRUE(n == ".lock" || n.find(".sdbk") != std::string::npos) << n;
    EXPECT_EQ(n.find(".partial"), std::string::npos) << n;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".sdbk") == 0) {
      EXPECT_TRUE(fs::exists(e.path().string() + ".manifest.json")) << n;
    }
  }
  std::printf("[ kill -9 ] %d iterations over a %.0f ms window, %d killed during a backup, %zu complete backups verified\n",
              iterations, window_us / 1000.0, killed_mid_way, checked.size());
}

TEST(BackupTest, FullDiskIsAClearErrorAndLeavesNoPartialFile) {
  std::string small = fs::temp_directory_path().string() + "/salesdb-full-" + std::to_string(getpid());
  fs::create_directories(small);
  if (mount("tmpfs", small.c_str(), "tmpfs", 0, "size=64k,mode=0700") != 0) {
    fs::remove(small);
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?); the file-system seam test covers a full disk";
  }
  struct Unmount {
    std::string dir;
    ~Unmount() {
      umount2(dir.c_str(), MNT_DETACH);
      fs::remove(dir);
    }
  } unmount{small};
  TestServer server({"SALESDB_BACKUP_DIR=" + small});
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 1500", &out), 0) << out;
  ASSERT_EQ(server.Cli("backup create", &out), 1) << out;
  EXPECT_NE(out.find("disk full"), std::string::npos) << out;
  for (const auto& e : fs::directory_iterator(small)) {
    EXPECT_EQ(e.path().filename().string(), ".lock") << "left behind: " << e.path();
  }
  EXPECT_EQ(SqliteCheck(server.data_dir() + "/salesdb.db", "PRAGMA quick_check"),
            server.postgres() ? "cannot open" : "ok;");
  // The server's own backup (asked for through the API) fails the same way and says so in its
  // metrics and the admin API.
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  ASSERT_EQ(admin.Post("/api/v1/backups", std::string("{}")).status, 202);
  bool failed = false;
  for (int i = 0; i < 600 && !failed; ++i) {
    auto r = admin.Get("/api/v1/backups");
    failed = r.json()["job"]["last_error"].is_string() && !r.json()["job"]["running"].get<bool>() &&
             r.json()["job"]["last_error"].get<std::string>().find("disk full") != std::string::npos;
    if (!failed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(failed);
  auto metrics = admin.Get("/metrics");
  EXPECT_NE(metrics.body.find("salesdb_backup_failures_total "), std::string::npos) << metrics.body;
  EXPECT_EQ(metrics.body.find("salesdb_backup_failures_total 0"), std::string::npos);
  for (const auto& e : fs::directory_iterator(small)) EXPECT_EQ(e.path().filename().string(), ".lock");
  // With room again the same database backs up fine: it was not harmed.
  server.Stop();
  ASSERT_EQ(server.Cli("--backup-dir " + server.data_dir() + "/backups backup create", &out), 0) << out;
}

TEST(BackupTest, S3CopyIsConfirmedAndPruned) {
  S3rver s3;
  TestServer server(S3rver::Env(s3.endpoint()));
  std::string out;
  ASSERT_EQ(server.Cli("backup create", &out), 0) << out;
  std::string file = CreatedPath(out);
  auto m = ReadJson(file + ".manifest.json");
  EXPECT_EQ(m["offsite"]["s3"]["status"], "confirmed") << m.dump();
  auto objects = s3.Objects();
  std::string name = fs::path(file).filename().string();
  ASSERT_TRUE(objects.count(name)) << "stored: " << objects.size();
  EXPECT_EQ(objects[name], fs::file_size(file));
  EXPECT_TRUE(objects.count(name + ".manifest.json"));
  ASSERT_EQ(server.Cli("backup prune", &out), 0) << out;  // one backup: nothing to delete, listing works
  EXPECT_NE(out.find("0 deleted locally, 0 off-site"), std::string::npos) << out;
}

TEST(BackupTest, S3DownOrFailingIsRetriedRecordedAndKeepsTheLocalBackup) {
  Http500Server failing;
  for (const std::string& endpoint : {std::string("http://127.0.0.1:9"), failing.endpoint()}) {
    TestServer server(S3rver::Env(endpoint));
    std::string out;
    ASSERT_EQ(server.Cli("backup create", &out), 1) << out;
    EXPECT_NE(out.find("off-site copy to s3 failed"), std::string::npos) << out;
    EXPECT_NE(out.find("the local backup is kept"), std::string::npos) << out;
    auto manifests = Manifests(BackupDir(server));
    ASSERT_EQ(manifests.size(), 1u);
    auto m = ReadJson(manifests[0]);
    EXPECT_EQ(m["verification"]["status"], "passed");
    EXPECT_EQ(m["offsite"]["s3"]["status"], "failed");
    ASSERT_EQ(server.Cli("backup verify " + manifests[0].substr(0, manifests[0].size() - 14), &out), 0) << out;
  }
  EXPECT_EQ(failing.requests(), 3) << "one attempt and two retries";
}

TEST(BackupTest, ScheduledBackupAtStartAndAdminApi) {
  TestServer server({"SALESDB_BACKUP_INTERVAL_MINUTES=60"});
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  // The first start has no backup: one is taken at once.
  nlohmann::json list;
  for (int i = 0; i < 600; ++i) {
    auto r = admin.Get("/api/v1/backups");
    ASSERT_EQ(r.status, 200) << r.body;
    list = r.json();
    if (!list["items"].empty() && !list["job"]["running"].get<bool>()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(list["items"].size(), 1u) << list.dump();
  auto item = list["items"][0];
  EXPECT_EQ(item["status"], "verified");
  EXPECT_EQ(item["reason"], "scheduled");
  EXPECT_GT(item["size_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(item["verification"]["status"], "passed");
  EXPECT_EQ(list["job"]["interval_minutes"], 60);
  EXPECT_TRUE(list["job"]["next_due_at"].is_number());

  int64_t first_id = item["id"];
  auto created = admin.Post("/api/v1/backups", std::string());
  ASSERT_EQ(created.status, 202) << created.body;
  for (int i = 0; i < 600; ++i) {
    list = admin.Get("/api/v1/backups").json();
    if (list["items"][0]["id"] != first_id && !list["job"]["running"].get<bool>() &&
        !list["job"]["queued"].get<bool>()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(list["items"][0]["reason"], "api") << list.dump();
  EXPECT_TRUE(list["job"]["last_error"].is_null()) << list.dump();
  // Both were taken in the same hour: GFS keeps the newest of the hour.
  EXPECT_EQ(list["items"].size(), 1u) << list.dump();
  int64_t id = list["items"][0]["id"];

  auto download = admin.Get("/api/v1/backups/" + std::to_string(id) + "/download");
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.header("content-type"), "application/octet-stream");
  EXPECT_NE(download.header("content-disposition").find(list["items"][0]["file"].get<std::string>()), std::string::npos);
  EXPECT_EQ(static_cast<int64_t>(download.body.size()), list["items"][0]["size_bytes"].get<int64_t>());
  EXPECT_EQ(download.body.substr(0, 8), "SDBKUP01");
  EXPECT_EQ(admin.Get("/api/v1/backups/12345/download").status, 404);
  EXPECT_EQ(admin.Post("/api/v1/backups", nlohmann::json{{"bogus", 1}}).status, 422);

  server.CreateUser("rep@example.com", "sales_rep", "east_china");
  Client rep(server);
  ASSERT_EQ(rep.Login("rep@example.com", kUserPassword).status, 200);
  EXPECT_EQ(rep.Get("/api/v1/backups").status, 403);
  EXPECT_EQ(rep.Post("/api/v1/backups", std::string("{}")).status, 403);
  EXPECT_EQ(rep.Get("/api/v1/backups/" + std::to_string(id) + "/download").status, 403);
  EXPECT_EQ(Client(server).Get("/api/v1/backups").status, 401);

  auto ready = admin.Get("/readyz");
  EXPECT_EQ(ready.json()["checks"]["backups"][0]["status"], "pass") << ready.body;
  auto metrics = admin.Get("/metrics");
  for (const char* name : {"salesdb_backup_last_success_timestamp_seconds", "salesdb_backup_last_verified_timestamp_seconds",
                           "salesdb_backup_duration_seconds", "salesdb_backup_size_bytes", "salesdb_backup_failures_total"}) {
    EXPECT_NE(metrics.body.find(std::string(name) + " "), std::string::npos) << name;
  }
}


int64_t LastCheckpointId(const std::string& data_dir) {
  std::ifstream in(data_dir + "/audit/checkpoints.jsonl");
  std::string line;
  int64_t last = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) last = j.value("entry_id", int64_t{0});
  }
  return last;
}

// Waits until the backup job is idle with `n` backups listed; returns the list.
nlohmann::json WaitForBackups(Client& admin, size_t n) {
  nlohmann::json list;
  for (int i = 0; i < 600; ++i) {
    list = admin.Get("/api/v1/backups").json();
    if (list["items"].size() == n && !list["job"]["running"].get<bool>() && !list["job"]["queued"].get<bool>()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return list;
}

TEST(BackupTest, OnlineRestoreThroughTheAdminApi) {
  TestServer server({"SALESDB_BACKUP_INTERVAL_MINUTES=0", "SALESDB_AUDIT_CHECKPOINT_INTERVAL_SECONDS=1"});
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  auto kept = admin.Post("/api/v1/customers", CustomerBody("Kept Before Backup"));
  ASSERT_EQ(kept.status, 201) << kept.body;
  int64_t kept_id = kept.json()["id"];
  ASSERT_EQ(admin.Post("/api/v1/backups", std::string()).status, 202);
  nlohmann::json list = WaitForBackups(admin, 1);
  ASSERT_EQ(list["items"].size(), 1u) << list.dump();
  ASSERT_EQ(list["items"][0]["status"], "verified");
  const std::string file = list["items"][0]["file"];
  const std::string restore_path = "/api/v1/backups/" + std::to_string(list["items"][0]["id"].get<int64_t>()) + "/restore";

  // Changes after the backup, signed into the checkpoint file before the restore.
  auto added = admin.Post("/api/v1/customers", CustomerBody("Added After Backup"));
  ASSERT_EQ(added.status, 201);
  int64_t added_id = added.json()["id"];
  auto renamed = admin.Patch("/api/v1/customers/" + std::to_string(kept_id), {{"name", "Renamed After Backup"}},
                             {{"If-Match", "\"v1\""}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  int64_t newest_entry = admin.Get("/api/v1/audit?limit=1").json()["items"][0]["id"];
  for (int i = 0; i < 100 && LastCheckpointId(server.data_dir()) < newest_entry; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(LastCheckpointId(server.data_dir()), newest_entry);

  // Not an admin: 403. A wrong or missing confirmation: 422, nothing changed.
  server.CreateUser("rep@example.com", "sales_rep", "east_china");
  Client rep(server);
  ASSERT_EQ(rep.Login("rep@example.com", kUserPassword).status, 200);
  EXPECT_EQ(rep.Post(restore_path, nlohmann::json{{"confirm", file}}).status, 403);
  auto wrong = admin.Post(restore_path, nlohmann::json{{"confirm", file + "x"}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_EQ(wrong.json()["errors"][0]["field"], "confirm") << wrong.body;
  EXPECT_EQ(admin.Post(restore_path, std::string()).status, 422);
  EXPECT_EQ(admin.Post(restore_path, nlohmann::json{{"confirm", file}, {"bogus", 1}}).status, 422);
  EXPECT_EQ(admin.Post("/api/v1/backups/12345/restore", nlohmann::json{{"confirm", file}}).status, 404);
  EXPECT_EQ(admin.Get("/api/v1/customers/" + std::to_string(added_id)).status, 200);
  EXPECT_EQ(WaitForBackups(admin, 1)["items"].size(), 1u);  // no safety backup was taken

  auto restored = admin.Post(restore_path, nlohmann::json{{"confirm", file}});
  ASSERT_EQ(restored.status, 200) << restored.body;
  auto r = restored.json();
  EXPECT_EQ(r["file"], file);
  EXPECT_GE(r["rows"]["customers"].get<int64_t>(), 1);
  EXPECT_GE(r["duration_ms"].get<int64_t>(), 0);
  EXPECT_TRUE(r["signed_in"].get<bool>()) << r.dump();  // this session is in the backup
  const std::string safety = r["safety_backup"];
  EXPECT_FALSE(safety.empty());

  // The data is the backup's moment.
  EXPECT_EQ(admin.Get("/api/v1/customers/" + std::to_string(added_id)).status, 404);
  auto got = admin.Get("/api/v1/customers/" + std::to_string(kept_id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["name"], "Kept Before Backup");
  // The safety backup is listed, verified, and holds the replaced state.
  list = admin.Get("/api/v1/backups").json();
  bool found = false;
  for (const auto& item : list["items"]) {
    if (item["file"] != safety) continue;
    found = true;
    EXPECT_EQ(item["reason"], "pre-restore");
    EXPECT_EQ(item["status"], "verified");
  }
  EXPECT_TRUE(found) << list.dump();
  std::string out;
  EXPECT_EQ(server.Cli("backup verify " + safety, &out), 0) << out;

  // The server keeps serving and writing; the restore is in the restored audit trail.
  EXPECT_EQ(admin.Post("/api/v1/customers", CustomerBody("Added After Restore")).status, 201);
  auto audited = admin.Get("/api/v1/audit?action=backup.restore");
  ASSERT_EQ(audited.status, 200);
  ASSERT_EQ(audited.json()["items"].size(), 1u) << audited.body;
  EXPECT_EQ(audited.json()["items"][0]["actor_id"], admin.Get("/api/v1/auth/me").json()["user"]["id"]);
  auto verified = admin.Get("/api/v1/audit/verify");
  ASSERT_EQ(verified.status, 200);
  EXPECT_TRUE(verified.json()["problem"].is_null()) << verified.body;

  // The signed checkpoints, with the restore marker, verify after the server signs its last head.
  ASSERT_EQ(server.Stop(), 0);
  EXPECT_EQ(server.Cli("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos) << out;
  std::ifstream cps(server.data_dir() + "/audit/checkpoints.jsonl");
  std::string text((std::istreambuf_iterator<char>(cps)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"restore\":true"), std::string::npos);
}

}  // namespace
}  // namespace salesdb::testing

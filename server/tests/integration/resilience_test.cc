// Failure tests: SIGTERM in the middle of a write burst loses no acknowledged write and exits 0;
// a PostgreSQL restart makes requests and /readyz answer 503 and the server recovers by itself.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "fixtures.h"

namespace salesdb::testing {
namespace {

using std::chrono::milliseconds;

TEST(ResilienceTest, SigtermDuringWriteBurstLosesNoAcknowledgedWrite) {
  TestServer server;
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  const int64_t customer = CreateCustomer(admin, "Burst Co", "east_china", 0);
  ASSERT_NE(customer, 0);

  constexpr int kWriters = 8;
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::mutex mu;
  std::vector<std::pair<int64_t, std::string>> acked;  // id, subject
  std::atomic<int> refused{0}, unexpected{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      Client c = admin;  // the same session; each thread its own connections
      for (int i = 0; !stop.load() && i < 100000; ++i) {
        const std::string subject = "burst " + std::to_string(w) + "-" + std::to_string(i);
        HttpResponse r = c.Post("/api/v1/activities", ActivityBody(customer, subject));
        if (r.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acked.emplace_back(r.json()["id"].get<int64_t>(), subject);
          acknowledged++;
        } else if (r.status == 0 || r.status == 503) {
          refused++;  // connection closed or refused, or "shutting down": not acknowledged
          std::this_thread::sleep_for(milliseconds(5));
        } else {
          unexpected++;
          ADD_FAILURE() << "unexpected answer during the burst: " << r.status << " " << r.body;
          std::this_thread::sleep_for(milliseconds(5));
        }
      }
    });
  }
  // Let the burst get going (bounded wait), then stop the server under load.
  for (int i = 0; i < 600 && acknowledged.load() < 300; ++i) std::this_thread::sleep_for(milliseconds(50));
  ASSERT_GE(acknowledged.load(), 1) << "no write succeeded before SIGTERM";
  const int exit_code = server.Stop();
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(exit_code, 0) << "see " << server.log_path();
  EXPECT_EQ(unexpected.load(), 0);

  // Same data folder / database: every acknowledged activity is there, exactly as written.
  server.Start();
  Client after(server);
  ASSERT_EQ(after.Login(kAdminEmail, kAdminPassword).status, 200);
  std::set<int64_t> stored;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    HttpResponse r = after.Get("/api/v1/activities?limit=500&customer_id=" + std::to_string(customer) +
                               (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& item : Items(r)) stored.insert(item["id"].get<int64_t>());
    if (r.json()["next_cursor"].is_null()) break;
    cursor = r.json()["next_cursor"];
  }
  int missing = 0;
  for (const auto& [id, subject] : acked) {
    if (!stored.count(id)) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged writes";
  EXPECT_GE(stored.size(), acked.size());
  // Spot-check content of a few acknowledged rows.
  for (size_t i = 0; i < acked.size(); i += std::max<size_t>(1, acked.size() / 10)) {
    HttpResponse r = after.Get("/api/v1/activities/" + std::to_string(acked[i].first));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["subject"], acked[i].second);
  }
  std::string out;
  EXPECT_EQ(server.Cli("audit verify", &out), 0) << out;
}

// Restarts the test cluster with scripts/pg-cluster.sh (SALESDB_TEST_PG_DIR names its folder).
class PgCluster {
 public:
  static bool Available() {
    const char* pg = std::getenv("SALESDB_TEST_PG");
    const char* dir = std::getenv("SALESDB_TEST_PG_DIR");
    return pg && *pg && dir && *dir;
  }
  PgCluster() {
    dir_ = std::getenv("SALESDB_TEST_PG_DIR");
    std::smatch m;
    const std::string pg = std::getenv("SALESDB_TEST_PG");
    if (std::regex_search(pg, m, std::regex(R"(port=(\d+))"))) port_ = m[1];
  }
  ~PgCluster() {
    if (down_) Start();  // never leave the cluster down for the tests that follow
  }
  bool Stop() {
    down_ = true;
    return Script("stop " + dir_);
  }
  bool Start() {
    bool ok = Script("start " + dir_ + " " + port_ + " >/dev/null");
    if (ok) down_ = false;
    return ok;
  }

 private:
  static bool Script(const std::string& args) {
    return std::system((std::string("bash '") + SALESDB_SOURCE_DIR + "/scripts/pg-cluster.sh' " + args).c_str()) == 0;
  }
  std::string dir_, port_;
  bool down_ = false;
};

TEST(ResilienceTest, PostgresRestartAnswers503AndRecovers) {
  if (!PgCluster::Available()) GTEST_SKIP() << "needs SALESDB_TEST_PG and SALESDB_TEST_PG_DIR (PostgreSQL run only)";
  TestServer server;
  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  const int64_t customer = CreateCustomer(admin, "Before Restart", "east_china", 0);
  ASSERT_NE(customer, 0);

  PgCluster cluster;
  ASSERT_TRUE(cluster.Stop());
  // During the outage: reads and writes answer 503 problem+json, /readyz fails, /livez still passes.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsProblem(admin.Get("/api/v1/customers"), 503)) << i;
    EXPECT_TRUE(IsProblem(admin.Get("/api/v1/customers/" + std::to_string(customer)), 503)) << i;
    EXPECT_TRUE(IsProblem(admin.Post("/api/v1/customers", CustomerBody("During Outage")), 503)) << i;
  }
  Client anonymous(server);
  EXPECT_TRUE(IsProblem(anonymous.Post("/api/v1/auth/login",
                                       nlohmann::json{{"email", kAdminEmail}, {"password", kAdminPassword}}),
                        503));
  HttpResponse ready = anonymous.Get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.header("content-type"), "application/health+json");
  EXPECT_EQ(ready.json()["status"], "fail");
  EXPECT_EQ(anonymous.Get("/livez").status, 200);

  ASSERT_TRUE(cluster.Start());
  // The server reconnects by itself: /readyz passes again (bounded wait), then every request works.
  bool recovered = false;
  for (int i = 0; i < 300 && !recovered; ++i) {
    recovered = anonymous.Get("/readyz").status == 200;
    if (!recovered) std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_TRUE(recovered) << "/readyz did not pass after the restart";
  // Enough requests to touch every pooled connection, each of which lost its server.
  for (int i = 0; i < 40; ++i) {
    HttpResponse r = admin.Get("/api/v1/customers/" + std::to_string(customer));
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client c = admin;
      for (int i = 0; i < 5; ++i) {
        if (c.Get("/api/v1/customers").status != 200) failures++;
        if (c.Post("/api/v1/activities", ActivityBody(customer, "after " + std::to_string(t))).status != 201) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(admin.Post("/api/v1/customers", CustomerBody("After Restart")).status, 201);
  Client fresh(server);
  EXPECT_EQ(fresh.Login(kAdminEmail, kAdminPassword).status, 200);
  // Nothing from the outage was written.
  EXPECT_EQ(admin.Get("/api/v1/customers?q=During%20Outage").json()["items"].size(), 0u);
}

// Scale-out (DESIGN.md): each instance answers customer lists and the dashboard from memory while no
// table they read has changed; a write through another instance must make them stale within moments
// (its change notification), also after PostgreSQL restarted under both (the listener reconnects).
TEST(ResilienceTest, TwoInstancesSeeEachOthersWritesInCachedLists) {
  if (!PgCluster::Available()) GTEST_SKIP() << "needs SALESDB_TEST_PG and SALESDB_TEST_PG_DIR (PostgreSQL run only)";
  TestServer a;
  TestServer b{SameDatabaseAs{a}};
  Client ca(a), cb(b);
  ASSERT_EQ(ca.Login(kAdminEmail, kAdminPassword).status, 200);
  ASSERT_EQ(cb.Login(kAdminEmail, kAdminPassword).status, 200);
  const std::string list = "/api/v1/customers?region=north_china&limit=50";
  // Polls a's list until `shows` holds (the bound only keeps a broken build from hanging).
  auto eventually = [&](const std::function<bool(const nlohmann::json&)>& shows) {
    for (int i = 0; i < 200; ++i) {
      HttpResponse r = ca.Get(list);
      if (r.status == 200 && shows(Items(r))) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  };
  auto named = [](const nlohmann::json& items, const std::string& name) -> const nlohmann::json* {
    for (const auto& c : items) {
      if (c["name"] == name) return &c;
    }
    return nullptr;
  };
  // Each instance hears the other's changes (else it would cache nothing, and this test prove nothing).
  for (const TestServer* s : {&a, &b}) {
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
      up = Client(*s).Get("/metrics").body.find("\nsalesdb_change_listener_up 1\n") != std::string::npos;
      if (!up) std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_TRUE(up) << "the change listener of " << s->base_url() << " is not listening";
  }
  ASSERT_EQ(Items(ca.Get(list)).size(), 0u);
  ASSERT_EQ(Items(ca.Get(list)).size(), 0u);  // cached now
  auto leads = [](Client& c) {
    HttpResponse r = c.Get("/api/v1/dashboard/summary");
    return r.status == 200 ? r.json()["customers_by_status"]["lead"].get<int64_t>() : -1;
  };
  const int64_t leads_before = leads(ca);  // cached now
  ASSERT_GE(leads_before, 0);

  const int64_t id = CreateCustomer(cb, "Made On B", "north_china", 0);
  ASSERT_NE(id, 0);
  EXPECT_TRUE(eventually([&](const nlohmann::json& items) { return named(items, "Made On B") != nullptr; }));
  bool counted = false;
  for (int i = 0; i < 200 && !counted; ++i) {
    counted = leads(ca) == leads_before + 1;
    if (!counted) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(counted) << "a's dashboard does not count the lead made on b";

  HttpResponse got = cb.Get("/api/v1/customers/" + std::to_string(id));
  ASSERT_EQ(cb.Patch("/api/v1/customers/" + std::to_string(id), nlohmann::json{{"name", "Renamed On B"}},
                     {{"If-Match", got.header("etag")}})
                .status,
            200);
  EXPECT_TRUE(eventually([&](const nlohmann::json& items) { return named(items, "Renamed On B") != nullptr; }));

  // A licence changes the customer's active licence count (kept by a trigger).
  ASSERT_NE(CreateRow(cb, "/api/v1/licenses", LicenseBody(id)), 0);
  EXPECT_TRUE(eventually([&](const nlohmann::json& items) {
    const nlohmann::json* c = named(items, "Renamed On B");
    return c != nullptr && (*c)["active_license_count"] == 1;
  }));

  PgCluster cluster;
  ASSERT_TRUE(cluster.Stop());
  ASSERT_TRUE(cluster.Start());
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    ready = ca.Get("/readyz").status == 200 && cb.Get("/readyz").status == 200;
    if (!ready) std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_TRUE(ready);
  ASSERT_NE(CreateCustomer(cb, "After Restart On B", "north_china", 0), 0);
  EXPECT_TRUE(eventually([&](const nlohmann::json& items) { return named(items, "After Restart On B") != nullptr; }));
}

}  // namespace
}  // namespace salesdb::testing

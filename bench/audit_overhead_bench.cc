// What the audit trail costs a write: the create-activity service call (one durable transaction on
// SQLite, fsync included) with the real hash-chained AuditLog, and with a sink that records nothing.
// Issue 6 budget: audit adds ≤ 15 % to create-activity latency. Run: build/salesdb_audit_overhead_bench
#include <benchmark/benchmark.h>

#include <sodium.h>

#include <filesystem>

#include "audit/audit_log.h"
#include "base/config.h"
#include "domain/services.h"
#include "security/crypto.h"
#include "security/field_crypto.h"
#include "storage/database.h"
#include "storage/field_encryption.h"
#include "storage/migrations.h"
#include "storage/seed.h"
#include "storage/sql_store.h"

namespace salesdb {
namespace {

class NullSink final : public AuditSink {
 public:
  Status Record(Tx&, AuditEntry) override { return Status::Ok(); }
};

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "audit overhead bench: set-up failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

struct Fixture {
  std::string dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<security::KeyRing> ring;  // activity bodies are sealed like in the server
  std::unique_ptr<SqlStore> store;
  explicit Fixture(const std::string& name) {
    (void)crypto::InitCrypto();
    dir = (std::filesystem::temp_directory_path() / ("salesdb-audit-bench-" + name)).string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Config c;
    c.data_dir = dir;
    c.log_level = "warn";
    db = std::move(Database::Open(c, 2)).value();
    Check(Migrate(*db).status());
    security::Key32 master{};
    randombytes_buf(master.data(), master.size());
    ring = std::make_unique<security::KeyRing>(master);
    bool had_keys = false;
    Check(InitFieldKeys(*db, *ring, SystemClock::Get().NowMs(), &had_keys));
    SeedOptions seed;
    seed.customers = 20;
    seed.now_ms = SystemClock::Get().NowMs();
    seed.demo_password_hash = "not-a-real-hash";
    seed.cipher = ring.get();
    Check(Seed(*db, seed).status());
    store = std::make_unique<SqlStore>(*db, ring.get());
  }
  ~Fixture() {
    store.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

void CreateActivity(benchmark::State& state, bool audited) {
  Fixture f(audited ? "on" : "off");
  AuditLog audit;
  NullSink none;
  ServiceContext ctx{*f.store, audited ? static_cast<AuditSink&>(audit) : none, SystemClock::Get()};
  ActivityService activities(ctx);
  Actor actor = Actor::System();
  actor.user_id = 1;  // a seeded user: activities reference their author
  actor.ip = "127.0.0.1";
  actor.request_id = "bench";
  int64_t n = 0;
  for (auto _ : state) {
    Activity a;
    a.customer_id = 1 + (n++ % 20);
    a.type = "call";
    a.subject = "Quarterly check-in";
    a.body = "Discussed renewal timing and seat count for the next year.";
    auto created = activities.Create(actor, a);
    if (!created.ok()) state.SkipWithError(created.status().ToString().c_str());
  }
}

void BM_CreateActivityWithAudit(benchmark::State& s) { CreateActivity(s, true); }
void BM_CreateActivityWithoutAudit(benchmark::State& s) { CreateActivity(s, false); }
// Fixed iterations: each is an fsync, and the estimate from the first fast ones overshot to minutes.
BENCHMARK(BM_CreateActivityWithoutAudit)->Unit(benchmark::kMicrosecond)->Iterations(2000)->Repetitions(3);
BENCHMARK(BM_CreateActivityWithAudit)->Unit(benchmark::kMicrosecond)->Iterations(2000)->Repetitions(3);

}  // namespace
}  // namespace salesdb

BENCHMARK_MAIN();

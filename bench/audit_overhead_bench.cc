// What the audit trail costs a write: the create-activity service call (durable transactions on
// SQLite, fsync included) with the real hash-chained AuditLog, and with a sink that records nothing.
// Issue 6 budget: audit adds ≤ 15 % to create-activity latency. Run: build/salesdb_audit_overhead_bench
//
// Two shapes, each with and without the audit row (`audit:1` / `audit:0`):
//  - BM_CreateActivity: one caller, so every call is its own commit (the worst case for the audit row:
//    nothing shares its pages or its fsync);
//  - BM_CreateActivityConcurrent: 16 callers, like the 16 HTTP worker threads of `make bench`'s
//    create-activity route, so the group-commit writer batches their writes into shared commits.
// Counters per call: latency_us (mean wall time of one call), cpu_us (CPU of the whole process, writer
// thread included) and written_kib (bytes handed to write syscalls: WAL frames, checkpoints). CPU and
// bytes do not depend on what else the machine's disk is doing; latency does, so many short
// repetitions (15 of each) of the four benchmarks run interleaved in random order, so that a slow
// spell of the disk falls on both sides alike, and run.sh compares the medians. Run it several times
// (rounds) and take the median of the rounds' ratios before trusting a latency difference.
#include <benchmark/benchmark.h>

#include <sodium.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "base/config.h"
#include "base/request_id.h"
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

constexpr int kCustomers = 20;
constexpr int kConcurrentCallers = 16;

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

// One database per configuration, kept for the whole run so that repetitions append to the same
// (growing) tables, as a server does.
struct Fixture {
  std::string dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<security::KeyRing> ring;  // activity bodies are sealed like in the server
  std::unique_ptr<SqlStore> store;
  AuditLog audit;
  NullSink none;
  std::unique_ptr<ActivityService> activities;

  explicit Fixture(bool audited) {
    (void)crypto::InitCrypto();
    dir = (std::filesystem::temp_directory_path() / (audited ? "salesdb-audit-bench-on" : "salesdb-audit-bench-off"))
              .string();
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
    seed.customers = kCustomers;
    seed.now_ms = SystemClock::Get().NowMs();
    seed.demo_password_hash = "not-a-real-hash";
    seed.cipher = ring.get();
    Check(Seed(*db, seed).status());
    store = std::make_unique<SqlStore>(*db, ring.get());
    ServiceContext ctx{*store, audited ? static_cast<AuditSink&>(audit) : none, SystemClock::Get()};
    activities = std::make_unique<ActivityService>(ctx);
  }
  ~Fixture() {
    activities.reset();
    store.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

Fixture& Shared(bool audited) {
  static std::mutex mu;
  static std::map<bool, std::unique_ptr<Fixture>> fixtures;
  std::lock_guard<std::mutex> lock(mu);
  auto& f = fixtures[audited];
  if (!f) f = std::make_unique<Fixture>(audited);
  return *f;
}

// CPU time of the whole process (all threads), in µs.
double ProcessCpuUs() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

// Bytes this process handed to write-like syscalls (/proc/self/io wchar).
double WrittenBytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  double value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

// The whole process's figures between the start and the end of a run (taken by thread 0, after
// every thread has started and once all have stopped).
struct ProcessProbe {
  double cpu_us = 0;
  double written = 0;
  void Start() {
    cpu_us = ProcessCpuUs();
    written = WrittenBytes();
  }
  void Report(benchmark::State& state, double calls) {
    state.counters["cpu_us"] = (ProcessCpuUs() - cpu_us) / calls;
    state.counters["written_kib"] = (WrittenBytes() - written) / 1024 / calls;
  }
};

void CreateActivities(benchmark::State& state) {
  const bool audited = state.range(0) != 0;
  Fixture& f = Shared(audited);
  Actor actor = Actor::System();
  actor.user_id = 1;  // a seeded user: activities reference their author
  actor.ip = "127.0.0.1";
  actor.user_agent = "salesdb-bench";
  static std::atomic<double> latency_sum_us{0};
  static std::atomic<int64_t> calls{0};
  static ProcessProbe probe;
  if (state.thread_index() == 0) {
    latency_sum_us = 0;
    calls = 0;
  }
  int64_t n = state.thread_index();
  double my_latency_us = 0;
  bool probing = false;
  for (auto _ : state) {
    // Thread 0 starts the process-wide probe inside the loop: every thread has started by then.
    if (state.thread_index() == 0 && !probing) {
      probe.Start();
      probing = true;
    }
    Activity a;
    a.customer_id = 1 + (n++ % kCustomers);
    a.type = "call";
    a.subject = "Quarterly check-in";
    a.body = "Discussed renewal timing and seat count for the next year.";
    // Request ids as the server makes them (http/frontend.cc).
    actor.request_id = TimeOrderedRequestId(SystemClock::Get().NowMs(), randombytes_random());
    auto t0 = std::chrono::steady_clock::now();
    auto created = f.activities->Create(actor, a);
    my_latency_us += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (!created.ok()) state.SkipWithError(created.status().ToString().c_str());
  }
  // The ranged-for ends for all threads together (a barrier), so these sums are complete below.
  latency_sum_us += my_latency_us;
  calls += state.iterations();
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    // Other threads may still be adding their sums; wait for all of them.
    const int64_t expected = state.iterations() * state.threads();
    while (calls.load() < expected) std::this_thread::yield();
    probe.Report(state, static_cast<double>(expected));
    state.counters["latency_us"] = latency_sum_us.load() / static_cast<double>(expected);
  }
}

// Fixed iterations: each call is an fsync, and the estimate from the first fast ones overshot to minutes.
// Short repetitions, many of them: more A/B alternations for the same run time.
BENCHMARK(CreateActivities)
    ->Name("BM_CreateActivity")
    ->ArgName("audit")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(200)
    ->Repetitions(15);
BENCHMARK(CreateActivities)
    ->Name("BM_CreateActivityConcurrent")
    ->ArgName("audit")
    ->Arg(0)
    ->Arg(1)
    ->Threads(kConcurrentCallers)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(50)
    ->Repetitions(15);

}  // namespace
}  // namespace salesdb

// Repetitions interleaved in random order by default (a later command-line flag overrides it).
int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  args.insert(args.begin() + 1, interleave);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

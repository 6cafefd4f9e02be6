#include "storage/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>

#include "base/files.h"
#include "base/log.h"
#include "storage/pg_statement_cache.h"
#include "storage/sql_query.h"

namespace salesdb {
namespace {

constexpr size_t kMaxQueuedWrites = 10000;
// Distinct statements kept prepared per connection; the list queries vary with their filters.
constexpr size_t kStatementCacheSize = 96;
constexpr size_t kMaxBatch = 256;
// WAL pages between checkpoints. A checkpoint's fsync of the database file delays the commit
// fsyncs that the device serves meanwhile: every write of the batches caught behind it waits.
// Small checkpoints keep that delay short (create activity at 100,000 customers, turns A/B:
// 1,000 pages, SQLite's default: p99 34 ms, 4,517 req/s; 250: 23 ms, 4,251; 100: 20 ms, 3,785).
constexpr int kCheckpointPages = 100;
// Should the checkpointer fall far behind (readers pinning old frames), the writer checkpoints
// itself once the WAL holds this many pages, so that the WAL stays bounded.
constexpr int kWriterCheckpointPages = 16000;

// Names this process in its change notifications (ChangeListener), so that it skips its own.
std::string NewInstanceId() {
  std::random_device device;
  char id[17];
  std::snprintf(id, sizeof id, "%08x%08x", device(), device());
  return id;
}

bool Contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

bool LooksDisconnected(const std::string& what) {
  return Contains(what, "server closed the connection") || Contains(what, "no connection to the server") ||
         Contains(what, "terminating connection") || Contains(what, "Connection refused") ||
         Contains(what, "could not connect") || Contains(what, "connection to server") ||
         Contains(what, "Session is not connected");
}

// SQLite reads are CPU work on this process's cores: more reader connections than about two per
// core only add page caches, not throughput (HTTP threads beyond that wait for a reader).
size_t SqliteReaders(int requested) {
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(requested), std::max<size_t>(4, 2 * cores)));
}

// Process-wide SQLite settings, before the first connection opens. No memory statistics: they take
// one global mutex on every allocation, which was the most contended lock under concurrent reads.
// Multi-thread mode: no mutex per connection, as each connection is used by one thread at a time
// (the writer thread, the holder of a pooled reader, the backup engine's own connections).
void ConfigureSqliteLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    using namespace sqlite_api;
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK) {
      log::Warn("SQLite was initialized before its settings could apply; running with its defaults");
    }
  });
}

void ApplySqlitePragmas(soci::session& s, bool reader) {
  s << "PRAGMA busy_timeout = 10000";
  s << "PRAGMA foreign_keys = ON";
  s << "PRAGMA synchronous = FULL";
  // Page cache per connection: 32 MB for the writer, 8 MB per reader. No mmap: every connection
  // mapped the file on its own, so resident size grew by the database size per connection (2.4 GB
  // VmHWM at 100k customers with 17 connections); the OS page cache is shared instead.
  s << (reader ? "PRAGMA cache_size = -8000" : "PRAGMA cache_size = -32000");
  s << "PRAGMA temp_store = MEMORY";
  s << "PRAGMA mmap_size = 0";
  if (reader) s << "PRAGMA query_only = 1";
}

// A batch of several writes lost to a deferred statement that failed: it may have been any write's
// (a write's INSERT goes with the next one's first statement), so each is told to try again.
Status LostBatch() {
  return Unavailable("a write of the same batch failed in the database; retry").WithRetryAfter(1);
}

}  // namespace

// sqlite3_wal_hook callback of the writer connection, after each commit. Installing it also turns
// off the connection's automatic checkpoints (they are a wal_hook of SQLite's own).
// Past kWriterCheckpointPages the writer checkpoints itself.
int OnWalCommit(void* arg, sqlite_api::sqlite3* db, const char* name, int pages) {
  if (pages >= kWriterCheckpointPages) {
    sqlite_api::sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  static_cast<Database*>(arg)->WalGrew(pages);
  return SQLITE_OK;
}

Status MapDbError(const std::exception& e) {
  std::string what = e.what();
  if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    std::string state = pg->sqlstate();
    if (state == "23505") return AlreadyExists("a row with the same unique value exists");
    if (state == "23503") return InvalidArgument("a referenced row does not exist");
    if (state == "23514" || state == "22001" || state == "22P02" || state == "22003") {
      return InvalidArgument("a value is out of range for its column");
    }
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03") {
      return Unavailable("the database is not reachable");
    }
    if (state == "40001" || state == "40P01") return Unavailable("the database is busy, retry");
  }
  if (Contains(what, "UNIQUE constraint failed")) return AlreadyExists("a row with the same unique value exists");
  if (Contains(what, "FOREIGN KEY constraint failed")) return InvalidArgument("a referenced row does not exist");
  if (Contains(what, "CHECK constraint failed")) return InvalidArgument("a value is out of range for its column");
  if (Contains(what, "database is locked") || Contains(what, "database is busy")) {
    return Unavailable("the database is busy, retry");
  }
  if (LooksDisconnected(what)) return Unavailable("the database is not reachable");
  // SOCI appends the bound values ("... with :email=...") to its messages: they may be personal
  // data or secrets, and never reach the log.
  if (auto with = what.find(" with :"); with != std::string::npos) what.resize(with);
  log::Error("database error", {{"error", what}});
  return Internal("database error");
}

StatusOr<std::unique_ptr<Database>> Database::Open(const Config& config, int readers) {
  std::unique_ptr<Database> db(new Database());
  try {
    if (config.IsPostgres()) {
      db->dialect_ = Dialect::kPostgres;
      db->connect_string_ = config.database_url;
      db->description_ = "postgresql";
      db->pool_size_ = static_cast<size_t>(readers) + 2;
      db->pool_ = std::make_unique<soci::connection_pool>(db->pool_size_);
      for (size_t i = 0; i < db->pool_size_; ++i) {
        db->pool_->at(i).open(*soci::factory_postgresql(), db->connect_string_);
        db->pool_->at(i) << "SET TIME ZONE 'UTC'";
        PgStatementCache::Attach(db->pool_->at(i), kStatementCacheSize);
      }
      db->writer_ = std::make_unique<soci::session>(*soci::factory_postgresql(), db->connect_string_);
      *db->writer_ << "SET TIME ZONE 'UTC'";
      PgStatementCache::Attach(*db->writer_, kStatementCacheSize);
      db->writer_thread_ = std::thread([d = db.get()] { d->WriterLoop(); });
      db->aside_thread_ = std::thread([d = db.get()] { d->AsideLoop(); });
      db->instance_id_ = NewInstanceId();
    } else {
      db->dialect_ = Dialect::kSqlite;
      ConfigureSqliteLibrary();
      std::string path = config.SqlitePath();
      auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) RETURN_IF_ERROR(files::EnsureDir(parent.string(), 0700));
      db->connect_string_ = "db=" + path + " timeout=10";
      db->description_ = "sqlite:" + path;
      db->writer_ = std::make_unique<soci::session>(*soci::factory_sqlite3(), db->connect_string_);
      *db->writer_ << "PRAGMA journal_mode = WAL";
      ApplySqlitePragmas(*db->writer_, /*reader=*/false);
      db->AttachStatementCache(*db->writer_);
      db->pool_size_ = SqliteReaders(readers);
      db->pool_ = std::make_unique<soci::connection_pool>(db->pool_size_);
      for (size_t i = 0; i < db->pool_size_; ++i) {
        db->pool_->at(i).open(*soci::factory_sqlite3(), db->connect_string_);
        ApplySqlitePragmas(db->pool_->at(i), /*reader=*/true);
        db->AttachStatementCache(db->pool_->at(i));
      }
      db->checkpointer_ = std::make_unique<soci::session>(*soci::factory_sqlite3(), db->connect_string_);
      *db->checkpointer_ << "PRAGMA busy_timeout = 10000";
      *db->checkpointer_ << "PRAGMA synchronous = FULL";
      sqlite_api::sqlite3_wal_hook(StatementCache::Handle(*db->writer_), OnWalCommit, db.get());
      db->aside_thread_ = std::thread([d = db.get()] { d->AsideLoop(); });
      db->writer_thread_ = std::thread([d = db.get()] { d->WriterLoop(); });
    }
  } catch (const std::exception& e) {
    return Unavailable("cannot open the database (" + db->description_ + "): " + e.what());
  }
  return db;
}

Database::~Database() {
  listener_.reset();
  if (writer_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    writer_thread_.join();
  }
  if (aside_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(aside_mu_);
      aside_stopping_ = true;
    }
    aside_cv_.notify_all();
    aside_thread_.join();
  }
  DetachStatementCaches();
}

void Database::AttachStatementCache(soci::session& s) {
  auto cache = std::make_unique<StatementCache>(StatementCache::Handle(s), kStatementCacheSize);
  StatementCache::Attach(s, cache.get());
  statement_caches_.push_back(std::move(cache));
}

// Before the connections close: a SQLite connection with prepared statements does not close, and
// a PostgreSQL cache must not outlive its connection.
void Database::DetachStatementCaches() {
  if (dialect_ == Dialect::kSqlite) {
    if (writer_) StatementCache::Detach(*writer_);
    for (size_t i = 0; pool_ && i < pool_size_; ++i) StatementCache::Detach(pool_->at(i));
  } else {
    if (writer_) PgStatementCache::Detach(*writer_);
    for (size_t i = 0; pool_ && i < pool_size_; ++i) PgStatementCache::Detach(pool_->at(i));
  }
  statement_caches_.clear();
}

// Runs a read; on PostgreSQL a lost connection is re-opened and the read run once more.
Status Database::ReadWithRetry(soci::session& s, const Work& fn) {
  for (int attempt = 0;; ++attempt) {
    try {
      return fn(s);
    } catch (const std::exception& e) {
      bool lost = dialect_ == Dialect::kPostgres && (!s.is_connected() || LooksDisconnected(e.what()));
      if (lost && attempt == 0) {
        try {
          Reconnect(s);
          continue;
        } catch (const std::exception& re) {
          log::Warn("database reconnect failed", {{"error", re.what()}});
          return Unavailable("the database is not reachable");
        }
      }
      return MapDbError(e);
    }
  }
}

Status Database::Read(const Work& fn) {
  try {
    soci::session s(*pool_);
    if (dialect_ == Dialect::kPostgres) return ReadWithRetry(s, fn);
    // SQLite: one read transaction, so that the Read's statements see one snapshot and the WAL
    // read lock is taken once (two fcntl calls) rather than around every statement.
    Query(s, "BEGIN").Exec();
    Status result = ReadWithRetry(s, fn);
    try {
      Query(s, "COMMIT").Exec();
    } catch (const std::exception&) {
      s << "ROLLBACK";  // the connection goes back to the pool outside any transaction
      throw;
    }
    return result;
  } catch (const std::exception& e) {
    return MapDbError(e);
  }
}

Status Database::Write(const Work& fn) {
  Job job;
  job.fn = &fn;
  std::unique_lock<std::mutex> lock(queue_mu_);
  if (stopping_) return Unavailable("the server is shutting down");
  if (queue_.size() >= kMaxQueuedWrites) {
    return Unavailable("too many writes queued, retry").WithRetryAfter(1);
  }
  queue_.push_back(&job);
  queue_cv_.notify_one();
  job.done_cv.wait(lock, [&] { return job.done; });
  if (job.wake_next != nullptr) WakeUp(*job.wake_next);
  return job.result;
}

void Database::ListenForChanges() {
  if (dialect_ != Dialect::kPostgres || listener_) return;
  listener_ = std::make_unique<ChangeListener>(connect_string_, instance_id_,
                                               [this](uint32_t tables) { MarkChanged(tables); });
}

std::optional<uint64_t> Database::ChangeStamp(uint32_t tables) const {
  if (listener_ && !listener_->listening()) return std::nullopt;
  uint64_t stamp = 0;
  for (int i = 0; i < kChangedTableCount; ++i) {
    if (tables & (1u << i)) stamp += changes_[i].load(std::memory_order_acquire);
  }
  return stamp;
}

void Database::MarkChanged(uint32_t tables) {
  for (int i = 0; i < kChangedTableCount; ++i) {
    if (tables & (1u << i)) changes_[i].fetch_add(1, std::memory_order_acq_rel);
  }
}

// Under queue_mu_: `job`'s caller cannot return (and destroy it) before the notification is sent.
void Database::WakeUp(Job& job) {
  job.done = true;
  job.done_cv.notify_one();
}

// Opens the batch's transaction. PostgreSQL: when BEGIN finds the writer connection gone (the
// server restarted since the last batch), it is re-opened and BEGIN tried once more; nothing of
// the batch has run yet.
void Database::Begin(soci::session& s) {
  if (dialect_ == Dialect::kSqlite) {
    Query(s, "BEGIN IMMEDIATE").Exec();
    return;
  }
  for (int attempt = 0;; ++attempt) {
    try {
      s << "BEGIN";
      return;
    } catch (const std::exception& e) {
      // A reconnect that failed during an outage leaves the session without a connection.
      if (attempt > 0 || !(LooksDisconnected(e.what()) || !s.is_connected())) throw;
      Reconnect(s);
    }
  }
}

// PostgreSQL: the new connection has none of the old one's prepared statements.
void Database::Reconnect(soci::session& s) {
  PgStatementCache::Detach(s);
  s.reconnect();
  s << "SET TIME ZONE 'UTC'";
  PgStatementCache::Attach(s, kStatementCacheSize);
}

// Sets savepoint "w" for the next write of a batch, first releasing the one holding the write
// before it (kept) when `release_previous`. PostgreSQL: sent with the write's first statement, in
// one round trip (Query::Defer); should they fail, the batch is lost (DeferredFailed).
void Database::NextSavepoint(soci::session& s, bool release_previous) {
  if (dialect_ == Dialect::kPostgres) {
    if (release_previous) Query(s, "RELEASE w").Defer();
    Query(s, "SAVEPOINT w").Defer();
    return;
  }
  if (release_previous) Query(s, "RELEASE w").Exec();
  Query(s, "SAVEPOINT w").Exec();
}

// Whether a statement deferred on the writer connection failed since the last call; forgets any
// not sent yet when `batch_ended`.
bool Database::DeferredFailed(soci::session& s, bool batch_ended) {
  PgStatementCache* cache = dialect_ == Dialect::kPostgres ? PgStatementCache::For(s) : nullptr;
  if (cache == nullptr) return false;
  if (batch_ended) cache->DropDeferred();
  return cache->TakeDeferredFailure();
}

void Database::WriterLoop() {
  std::vector<Job*> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    {
      std::lock_guard<std::mutex> wlock(writer_mu_);
      soci::session& s = *writer_;
      bool began = false;
      try {
        Begin(s);
        began = true;
      } catch (const std::exception& e) {
        for (Job* j : batch) j->result = MapDbError(e);
      }
      if (began) {
        // A batch of one needs no savepoint: the transaction is the write's own, rolled back when
        // it fails (two statements less per write, a round trip each on PostgreSQL). In a larger
        // batch each write runs in savepoint "w"; a kept write's savepoint is released when the
        // next one is set (one round trip on PostgreSQL), the last one's by the COMMIT.
        bool alone = batch.size() == 1;
        bool any_ok = false;
        bool savepoint_set = false;
        Status broken = Status::Ok();  // a savepoint failed: the transaction is lost
        for (Job* j : batch) {
          bool kept = false;
          if (!broken.ok()) {
            j->result = broken;
          } else {
            try {
              if (!alone) {
                NextSavepoint(s, savepoint_set);
                savepoint_set = true;
              }
              try {
                j->result = (*j->fn)(s);
              } catch (const std::exception& e) {
                j->result = MapDbError(e);
              }
              kept = j->result.ok();
              if (!kept && !alone) Query(s, "ROLLBACK TO w").Exec();  // "w" stays set, empty
              if (DeferredFailed(s, false)) {  // the transaction is lost
                broken = alone ? (kept ? Internal("a deferred statement failed") : j->result) : LostBatch();
                j->result = broken;
                kept = false;
              }
            } catch (const std::exception& e) {  // a savepoint, or a write's INSERT sent with it
              Status failed = MapDbError(e);
              broken = alone ? failed : LostBatch();
              j->result = broken;
              kept = false;
            }
          }
          // A write's audit entries stay exactly when its changes do.
          writer_state_.EndWrite(kept);
          any_ok = any_ok || kept;
        }
        try {
          if (!broken.ok()) {
            DeferredFailed(s, /*batch_ended=*/true);  // what waits to be sent belongs to the lost transaction
            Query(s, "ROLLBACK").Exec();
            for (Job* j : batch) {
              if (j->result.ok()) j->result = broken;
            }
          } else if (!any_ok && alone) {
            Query(s, "ROLLBACK").Exec();
          } else {
            const bool copy_lookup = writer_state_.audit.Flush(s, dialect_);
            uint32_t changed = writer_state_.batch_changed;
            if (changed != 0 && dialect_ == Dialect::kPostgres) {  // to the other instances, at the COMMIT
              Query(s, "SELECT pg_notify(:channel, :payload)")
                  .Bind("channel", kChangesChannel)
                  .Bind("payload", ChangePayload(instance_id_, changed))
                  .Defer();
            }
            Query(s, "COMMIT").Exec();
            if (copy_lookup) WakeAside();
            MarkChanged(changed);
            if (any_ok) generation_.fetch_add(1, std::memory_order_acq_rel);
          }
        } catch (const std::exception& e) {
          Status failed = MapDbError(e);
          if (!alone && DeferredFailed(s, false)) failed = LostBatch();  // e.g. the last write's INSERT
          try {
            s << "ROLLBACK";
          } catch (...) {
          }
          for (Job* j : batch) {
            if (j->result.ok()) j->result = failed;
          }
        }
      }
      DeferredFailed(s, true);
      writer_state_.EndBatch();
    }
    {
      // The writer wakes the batch's first caller only, each caller the next (Write): a wake-up
      // is a system call, costly on this kind of VM, and the writer's time is every write's.
      std::lock_guard<std::mutex> lock(queue_mu_);
      for (size_t i = 0; i + 1 < batch.size(); ++i) batch[i]->wake_next = batch[i + 1];
      WakeUp(*batch.front());
    }
    batch.clear();
  }
}

// Called on the writer thread only. `pages` counts the WAL's frames since the writer last started
// it over, so a checkpoint is asked for each kCheckpointPages new frames (not after every commit
// while a checkpoint that ran beside the writer could not let the WAL start over).
void Database::WalGrew(int pages) {
  if (pages < wal_pages_at_request_) wal_pages_at_request_ = 0;  // the WAL started over
  if (pages - wal_pages_at_request_ < kCheckpointPages) return;
  wal_pages_at_request_ = pages;
  WakeAside();
}

void Database::WakeAside() {
  {
    std::lock_guard<std::mutex> lock(aside_mu_);
    aside_due_ = true;
  }
  aside_cv_.notify_one();
}

// SQLite's PASSIVE checkpoint copies what no reader still needs, never waits for the writer or
// readers; the writer starts the WAL over once a checkpoint has copied all of it. A failure is
// logged and the work tried again at the next wake-up (the audit copy takes every entry above the
// mark, so none is left behind; queries read those in audit_log meanwhile).
void Database::AsideLoop() {
  std::unique_lock<std::mutex> lock(aside_mu_);
  for (;;) {
    aside_cv_.wait(lock, [&] { return aside_stopping_ || aside_due_; });
    if (!aside_due_) return;
    aside_due_ = false;
    lock.unlock();
    if (dialect_ == Dialect::kSqlite) {
      try {
        *checkpointer_ << "PRAGMA wal_checkpoint(PASSIVE)";
      } catch (const std::exception& e) {
        log::Warn("WAL checkpoint failed", {{"error", std::string(e.what())}});
      }
    } else {
      Status copied = Exclusive([](soci::session& s) {
        AuditBatch::CopyLookup(s);
        return Status::Ok();
      });
      if (!copied.ok()) log::Warn("copying audit entries into audit_lookup failed", {{"error", copied.ToString()}});
    }
    lock.lock();
  }
}

Status Database::Exclusive(const Work& fn) {
  if (dialect_ == Dialect::kPostgres) return Read(fn);
  std::lock_guard<std::mutex> lock(writer_mu_);
  try {
    return fn(*writer_);
  } catch (const std::exception& e) {
    return MapDbError(e);
  }
}

Status Database::Checkpoint() {
  if (dialect_ == Dialect::kPostgres) return Status::Ok();
  return Exclusive([](soci::session& s) {
    s << "PRAGMA wal_checkpoint(TRUNCATE)";
    return Status::Ok();
  });
}

size_t Database::QueuedWrites() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return queue_.size();
}

Status Database::Ping() {
  return Read([](soci::session& s) {
    int one = 0;
    s << "SELECT 1", soci::into(one);
    return one == 1 ? Status::Ok() : Internal("unexpected answer to SELECT 1");
  });
}

}  // namespace salesdb

// Database: SOCI sessions for SQLite or PostgreSQL, with the write discipline of DESIGN.md.
//
// Writes, on both databases: one writer connection driven by one thread that batches concurrent
// writes into group commits (each write in its own SAVEPOINT, so one failing write does not undo
// the others; the batch commits once: one fsync, under SQLite's synchronous=FULL or PostgreSQL's
// synchronous_commit). The audit entries of the batch's successful writes are chained and inserted
// together right before its COMMIT (storage/audit_batch.h); should that fail, the whole batch rolls
// back. Each caller is answered after the commit that holds its write; the writer wakes the batch's
// first caller, each caller the next. PostgreSQL: what the writer needs no answer to (savepoints,
// the data-key and audit-head locks, the audit rows, a new child row's INSERT) travels with the next
// statement in one round trip (Query::Defer, sql_query.h), often the next write's; should one of those
// fail, the whole batch rolls back: a write alone in its batch gets its own error, the writes of a
// larger batch Unavailable with Retry-After (which of them failed is not known).
// After each COMMIT the writer counts the changes of the tables that the batch's kept writes
// changed (ChangeStamp, for answers cached in memory) before any of its callers is answered;
// PostgreSQL: it tells the other instances with pg_notify, sent with the COMMIT, and a
// ChangeListener (storage/change_listener.h) hears theirs.
// Reads: SQLite, a pool of read-only connections, each Read one snapshot (a read transaction);
// PostgreSQL, a pool of connections (each statement its own snapshot). Lost
// PostgreSQL connections are re-opened and the work retried once when it cannot have been
// committed; otherwise callers get Unavailable.
// Thread-safe.
#pragma once

#include <soci/soci.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/config.h"
#include "base/status.h"
#include "domain/store.h"
#include "storage/change_listener.h"
#include "storage/statement_cache.h"
#include "storage/writer_state.h"

namespace salesdb {

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  using Work = std::function<Status(soci::session&)>;

  // Opens connections (readers sized to `readers`; for SQLite at most max(4, 2 × cores)); does not
  // migrate.
  static StatusOr<std::unique_ptr<Database>> Open(const Config& config, int readers);
  ~Database();

  Dialect dialect() const { return dialect_; }
  // Runs fn on a reader session. fn may throw soci_error; it is mapped to a Status.
  Status Read(const Work& fn);
  // Runs fn in a write transaction; returns once the commit is durable (see header comment).
  Status Write(const Work& fn);
  // Runs fn outside any transaction: SQLite, on the writer connection (migrations, VACUUM, backups);
  // PostgreSQL, on a pooled connection.
  Status Exclusive(const Work& fn);
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Store::ChangeStamp: the committed changes to `tables` (ChangedTable bits) that this process
  // knows of: its own writes (WriterState::Changed, counted after the COMMIT and before their
  // callers are answered) and, on PostgreSQL, other instances' heard by the ChangeListener.
  std::optional<uint64_t> ChangeStamp(uint32_t tables) const;
  void MarkChanged(uint32_t tables);
  // PostgreSQL: starts the ChangeListener (`serve` only: other commands cache nothing); from then
  // on ChangeStamp is nullopt while it cannot hear other instances. No-op on SQLite.
  void ListenForChanges();
  // SQLite: checkpoints the WAL into the main file (shutdown, backups). No-op on PostgreSQL.
  Status Checkpoint();
  // Cheap liveness probe for /readyz.
  Status Ping();
  // Writes waiting for the writer thread (not counting the batch it is writing).
  size_t QueuedWrites();
  // The writer thread's state (storage/writer_state.h): the audit entries of the batch being
  // written, flushed right before each COMMIT, its data key and spare ids. Only for the work of a
  // Write, on the writer thread.
  WriterState& writer_state() { return writer_state_; }
  const std::string& description() const { return description_; }

 private:
  struct Job {
    const Work* fn = nullptr;
    Status result;
    bool done = false;                // guarded by queue_mu_, like wake_next
    std::condition_variable done_cv;  // its caller waits on it alone
    Job* wake_next = nullptr;         // the next caller of the batch, woken by this one
  };
  static void WakeUp(Job& job);
  Database() = default;
  void WriterLoop();
  void AsideLoop();
  void WakeAside();
  void WalGrew(int pages);
  friend int OnWalCommit(void* arg, sqlite_api::sqlite3* db, const char* name, int pages);
  void Begin(soci::session& s);
  void NextSavepoint(soci::session& s, bool release_previous);
  bool DeferredFailed(soci::session& s, bool batch_ended);
  void Reconnect(soci::session& s);
  void AttachStatementCache(soci::session& s);
  void DetachStatementCaches();
  Status ReadWithRetry(soci::session& s, const Work& fn);

  Dialect dialect_ = Dialect::kSqlite;
  std::string connect_string_;
  std::string description_;
  std::unique_ptr<soci::connection_pool> pool_;  // readers (SQLite) or all sessions (PostgreSQL)
  size_t pool_size_ = 0;
  std::unique_ptr<soci::session> writer_;        // the group-commit writer
  std::mutex writer_mu_;                         // guards writer_ for Exclusive()
  std::atomic<uint64_t> generation_{1};
  std::array<std::atomic<uint64_t>, kChangedTableCount> changes_{};
  std::string instance_id_;                   // in this instance's change notifications
  std::unique_ptr<ChangeListener> listener_;  // PostgreSQL, after ListenForChanges()
  // SQLite: one prepared-statement cache per connection (writer and readers), attached to it
  // (PostgreSQL's PgStatementCaches are owned by their registry).
  std::vector<std::unique_ptr<StatementCache>> statement_caches_;

  // Group commit queue (SQLite).
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread writer_thread_;
  WriterState writer_state_;  // writer thread only

  // Work the writer hands off, done beside it on a thread of its own (AsideLoop), so that no write
  // waits for it:
  // - SQLite: the WAL is checkpointed (PASSIVE) on a connection of its own, woken when commits have
  //   added kCheckpointPages to the WAL, instead of inside the commit: after a long read (a
  //   backup's snapshot) the committing writer copied the whole backlog and every write waited
  //   behind it (0.7–2 s at a million customers).
  // - PostgreSQL: new audit entries are copied into audit_lookup (AuditBatch::CopyLookup) on a
  //   pooled connection, woken when a COMMIT has taken the log past a multiple of kLookupBatch ids.
  //   Inside the batch, the copy's index writes (~4 ms for 512 entries) held the writer and the
  //   audit head's lock, which every instance's appenders take: one batch in ~32 of route (d)
  //   waited for them.
  // Work asked for when the thread is told to stop is still done (a CLI command's copy too).
  std::unique_ptr<soci::session> checkpointer_;  // SQLite
  std::mutex aside_mu_;
  std::condition_variable aside_cv_;
  bool aside_due_ = false;
  bool aside_stopping_ = false;
  int wal_pages_at_request_ = 0;  // writer thread only
  std::thread aside_thread_;
};

// Maps a SOCI/driver exception to a Status: unique violations → AlreadyExists, foreign keys and
// checks → InvalidArgument, lost connections → Unavailable, anything else → Internal.
Status MapDbError(const std::exception& e);

}  // namespace salesdb

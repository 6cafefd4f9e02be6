// PgStatementCache: one PostgreSQL connection's named prepared statements, the counterpart of the
// SQLite StatementCache. SOCI sends every statement unnamed, so PostgreSQL parsed and planned each
// one on every call (planning was most of the backends' CPU on the customer detail); a named
// statement is parsed once per connection, and PostgreSQL re-plans it by itself after a schema change.
//
// Statements keep the :name placeholders every Query uses; Get rewrites them to $1..$n. Beyond
// `capacity` statements, the least recently used one is deallocated.
//
// A statement is prepared again after 64 runs or 1 s, whichever comes first, then after four times
// as many runs or as long each time, but at least every 2 s while it is used. PostgreSQL keeps a
// prepared statement's plan until the statistics of its tables change, and a plan made while a table
// was nearly empty stays a sequential scan as the table grows: the audit chain head (ORDER BY id DESC
// LIMIT 1) was planned on the one-row audit_log of a new database and then read the whole, growing
// table once per write batch (create activity fell from 3,000 to 850 req/s until autovacuum analysed
// the table). A fresh plan sees the table's current size. With the spacing growing without bound,
// the head query in one `make bench` run kept its sequential scan through the 13 s of create activity
// (1,364 req/s, 3 ms per batch to read audit_log; 3,642 in a run where it did not); bounded in time,
// such a plan lasts at most 2 s. The bound is on time, not runs: a statement that runs thousands of
// times a second is prepared again (two round trips, then custom plans for its next runs) only every
// 2 s.
//
// Not thread-safe: like its connection, a cache is used by one thread at a time. A reconnect gives
// the session a new connection without the statements: the Database detaches the old cache first
// and attaches a new one after. The registry that maps a session to its cache is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

struct pg_conn;
struct pg_result;

namespace soci {
class session;
}

namespace salesdb {

// sql with its :name placeholders rewritten to $1..$n (a name used twice keeps its number);
// `names` receives the names in number order. Quoted text, quoted identifiers and `::` casts are
// left alone.
std::string ToPositional(const std::string& sql, std::vector<std::string>* names);

// Frees the failed result (may be null) and throws its error as SOCI's PostgreSQL backend would (a
// lost connection, which leaves no result, as SQLSTATE 08006).
[[noreturn]] void ThrowPostgresError(pg_result* res, pg_conn* conn);

class PgStatementCache {
 public:
  struct Statement {
    std::string name;                 // the server-side name, "s<N>"
    std::string text;                 // the SQL sent, with $1..$n
    std::vector<std::string> params;  // placeholder names in $1..$n order
    uint64_t last_used = 0;
    uint64_t uses = 0;
    // Prepared again when `uses` reaches replan_uses or the time replan_time.
    uint64_t replan_uses = kFirstReplanUses;
    std::chrono::steady_clock::duration replan_after = kFirstReplanAfter;
    std::chrono::steady_clock::time_point replan_time;
  };

  static constexpr uint64_t kFirstReplanUses = 64;
  static constexpr std::chrono::steady_clock::duration kFirstReplanAfter = std::chrono::seconds(1);
  static constexpr std::chrono::steady_clock::duration kMaxReplanAfter = std::chrono::seconds(2);
  // More runs than one connection makes of a statement in kMaxReplanAfter: past it, time decides.
  static constexpr uint64_t kMaxReplanUses = uint64_t{1} << 20;

  // Sets when `st`, prepared (again) at `now`, is next prepared again: four times as many runs or as
  // long away as the last time, within the bounds above.
  static void ScheduleReplan(Statement& st, std::chrono::steady_clock::time_point now);

  PgStatementCache(pg_conn* conn, size_t capacity) : conn_(conn), capacity_(capacity) {}
  PgStatementCache(const PgStatementCache&) = delete;
  PgStatementCache& operator=(const PgStatementCache&) = delete;

  // The statement for sql, prepared on the connection now if it is new. Throws
  // soci::postgresql_soci_error when PostgreSQL refuses it.
  const Statement& Get(const std::string& sql);
  pg_conn* conn() const { return conn_; }
  size_t size() const { return statements_.size(); }

  // Statements whose results are not needed (prepared ones, with their values in $1..$n order),
  // sent ahead of the next statement on this connection in the same round trip (libpq's pipeline
  // mode, Query::Defer and Query::PgRun). One that fails makes that statement throw its error and
  // is remembered for TakeDeferredFailure.
  struct Deferred {
    std::string name;
    std::vector<std::string> values;
  };
  void Defer(const Statement& st, std::vector<std::string> values) { deferred_.push_back({st.name, std::move(values)}); }
  std::vector<Deferred> TakeDeferred() { return std::move(deferred_); }
  void NoteDeferredFailure() { deferred_failed_ = true; }
  // Whether a deferred statement failed since the last call.
  bool TakeDeferredFailure() { return std::exchange(deferred_failed_, false); }
  // Forgets deferred statements not sent yet (the transaction they were meant for has ended).
  void DropDeferred() { deferred_.clear(); }

  // The cache of the connection behind s, or null when it has none (SQLite, a session the Database
  // did not open, or a session whose reconnect failed).
  static PgStatementCache* For(soci::session& s);
  // Attaches a new cache to the PostgreSQL connection behind s; the registry owns it.
  static void Attach(soci::session& s, size_t capacity);
  // Forgets the cache of the connection behind s (before that connection closes or is replaced).
  static void Detach(soci::session& s);

 private:
  void EvictOldest();
  void Prepare(const Statement& st);

  pg_conn* conn_;
  size_t capacity_;
  uint64_t clock_ = 0;
  uint64_t next_id_ = 0;
  std::unordered_map<std::string, Statement> statements_;  // by SQL text
  std::vector<Deferred> deferred_;
  bool deferred_failed_ = false;
};

}  // namespace salesdb

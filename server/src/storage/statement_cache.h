// StatementCache: one SQLite connection's prepared statements, kept between calls so that a hot
// query is parsed and planned once per connection rather than on every request (preparing and
// finalizing was half of the server's CPU on the customer routes).
//
// A statement is checked out while it runs, so a query issued inside another query's row loop gets
// its own; it comes back reset and unbound. Beyond `capacity` idle statements, the least recently
// used one is finalized. SQLite re-prepares a cached statement by itself after a schema change.
//
// Not thread-safe: like its connection, a cache is used by one thread at a time (the Database's
// writer thread or the holder of a pooled reader). The registry that maps a SOCI session to its
// connection's cache is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

// SOCI declares SQLite's API inside namespace sqlite_api (soci/sqlite3/soci-sqlite3.h).
namespace sqlite_api {
struct sqlite3;
struct sqlite3_stmt;
}  // namespace sqlite_api

namespace soci {
class session;
}

namespace salesdb {

class StatementCache {
 public:
  using sqlite3 = sqlite_api::sqlite3;
  using sqlite3_stmt = sqlite_api::sqlite3_stmt;

  StatementCache(sqlite3* db, size_t capacity);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // A ready statement for sql (prepared now if no idle one exists). Throws soci::soci_error when
  // SQLite cannot prepare it. Give it back with Release.
  sqlite3_stmt* Acquire(const std::string& sql);
  // Resets and unbinds st and keeps it for the next Acquire of the same sql.
  void Release(const std::string& sql, sqlite3_stmt* st);
  sqlite3* db() const { return db_; }
  size_t idle() const { return idle_.size(); }

  // The cache of the connection behind s, or null when it has none (PostgreSQL, or a connection
  // the Database did not open). Sessions leased from a SOCI pool share their connection's backend,
  // which is the key.
  static StatementCache* For(soci::session& s);
  // Attaches a new cache to the SQLite connection behind s (the caller owns it and must Detach it
  // before the session closes: open statements keep a connection from closing).
  static void Attach(soci::session& s, StatementCache* cache);
  static void Detach(soci::session& s);
  // The sqlite3 handle behind a SOCI sqlite3 session.
  static sqlite3* Handle(soci::session& s);

 private:
  struct Entry {
    std::string sql;
    sqlite3_stmt* st;
    uint64_t last_used;
  };
  sqlite3* db_;
  size_t capacity_;
  uint64_t clock_ = 0;
  std::vector<Entry> idle_;
};

}  // namespace salesdb

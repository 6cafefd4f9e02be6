// Query: a statement assembled from constant SQL fragments, named bound values and typed outputs.
// User data only ever travels as bound values, never inside the SQL text. Bound values are owned
// by the Query, so temporaries are safe (SOCI's use() binds by reference). One thread at a time.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/pg_statement_cache.h"

// SOCI declares SQLite's API inside namespace sqlite_api (soci/sqlite3/soci-sqlite3.h).
namespace sqlite_api {
struct sqlite3_stmt;
}  // namespace sqlite_api

namespace salesdb {

// "<verb>:<first table>" of a statement, the label of its duration metric.
std::string QueryName(const std::string& sql);

class StatementCache;
class QueryBatch;

// Column readers of the SQLite fast path (defined in sql_query.cc). A NULL column sets *ind to
// i_null and leaves the variable alone; without an indicator it throws, as SOCI does.
void ReadColumn(sqlite_api::sqlite3_stmt* st, int col, long long& v, soci::indicator* ind);
void ReadColumn(sqlite_api::sqlite3_stmt* st, int col, long& v, soci::indicator* ind);
void ReadColumn(sqlite_api::sqlite3_stmt* st, int col, int& v, soci::indicator* ind);
void ReadColumn(sqlite_api::sqlite3_stmt* st, int col, double& v, soci::indicator* ind);
void ReadColumn(sqlite_api::sqlite3_stmt* st, int col, std::string& v, soci::indicator* ind);
// Column readers of the PostgreSQL fast path: a value in PostgreSQL's text format, or null.
void ReadText(const char* text, int length, long long& v, soci::indicator* ind);
void ReadText(const char* text, int length, long& v, soci::indicator* ind);
void ReadText(const char* text, int length, int& v, soci::indicator* ind);
void ReadText(const char* text, int length, double& v, soci::indicator* ind);
void ReadText(const char* text, int length, std::string& v, soci::indicator* ind);

// On a connection opened by the Database the statement runs as a prepared statement of the
// connection's cache (StatementCache on SQLite, PgStatementCache on PostgreSQL: prepared once,
// re-bound per call); elsewhere, and with bulk (vector) outputs, through SOCI.
class Query {
 public:
  explicit Query(soci::session& s) : session_(s) {}
  Query(soci::session& s, std::string_view sql) : session_(s), sql_(sql) {}

  Query& Sql(std::string_view fragment) {
    sql_ += fragment;
    return *this;
  }
  Query& Bind(const std::string& name, long long v) {
    params_.push_back({name, v, {}, true});
    return *this;
  }
  Query& Bind(const std::string& name, std::string v) {
    params_.push_back({name, 0, std::move(v), false});
    return *this;
  }
  Query& Bind(const std::string& name, const char* v) { return Bind(name, std::string(v)); }
  // Bulk outputs (std::vector, SOCI's rowset binding) run the statement through SOCI.
  template <typename T>
  Query& Into(T& var) {
    if constexpr (requires { ReadText(nullptr, 0, var, nullptr); }) {
      outputs_.push_back({[&var](soci::statement& st) { st.exchange(soci::into(var)); },
                          [&var](sqlite_api::sqlite3_stmt* st, int col) { ReadColumn(st, col, var, nullptr); },
                          [&var](const char* text, int length) { ReadText(text, length, var, nullptr); }});
    } else {
      bulk_ = true;
      outputs_.push_back({[&var](soci::statement& st) { st.exchange(soci::into(var)); }, {}, {}});
    }
    return *this;
  }
  template <typename T>
  Query& Into(T& var, soci::indicator& ind) {
    outputs_.push_back({[&var, &ind](soci::statement& st) { st.exchange(soci::into(var, ind)); },
                        [&var, &ind](sqlite_api::sqlite3_stmt* st, int col) { ReadColumn(st, col, var, &ind); },
                        [&var, &ind](const char* text, int length) { ReadText(text, length, var, &ind); }});
    return *this;
  }

  // Runs the statement; on_row is called after each fetched row (the Into variables hold it).
  void Each(const std::function<void()>& on_row);
  // Runs the statement; true when a row was fetched into the Into variables.
  bool One();
  // Runs a statement without results; returns the number of affected rows.
  long long Exec();
  // For a statement whose result is not needed. PostgreSQL: runs it together with the next Query on
  // the same connection, in one round trip (PgStatementCache::Defer); an error of it is thrown by
  // that Query (whose duration metric then covers both). Elsewhere: Exec() now.
  void Defer();
  const std::string& sql() const { return sql_; }

 private:
  friend class QueryBatch;
  struct Param {
    std::string name;
    long long number;
    std::string text;
    bool is_number;
  };
  struct Output {
    std::function<void(soci::statement&)> soci_bind;
    std::function<void(sqlite_api::sqlite3_stmt*, int)> read;
    std::function<void(const char*, int)> read_text;  // text null for SQL NULL
  };
  // A statement checked out of the connection's cache, bound to this query's parameters, given
  // back (reset) when it goes out of scope.
  class Native;
  // A run of the connection's prepared statement on PostgreSQL, holding its whole result.
  class PgRun;
  static std::vector<std::string> Positional(const PgStatementCache::Statement& st, const std::deque<Param>& params);

  // Observes the statement's duration into salesdb_db_query_duration_seconds{query="verb:table"}.
  class Timer {
   public:
    explicit Timer(const std::string& sql) : sql_(sql), start_(std::chrono::steady_clock::now()) {}
    ~Timer() { ObserveQuery(sql_, std::chrono::steady_clock::now() - start_); }

   private:
    const std::string& sql_;
    std::chrono::steady_clock::time_point start_;
  };
  static void ObserveQuery(const std::string& sql, std::chrono::steady_clock::duration elapsed);

  void Prepare(soci::statement& st);

  soci::session& session_;
  std::string sql_;
  std::deque<Param> params_;  // a deque: SOCI's use() keeps references to the values
  std::vector<Output> outputs_;
  bool bulk_ = false;
};

// Read statements that run together: on a PostgreSQL connection of the Database in one round trip
// (libpq's pipeline mode, after any statements deferred on it), elsewhere one after another. Each
// statement's on_row is called after each of its rows is fetched into its Into variables, statement
// by statement in the order they were added. A statement that fails throws its error from Run.
class QueryBatch {
 public:
  explicit QueryBatch(soci::session& s) : session_(s) {}
  QueryBatch(const QueryBatch&) = delete;
  QueryBatch& operator=(const QueryBatch&) = delete;

  // A new statement of the batch, to be given its filters, bound values and Into variables.
  Query& Add(std::string_view sql, std::function<void()> on_row);
  void Run();

 private:
  struct Item {
    Query query;
    std::function<void()> on_row;
  };
  soci::session& session_;
  std::deque<Item> items_;  // a deque: Add hands out references
};

}  // namespace salesdb

#include "storage/sql_query.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <unordered_map>

#include "monitoring/metrics.h"
#include "storage/pg_statement_cache.h"
#include "storage/statement_cache.h"

namespace salesdb {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The identifier after `keyword` in sql (case-insensitive), e.g. the table after FROM.
std::string WordAfter(const std::string& lower_sql, const char* keyword) {
  size_t pos = lower_sql.find(keyword);
  if (pos == std::string::npos) return "";
  pos += std::char_traits<char>::length(keyword);
  while (pos < lower_sql.size() && lower_sql[pos] == ' ') ++pos;
  size_t end = pos;
  while (end < lower_sql.size() && (std::isalnum(static_cast<unsigned char>(lower_sql[end])) || lower_sql[end] == '_')) {
    ++end;
  }
  return lower_sql.substr(pos, end - pos);
}

}  // namespace

// A stable, low-cardinality name for a statement: "<verb>:<first table>", e.g. "select:customers".
std::string QueryName(const std::string& sql) {
  std::string head = Lower(std::string_view(sql).substr(0, 400));
  size_t start = head.find_first_not_of(' ');
  std::string verb = start == std::string::npos ? "" : head.substr(start, head.find(' ', start) - start);
  std::string table;
  if (verb == "select" || verb == "delete") table = WordAfter(head, " from ");
  else if (verb == "insert") table = WordAfter(head, "into ");
  else if (verb == "update") table = WordAfter(head, "update ");
  return verb + ":" + (table.empty() ? "other" : table);
}

// ---------------------------------------------------------------- SQLite fast path

namespace {

using namespace sqlite_api;

[[noreturn]] void ThrowSqlite(sqlite3* db) { throw soci::soci_error(sqlite3_errmsg(db)); }

bool IsNull(sqlite3_stmt* st, int col, soci::indicator* ind) {
  bool null = sqlite3_column_type(st, col) == SQLITE_NULL;
  if (ind) *ind = null ? soci::i_null : soci::i_ok;
  if (null && !ind) throw soci::soci_error("Null value fetched and no indicator defined.");
  return null;
}

}  // namespace

void ReadColumn(sqlite3_stmt* st, int col, long long& v, soci::indicator* ind) {
  if (!IsNull(st, col, ind)) v = sqlite3_column_int64(st, col);
}
void ReadColumn(sqlite3_stmt* st, int col, long& v, soci::indicator* ind) {
  if (!IsNull(st, col, ind)) v = static_cast<long>(sqlite3_column_int64(st, col));
}
void ReadColumn(sqlite3_stmt* st, int col, int& v, soci::indicator* ind) {
  if (!IsNull(st, col, ind)) v = sqlite3_column_int(st, col);
}
void ReadColumn(sqlite3_stmt* st, int col, double& v, soci::indicator* ind) {
  if (!IsNull(st, col, ind)) v = sqlite3_column_double(st, col);
}
void ReadColumn(sqlite3_stmt* st, int col, std::string& v, soci::indicator* ind) {
  if (IsNull(st, col, ind)) return;
  // Blobs (sealed values) keep their bytes; text comes back as stored.
  const void* data = sqlite3_column_type(st, col) == SQLITE_BLOB ? sqlite3_column_blob(st, col)
                                                                 : sqlite3_column_text(st, col);
  v.assign(static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(st, col)));
}

class Query::Native {
 public:
  Native(StatementCache& cache, const std::string& sql, const std::deque<Param>& params)
      : cache_(cache), sql_(sql), st_(cache.Acquire(sql)) {
    try {
      Bind(params);
    } catch (...) {  // no destructor runs for a constructor that throws: give the statement back here
      cache_.Release(sql_, st_);
      throw;
    }
  }
  ~Native() { cache_.Release(sql_, st_); }
  Native(const Native&) = delete;
  Native& operator=(const Native&) = delete;

  // Steps once: true with a row, false when done; throws on errors.
  bool Step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    ThrowSqlite(cache_.db());
  }
  void Read(const std::vector<Output>& outputs) {
    for (size_t i = 0; i < outputs.size(); ++i) outputs[i].read(st_, static_cast<int>(i));
  }
  long long Changes() const { return sqlite3_changes(cache_.db()); }

 private:
  void Bind(const std::deque<Param>& params) {
    std::string placeholder;
    int position = 0;
    for (const Param& p : params) {
      // Parameters are mostly bound in the order they appear in the SQL: check that position first
      // (looking a name up scans the statement's names, so binding them all by name is quadratic).
      int index = ++position;
      const char* name = sqlite3_bind_parameter_name(st_, index);
      if (name == nullptr || name[0] != ':' || p.name != name + 1) {
        placeholder.assign(1, ':').append(p.name);
        index = sqlite3_bind_parameter_index(st_, placeholder.c_str());
        if (index == 0) throw soci::soci_error("no placeholder " + placeholder + " in the statement");
      }
      int rc = p.is_number ? sqlite3_bind_int64(st_, index, p.number)
                           : sqlite3_bind_text(st_, index, p.text.data(), static_cast<int>(p.text.size()),
                                               SQLITE_STATIC);
      if (rc != SQLITE_OK) ThrowSqlite(cache_.db());
    }
  }

  StatementCache& cache_;
  const std::string& sql_;
  sqlite3_stmt* st_;
};

// ---------------------------------------------------------------- PostgreSQL fast path

namespace {

bool IsNullText(const char* text, soci::indicator* ind) {
  bool null = text == nullptr;
  if (ind) *ind = null ? soci::i_null : soci::i_ok;
  if (null && !ind) throw soci::soci_error("Null value fetched and no indicator defined.");
  return null;
}

template <typename Int>
void ParseInteger(const char* text, int length, Int& v) {
  auto [end, ec] = std::from_chars(text, text + length, v);
  if (ec != std::errc() || end != text + length) {
    throw soci::soci_error("cannot convert the value '" + std::string(text, length) + "' to an integer");
  }
}

}  // namespace

void ReadText(const char* text, int length, long long& v, soci::indicator* ind) {
  if (!IsNullText(text, ind)) ParseInteger(text, length, v);
}
void ReadText(const char* text, int length, long& v, soci::indicator* ind) {
  if (!IsNullText(text, ind)) ParseInteger(text, length, v);
}
void ReadText(const char* text, int length, int& v, soci::indicator* ind) {
  if (!IsNullText(text, ind)) ParseInteger(text, length, v);
}
void ReadText(const char* text, int length, double& v, soci::indicator* ind) {
  if (IsNullText(text, ind)) return;
  char* end = nullptr;
  v = std::strtod(text, &end);
  if (end != text + length) throw soci::soci_error("cannot convert the value '" + std::string(text, length) + "' to a number");
}
void ReadText(const char* text, int length, std::string& v, soci::indicator* ind) {
  if (!IsNullText(text, ind)) v.assign(text, static_cast<size_t>(length));
}

namespace {

// After a pipeline that did not complete: reads and drops the results still coming, so that the
// connection leaves pipeline mode and takes plain statements again, or shows itself lost (the
// Database then re-opens it).
void LeavePipeline(PGconn* conn) {
  for (int i = 0; i < 64 && PQpipelineStatus(conn) != PQ_PIPELINE_OFF; ++i) {
    if (PQexitPipelineMode(conn) == 1) return;
    PGresult* r = PQgetResult(conn);
    if (r == nullptr && PQstatus(conn) != CONNECTION_OK) return;
    PQclear(r);
  }
}

struct ClearResult {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ClearResult>;

// Runs the prepared statements `run` after `ahead` (the statements deferred on the connection), all
// in one round trip (pipeline mode), and returns the results of `run`, in order. Throws the first
// error; when that is a deferred statement's, the cache remembers it
// (PgStatementCache::TakeDeferredFailure).
std::vector<ResultPtr> ExecPipelined(PgStatementCache& cache, const std::vector<PgStatementCache::Deferred>& ahead,
                                     const std::vector<PgStatementCache::Deferred>& run) {
  PGconn* conn = cache.conn();
  bool sent = PQenterPipelineMode(conn) == 1;
  auto send = [&](const PgStatementCache::Deferred& d) {
    std::vector<const char*> texts;
    for (const std::string& v : d.values) texts.push_back(v.c_str());
    sent = sent && PQsendQueryPrepared(conn, d.name.c_str(), static_cast<int>(texts.size()), texts.data(), nullptr,
                                       nullptr, 0) == 1;
  };
  for (const PgStatementCache::Deferred& d : ahead) send(d);
  for (const PgStatementCache::Deferred& d : run) send(d);
  sent = sent && PQpipelineSync(conn) == 1;
  std::vector<ResultPtr> results;  // one per statement, in order; a null separates them
  for (int nulls = 0; sent && nulls < 2;) {
    PGresult* r = PQgetResult(conn);
    if (r == nullptr) {
      ++nulls;  // two in a row: the connection is gone
      continue;
    }
    nulls = 0;
    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    results.emplace_back(r);
  }
  const bool complete = sent && results.size() == ahead.size() + run.size() && PQexitPipelineMode(conn) == 1;
  size_t first_failed = results.size();
  for (size_t i = 0; i < results.size() && first_failed == results.size(); ++i) {
    ExecStatusType status = PQresultStatus(results[i].get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) first_failed = i;
  }
  if (complete && first_failed == results.size()) {
    results.erase(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(ahead.size()));
    return results;
  }
  // Short of all results (the connection is gone), a deferred statement may not have run.
  if (!complete) LeavePipeline(conn);
  if (!complete || first_failed < ahead.size()) cache.NoteDeferredFailure();
  ThrowPostgresError(first_failed < results.size() ? results[first_failed].release() : nullptr, conn);
}

}  // namespace

// The bound values of `params` in the statement's $1..$n order, as PostgreSQL's text format.
std::vector<std::string> Query::Positional(const PgStatementCache::Statement& st, const std::deque<Param>& params) {
  if (st.params.size() != params.size()) {
    throw soci::soci_error("the statement has " + std::to_string(st.params.size()) + " placeholders and " +
                           std::to_string(params.size()) + " bound values");
  }
  std::vector<std::string> values(st.params.size());
  for (size_t i = 0; i < st.params.size(); ++i) {
    // Values come mostly in the placeholders' order: that place first, so that a many-row INSERT (the
    // audit batch binds 416 values) does not search the list once per placeholder.
    auto p = i < params.size() && params[i].name == st.params[i]
                 ? params.begin() + static_cast<std::ptrdiff_t>(i)
                 : std::find_if(params.begin(), params.end(), [&](const Param& b) { return b.name == st.params[i]; });
    if (p == params.end()) throw soci::soci_error("no value bound for :" + st.params[i]);
    values[i] = p->is_number ? std::to_string(p->number) : p->text;
  }
  return values;
}

class Query::PgRun {
 public:
  PgRun(PgStatementCache& cache, const std::string& sql, const std::deque<Param>& params) {
    const PgStatementCache::Statement& st = cache.Get(sql);
    std::vector<std::string> texts = Positional(st, params);
    std::vector<PgStatementCache::Deferred> ahead = cache.TakeDeferred();
    if (!ahead.empty()) {
      res_ = std::move(ExecPipelined(cache, ahead, {{st.name, std::move(texts)}}).front());
      return;
    }
    std::vector<const char*> values;
    for (const std::string& v : texts) values.push_back(v.c_str());
    res_.reset(PQexecPrepared(cache.conn(), st.name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                              nullptr, 0));
    ExecStatusType status = PQresultStatus(res_.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) ThrowPostgresError(res_.release(), cache.conn());
  }
  explicit PgRun(ResultPtr res) : res_(std::move(res)) {}

  int rows() const { return PQntuples(res_.get()); }
  void Read(const std::vector<Output>& outputs, int row) const {
    for (size_t i = 0; i < outputs.size(); ++i) {
      int col = static_cast<int>(i);
      bool null = PQgetisnull(res_.get(), row, col);
      outputs[i].read_text(null ? nullptr : PQgetvalue(res_.get(), row, col), PQgetlength(res_.get(), row, col));
    }
  }
  long long Changes() const { return std::atoll(PQcmdTuples(res_.get())); }

 private:
  ResultPtr res_;
};

void Query::Defer() {
  PgStatementCache* cache = bulk_ ? nullptr : PgStatementCache::For(session_);
  if (cache == nullptr) {
    Exec();
    return;
  }
  const PgStatementCache::Statement& st = cache->Get(sql_);
  cache->Defer(st, Positional(st, params_));
}

// ---------------------------------------------------------------- running a Query

void Query::Each(const std::function<void()>& on_row) {
  Timer t(sql_);
  if (!bulk_) {
    if (StatementCache* cache = StatementCache::For(session_)) {
      Native st(*cache, sql_, params_);
      while (st.Step()) {
        st.Read(outputs_);
        on_row();
      }
      return;
    }
    if (PgStatementCache* cache = PgStatementCache::For(session_)) {
      PgRun run(*cache, sql_, params_);
      for (int row = 0; row < run.rows(); ++row) {
        run.Read(outputs_, row);
        on_row();
      }
      return;
    }
  }
  soci::statement st(session_);
  Prepare(st);
  st.execute(false);
  while (st.fetch()) on_row();
}

bool Query::One() {
  Timer t(sql_);
  if (!bulk_) {
    if (StatementCache* cache = StatementCache::For(session_)) {
      Native st(*cache, sql_, params_);
      if (!st.Step()) return false;
      st.Read(outputs_);
      return true;
    }
    if (PgStatementCache* cache = PgStatementCache::For(session_)) {
      PgRun run(*cache, sql_, params_);
      if (run.rows() == 0) return false;
      run.Read(outputs_, 0);
      return true;
    }
  }
  soci::statement st(session_);
  Prepare(st);
  return st.execute(true);
}

long long Query::Exec() {
  Timer t(sql_);
  if (StatementCache* cache = StatementCache::For(session_)) {
    Native st(*cache, sql_, params_);
    while (st.Step()) {
    }
    return st.Changes();
  }
  if (PgStatementCache* cache = PgStatementCache::For(session_)) {
    return PgRun(*cache, sql_, params_).Changes();
  }
  soci::statement st(session_);
  Prepare(st);
  st.execute(true);
  return st.get_affected_rows();
}

// ---------------------------------------------------------------- running Queries together

Query& QueryBatch::Add(std::string_view sql, std::function<void()> on_row) {
  return items_.emplace_back(Item{Query(session_, sql), std::move(on_row)}).query;
}

void QueryBatch::Run() {
  PgStatementCache* cache = PgStatementCache::For(session_);
  if (cache == nullptr || std::any_of(items_.begin(), items_.end(), [](const Item& i) { return i.query.bulk_; })) {
    for (Item& i : items_) i.query.Each(i.on_row);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<PgStatementCache::Deferred> run;
  for (const Item& i : items_) {
    const PgStatementCache::Statement& st = cache->Get(i.query.sql_);
    run.push_back({st.name, Query::Positional(st, i.query.params_)});
  }
  std::vector<ResultPtr> results = ExecPipelined(*cache, cache->TakeDeferred(), run);
  // Each statement's duration: from the batch's start until its rows are read.
  for (size_t n = 0; n < items_.size(); ++n) {
    Item& i = items_[n];
    Query::PgRun result(std::move(results[n]));
    for (int row = 0; row < result.rows(); ++row) {
      result.Read(i.query.outputs_, row);
      i.on_row();
    }
    Query::ObserveQuery(i.query.sql_, std::chrono::steady_clock::now() - start);
  }
}

void Query::Prepare(soci::statement& st) {
  st.alloc();
  for (auto& p : params_) {
    if (p.is_number) st.exchange(soci::use(p.number, p.name));
    else st.exchange(soci::use(p.text, p.name));
  }
  for (auto& o : outputs_) o.soci_bind(st);
  st.prepare(sql_, soci::details::st_one_time_query);
  st.define_and_bind();
}

// ---------------------------------------------------------------- metrics

void Query::ObserveQuery(const std::string& sql, std::chrono::steady_clock::duration elapsed) {
  static const bool described = [] {
    monitoring::Registry::Global().Describe("salesdb_db_query_duration_seconds", "histogram",
                                            "Database statement duration by statement name (verb:table).");
    return true;
  }();
  (void)described;
  // Each statement's series is memoized per thread: deriving its name lower-cases the head of the
  // statement, and observing into a kept series takes no lock.
  thread_local std::unordered_map<std::string, monitoring::Registry::Series> series;
  if (series.size() > 1024) series.clear();  // statements are constant text; this only bounds odd cases
  auto it = series.find(sql);
  if (it == series.end()) {
    it = series.emplace(sql, monitoring::Registry::Global().HistogramSeries("salesdb_db_query_duration_seconds",
                                                                            {{"query", QueryName(sql)}},
                                                                            monitoring::LatencyBuckets()))
             .first;
  }
  it->second.Observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace salesdb

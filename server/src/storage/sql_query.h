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

namespace salesdb {

// "<verb>:<first table>" of a statement, the label of its duration metric.
std::string QueryName(const std::string& sql);

class Query {
 public:
  explicit Query(soci::session& s) : session_(s) {}
  Query(soci::session& s, std::string_view sql) : session_(s), sql_(sql) {}

  Query& Sql(std::string_view fragment) {
    sql_ += fragment;
    return *this;
  }
  Query& Bind(const std::string& name, long long v) {
    ints_.push_back(v);
    names_.push_back(name);
    long long& ref = ints_.back();
    const std::string& n = names_.back();
    binders_.push_back([&ref, &n](soci::statement& st) { st.exchange(soci::use(ref, n)); });
    return *this;
  }
  Query& Bind(const std::string& name, std::string v) {
    strings_.push_back(std::move(v));
    names_.push_back(name);
    std::string& ref = strings_.back();
    const std::string& n = names_.back();
    binders_.push_back([&ref, &n](soci::statement& st) { st.exchange(soci::use(ref, n)); });
    return *this;
  }
  Query& Bind(const std::string& name, const char* v) { return Bind(name, std::string(v)); }
  template <typename T>
  Query& Into(T& var) {
    binders_.push_back([&var](soci::statement& st) { st.exchange(soci::into(var)); });
    return *this;
  }
  template <typename T>
  Query& Into(T& var, soci::indicator& ind) {
    binders_.push_back([&var, &ind](soci::statement& st) { st.exchange(soci::into(var, ind)); });
    return *this;
  }

  // Runs the statement; on_row is called after each fetched row (the Into variables hold it).
  void Each(const std::function<void()>& on_row) {
    Timer t(sql_);
    soci::statement st(session_);
    Prepare(st);
    st.execute(false);
    while (st.fetch()) on_row();
  }
  // Runs the statement; true when a row was fetched into the Into variables.
  bool One() {
    Timer t(sql_);
    soci::statement st(session_);
    Prepare(st);
    return st.execute(true);
  }
  // Runs a statement without results; returns the number of affected rows.
  long long Exec() {
    Timer t(sql_);
    soci::statement st(session_);
    Prepare(st);
    st.execute(true);
    return st.get_affected_rows();
  }
  const std::string& sql() const { return sql_; }

 private:
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

  void Prepare(soci::statement& st) {
    st.alloc();
    for (auto& b : binders_) b(st);
    st.prepare(sql_, soci::details::st_one_time_query);
    st.define_and_bind();
  }

  soci::session& session_;
  std::string sql_;
  std::deque<long long> ints_;
  std::deque<std::string> strings_;
  std::deque<std::string> names_;
  std::vector<std::function<void(soci::statement&)>> binders_;
};

}  // namespace salesdb

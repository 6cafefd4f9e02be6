#include "storage/pg_statement_cache.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <shared_mutex>

namespace salesdb {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::shared_mutex registry_mu;
std::unordered_map<const void*, std::unique_ptr<PgStatementCache>>& Registry() {
  static auto* registry = new std::unordered_map<const void*, std::unique_ptr<PgStatementCache>>();
  return *registry;
}

pg_conn* Connection(soci::session& s) {
  if (s.get_backend() == nullptr || s.get_backend_name() != "postgresql") return nullptr;
  return static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
}

}  // namespace

void ThrowPostgresError(pg_result* res, pg_conn* conn) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "08006";
  std::string message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  PQclear(res);
  throw soci::postgresql_soci_error(message, sqlstate.c_str());
}

std::string ToPositional(const std::string& sql, std::vector<std::string>* names) {
  std::string out;
  out.reserve(sql.size());
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // copied through to the closing quote (a doubled quote stays inside)
      size_t end = sql.find(c, i + 1);
      while (end != std::string::npos && end + 1 < sql.size() && sql[end + 1] == c) end = sql.find(c, end + 2);
      end = end == std::string::npos ? sql.size() : end + 1;
      out.append(sql, i, end - i);
      i = end;
    } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      out += "::";
      i += 2;
    } else if (c == ':' && i + 1 < sql.size() && IsNameStart(sql[i + 1])) {
      size_t end = i + 1;
      while (end < sql.size() && IsNameChar(sql[end])) ++end;
      std::string name = sql.substr(i + 1, end - i - 1);
      auto it = std::find(names->begin(), names->end(), name);
      if (it == names->end()) it = names->insert(names->end(), name);
      out += '$';
      out += std::to_string(it - names->begin() + 1);
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

void PgStatementCache::ScheduleReplan(Statement& st, std::chrono::steady_clock::time_point now) {
  st.uses = 0;
  st.replan_uses = std::min(st.replan_uses * 4, kMaxReplanUses);
  st.replan_after = std::min(st.replan_after * 4, kMaxReplanAfter);
  st.replan_time = now + st.replan_after;
}

const PgStatementCache::Statement& PgStatementCache::Get(const std::string& sql) {
  auto it = statements_.find(sql);
  const auto now = std::chrono::steady_clock::now();
  if (it == statements_.end()) {
    if (statements_.size() >= capacity_) EvictOldest();
    Statement st;
    st.name = "s" + std::to_string(++next_id_);
    st.text = ToPositional(sql, &st.params);
    Prepare(st);
    st.replan_time = now + st.replan_after;
    it = statements_.emplace(sql, std::move(st)).first;
  } else if ((++it->second.uses >= it->second.replan_uses || now >= it->second.replan_time) &&
             PQtransactionStatus(conn_) != PQTRANS_INERROR) {
    // Under the same name, so that statements deferred under it run the new one.
    ScheduleReplan(it->second, now);
    PQclear(PQexec(conn_, ("DEALLOCATE " + it->second.name).c_str()));
    try {
      Prepare(it->second);
    } catch (...) {
      statements_.erase(it);  // gone on the server: prepared anew by the next Get
      throw;
    }
  }
  it->second.last_used = ++clock_;
  return it->second;
}

void PgStatementCache::Prepare(const Statement& st) {
  PGresult* res = PQprepare(conn_, st.name.c_str(), st.text.c_str(), 0, nullptr);
  if (PQresultStatus(res) != PGRES_COMMAND_OK) ThrowPostgresError(res, conn_);
  PQclear(res);
}

// DEALLOCATE runs in the caller's transaction, which it cannot harm: naming an existing statement,
// it only fails when the transaction has failed already.
void PgStatementCache::EvictOldest() {
  auto oldest = std::min_element(statements_.begin(), statements_.end(), [](const auto& a, const auto& b) {
    return a.second.last_used < b.second.last_used;
  });
  if (oldest == statements_.end()) return;
  PQclear(PQexec(conn_, ("DEALLOCATE " + oldest->second.name).c_str()));
  statements_.erase(oldest);
}

PgStatementCache* PgStatementCache::For(soci::session& s) {
  std::shared_lock lock(registry_mu);
  auto it = Registry().find(s.get_backend());
  return it == Registry().end() ? nullptr : it->second.get();
}

void PgStatementCache::Attach(soci::session& s, size_t capacity) {
  pg_conn* conn = Connection(s);
  if (conn == nullptr) return;
  std::unique_lock lock(registry_mu);
  Registry()[s.get_backend()] = std::make_unique<PgStatementCache>(conn, capacity);
}

void PgStatementCache::Detach(soci::session& s) {
  std::unique_lock lock(registry_mu);
  Registry().erase(s.get_backend());
}

}  // namespace salesdb

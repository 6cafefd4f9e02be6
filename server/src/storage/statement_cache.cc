#include "storage/statement_cache.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace salesdb {
namespace {

using namespace sqlite_api;

std::shared_mutex registry_mu;
std::unordered_map<const void*, StatementCache*>& Registry() {
  static auto* registry = new std::unordered_map<const void*, StatementCache*>();
  return *registry;
}

}  // namespace

StatementCache::StatementCache(sqlite3* db, size_t capacity) : db_(db), capacity_(capacity) {
  idle_.reserve(capacity + 1);
}

StatementCache::~StatementCache() {
  for (auto& e : idle_) sqlite3_finalize(e.st);
}

sqlite3_stmt* StatementCache::Acquire(const std::string& sql) {
  for (size_t i = 0; i < idle_.size(); ++i) {
    if (idle_[i].sql.size() == sql.size() && idle_[i].sql == sql) {
      sqlite3_stmt* st = idle_[i].st;
      idle_[i] = std::move(idle_.back());
      idle_.pop_back();
      return st;
    }
  }
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &st,
                              nullptr);
  if (rc != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    throw soci::soci_error("sqlite3 prepare: " + message);
  }
  return st;
}

void StatementCache::Release(const std::string& sql, sqlite3_stmt* st) {
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  idle_.push_back({sql, st, ++clock_});
  if (idle_.size() <= capacity_) return;
  auto oldest = std::min_element(idle_.begin(), idle_.end(),
                                 [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
  sqlite3_finalize(oldest->st);
  *oldest = std::move(idle_.back());
  idle_.pop_back();
}

StatementCache* StatementCache::For(soci::session& s) {
  std::shared_lock lock(registry_mu);
  auto it = Registry().find(s.get_backend());
  return it == Registry().end() ? nullptr : it->second;
}

void StatementCache::Attach(soci::session& s, StatementCache* cache) {
  std::unique_lock lock(registry_mu);
  Registry()[s.get_backend()] = cache;
}

void StatementCache::Detach(soci::session& s) {
  std::unique_lock lock(registry_mu);
  Registry().erase(s.get_backend());
}

sqlite3* StatementCache::Handle(soci::session& s) {
  if (s.get_backend() == nullptr || s.get_backend_name() != "sqlite3") return nullptr;
  return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

}  // namespace salesdb

#include "storage/change_listener.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <chrono>

#include "base/log.h"
#include "monitoring/metrics.h"
#include "domain/store.h"

namespace salesdb {
namespace {

constexpr int kPollMs = 200;       // how soon the thread sees that it is asked to stop
constexpr int kReconnectMs = 1000;  // between attempts while the database is down
constexpr char kUpMetric[] = "salesdb_change_listener_up";

}  // namespace

std::string ChangePayload(const std::string& instance_id, uint32_t tables) {
  return instance_id + " " + std::to_string(tables);
}

bool ParseChangePayload(const std::string& payload, std::string* instance_id, uint32_t* tables) {
  auto space = payload.find(' ');
  if (space == std::string::npos || space == 0) return false;
  const char* first = payload.data() + space + 1;
  const char* last = payload.data() + payload.size();
  uint32_t bits = 0;
  auto [end, ec] = std::from_chars(first, last, bits);
  if (ec != std::errc() || end != last || first == last) return false;
  *instance_id = payload.substr(0, space);
  *tables = bits & kAllChangedTables;
  return true;
}

ChangeListener::ChangeListener(std::string conninfo, std::string instance_id,
                               std::function<void(uint32_t)> on_change)
    : conninfo_(std::move(conninfo)), instance_id_(std::move(instance_id)), on_change_(std::move(on_change)) {
  auto& m = monitoring::Registry::Global();
  m.Describe(kUpMetric, "gauge",
             "1 while this instance hears other instances' changes (PostgreSQL); 0: it answers no list from cache.");
  m.Set(kUpMetric, {}, 0);
  thread_ = std::thread([this] { Run(); });
}

ChangeListener::~ChangeListener() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool ChangeListener::Sleep(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void ChangeListener::Run() {
  // The configured string's own connect_timeout, if any, wins over this one (expand_dbname).
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"5", conninfo_.c_str(), nullptr};
  bool reported_down = false;
  do {
    PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    bool ok = PQstatus(conn) == CONNECTION_OK;
    if (ok) {
      PGresult* r = PQexec(conn, (std::string("LISTEN ") + kChangesChannel).c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
    }
    if (!ok) {
      if (!reported_down) log::Warn("change listener: cannot listen; cached answers are not used until it can");
      reported_down = true;
      PQfinish(conn);
      continue;
    }
    if (reported_down) log::Info("change listener: listening again");
    reported_down = false;
    on_change_(kAllChangedTables);  // what was committed while not listening is unknown
    listening_.store(true, std::memory_order_release);
    monitoring::Registry::Global().Set(kUpMetric, {}, 1);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) break;
      }
      pollfd p{PQsocket(conn), POLLIN, 0};
      if (poll(&p, 1, kPollMs) < 0 && errno != EINTR) break;
      if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) break;
      while (PGnotify* n = PQnotifies(conn)) {
        std::string instance;
        uint32_t tables = 0;
        if (ParseChangePayload(n->extra, &instance, &tables) && instance != instance_id_) on_change_(tables);
        PQfreemem(n);
      }
    }
    listening_.store(false, std::memory_order_release);
    monitoring::Registry::Global().Set(kUpMetric, {}, 0);
    PQfinish(conn);
    if (Sleep(0)) {
      log::Warn("change listener: lost its connection; cached answers are not used until it is back");
      reported_down = true;
    }
  } while (Sleep(kReconnectMs));
}

}  // namespace salesdb

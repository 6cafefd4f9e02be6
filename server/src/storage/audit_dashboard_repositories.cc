// The audit log table and the dashboard aggregates.
#include <algorithm>
#include <ctime>
#include <limits>

#include "storage/audit_batch.h"
#include "storage/repositories.h"

namespace salesdb {
namespace {
using ll = long long;

// audit_lookup (migrations 0007, 0008) holds the query columns of every entry up to its largest id,
// the mark; entries above the mark are only in audit_log. They are copied over each time the log
// passes a multiple of SqlAuditRepository::kLookupBatch ids: SQLite, at the end of the batch;
// PostgreSQL, right after its COMMIT, beside the writer (AuditBatch::Flush).
constexpr ll kLookupBatch = SqlAuditRepository::kLookupBatch;

// The newest row of audit_lookup: the mark and its running figures (migration 0008).
struct LookupMark {
  ll id = 0;
  ll at_max = std::numeric_limits<ll>::min();  // nothing copied yet: every at is above it
  ll lag_max = 0;
};

LookupMark ReadMark(soci::session& s) {
  LookupMark m;
  Query q(s, "SELECT id, at_max, lag_max FROM audit_lookup ORDER BY id DESC LIMIT 1");
  q.Into(m.id).Into(m.at_max).Into(m.lag_max);
  if (!q.One()) return LookupMark{};
  return m;
}

// The smallest id in audit_lookup whose at_max is at least `at` (at_max never decreases with id,
// so these ids are a tail of the table); 0 when there is none.
ll FirstIdWithAtMaxFrom(soci::session& s, ll at) {
  ll id = 0;
  Query q(s, "SELECT id FROM audit_lookup WHERE at_max >= :at ORDER BY at_max, id LIMIT 1");
  q.Bind("at", at).Into(id);
  if (!q.One()) return 0;
  return id;
}

}  // namespace

// ---------------------------------------------------------------- audit log

namespace {

constexpr char kAuditInsertColumns[] =
    "INSERT INTO audit_log (at, actor_id, actor_role, ip, user_agent, request_id, action, entity, entity_id, "
    "before_json, after_json, prev_hash, hash) VALUES ";
// Rows per INSERT on PostgreSQL: a batch of n entries takes one statement (one per 32 beyond), sent
// with the COMMIT; the 32 statement texts are prepared once per connection like any other.
// SQLite has no round trips to save: one cached single-row statement per entry costs less than
// building, hashing and binding by name a statement with hundreds of parameters.
constexpr size_t kMaxRowsPerInsert = 32;

// "(:at<i>, :actor<i>, …, :hash<i>)": the placeholders of row i of an audit INSERT, written once.
const std::string& RowPlaceholders(size_t i) {
  static const std::vector<std::string> rows = [] {
    std::vector<std::string> out;
    for (size_t row = 0; row < kMaxRowsPerInsert; ++row) {
      std::string text = "(";
      for (const char* column : {"at", "actor", "role", "ip", "ua", "rid", "action", "entity", "eid", "before", "after",
                                 "prev", "hash"}) {
        text.append(text.size() > 1 ? ", :" : ":").append(column).append(std::to_string(row));
      }
      out.push_back(text + ")");
    }
    return out;
  }();
  return rows[i];
}

// Copies the entries above audit_lookup's mark into it, once the log has passed a multiple of
// kLookupBatch ids: their index pages are written once for the batch rather than once per entry
// (migration 0007), and writes need no lookup of the mark. The running figures continue from the
// mark's (migration 0008).
void CopyIntoLookup(soci::session& s) {
  const LookupMark mark = ReadMark(s);
  Query(s,
        "INSERT INTO audit_lookup (id, at, actor_id, action, entity, entity_id, ip, request_id, at_max, lag_max) "
        "SELECT id, at, actor_id, action, entity, entity_id, ip, request_id, at_max, "
        "MAX(CASE WHEN at_max - at > :lag THEN at_max - at ELSE :lag END) OVER (ORDER BY id ROWS UNBOUNDED "
        "PRECEDING) FROM (SELECT id, at, actor_id, action, entity, entity_id, ip, request_id, "
        "MAX(CASE WHEN at > :atmax THEN at ELSE :atmax END) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS at_max "
        "FROM audit_log WHERE id > :mark) w ORDER BY id")
      .Bind("mark", mark.id)
      .Bind("atmax", mark.at_max)
      .Bind("lag", mark.lag_max)
      .Exec();
}


}  // namespace

void AuditBatch::EndWrite(bool kept) {
  if (kept) {
    for (PreparedAuditEntry& e : staged_) kept_.push_back(std::move(e));
  }
  staged_.clear();
}

int64_t AuditBatch::CountPending(int64_t actor_id, const std::string& action_suffix, int64_t since) const {
  int64_t n = 0;
  for (const auto* list : {&kept_, &staged_}) {
    for (const PreparedAuditEntry& p : *list) {
      const AuditEntry& e = p.entry;
      if (e.actor_id == actor_id && e.at >= since && e.action.ends_with(action_suffix)) ++n;
    }
  }
  return n;
}

void AuditBatch::Clear() {
  kept_.clear();
  staged_.clear();
}

bool AuditBatch::Flush(soci::session& s, Dialect dialect) {
  std::vector<PreparedAuditEntry> entries;
  entries.swap(kept_);
  staged_.clear();
  if (entries.empty()) return false;
  if (dialect == Dialect::kPostgres) {
    // Serializes appenders across connections and instances (and CLI processes) until COMMIT.
    Query(s, "SELECT pg_advisory_xact_lock(7428001)").Defer();  // taken before the head is read
  }
  ll head_id = 0;  // stays 0 and "" when the log is empty
  std::string head;
  Query q(s, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  q.Into(head_id).Into(head);
  q.One();
  for (PreparedAuditEntry& p : entries) {
    p.entry.prev_hash = std::move(head);
    p.entry.hash = p.link(p.entry.prev_hash, p.canonical);
    head = p.entry.hash;
  }
  ll last_id = head_id;
  for (size_t done = 0; done < entries.size();) {
    const size_t rows = dialect == Dialect::kPostgres ? std::min(kMaxRowsPerInsert, entries.size() - done) : 1;
    Query ins(s, kAuditInsertColumns);
    for (size_t i = 0; i < rows; ++i) {
      const AuditEntry& e = entries[done + i].entry;
      const std::string n = std::to_string(i);
      ins.Sql(i == 0 ? "" : ", ").Sql(RowPlaceholders(i));
      ins.Bind("at" + n, static_cast<ll>(e.at)).Bind("actor" + n, static_cast<ll>(e.actor_id))
          .Bind("role" + n, e.actor_role).Bind("ip" + n, e.ip).Bind("ua" + n, e.user_agent)
          .Bind("rid" + n, e.request_id).Bind("action" + n, e.action).Bind("entity" + n, e.entity)
          .Bind("eid" + n, static_cast<ll>(e.entity_id)).Bind("before" + n, e.before_json)
          .Bind("after" + n, e.after_json).Bind("prev" + n, e.prev_hash).Bind("hash" + n, e.hash);
    }
    // PostgreSQL: sent with the COMMIT (or the lookup copy's first statement), in one round trip;
    // rows are numbered in the order of VALUES, which is the chain's order. SQLite: run now.
    ins.Defer();
    done += rows;
  }
  if (dialect == Dialect::kPostgres) {
    // At least this: the sequence gave each entry an id above the head (more, after ids that a
    // failed batch drew).
    last_id = head_id + static_cast<ll>(entries.size());
  } else {
    Query q(s, "SELECT last_insert_rowid()");
    q.Into(last_id);
    q.One();
  }
  // An id skipped by a failed batch only leaves the copy waiting until the log passes the next
  // multiple; queries read waiting entries anyway.
  if (last_id / kLookupBatch == head_id / kLookupBatch) return false;
  if (dialect == Dialect::kPostgres) return true;
  CopyIntoLookup(s);
  return false;
}

void AuditBatch::CopyLookup(soci::session& s) {
  soci::transaction tr(s);  // rolled back if the copy throws
  // Copiers of other instances wait here, then read the mark this one leaves.
  Query(s, "SELECT pg_advisory_xact_lock(7428002)").Exec();
  CopyIntoLookup(s);
  tr.commit();
}

Status SqlAuditRepository::Append(PreparedAuditEntry e) {
  if (ctx_.writer == nullptr) return FailedPrecondition("audit entries are written in write transactions only");
  if (e.link == nullptr) return InvalidArgument("an audit entry to append needs its link function");
  ctx_.writer->audit.Append(std::move(e));
  return Status::Ok();
}

namespace {

constexpr char kAuditColumns[] =
    "SELECT id, at, actor_id, actor_role, ip, user_agent, request_id, action, entity, entity_id, before_json, "
    "after_json, prev_hash, hash FROM audit_log";

// Runs q (which selects kAuditColumns) and collects the rows.
std::vector<AuditEntry> FetchEntries(Query& q) {
  AuditEntry e;
  ll id = 0, at = 0, actor = 0, eid = 0;
  q.Into(id).Into(at).Into(actor).Into(e.actor_role).Into(e.ip).Into(e.user_agent).Into(e.request_id)
      .Into(e.action).Into(e.entity).Into(eid).Into(e.before_json).Into(e.after_json).Into(e.prev_hash)
      .Into(e.hash);
  std::vector<AuditEntry> out;
  q.Each([&] {
    // The text columns are moved out: every column is NOT NULL, so the next row assigns them all.
    AuditEntry row = std::move(e);
    row.id = id;
    row.at = at;
    row.actor_id = actor;
    row.entity_id = eid;
    out.push_back(std::move(row));
  });
  return out;
}

}  // namespace

StatusOr<std::vector<AuditEntry>> SqlAuditRepository::Scan(int64_t after_id, int limit) {
  Query q(ctx_.s, kAuditColumns);
  q.Sql(" WHERE id > :after ORDER BY id LIMIT :lim");
  q.Bind("after", static_cast<ll>(after_id)).Bind("lim", static_cast<ll>(limit));
  return FetchEntries(q);
}

StatusOr<std::pair<int64_t, std::string>> SqlAuditRepository::Head() {
  ll id = 0;
  std::string hash;
  Query q(ctx_.s, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  q.Into(id).Into(hash);
  if (!q.One()) return std::make_pair(int64_t{0}, std::string());
  return std::make_pair(static_cast<int64_t>(id), hash);
}

StatusOr<AuditEntry> SqlAuditRepository::Get(int64_t id) {
  Query q(ctx_.s, kAuditColumns);
  q.Sql(" WHERE id = :id").Bind("id", static_cast<ll>(id));
  std::vector<AuditEntry> rows = FetchEntries(q);
  if (rows.empty()) return NotFound("no audit entry " + std::to_string(id));
  return rows.front();
}

namespace {

// The filters and keyset condition of f, on columns named `col` + name (audit_log's own names, or
// "l." for audit_lookup in a join). Every filter is an equality on an indexed (column, id) pair or a
// range on (at, id); the planner picks the most selective one. Only constant fragments enter the SQL.
void AppendAuditFilters(Query& q, const AuditQuery& f, const std::string& col) {
  if (f.actor_id != 0) q.Sql(" AND " + col + "actor_id = :actor").Bind("actor", static_cast<ll>(f.actor_id));
  if (!f.action.empty()) q.Sql(" AND " + col + "action = :action").Bind("action", f.action);
  if (!f.actions.empty()) {
    q.Sql(" AND (");
    for (size_t i = 0; i < f.actions.size(); ++i) {
      const std::string& a = f.actions[i];
      const std::string name = "act" + std::to_string(i);
      q.Sql(i == 0 ? "" : " OR ");
      // A suffix pattern's text is bound with the escape character before LIKE's own wildcards.
      if (a.starts_with("*")) {
        q.Sql(col + "action LIKE :" + name + " ESCAPE '\\'").Bind(name, "%" + LikeEscape(a.substr(1)));
      } else {
        q.Sql(col + "action = :" + name).Bind(name, a);
      }
    }
    q.Sql(")");
  }
  if (!f.entity.empty()) q.Sql(" AND " + col + "entity = :entity").Bind("entity", f.entity);
  if (f.entity_id != 0) q.Sql(" AND " + col + "entity_id = :eid").Bind("eid", static_cast<ll>(f.entity_id));
  if (!f.ip.empty()) q.Sql(" AND " + col + "ip = :ip").Bind("ip", f.ip);
  if (!f.request_id.empty()) q.Sql(" AND " + col + "request_id = :rid").Bind("rid", f.request_id);
  if (f.from != 0) q.Sql(" AND " + col + "at >= :from").Bind("from", static_cast<ll>(f.from));
  if (f.to != 0) q.Sql(" AND " + col + "at < :to").Bind("to", static_cast<ll>(f.to));
  if (f.ascending) {
    q.Sql(" AND " + col + "id > :after ORDER BY " + col + "id LIMIT :lim").Bind("after", static_cast<ll>(f.after_id));
  } else {
    if (f.before_id != 0) q.Sql(" AND " + col + "id < :before").Bind("before", static_cast<ll>(f.before_id));
    q.Sql(" ORDER BY " + col + "id DESC LIMIT :lim");
  }
  q.Bind("lim", static_cast<ll>(f.limit + 1));
}

}  // namespace

StatusOr<std::vector<AuditEntry>> SqlAuditRepository::Find(const AuditQuery& f) {
  // Two disjoint id ranges, each read in the requested order: entries up to the mark through
  // audit_lookup's indexes, and the few newer ones from audit_log by id (at most about
  // kLookupBatch rows to filter). One mark for both, so no entry is missed or read twice.
  const LookupMark mark = ReadMark(ctx_.s);
  // A time range becomes an id range that holds every entry of [from, to) (migration 0008):
  // entries before the first with at_max >= from have at < from; those from the first with
  // at_max >= to + lag_max on have at >= to. The filter on at still decides within it.
  ll lo = 1, hi = mark.id;  // inclusive
  if (f.from != 0) {
    ll first = FirstIdWithAtMaxFrom(ctx_.s, f.from);
    lo = first != 0 ? first : mark.id + 1;
  }
  if (f.to != 0 && f.to <= std::numeric_limits<ll>::max() - mark.lag_max) {
    ll first = FirstIdWithAtMaxFrom(ctx_.s, f.to + mark.lag_max);
    if (first != 0) hi = first - 1;
  }
  auto indexed = [&] {
    if (lo > hi) return std::vector<AuditEntry>();
    // The page's ids first, from audit_lookup alone (narrow rows, mostly covered by an index), then
    // their rows: joining first made PostgreSQL walk both tables in step.
    Query q(ctx_.s,
            "SELECT a.id, a.at, a.actor_id, a.actor_role, a.ip, a.user_agent, a.request_id, a.action, a.entity, "
            "a.entity_id, a.before_json, a.after_json, a.prev_hash, a.hash FROM (SELECT l.id FROM audit_lookup l "
            "WHERE l.id >= :lo AND l.id <= :hi");
    q.Bind("lo", lo).Bind("hi", hi);
    AppendAuditFilters(q, f, "l.");
    q.Sql(") k JOIN audit_log a ON a.id = k.id ORDER BY a.id");
    if (!f.ascending) q.Sql(" DESC");
    return FetchEntries(q);
  };
  auto newest = [&] {
    Query q(ctx_.s, kAuditColumns);
    q.Sql(" WHERE id > :mark").Bind("mark", mark.id);
    AppendAuditFilters(q, f, "");
    return FetchEntries(q);
  };
  const size_t wanted = static_cast<size_t>(f.limit) + 1;
  std::vector<AuditEntry> first = f.ascending ? indexed() : newest();
  if (first.size() >= wanted) return first;
  std::vector<AuditEntry> rest = f.ascending ? newest() : indexed();
  for (AuditEntry& e : rest) {
    if (first.size() >= wanted) break;
    first.push_back(std::move(e));
  }
  return first;
}

StatusOr<bool> SqlAuditRepository::InsertAlert(const SecurityAlert& a) {
  Query q(ctx_.s,
          "INSERT INTO security_alerts (at, rule, severity, actor_id, subject, entry_id, detail_json) VALUES "
          "(:at, :rule, :sev, :actor, :subject, :entry, :detail) ON CONFLICT (rule, entry_id) DO NOTHING");
  q.Bind("at", static_cast<ll>(a.at)).Bind("rule", a.rule).Bind("sev", a.severity)
      .Bind("actor", static_cast<ll>(a.actor_id)).Bind("subject", a.subject)
      .Bind("entry", static_cast<ll>(a.entry_id)).Bind("detail", a.detail_json);
  return q.Exec() > 0;
}

StatusOr<std::vector<SecurityAlert>> SqlAuditRepository::ListAlerts(int64_t before_id, int limit) {
  SecurityAlert a;
  ll id = 0, at = 0, actor = 0, entry = 0;
  Query q(ctx_.s, "SELECT id, at, rule, severity, actor_id, subject, entry_id, detail_json FROM security_alerts");
  if (before_id != 0) q.Sql(" WHERE id < :before").Bind("before", static_cast<ll>(before_id));
  q.Sql(" ORDER BY id DESC LIMIT :lim").Bind("lim", static_cast<ll>(limit + 1));
  q.Into(id).Into(at).Into(a.rule).Into(a.severity).Into(actor).Into(a.subject).Into(entry).Into(a.detail_json);
  std::vector<SecurityAlert> out;
  q.Each([&] {
    SecurityAlert copy = a;
    copy.id = id;
    copy.at = at;
    copy.actor_id = actor;
    copy.entry_id = entry;
    out.push_back(std::move(copy));
  });
  return out;
}

Status SqlAuditRepository::DeleteArchived(int64_t last_id) {
  // SQLite: the trigger is dropped and re-created inside this write's transaction, so no other
  // statement ever runs without it. PostgreSQL: the trigger function lets a DELETE through only
  // while this transaction has set salesdb.audit_archive (set_config(..., true) is transaction-local).
  // audit_lookup is derived data without triggers: its copies of the archived entries go too.
  Query(ctx_.s, "DELETE FROM audit_lookup WHERE id <= :last").Bind("last", static_cast<ll>(last_id)).Exec();
  if (ctx_.dialect == Dialect::kPostgres) {
    ctx_.s << "SELECT set_config('salesdb.audit_archive', 'on', true)";
    Query(ctx_.s, "DELETE FROM audit_log WHERE id <= :last").Bind("last", static_cast<ll>(last_id)).Exec();
    ctx_.s << "SELECT set_config('salesdb.audit_archive', 'off', true)";
  } else {
    ctx_.s << "DROP TRIGGER audit_log_no_delete";
    Query(ctx_.s, "DELETE FROM audit_log WHERE id <= :last").Bind("last", static_cast<ll>(last_id)).Exec();
    ctx_.s << "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
              "SELECT RAISE(ABORT, 'audit_log is append-only'); END";
  }
  return Status::Ok();
}

StatusOr<int64_t> SqlAuditRepository::CountByActorSince(int64_t actor_id, const std::string& action_suffix,
                                                        int64_t since) {
  // Indexed entries (audit_lookup, up to the mark) plus the newest ones not copied there yet. The
  // mark is bound as a value: PostgreSQL then plans the newest part as the short id range it is.
  // `since` becomes a lower id bound as in Find, so the (actor_id, id) index serves the first part.
  const ll mark = ReadMark(ctx_.s).id;
  const ll first = FirstIdWithAtMaxFrom(ctx_.s, since);
  const ll lo = first != 0 ? first : mark + 1;
  ll n = 0;
  Query q(ctx_.s,
          "SELECT (SELECT COUNT(*) FROM audit_lookup WHERE id >= :lo AND id <= :mark AND actor_id = :actor"
          " AND at >= :since AND action LIKE :action) + (SELECT COUNT(*) FROM audit_log WHERE id > :mark"
          " AND actor_id = :actor AND at >= :since AND action LIKE :action)");
  q.Bind("lo", lo).Bind("mark", mark).Bind("actor", static_cast<ll>(actor_id)).Bind("since", static_cast<ll>(since))
      .Bind("action", "%" + action_suffix).Into(n);
  q.One();
  // Plus the entries of this batch that wait for its end (AuditBatch).
  if (ctx_.writer != nullptr) n += ctx_.writer->audit.CountPending(actor_id, action_suffix, since);
  return static_cast<int64_t>(n);
}

// ---------------------------------------------------------------- dashboard

namespace {

// First day of the month `months_back` months before the month of `now`, as epoch ms UTC.
int64_t MonthStart(int64_t now_ms, int months_back, std::string* label) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int month = tm.tm_year * 12 + tm.tm_mon - months_back;
  std::tm start{};
  start.tm_year = month / 12;
  start.tm_mon = month % 12;
  start.tm_mday = 1;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", start.tm_year + 1900, start.tm_mon + 1);
  if (label) *label = buf;
  return static_cast<int64_t>(timegm(&start)) * 1000;
}

void ScopeFilter(Query& q, const std::string& scope_region) {
  if (!scope_region.empty()) q.Sql(" AND c.region = :scope").Bind("scope", scope_region);
}

// " AND <column> names a customer counted by the summary": not in the trash (a few rows, read once
// through the deleted_at index), and of the scope's region. The licence and opportunity aggregates
// are read from their own table with this filter instead of a join: a join looked up the customer
// row of every licence (1.4 million random reads at 1,000,000 customers).
void LiveCustomerFilter(Query& q, const char* column, const std::string& scope_region) {
  if (scope_region.empty()) {
    q.Sql(std::string(" AND ") + column + " NOT IN (SELECT id FROM customers WHERE deleted_at IS NOT NULL)");
  } else {
    q.Sql(std::string(" AND ") + column + " IN (SELECT id FROM customers WHERE deleted_at IS NULL AND region = :scope)")
        .Bind("scope", scope_region);
  }
}

}  // namespace

StatusOr<DashboardSummary> SqlDashboardRepository::Summary(const std::string& scope_region, int64_t now) {
  DashboardSummary out;
  out.generated_at = now;
  {
    std::string status;
    ll n = 0;
    // Company-wide, the (status, deleted_at, …) index holds all it needs; SQLite's planner (without
    // statistics, and with nearly every row live) would walk the deleted_at index and read every row.
    bool whole = scope_region.empty() && ctx_.dialect == Dialect::kSqlite;
    Query q(ctx_.s, whole ? "SELECT c.status, COUNT(*) FROM customers c INDEXED BY customers_status_updated "
                            "WHERE c.deleted_at IS NULL"
                          : "SELECT c.status, COUNT(*) FROM customers c WHERE c.deleted_at IS NULL");
    ScopeFilter(q, scope_region);
    q.Sql(" GROUP BY c.status").Into(status).Into(n);
    q.Each([&] {
      if (status == "lead") out.leads = n;
      else if (status == "active") out.active = n;
      else if (status == "churned") out.churned = n;
    });
  }
  {
    std::string currency;
    ll count = 0, sum = 0;
    // One pass over the table (SQLite: NOT INDEXED, rather than the status index and a row read per
    // active licence).
    Query q(ctx_.s, std::string("SELECT l.currency, COUNT(*), SUM(l.annual_value_minor) FROM licenses l") +
                        (ctx_.dialect == Dialect::kSqlite ? " NOT INDEXED" : "") + " WHERE l.status = 'active'");
    LiveCustomerFilter(q, "l.customer_id", scope_region);
    q.Sql(" GROUP BY l.currency ORDER BY l.currency").Into(currency).Into(count).Into(sum);
    q.Each([&] {
      out.active_licenses += count;
      out.arr.emplace_back(currency, sum);
    });
  }
  {
    ll d30 = 0, d60 = 0, d90 = 0;
    soci::indicator i30 = soci::i_ok, i60 = soci::i_ok, i90 = soci::i_ok;
    Query q(ctx_.s,
            "SELECT SUM(CASE WHEN l.expires_at <= :d30 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.expires_at <= :d60 THEN 1 ELSE 0 END), COUNT(*) "
            "FROM licenses l WHERE l.status = 'active' AND l.expires_at >= :now AND l.expires_at <= :d90");
    q.Bind("d30", static_cast<ll>(now + 30 * 86400000LL)).Bind("d60", static_cast<ll>(now + 60 * 86400000LL))
        .Bind("now", static_cast<ll>(now)).Bind("d90", static_cast<ll>(now + 90 * 86400000LL));
    LiveCustomerFilter(q, "l.customer_id", scope_region);
    q.Into(d30, i30).Into(d60, i60).Into(d90, i90);
    q.One();
    out.expiring_30 = i30 == soci::i_ok ? d30 : 0;
    out.expiring_60 = i60 == soci::i_ok ? d60 : 0;
    out.expiring_90 = i90 == soci::i_ok ? d90 : 0;
  }
  {
    // Twelve buckets, oldest first; counted with one range scan over the created_at index.
    std::vector<int64_t> starts;
    for (int back = 11; back >= 0; --back) {
      std::string label;
      starts.push_back(MonthStart(now, back, &label));
      out.new_customers_by_month.emplace_back(label, 0);
    }
    std::string month_expr = ctx_.dialect == Dialect::kPostgres
                                 ? "to_char(to_timestamp(c.created_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM')"
                                 : "strftime('%Y-%m', c.created_at / 1000, 'unixepoch')";
    std::string month;
    ll n = 0;
    Query q(ctx_.s, "SELECT " + month_expr + " AS m, COUNT(*) FROM customers c WHERE c.deleted_at IS NULL "
                                             "AND c.created_at >= :start");
    q.Bind("start", static_cast<ll>(starts.front()));
    ScopeFilter(q, scope_region);
    q.Sql(" GROUP BY m").Into(month).Into(n);
    q.Each([&] {
      for (auto& [label, count] : out.new_customers_by_month) {
        if (label == month) count = n;
      }
    });
  }
  {
    static const char* kStages[] = {"prospect", "qualified", "proposal", "negotiation", "won", "lost"};
    for (const char* s : kStages) out.pipeline.push_back({s, 0, {}});
    std::string stage, currency;
    ll count = 0, sum = 0;
    Query q(ctx_.s, std::string("SELECT o.stage, o.currency, COUNT(*), SUM(o.amount_minor) FROM opportunities o") +
                        (ctx_.dialect == Dialect::kSqlite ? " NOT INDEXED" : "") + " WHERE 1 = 1");
    LiveCustomerFilter(q, "o.customer_id", scope_region);
    q.Sql(" GROUP BY o.stage, o.currency ORDER BY o.currency").Into(stage).Into(currency).Into(count).Into(sum);
    q.Each([&] {
      for (auto& s : out.pipeline) {
        if (s.stage == stage) {
          s.count += count;
          s.amounts.emplace_back(currency, sum);
        }
      }
    });
  }
  return out;
}

StatusOr<std::vector<License>> SqlDashboardRepository::UpcomingRenewals(int64_t owner_id, int64_t now) {
  ll id = 0;
  // Driven by the owner's customers, then their licences. Without statistics SQLite would instead
  // scan every active licence of the next 90 days company-wide and look up each customer (~80 ms at
  // 20k customers, growing with the company; 0.5 ms this way): CROSS JOIN fixes its join order.
  Query q(ctx_.s, ctx_.dialect == Dialect::kPostgres
                      ? "SELECT l.id FROM customers c JOIN licenses l ON l.customer_id = c.id"
                      : "SELECT l.id FROM customers c CROSS JOIN licenses l INDEXED BY licenses_customer "
                        "ON l.customer_id = c.id");
  q.Sql(" WHERE c.owner_id = :owner AND c.deleted_at IS NULL AND l.status = 'active' AND l.expires_at >= :now "
        "AND l.expires_at <= :until ORDER BY l.expires_at, l.id LIMIT 10");
  q.Bind("owner", static_cast<ll>(owner_id)).Bind("now", static_cast<ll>(now))
      .Bind("until", static_cast<ll>(now + 90 * 86400000LL)).Into(id);
  std::vector<int64_t> ids;
  q.Each([&] { ids.push_back(id); });
  SqlLicenseRepository licenses(ctx_);
  std::vector<License> out;
  for (int64_t lid : ids) {  // at most 10 primary-key lookups
    ASSIGN_OR_RETURN(License l, licenses.Get(lid));
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace salesdb

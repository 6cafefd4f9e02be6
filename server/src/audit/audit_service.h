// Reading the audit trail: the query, detail, CSV export, verification and alerts behind
// /api/v1/audit and /api/v1/alerts. Auditors and admins only (Permission::kAuditRead). The CSV
// export and each verification are themselves recorded. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <semaphore>
#include <string>

#include "audit/audit_log.h"
#include "base/clock.h"
#include "domain/paging.h"
#include "domain/store.h"

namespace salesdb::audit {

struct AuditPage {
  std::vector<AuditEntry> items;
  std::optional<std::string> next_cursor;
};

class AuditQueryService {
 public:
  AuditQueryService(Store& store, AuditSink& sink, const Clock& clock, std::string data_dir)
      : store_(store), sink_(sink), clock_(clock), data_dir_(std::move(data_dir)) {}

  // Newest first. q.limit 1..500; `cursor` from a previous page ("" for the first).
  StatusOr<AuditPage> List(const Actor& actor, AuditQuery q, const std::string& cursor);
  StatusOr<AuditEntry> Get(const Actor& actor, int64_t id);
  // CSV of the matching entries, newest first, at most max_rows; records an audit.export entry
  // (with the filters and the row count) before answering.
  StatusOr<std::string> ExportCsv(const Actor& actor, AuditQuery q, int max_rows);
  // The whole log against the signed checkpoints; records audit.verify or audit.verify_failed.
  StatusOr<AuditVerifyResult> Verify(const Actor& actor);
  StatusOr<Page<SecurityAlert>> Alerts(const Actor& actor, const std::string& cursor, int limit);

 private:
  Store& store_;
  AuditSink& sink_;
  const Clock& clock_;
  std::string data_dir_;
  // The heavy calls, an export (up to 100,000 rows held as one answer) and a whole-log verification,
  // run two at a time; more wait for their turn, so that many at once cannot exhaust memory or cores.
  std::counting_semaphore<> heavy_{2};
};

// JSON of an entry (hashes included); with_detail adds before/after parsed and the field diff.
nlohmann::json EntryJson(const AuditEntry& e, bool with_detail);
// Field-level diff of two JSON objects: [{"field", "before", "after"}] for every field that differs.
nlohmann::json AuditDiff(const std::string& before_json, const std::string& after_json);
nlohmann::json AlertJson(const SecurityAlert& a);
// One CSV field: quoted when needed; a leading = + - @ is neutralised (spreadsheet formula injection).
std::string CsvField(const std::string& v);

}  // namespace salesdb::audit

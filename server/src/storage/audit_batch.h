// AuditBatch: the audit entries of one group-commit batch, written at its end.
//
// Each write of a batch appends its entries (AuditRepository::Append); they are kept when the write
// succeeds and dropped when it fails. Right before the batch's COMMIT, Flush chains the kept entries
// to the log's head and inserts them: one lock of the head (PostgreSQL: an advisory transaction
// lock, which other processes take too; SQLite: the write lock the batch already holds), one read
// of it, and the INSERTs (PostgreSQL: one multi-row one per 32 entries, saving round trips; SQLite:
// one cached single-row statement per entry). So the chain work per entry is a SHA-256, the redaction and
// canonical JSON having been done when the entry was appended, and the head is held only from the
// end of the batch to its COMMIT.
// Used by the Database's writer thread only (not thread-safe).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <vector>

#include "domain/store.h"

namespace salesdb {

enum class Dialect;

class AuditBatch {
 public:
  // By the write running now.
  void Append(PreparedAuditEntry e) { staged_.push_back(std::move(e)); }
  // The write running now ended: its entries join the batch's (kept) or are dropped.
  void EndWrite(bool kept);
  bool empty() const { return kept_.empty() && staged_.empty(); }
  // Entries of the batch not inserted yet (the batch's and the running write's) by `actor_id` at or
  // after `since` whose action ends with `action_suffix`.
  int64_t CountPending(int64_t actor_id, const std::string& action_suffix, int64_t since) const;
  // Chains and inserts the kept entries (see above); throws what SOCI throws, and then the batch
  // must roll back. Leaves the batch empty either way. When the log passes a multiple of
  // SqlAuditRepository::kLookupBatch ids, the entries above audit_lookup's mark are to be copied
  // there: SQLite, in the batch (one writer either way); PostgreSQL, by CopyLookup after the
  // COMMIT, beside the writer, and then Flush returns true.
  bool Flush(soci::session& s, Dialect dialect);
  // PostgreSQL: copies the entries above audit_lookup's mark into it, in a transaction of its own
  // (one copier at a time, across processes: an advisory lock). Throws what SOCI throws.
  static void CopyLookup(soci::session& s);
  // Forgets everything (after a batch rolled back).
  void Clear();

 private:
  std::vector<PreparedAuditEntry> kept_;
  std::vector<PreparedAuditEntry> staged_;
};

}  // namespace salesdb

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
//
// PostgreSQL: the head the batch's last COMMIT left is remembered, and the next Flush chains to it
// without reading it: a check sent with the INSERTs (audit_expect_head, migration 0010, after a
// savepoint) raises kHeadMovedState when another appender (an instance, a CLI command, a restore)
// moved the head meanwhile. The writer then rolls back to that savepoint (HeadMoved) and flushes
// again, reading the head. The chain never depends on the remembered head; it saves a round trip
// per batch. After a moved head the next kReadHeadAfterMove batches read it again, so that instances
// writing at once do not each pay the failed check per batch.
// Used by the Database's writer thread only (not thread-safe).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
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
  // must roll back, or flush again after HeadMoved. The entries stay until Committed or Clear.
  void Flush(soci::session& s, Dialect dialect);
  // The SQLSTATE of the check's failure: the remembered head was not the log's.
  static constexpr const char* kHeadMovedState = "SA001";
  // After kHeadMovedState: rolls back to before the check and forgets the remembered head, so that
  // the next Flush reads it.
  void HeadMoved(soci::session& s);
  // The batch's COMMIT succeeded: remembers the head it wrote and empties the batch.
  void Committed();
  // Forgets the batch's entries (after a batch rolled back); the remembered head stays (the check
  // guards it).
  void Clear();

 private:
  struct Head {
    int64_t id = 0;  // at least this (a failed batch's drawn ids are skipped)
    std::string hash;
  };
  std::vector<PreparedAuditEntry> kept_;
  std::vector<PreparedAuditEntry> staged_;
  static constexpr int kReadHeadAfterMove = 64;
  std::optional<Head> head_;  // PostgreSQL: after the last COMMIT of this connection's batches
  int read_head_ = 0;         // batches left that read the head (after a moved head)
  Head written_;              // what the last Flush chained up to
};

}  // namespace salesdb

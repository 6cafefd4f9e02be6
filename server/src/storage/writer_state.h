// WriterState: what the Database's writer thread keeps for the writes it runs (storage/database.h):
// the audit entries of the batch being written, the data key the batch seals with, and ids drawn
// ahead from PostgreSQL's sequences. Each saves statements per write, a round trip each on
// PostgreSQL. Writer thread only (not thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/audit_batch.h"

namespace salesdb {

struct WriterState {
  AuditBatch audit;
  // The active data key's version as read in this batch's transaction (PostgreSQL: under the shared
  // lock that a key rotation takes exclusively while it switches keys), or 0 when not read yet.
  int64_t key_version = 0;
  // PostgreSQL: ids drawn from each table's sequence and not handed out yet, last first. Sequences
  // are not transactional: an id once drawn is never drawn again, whether or not its batch commits.
  std::unordered_map<std::string, std::vector<int64_t>> spare_ids;
  // ChangedTable bits (domain/store.h) of the write running now, and of the batch's kept writes.
  uint32_t write_changed = 0;
  uint32_t batch_changed = 0;

  // The write running now changes `tables` (ChangedTable bits).
  void Changed(uint32_t tables) { write_changed |= tables; }

  // The write running now ended. One that rolled back to its savepoint took with it what it read
  // there: the key lock too, so the key is read again.
  void EndWrite(bool kept) {
    audit.EndWrite(kept);
    if (!kept) key_version = 0;
    if (kept) batch_changed |= write_changed;
    write_changed = 0;
  }
  // The batch committed or rolled back.
  void EndBatch() {
    audit.Clear();
    key_version = 0;
    write_changed = 0;
    batch_changed = 0;
  }
};

}  // namespace salesdb

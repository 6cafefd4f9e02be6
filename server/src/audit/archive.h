// Retention: entries older than the retention period move from the table into sealed archive files
// that keep their chain proof, and are never silently deleted. An archive is
// <data_dir>/audit/archive-<first>-<last>.jsonl.zst (one entry per JSON line, zstd) plus its seal
// archive-<first>-<last>.seal.json: first id, last id, count, the prev_hash of the first entry, the
// hash of the last, the SHA-256 of the compressed file, signed with the audit Ed25519 key. The rows
// are deleted only after the files are durable, in one transaction that also records an
// audit.archive entry, through the one deliberate path the triggers allow (AuditRepository::
// DeleteArchived). `audit verify` walks the archives, then the table. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/checkpoints.h"
#include "base/clock.h"
#include "domain/store.h"

namespace salesdb::audit {

struct ArchiveSeal {
  int64_t first_id = 0, last_id = 0, count = 0;
  std::string first_prev_hash, last_hash, file_sha256;
  int64_t at = 0;
  std::string signature;
  std::string file;  // the .jsonl.zst name inside the archive folder
  std::string SignedMessage() const;
};

struct ArchiveResult {
  int64_t archived = 0;  // entries moved (0: nothing old enough)
  int64_t first_id = 0, last_id = 0;
  std::string file;
};

// Archives up to `max_entries` of the oldest entries with at < cutoff_ms (never the head), after
// checking their chain. FailedPrecondition when that part of the chain is broken.
StatusOr<ArchiveResult> ArchiveOldEntries(Store& store, AuditSink& sink, const SigningKey& key,
                                          const std::string& data_dir, int64_t cutoff_ms, const Clock& clock,
                                          int64_t max_entries = 1'000'000);

// The seals in <dir>, oldest first (not yet checked).
StatusOr<std::vector<ArchiveSeal>> ReadSeals(const std::string& dir);

// Checks each archive (signature, file digest, chain) by feeding its entries to `verifier`.
// Returns "" when they match, else what is wrong. Errors only when a file cannot be read.
StatusOr<std::string> FeedArchives(const std::vector<ArchiveSeal>& seals, const std::string& dir,
                                   const std::string& public_key_hex, ChainVerifier& verifier);

}  // namespace salesdb::audit

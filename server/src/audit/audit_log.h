// The hash-chained audit log: every entry carries the SHA-256 of the previous entry's hash and its
// own canonical content, so editing, deleting, inserting or reordering rows breaks the chain, and
// signed checkpoints (audit/checkpoints.h) pin the chain so that rewriting it, or cutting its tail,
// shows too. Record() runs inside the write transaction of the change it records: it redacts the
// before/after JSON (audit/redact.h) and builds the entry's canonical content, and hands the entry
// to the transaction (AuditRepository::Append), which links it to the chain's head and inserts it at
// the end of its group-commit batch, before COMMIT. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/checkpoints.h"
#include "base/clock.h"
#include "domain/store.h"

namespace salesdb {

class AuditLog final : public AuditSink {
 public:
  Status Record(Tx& tx, AuditEntry e) override;
  Status RecordChange(Tx& tx, AuditEntry e, nlohmann::json* before, nlohmann::json* after) override;
  // Counts rows of customer data shown to each user per clock minute; the first time a user passes
  // `rows_per_minute` in a minute, one "customer.bulk_read" entry is recorded for that minute.
  // Without EnableBulkReadAudit() reads are not tracked.
  Status NoteRead(const Actor& actor, const std::string& entity, int64_t rows) override;
  void EnableBulkReadAudit(Store& store, const Clock& clock, int64_t rows_per_minute);

  // The hash an entry must carry, given its predecessor's hash: LinkHash(prev_hash,
  // CanonicalContent(e)). The row id is not part of it (it is not known before insert); order is
  // bound by the link to the predecessor.
  static std::string ComputeHash(const AuditEntry& e, const std::string& prev_hash);
  // The entry's content as hashed: a JSON array of its fields in a fixed order (id slot 0).
  static std::string CanonicalContent(const AuditEntry& e);
  // SHA-256 (hex) of the predecessor's hash, a newline and the canonical content.
  static std::string LinkHash(const std::string& prev_hash, const std::string& canonical);

 private:
  struct Window {
    int64_t minute = -1;
    int64_t rows = 0;
    bool recorded = false;
    std::unordered_map<std::string, int64_t> by_entity;
  };
  // Links a redacted entry into the transaction's audit batch.
  static Status Append(Tx& tx, AuditEntry e);
  std::mutex mu_;
  Store* store_ = nullptr;
  const Clock* clock_ = nullptr;
  int64_t rows_per_minute_ = 0;
  std::unordered_map<int64_t, Window> windows_;  // per user id
};

// Records one audit entry in its own transaction: for admin actions (backup, restore, key rotation,
// config change: action like "backup.create") and for sensitive reads (exports, report runs,
// reveals: action like "customer.export", "contact.reveal"). `detail` goes to after_json, redacted
// like every entry. Use the Tx form when the action has its own transaction already.
Status RecordAdminAction(Store& store, AuditSink& sink, const Actor& actor, const std::string& action,
                         const nlohmann::json& detail = nullptr, const Clock& clock = SystemClock::Get());
Status RecordSensitiveRead(Store& store, AuditSink& sink, const Actor& actor, const std::string& action,
                           const std::string& entity, int64_t entity_id, const nlohmann::json& detail = nullptr,
                           const Clock& clock = SystemClock::Get());

// Appends n synthetic entries (action "bench.synthetic") in batched transactions; benchmarks only
// (`salesdb audit bench-fill`).
Status AppendSyntheticEntries(Store& store, AuditSink& sink, int64_t n, const Clock& clock);

struct AuditVerifyResult {
  int64_t entries = 0;          // entries checked (archived ones included)
  int64_t last_id = 0;          // the newest entry checked
  int64_t checkpoints = 0;      // signed checkpoints matched against the log
  int64_t first_bad_id = 0;     // 0: intact; else the first entry that does not match (or is missing)
  std::string problem;          // what is wrong, for people
  bool intact() const { return problem.empty(); }
};

// Checks entries fed in id order against the chain and the signed checkpoints, and names the first
// entry that does not match:
//  - content that does not match its own hash: that entry was edited;
//  - an entry that does not link to its predecessor: when it links to an earlier entry, the entries
//    in between were inserted (the first of them is named); else entries before it were deleted or
//    reordered (it is named);
//  - an entry whose hash differs from a signed checkpoint: the chain was rewritten up to it;
//  - a checkpoint beyond the last entry: the tail was cut (the first missing id is named).
// Stops at the first problem. Not thread-safe.
class ChainVerifier {
 public:
  // `checkpoints` sorted by entry id (already signature-checked); `start_prev_hash`: the hash the
  // first entry must link to ("" for the genesis; the last archived hash after archiving).
  ChainVerifier(std::vector<audit::Checkpoint> checkpoints, std::string start_prev_hash,
                int64_t start_after_id = 0);
  // False once a problem is found (later calls are ignored).
  bool Feed(AuditEntry e);
  // Call after the last entry: checks for checkpoints beyond it.
  void Finish();
  const AuditVerifyResult& result() const { return result_; }
  const std::string& head_hash() const { return prev_; }

 private:
  bool Fail(int64_t id, std::string problem);
  std::vector<audit::Checkpoint> checkpoints_;
  size_t next_cp_ = 0;
  std::string prev_;
  int64_t prev_id_ = 0;
  std::deque<std::pair<int64_t, std::string>> recent_;  // (id, hash) of the last entries, oldest first
  std::unordered_map<std::string, int64_t> recent_index_;
  AuditVerifyResult result_;
};

struct AuditVerifyOptions {
  std::string checkpoints_path;  // empty: chain only
  std::string public_key_hex;    // required when the checkpoint file has checkpoints
  std::string archive_dir;       // sealed archives (audit/archive.h); empty: none
};

// Walks archives (oldest first) and then the whole table in id order. Errors only when the
// database or files cannot be read; a broken chain is a result, not an error.
StatusOr<AuditVerifyResult> VerifyAuditChain(Store& store, const AuditVerifyOptions& options = {});

}  // namespace salesdb

// The audit trail's background work, on one thread started by `salesdb serve`:
//  - every `checkpoint_interval` (when the head moved) signs the chain head and appends it to the
//    checkpoint file (audit/checkpoints.h); once more on Stop();
//  - every `evaluate_interval` runs the anomaly rules (audit/anomaly.h) over the entries that arrived
//    since, stores each firing in security_alerts (once per rule and entry, so that several
//    instances agree), counts it in salesdb_security_alerts_total{rule} and hands it to on_alert;
//  - checks new entries against the chain as they arrive (at each evaluation and before each
//    checkpoint) and the whole log every `full_verify_interval`, the first time ten minutes after the
//    start (sooner when the interval is shorter). At the start the new entries are those after the
//    newest signed checkpoint, when its entry still matches it; else the whole log is checked at
//    once. A restart therefore does not re-read a log of millions of entries. A broken chain is logged and
//    recorded as an audit.verify_failed entry, which the audit_verification_failed rule turns into
//    an alert.
// Each new entry is read from the log once, for both the rules and the incremental verification.
// The steps are public so that tests can drive them with a ManualClock. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "audit/anomaly.h"
#include "audit/audit_log.h"
#include "audit/checkpoints.h"
#include "base/clock.h"
#include "domain/store.h"

namespace salesdb::audit {

struct AuditDaemonOptions {
  std::string data_dir;  // keys in <data_dir>/keys, checkpoints in <data_dir>/audit
  int64_t checkpoint_interval_ms = 60'000;
  int64_t evaluate_interval_ms = 15'000;
  int64_t full_verify_interval_ms = 3'600'000;
  int64_t baseline_refresh_ms = 3'600'000;
  int64_t retention_ms = 400LL * 86'400'000;  // entries older than this are archived, once a day
  int64_t archive_interval_ms = 86'400'000;
  AnomalySettings rules;
  std::function<void(const SecurityAlert&)> on_alert;  // notifiers; may be empty
};

// Where the files live, for the CLI and the API.
std::string CheckpointPath(const std::string& data_dir);
std::string KeyDir(const std::string& data_dir);
// Verification options for a data folder (checkpoints and public key when present).
StatusOr<AuditVerifyOptions> VerifyOptionsFor(const std::string& data_dir);

class AuditDaemon {
 public:
  AuditDaemon(Store& store, AuditSink& sink, const Clock& clock, AuditDaemonOptions options);
  ~AuditDaemon();
  // Loads (or creates) the signing key and starts the thread.
  Status Start();
  // Stops the thread and signs the head one last time. Idempotent.
  void Stop();

  // One checkpoint step: signs the head when it moved since the last checkpoint.
  Status CheckpointNow();
  // One evaluation step over the entries since the last one; returns the alerts stored.
  StatusOr<std::vector<SecurityAlert>> EvaluateNow();
  // Checks the entries since the last check (or the whole log when `full`).
  StatusOr<AuditVerifyResult> VerifyNow(bool full);
  // Archives entries older than the retention (audit/archive.h).
  Status ArchiveNow();
  // Loads the signing key without starting the thread (tests).
  Status LoadKey();
  // An online restore: runs `replace` (which swaps the database for a restored one) with the
  // daemon's steps held off. When it succeeds, appends a signed restore marker for the restored
  // chain's head to the checkpoint file (audit/checkpoints.h) and forgets what it kept of the
  // replaced chain, as after a start. When it fails, nothing is written.
  Status AroundRestore(const std::function<Status()>& replace);

 private:
  void Loop();
  Status RefreshBaselines(int64_t now);
  Status ReportBroken(const AuditVerifyResult& r);
  // Reads the entries written since the last read and hands each to the rules' look-back (when a
  // rule reads it) and to the incremental verification (when it has one).
  Status ReadNewEntries();
  // Sets the incremental verification to go on after the newest signed checkpoint when that entry is
  // still in the log with the signed hash and its own content matches it. False when it cannot (no
  // checkpoint or key, a bad signature, the entry gone or changed): the whole log is checked instead,
  // which names what is wrong.
  StatusOr<bool> AnchorAtCheckpoint();

  Store& store_;
  AuditSink& sink_;
  const Clock& clock_;
  AuditDaemonOptions options_;
  std::optional<SigningKey> key_;

  std::mutex work_mu_;  // one step at a time
  int64_t last_checkpoint_id_ = -1;  // -1: not read from the file yet
  // The rules' look-back: recent entries that some rule reads (RulesRead), so that creates and
  // updates, however many an hour, take no room here.
  std::deque<AuditEntry> window_;
  int64_t scanned_through_ = 0;  // the id of the newest entry read from the log
  int64_t last_evaluated_id_ = 0;
  bool evaluated_once_ = false;
  Baselines baselines_;
  int64_t baselines_at_ = 0;
  std::optional<ChainVerifier> incremental_;
  int64_t verified_through_ = 0;
  // The first verification after a start may continue from the newest signed checkpoint
  // (AnchorAtCheckpoint) rather than check the whole log; later ones, and those after a restore, may not.
  bool may_anchor_ = true;
  AuditVerifyResult last_broken_;  // the break the incremental verification last found
  std::string reported_problem_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace salesdb::audit

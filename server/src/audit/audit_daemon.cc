#include "audit/audit_daemon.h"

#include <algorithm>
#include <filesystem>

#include "audit/archive.h"
#include "base/files.h"
#include "base/log.h"
#include "base/thread_priority.h"
#include "monitoring/metrics.h"

namespace salesdb::audit {
namespace {

constexpr int kBatch = 5000;
constexpr char kAlertsMetric[] = "salesdb_security_alerts_total";
constexpr const char* kRules[] = {"failed_logins_account", "failed_logins_ip",      "login_after_failures",
                                  "unusual_login_hour",    "sensitive_read_volume", "scraping",
                                  "role_escalation",       "mass_deletion",         "audit_verification_failed"};

// Keeps what the rules read; drops bulky JSON the rules never look at.
AuditEntry Slim(AuditEntry e) {
  bool keep_json = e.action == "auth.login_failed" || e.action == "user.role_change" || e.action == "user.create" ||
                   e.action == "audit.verify_failed";
  if (!keep_json) {
    e.before_json.clear();
    e.after_json.clear();
  }
  e.user_agent.clear();
  return e;
}

// Appends every entry matching q (ascending, paged by id) to out, slimmed; with `rule_inputs_only`
// only the entries some anomaly rule reads (RulesRead). Returns the id of the last entry read (0: none).
template <typename Container>
StatusOr<int64_t> FindAll(Store& store, AuditQuery q, Container& out, bool rule_inputs_only = false) {
  for (;;) {
    std::vector<AuditEntry> rows;
    RETURN_IF_ERROR(store.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(rows, tx.audit().Find(q));
      return Status::Ok();
    }));
    bool more = static_cast<int>(rows.size()) > q.limit;
    if (more) rows.resize(q.limit);
    if (rows.empty()) return q.after_id;
    q.after_id = rows.back().id;
    for (auto& e : rows) {
      if (!rule_inputs_only || RulesRead(e.action)) out.push_back(Slim(std::move(e)));
    }
    if (!more) return q.after_id;
  }
}


}  // namespace

std::string CheckpointPath(const std::string& data_dir) { return data_dir + "/audit/checkpoints.jsonl"; }
std::string KeyDir(const std::string& data_dir) { return data_dir + "/keys"; }

StatusOr<AuditVerifyOptions> VerifyOptionsFor(const std::string& data_dir) {
  AuditVerifyOptions o;
  o.checkpoints_path = CheckpointPath(data_dir);
  o.archive_dir = data_dir + "/audit";
  auto pk = SigningKey::LoadPublicKey(KeyDir(data_dir));
  if (pk.ok()) o.public_key_hex = *pk;
  else if (pk.status().code() != StatusCode::kNotFound) return pk.status();
  return o;
}

AuditDaemon::AuditDaemon(Store& store, AuditSink& sink, const Clock& clock, AuditDaemonOptions options)
    : store_(store), sink_(sink), clock_(clock), options_(std::move(options)) {
  auto& m = monitoring::Registry::Global();
  m.Describe(kAlertsMetric, "counter", "Security alerts raised by the audit anomaly rules, by rule.");
  for (const char* rule : kRules) m.Inc(kAlertsMetric, {{"rule", rule}}, 0);
}

AuditDaemon::~AuditDaemon() { Stop(); }

Status AuditDaemon::LoadKey() {
  if (key_) return Status::Ok();
  ASSIGN_OR_RETURN(SigningKey k, SigningKey::LoadOrCreate(KeyDir(options_.data_dir)));
  RETURN_IF_ERROR(files::EnsureDir(options_.data_dir + "/audit", 0700));
  key_ = std::move(k);
  return Status::Ok();
}

Status AuditDaemon::Start() {
  RETURN_IF_ERROR(LoadKey());
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void AuditDaemon::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    Status s = CheckpointNow();
    if (!s.ok()) log::Warn("final audit checkpoint failed", {{"error", s.ToString()}});
  }
}

void AuditDaemon::Loop() {
  RunAtBackgroundPriority();
  // The whole log soon after a start, but not among the start's own work (AnchorAtCheckpoint).
  int64_t next_checkpoint = 0, next_evaluate = 0,
          next_full = clock_.NowMs() + std::min<int64_t>(options_.full_verify_interval_ms, 10 * 60'000);
  int64_t next_archive = clock_.NowMs() + 10 * 60'000;  // not while the server is starting
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    const int64_t now = clock_.NowMs();
    if (now >= next_evaluate) {
      auto r = EvaluateNow();
      if (!r.ok()) log::Warn("audit anomaly evaluation failed", {{"error", r.status().ToString()}});
      next_evaluate = now + options_.evaluate_interval_ms;
    }
    if (now >= next_checkpoint) {
      bool full = now >= next_full;
      auto v = VerifyNow(full);
      if (!v.ok()) log::Warn("audit verification failed to run", {{"error", v.status().ToString()}});
      if (full) next_full = now + options_.full_verify_interval_ms;
      Status s = CheckpointNow();
      if (!s.ok()) log::Warn("audit checkpoint failed", {{"error", s.ToString()}});
      next_checkpoint = now + options_.checkpoint_interval_ms;
    }
    if (now >= next_archive) {
      Status s = ArchiveNow();
      if (!s.ok()) log::Warn("audit archiving failed", {{"error", s.ToString()}});
      next_archive = now + options_.archive_interval_ms;
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
}

Status AuditDaemon::CheckpointNow() {
  std::lock_guard<std::mutex> work(work_mu_);
  RETURN_IF_ERROR(LoadKey());
  const std::string path = CheckpointPath(options_.data_dir);
  if (last_checkpoint_id_ < 0) {
    ASSIGN_OR_RETURN(CheckpointFileContents file, ReadCheckpoints(path));
    last_checkpoint_id_ = file.checkpoints.empty() ? 0 : file.checkpoints.back().entry_id;
  }
  std::pair<int64_t, std::string> head;
  RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(head, tx.audit().Head());
    return Status::Ok();
  }));
  // A head behind the last checkpoint means the tail was cut: verification reports it; signing the
  // shorter log would only help hide it.
  if (head.first <= last_checkpoint_id_) return Status::Ok();
  Checkpoint cp = MakeCheckpoint(*key_, head.first, head.second, clock_.NowMs());
  RETURN_IF_ERROR(AppendCheckpoint(path, cp));
  last_checkpoint_id_ = head.first;
  return Status::Ok();
}

Status AuditDaemon::AroundRestore(const std::function<Status()>& replace) {
  std::lock_guard<std::mutex> work(work_mu_);
  RETURN_IF_ERROR(LoadKey());
  RETURN_IF_ERROR(replace());
  std::pair<int64_t, std::string> head;
  RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(head, tx.audit().Head());
    return Status::Ok();
  }));
  RETURN_IF_ERROR(AppendCheckpoint(CheckpointPath(options_.data_dir),
                                   MakeCheckpoint(*key_, head.first, head.second, clock_.NowMs(), /*restore=*/true)));
  last_checkpoint_id_ = head.first;
  window_.clear();
  last_evaluated_id_ = 0;
  evaluated_once_ = false;
  baselines_at_ = 0;
  incremental_.reset();
  verified_through_ = 0;
  may_anchor_ = false;  // the restored log is checked whole
  reported_problem_.clear();
  log::Info("audit chain restored", {{"head_id", head.first}});
  return Status::Ok();
}

Status AuditDaemon::ArchiveNow() {
  std::lock_guard<std::mutex> work(work_mu_);
  RETURN_IF_ERROR(LoadKey());
  ASSIGN_OR_RETURN(ArchiveResult r, ArchiveOldEntries(store_, sink_, *key_, options_.data_dir,
                                                      clock_.NowMs() - options_.retention_ms, clock_));
  if (r.archived > 0) {
    log::Info("audit entries archived", {{"count", r.archived}, {"first_id", r.first_id}, {"last_id", r.last_id},
                                         {"file", r.file}});
    incremental_.reset();  // the table's start moved
  }
  return Status::Ok();
}

Status AuditDaemon::ReportBroken(const AuditVerifyResult& r) {
  if (r.intact() || r.problem == reported_problem_) return Status::Ok();
  reported_problem_ = r.problem;
  log::Error("audit chain broken", {{"first_bad_id", r.first_bad_id}, {"problem", r.problem}});
  Actor system = Actor::System();
  return RecordAdminAction(store_, sink_, system, "audit.verify_failed",
                           {{"first_bad_id", r.first_bad_id}, {"problem", r.problem}}, clock_);
}

StatusOr<AuditVerifyResult> AuditDaemon::VerifyNow(bool full) {
  std::lock_guard<std::mutex> work(work_mu_);
  const bool may_anchor = may_anchor_ && !full;
  may_anchor_ = false;
  if (may_anchor && !incremental_) {
    ASSIGN_OR_RETURN(bool anchored, AnchorAtCheckpoint());
    if (anchored) {
      RETURN_IF_ERROR(ReadNewEntries());
      return incremental_ ? incremental_->result() : last_broken_;
    }
  }
  if (full || !incremental_) {
    ASSIGN_OR_RETURN(AuditVerifyOptions o, VerifyOptionsFor(options_.data_dir));
    ASSIGN_OR_RETURN(AuditVerifyResult r, VerifyAuditChain(store_, o));
    RETURN_IF_ERROR(ReportBroken(r));
    if (!r.intact()) return r;
    // Continue incrementally from the head just verified.
    AuditEntry last;
    if (r.last_id != 0) {
      RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
        ASSIGN_OR_RETURN(last, tx.audit().Get(r.last_id));
        return Status::Ok();
      }));
    }
    incremental_.emplace(std::vector<Checkpoint>{}, last.hash, r.last_id);
    verified_through_ = r.last_id;
    return r;
  }
  RETURN_IF_ERROR(ReadNewEntries());
  return incremental_ ? incremental_->result() : last_broken_;
}

StatusOr<bool> AuditDaemon::AnchorAtCheckpoint() {
  ASSIGN_OR_RETURN(AuditVerifyOptions o, VerifyOptionsFor(options_.data_dir));
  ASSIGN_OR_RETURN(CheckpointFileContents file, ReadCheckpoints(o.checkpoints_path));
  if (file.checkpoints.empty() || o.public_key_hex.empty()) return false;
  if (!CheckCheckpoints(file.checkpoints, o.public_key_hex).empty()) return false;
  const std::vector<Checkpoint> effective = EffectiveCheckpoints(file.checkpoints);
  if (effective.empty()) return false;
  const Checkpoint& anchor = effective.back();
  AuditEntry e;
  Status read = store_.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(e, tx.audit().Get(anchor.entry_id));
    return Status::Ok();
  });
  if (read.code() == StatusCode::kNotFound) return false;
  RETURN_IF_ERROR(read);
  if (e.hash != anchor.hash || AuditLog::ComputeHash(e, e.prev_hash) != e.hash) return false;
  incremental_.emplace(std::vector<Checkpoint>{}, anchor.hash, anchor.entry_id);
  verified_through_ = anchor.entry_id;
  return true;
}

Status AuditDaemon::ReadNewEntries() {
  // One read of each new entry for both consumers. The rules take entries once EvaluateNow has
  // loaded their look-back; after a full verification or a start the two positions differ, and the
  // read begins at the lower one.
  const bool for_rules = evaluated_once_, for_verifier = incremental_.has_value();
  if (!for_rules && !for_verifier) return Status::Ok();
  int64_t after = !for_rules      ? verified_through_
                  : !for_verifier ? scanned_through_
                                  : std::min(scanned_through_, verified_through_);
  for (;;) {
    std::vector<AuditEntry> batch;
    RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(batch, tx.audit().Scan(after, kBatch));
      return Status::Ok();
    }));
    if (batch.empty()) break;
    after = batch.back().id;
    const bool full_batch = static_cast<int>(batch.size()) == kBatch;
    for (AuditEntry& e : batch) {
      const int64_t id = e.id;
      if (for_rules && id > scanned_through_) {
        if (RulesRead(e.action)) window_.push_back(Slim(e));
        scanned_through_ = id;
      }
      if (incremental_ && id > verified_through_) {  // reset when a break is found
        incremental_->Feed(std::move(e));
        const AuditVerifyResult& r = incremental_->result();
        if (!r.intact()) {
          last_broken_ = r;
          incremental_.reset();  // start over with a full check next time
          RETURN_IF_ERROR(ReportBroken(last_broken_));
        } else {
          verified_through_ = r.last_id;
        }
      }
    }
    if (!full_batch) break;
  }
  return Status::Ok();
}

Status AuditDaemon::RefreshBaselines(int64_t now) {
  std::vector<AuditEntry> history;
  const int64_t from = now - int64_t{options_.rules.baseline_days} * 86'400'000;
  const int64_t to = now - LongestWindowMs(options_.rules);
  for (const std::string& action : BaselineActions()) {
    AuditQuery q;
    q.action = action;
    q.from = from;
    q.to = to;
    q.ascending = true;
    q.limit = kBatch;
    RETURN_IF_ERROR(FindAll(store_, q, history).status());
  }
  baselines_ = ComputeBaselines(history);
  baselines_at_ = now;
  return Status::Ok();
}

StatusOr<std::vector<SecurityAlert>> AuditDaemon::EvaluateNow() {
  std::lock_guard<std::mutex> work(work_mu_);
  const int64_t now = clock_.NowMs();
  const int64_t lookback = LongestWindowMs(options_.rules);
  if (baselines_at_ == 0 || now - baselines_at_ >= options_.baseline_refresh_ms) RETURN_IF_ERROR(RefreshBaselines(now));
  if (!evaluated_once_) {
    // After a start, re-evaluate the look-back: alerts already stored are not stored twice. The
    // head is read first: the scans go on from it even when the look-back holds no entry.
    std::pair<int64_t, std::string> head;
    RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(head, tx.audit().Head());
      return Status::Ok();
    }));
    AuditQuery q;
    q.from = now - lookback;
    q.actions = RuleInputActions();  // not the creates and updates, however many the hour had
    q.ascending = true;
    q.limit = kBatch;
    ASSIGN_OR_RETURN(int64_t last_read, FindAll(store_, q, window_, /*rule_inputs_only=*/true));
    scanned_through_ = std::max(head.first, last_read);
    last_evaluated_id_ = 0;
    evaluated_once_ = true;
  } else {
    RETURN_IF_ERROR(ReadNewEntries());
  }
  std::vector<AuditEntry> entries(window_.begin(), window_.end());
  std::vector<Firing> firings = EvaluateRules(entries, last_evaluated_id_, baselines_, options_.rules);
  if (!entries.empty()) last_evaluated_id_ = entries.back().id;
  // Keep only the look-back behind the newest entry.
  const int64_t newest = window_.empty() ? now : std::max(now, window_.back().at);
  while (!window_.empty() && window_.front().at < newest - lookback) window_.pop_front();

  std::vector<SecurityAlert> stored;
  for (const Firing& f : firings) {
    SecurityAlert a{0, f.at, f.rule, f.severity, f.actor_id, f.subject, f.entry_id, f.detail_json};
    bool inserted = false;
    RETURN_IF_ERROR(store_.Write([&](Tx& tx) {
      ASSIGN_OR_RETURN(inserted, tx.audit().InsertAlert(a));
      return Status::Ok();
    }));
    if (!inserted) continue;
    monitoring::Registry::Global().Inc(kAlertsMetric, {{"rule", f.rule}});
    log::Warn("security alert", {{"rule", f.rule}, {"subject", f.subject}, {"entry_id", f.entry_id},
                                 {"severity", f.severity}});
    if (options_.on_alert) options_.on_alert(a);
    stored.push_back(std::move(a));
  }
  return stored;
}

}  // namespace salesdb::audit

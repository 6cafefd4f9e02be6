#include "audit/audit_log.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "audit/archive.h"
#include "audit/redact.h"
#include "domain/services.h"
#include "security/crypto.h"

namespace salesdb {
namespace {

constexpr size_t kRecentLinks = 4096;  // how far back an inserted run of entries is recognised
constexpr int kScanBatch = 10000;

}  // namespace

namespace {

// Length of the UTF-8 sequence at s[i] when it is well-formed (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), else 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0x100u; };
  const unsigned c = at(0);
  const auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return at(k) >= lo && at(k) <= hi; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Appends `s` as a JSON string the way nlohmann::json's dump(-1, ' ', false) writes valid UTF-8
// (short escapes for \b \t \n \f \r " and \\, \u00xx for the other control characters, the
// rest as is); false when `s` is not valid UTF-8.
bool AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    size_t plain = i;  // a run of printable ASCII goes out in one piece
    while (plain < s.size() && static_cast<unsigned char>(s[plain]) >= 0x20 && static_cast<unsigned char>(s[plain]) < 0x80 &&
           s[plain] != '"' && s[plain] != '\\') {
      ++plain;
    }
    if (plain > i) {
      out.append(s.data() + i, plain - i);
      i = plain;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) return false;
      out.append(s, i, n);
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c <= 0x1F) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);  // 0x7f
        }
    }
    ++i;
  }
  out += '"';
  return true;
}

void AppendInteger(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

std::string AuditLog::CanonicalContent(const AuditEntry& e) {
  // A JSON array in a fixed field order (no key-order ambiguity). The id slot is always 0: ids are
  // assigned by the database after the hash is computed. Written directly (it is computed for every
  // entry written and verified); text that is not valid UTF-8 goes through nlohmann::json, whose
  // replacement of bad bytes the chains have always been hashed with.
  std::string out;
  out.reserve(64 + e.actor_role.size() + e.ip.size() + e.user_agent.size() + e.request_id.size() +
              e.action.size() + e.entity.size() + (e.before_json.size() + e.after_json.size()) * 5 / 4);
  out += "[0,";
  AppendInteger(out, e.at);
  out += ',';
  AppendInteger(out, e.actor_id);
  bool ok = true;
  for (const std::string* text : {&e.actor_role, &e.ip, &e.user_agent, &e.request_id, &e.action, &e.entity}) {
    out += ',';
    ok = ok && AppendJsonString(out, *text);
  }
  out += ',';
  AppendInteger(out, e.entity_id);
  for (const std::string* text : {&e.before_json, &e.after_json}) {
    out += ',';
    ok = ok && AppendJsonString(out, *text);
  }
  out += ']';
  if (ok) return out;
  const nlohmann::json content = nlohmann::json::array(
      {0, e.at, e.actor_id, e.actor_role, e.ip, e.user_agent, e.request_id, e.action, e.entity, e.entity_id,
       e.before_json, e.after_json});
  return content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AuditLog::LinkHash(const std::string& prev_hash, const std::string& canonical) {
  std::string message;
  message.reserve(prev_hash.size() + 1 + canonical.size());
  message.append(prev_hash).append(1, '\n').append(canonical);
  return crypto::Sha256Hex(message);
}

std::string AuditLog::ComputeHash(const AuditEntry& e, const std::string& prev_hash) {
  return LinkHash(prev_hash, CanonicalContent(e));
}

Status AuditLog::Record(Tx& tx, AuditEntry e) {
  e.before_json = audit::RedactAuditJson(e.entity, e.before_json);
  e.after_json = audit::RedactAuditJson(e.entity, e.after_json);
  return Append(tx, std::move(e));
}

// Redacts the objects themselves: the same policy without parsing text the domain just wrote.
Status AuditLog::RecordChange(Tx& tx, AuditEntry e, nlohmann::json* before, nlohmann::json* after) {
  for (auto [j, text] : {std::pair{before, &e.before_json}, std::pair{after, &e.after_json}}) {
    if (j == nullptr) continue;
    audit::RedactAuditJson(e.entity, *j);
    *text = j->is_null() ? std::string() : j->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return Append(tx, std::move(e));
}

// Everything but the link to the predecessor is done here, on the caller's side of the chain: the
// batch end that holds the head (AuditBatch::Flush) only hashes and inserts.
Status AuditLog::Append(Tx& tx, AuditEntry e) {
  e.id = 0;
  e.prev_hash.clear();
  e.hash.clear();
  PreparedAuditEntry prepared;
  prepared.canonical = CanonicalContent(e);
  prepared.entry = std::move(e);
  prepared.link = &LinkHash;
  return tx.audit().Append(std::move(prepared));
}

void AuditLog::EnableBulkReadAudit(Store& store, const Clock& clock, int64_t rows_per_minute) {
  std::lock_guard<std::mutex> lock(mu_);
  store_ = &store;
  clock_ = &clock;
  rows_per_minute_ = rows_per_minute;
}

Status AuditLog::NoteRead(const Actor& actor, const std::string& entity, int64_t rows) {
  if (rows <= 0) return Status::Ok();
  nlohmann::json detail;
  int64_t now = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (store_ == nullptr || rows_per_minute_ <= 0) return Status::Ok();
    now = clock_->NowMs();
    const int64_t minute = now / kMsPerMinute;
    if (windows_.size() > 10000) {  // forget users idle since an earlier minute
      std::erase_if(windows_, [&](const auto& kv) { return kv.second.minute < minute; });
    }
    Window& w = windows_[actor.user_id];
    if (w.minute != minute) w = Window{minute, 0, false, {}};
    w.rows += rows;
    w.by_entity[entity] += rows;
    if (w.recorded || w.rows <= rows_per_minute_) return Status::Ok();
    w.recorded = true;
    detail = {{"rows", w.rows},
              {"window_start", minute * kMsPerMinute},
              {"threshold_rows_per_minute", rows_per_minute_},
              {"by_entity", w.by_entity}};
  }
  return store_->Write([&](Tx& tx) {
    AuditEntry e = MakeAuditEntry(actor, now, "customer.bulk_read", "customer", 0);
    e.after_json = detail.dump();
    return Record(tx, std::move(e));
  });
}

Status RecordSensitiveRead(Store& store, AuditSink& sink, const Actor& actor, const std::string& action,
                           const std::string& entity, int64_t entity_id, const nlohmann::json& detail,
                           const Clock& clock) {
  return store.Write([&](Tx& tx) {
    AuditEntry e = MakeAuditEntry(actor, clock.NowMs(), action, entity, entity_id);
    if (!detail.is_null()) e.after_json = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return sink.Record(tx, std::move(e));
  });
}

Status RecordAdminAction(Store& store, AuditSink& sink, const Actor& actor, const std::string& action,
                         const nlohmann::json& detail, const Clock& clock) {
  return RecordSensitiveRead(store, sink, actor, action, "system", 0, detail, clock);
}

Status AppendSyntheticEntries(Store& store, AuditSink& sink, int64_t n, const Clock& clock) {
  constexpr int64_t kPerTx = 2000;
  Actor actor = Actor::System();
  actor.ip = "127.0.0.1";
  actor.user_agent = "salesdb-bench";
  for (int64_t done = 0; done < n;) {
    int64_t batch = std::min(kPerTx, n - done);
    RETURN_IF_ERROR(store.Write([&](Tx& tx) {
      for (int64_t i = 0; i < batch; ++i) {
        AuditEntry e = MakeAuditEntry(actor, clock.NowMs(), "bench.synthetic", "customer", done + i + 1);
        e.request_id = "bench-" + std::to_string(done + i);
        e.after_json = nlohmann::json{{"name", "Synthetic customer " + std::to_string(done + i)},
                                      {"region", "east_china"}, {"status", "active"}, {"version", 1}}
                           .dump();
        RETURN_IF_ERROR(sink.Record(tx, std::move(e)));
      }
      return Status::Ok();
    }));
    done += batch;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- verification

ChainVerifier::ChainVerifier(std::vector<audit::Checkpoint> checkpoints, std::string start_prev_hash,
                             int64_t start_after_id)
    : checkpoints_(std::move(checkpoints)), prev_(std::move(start_prev_hash)), prev_id_(start_after_id) {
  // Checkpoints at or before the start were checked with the archives.
  while (next_cp_ < checkpoints_.size() && checkpoints_[next_cp_].entry_id <= start_after_id) ++next_cp_;
  // The start counts as the entry before the first, so that rows slipped in before it are named.
  recent_.emplace_back(start_after_id, prev_);
  recent_index_[prev_] = start_after_id;
}

bool ChainVerifier::Fail(int64_t id, std::string problem) {
  result_.first_bad_id = id;
  result_.problem = std::move(problem);
  return false;
}

bool ChainVerifier::Feed(AuditEntry e) {
  if (!result_.intact()) return false;
  ++result_.entries;
  const int64_t id = e.id;
  // 1. The entry's own content against its hash (with the predecessor hash it claims).
  if (AuditLog::ComputeHash(e, e.prev_hash) != e.hash) {
    return Fail(id, "entry " + std::to_string(id) + " does not match its hash: it was edited");
  }
  // 2. The link to the entry before it.
  if (e.prev_hash != prev_) {
    auto it = recent_index_.find(e.prev_hash);
    if (it != recent_index_.end()) {
      // It links to an earlier entry: everything after that one up to here was slipped in.
      auto pos = std::find_if(recent_.begin(), recent_.end(), [&](const auto& p) { return p.first == it->second; });
      int64_t inserted = (pos != recent_.end() && std::next(pos) != recent_.end()) ? std::next(pos)->first : prev_id_;
      return Fail(inserted, "entry " + std::to_string(inserted) + " was inserted: entry " + std::to_string(id) +
                                " links to entry " + std::to_string(it->second) + " before it");
    }
    std::string after = prev_id_ == 0 ? "the start of the log" : "entry " + std::to_string(prev_id_);
    return Fail(id, "entry " + std::to_string(id) + " does not link to " + after +
                        ": entries before it were deleted or reordered (or " + after +
                        " was altered and its hash recomputed)");
  }
  // 3. Signed checkpoints at or before this entry.
  while (next_cp_ < checkpoints_.size() && checkpoints_[next_cp_].entry_id <= id) {
    const audit::Checkpoint& cp = checkpoints_[next_cp_];
    if (cp.entry_id < id) {
      return Fail(id, "signed checkpoint entry " + std::to_string(cp.entry_id) + " is missing before entry " +
                          std::to_string(id) + ": entries were deleted and the chain rewritten");
    }
    if (cp.hash != e.hash) {
      return Fail(id, "entry " + std::to_string(id) +
                          " does not match its signed checkpoint: the chain was rewritten up to here");
    }
    ++result_.checkpoints;
    ++next_cp_;
  }
  prev_ = e.hash;
  prev_id_ = id;
  result_.last_id = id;
  recent_.emplace_back(id, e.hash);
  recent_index_[e.hash] = id;
  if (recent_.size() > kRecentLinks) {
    recent_index_.erase(recent_.front().second);
    recent_.pop_front();
  }
  return true;
}

void ChainVerifier::Finish() {
  if (!result_.intact() || next_cp_ >= checkpoints_.size()) return;
  const audit::Checkpoint& cp = checkpoints_.back();
  Fail(prev_id_ + 1, "the log ends at entry " + std::to_string(prev_id_) + " but a signed checkpoint covers entry " +
                         std::to_string(cp.entry_id) + ": the tail of the log was removed");
}

StatusOr<AuditVerifyResult> VerifyAuditChain(Store& store, const AuditVerifyOptions& options) {
  std::vector<audit::Checkpoint> checkpoints;
  if (!options.checkpoints_path.empty()) {
    ASSIGN_OR_RETURN(audit::CheckpointFileContents file, audit::ReadCheckpoints(options.checkpoints_path));
    if (!file.checkpoints.empty()) {
      if (options.public_key_hex.empty()) {
        return FailedPrecondition("checkpoints exist but the audit public key was not found");
      }
      std::string bad = audit::CheckCheckpoints(file.checkpoints, options.public_key_hex);
      if (!bad.empty()) {
        AuditVerifyResult r;
        r.problem = bad;
        return r;
      }
    }
    checkpoints = audit::EffectiveCheckpoints(file.checkpoints);
  }
  ChainVerifier verifier(std::move(checkpoints), "");
  int64_t after = 0;
  if (!options.archive_dir.empty()) {
    ASSIGN_OR_RETURN(std::vector<audit::ArchiveSeal> seals, audit::ReadSeals(options.archive_dir));
    ASSIGN_OR_RETURN(std::string bad, audit::FeedArchives(seals, options.archive_dir, options.public_key_hex, verifier));
    if (!bad.empty()) {
      AuditVerifyResult r = verifier.result();
      r.problem = bad;
      r.first_bad_id = seals.empty() ? 0 : seals.front().first_id;
      return r;
    }
    if (!verifier.result().intact()) return verifier.result();
    // Rows already sealed into an archive (a crash between sealing and deleting) are skipped.
    if (!seals.empty()) after = seals.back().last_id;
  }
  for (;;) {
    std::vector<AuditEntry> batch;
    RETURN_IF_ERROR(store.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(batch, tx.audit().Scan(after, kScanBatch));
      return Status::Ok();
    }));
    if (batch.empty()) break;
    after = batch.back().id;
    for (AuditEntry& e : batch) {
      if (!verifier.Feed(std::move(e))) return verifier.result();
    }
    if (static_cast<int>(batch.size()) < kScanBatch) break;
  }
  verifier.Finish();
  return verifier.result();
}

}  // namespace salesdb

#include "audit/archive.h"

#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "security/crypto.h"

namespace salesdb::audit {
namespace {

using nlohmann::json;
constexpr int kBatch = 5000;

json EntryLine(const AuditEntry& e) {
  return {{"id", e.id},           {"at", e.at},           {"actor_id", e.actor_id}, {"actor_role", e.actor_role},
          {"ip", e.ip},           {"user_agent", e.user_agent}, {"request_id", e.request_id},
          {"action", e.action},   {"entity", e.entity},   {"entity_id", e.entity_id},
          {"before_json", e.before_json}, {"after_json", e.after_json}, {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

AuditEntry EntryFromLine(const json& j) {
  AuditEntry e;
  e.id = j.at("id").get<int64_t>();
  e.at = j.at("at").get<int64_t>();
  e.actor_id = j.at("actor_id").get<int64_t>();
  e.actor_role = j.at("actor_role").get<std::string>();
  e.ip = j.at("ip").get<std::string>();
  e.user_agent = j.at("user_agent").get<std::string>();
  e.request_id = j.at("request_id").get<std::string>();
  e.action = j.at("action").get<std::string>();
  e.entity = j.at("entity").get<std::string>();
  e.entity_id = j.at("entity_id").get<int64_t>();
  e.before_json = j.at("before_json").get<std::string>();
  e.after_json = j.at("after_json").get<std::string>();
  e.prev_hash = j.at("prev_hash").get<std::string>();
  e.hash = j.at("hash").get<std::string>();
  return e;
}

json SealJson(const ArchiveSeal& s) {
  return {{"first_id", s.first_id},   {"last_id", s.last_id},         {"count", s.count},
          {"first_prev_hash", s.first_prev_hash}, {"last_hash", s.last_hash}, {"sha256", s.file_sha256},
          {"at", s.at},               {"file", s.file},               {"sig", s.signature}};
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string ArchiveSeal::SignedMessage() const {
  return "salesdb-audit-archive-v1\n" + std::to_string(first_id) + "\n" + std::to_string(last_id) + "\n" +
         std::to_string(count) + "\n" + first_prev_hash + "\n" + last_hash + "\n" + file_sha256 + "\n" +
         std::to_string(at);
}

StatusOr<std::vector<ArchiveSeal>> ReadSeals(const std::string& dir) {
  std::vector<ArchiveSeal> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("archive-", 0) != 0 || name.size() < 10 || name.substr(name.size() - 10) != ".seal.json") continue;
    ASSIGN_OR_RETURN(std::string text, files::ReadAll(entry.path().string()));
    json j = json::parse(text, nullptr, false);
    try {
      ArchiveSeal s;
      s.first_id = j.at("first_id").get<int64_t>();
      s.last_id = j.at("last_id").get<int64_t>();
      s.count = j.at("count").get<int64_t>();
      s.first_prev_hash = j.at("first_prev_hash").get<std::string>();
      s.last_hash = j.at("last_hash").get<std::string>();
      s.file_sha256 = j.at("sha256").get<std::string>();
      s.at = j.at("at").get<int64_t>();
      s.file = j.at("file").get<std::string>();
      s.signature = j.at("sig").get<std::string>();
      out.push_back(std::move(s));
    } catch (const json::exception&) {
      return InvalidArgument("archive seal " + name + " is malformed");
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first_id < b.first_id; });
  return out;
}

StatusOr<std::string> FeedArchives(const std::vector<ArchiveSeal>& seals, const std::string& dir,
                                   const std::string& public_key_hex, ChainVerifier& verifier) {
  for (const ArchiveSeal& s : seals) {
    const std::string where = "archive " + s.file + ": ";
    if (public_key_hex.empty() || !VerifySignature(public_key_hex, s.SignedMessage(), s.signature)) {
      return where + "its seal has a bad signature";
    }
    if (s.file.find('/') != std::string::npos) return where + "bad file name";
    ASSIGN_OR_RETURN(std::string packed, files::ReadAll(dir + "/" + s.file));
    if (crypto::Sha256Hex(packed) != s.file_sha256) return where + "the file does not match its seal (edited)";
    unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (8ULL << 30)) {
      return where + "not a zstd file";
    }
    std::string text(size, '\0');
    size_t n = ZSTD_decompress(text.data(), text.size(), packed.data(), packed.size());
    if (ZSTD_isError(n) || n != size) return where + "cannot be decompressed";
    int64_t count = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      json j = json::parse(text.substr(pos, nl - pos), nullptr, false);
      pos = nl + 1;
      AuditEntry e;
      try {
        e = EntryFromLine(j);
      } catch (const json::exception&) {
        return where + "line " + std::to_string(count + 1) + " is not an entry";
      }
      if (count == 0 && (e.id != s.first_id || e.prev_hash != s.first_prev_hash)) {
        return where + "its first entry does not match the seal";
      }
      ++count;
      if (!verifier.Feed(std::move(e))) return std::string();  // the verifier holds the problem
    }
    if (count != s.count || verifier.result().last_id != s.last_id || verifier.head_hash() != s.last_hash) {
      return where + "its entries do not match the seal (count or last entry)";
    }
  }
  return std::string();
}

StatusOr<ArchiveResult> ArchiveOldEntries(Store& store, AuditSink& sink, const SigningKey& key,
                                          const std::string& data_dir, int64_t cutoff_ms, const Clock& clock,
                                          int64_t max_entries) {
  const std::string dir = data_dir + "/audit";
  RETURN_IF_ERROR(files::EnsureDir(dir, 0700));
  ASSIGN_OR_RETURN(std::vector<ArchiveSeal> seals, ReadSeals(dir));
  int64_t after = seals.empty() ? 0 : seals.back().last_id;
  std::string prev = seals.empty() ? std::string() : seals.back().last_hash;
  std::pair<int64_t, std::string> head;
  RETURN_IF_ERROR(store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(head, tx.audit().Head());
    return Status::Ok();
  }));
  ChainVerifier verifier({}, prev, after);
  std::string lines;
  ArchiveSeal seal;
  seal.first_prev_hash = prev;
  bool done = false;
  while (!done) {
    std::vector<AuditEntry> batch;
    RETURN_IF_ERROR(store.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(batch, tx.audit().Scan(after, kBatch));
      return Status::Ok();
    }));
    if (batch.empty()) break;
    for (AuditEntry& e : batch) {
      // Never the head (new entries chain to it), never past the cutoff, at most max_entries.
      if (e.id >= head.first || e.at >= cutoff_ms || seal.count >= max_entries) {
        done = true;
        break;
      }
      if (seal.count == 0) {
        seal.first_id = e.id;
        seal.first_prev_hash = e.prev_hash;
      }
      lines += Dump(EntryLine(e)) + "\n";
      after = e.id;
      ++seal.count;
      if (!verifier.Feed(std::move(e))) {
        return FailedPrecondition("the audit chain is broken at entry " +
                                  std::to_string(verifier.result().first_bad_id) + " (" +
                                  verifier.result().problem + "); not archiving");
      }
    }
    if (static_cast<int>(batch.size()) < kBatch) break;
  }
  ArchiveResult result;
  if (seal.count == 0) return result;
  seal.last_id = verifier.result().last_id;
  seal.last_hash = verifier.head_hash();
  std::string packed(ZSTD_compressBound(lines.size()), '\0');
  size_t n = ZSTD_compress(packed.data(), packed.size(), lines.data(), lines.size(), 3);
  if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  packed.resize(n);
  const std::string base = "archive-" + std::to_string(seal.first_id) + "-" + std::to_string(seal.last_id);
  seal.file = base + ".jsonl.zst";
  seal.file_sha256 = crypto::Sha256Hex(packed);
  seal.at = clock.NowMs();
  seal.signature = key.Sign(seal.SignedMessage());
  // Files first (durable), rows after: a crash in between leaves rows that verify skips as archived.
  RETURN_IF_ERROR(files::WriteAtomic(dir + "/" + seal.file, packed, 0600));
  RETURN_IF_ERROR(files::WriteAtomic(dir + "/" + base + ".seal.json", Dump(SealJson(seal)) + "\n", 0600));
  RETURN_IF_ERROR(store.Write([&](Tx& tx) {
    AuditEntry e;
    e.at = clock.NowMs();
    e.actor_role = "admin";
    e.action = "audit.archive";
    e.entity = "audit_log";
    e.after_json = Dump({{"first_id", seal.first_id}, {"last_id", seal.last_id}, {"count", seal.count},
                         {"file", seal.file}, {"sha256", seal.file_sha256}});
    RETURN_IF_ERROR(sink.Record(tx, std::move(e)));
    return tx.audit().DeleteArchived(seal.last_id);
  }));
  result.archived = seal.count;
  result.first_id = seal.first_id;
  result.last_id = seal.last_id;
  result.file = seal.file;
  return result;
}

}  // namespace salesdb::audit

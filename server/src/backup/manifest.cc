#include "backup/manifest.h"

#include <ctime>

namespace salesdb::backup {
namespace {

nlohmann::json OutcomeJson(const Outcome& o) {
  nlohmann::json j = {{"status", o.status}, {"at", o.at}};
  if (!o.check.empty()) j["check"] = o.check;
  if (!o.message.empty()) j["message"] = o.message;
  return j;
}

Outcome OutcomeFrom(const nlohmann::json& j) {
  Outcome o;
  o.status = j.value("status", "");
  o.at = j.value("at", int64_t{0});
  o.check = j.value("check", "");
  o.message = j.value("message", "");
  return o;
}

}  // namespace

std::string IsoTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string BackupFileName(int64_t id) {
  std::time_t t = static_cast<std::time_t>(id / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string("salesdb-") + buf + "-" + std::to_string(id) + kBackupSuffix;
}

nlohmann::json Manifest::ToJson() const {
  nlohmann::json tables_json = nlohmann::json::object();
  for (const auto& [name, d] : tables) tables_json[name] = {{"rows", d.rows}, {"sha256", d.sha256}};
  nlohmann::json off = nlohmann::json::object();
  for (const auto& [name, o] : offsite) off[name] = OutcomeJson(o);
  return {{"format", "salesdb-backup"},
          {"format_version", format_version},
          {"id", id},
          {"file", file},
          {"created_at", created_at},
          {"created_at_iso", IsoTime(created_at)},
          {"dialect", dialect},
          {"schema_version", schema_version},
          {"app_version", app_version},
          {"key_id", key_id},
          {"reason", reason},
          {"compression", "zstd"},
          {"encryption", "libsodium secretstream xchacha20poly1305"},
          {"sha256", sha256},
          {"file_bytes", file_bytes},
          {"plain_bytes", plain_bytes},
          {"database_bytes", database_bytes},
          {"snapshot_ms", snapshot_ms},
          {"duration_ms", duration_ms},
          {"tables", tables_json},
          {"verification", OutcomeJson(verification)},
          {"offsite", off}};
}

StatusOr<Manifest> Manifest::FromJson(const std::string& text) {
  try {
    auto j = nlohmann::json::parse(text);
    if (!j.is_object() || j.value("format", "") != "salesdb-backup") {
      return InvalidArgument("not a salesdb backup manifest");
    }
    Manifest m;
    m.format_version = j.at("format_version").get<int>();
    if (m.format_version > kFormatVersion) {
      return InvalidArgument("manifest format version " + std::to_string(m.format_version) +
                             " is newer than this salesdb understands");
    }
    m.id = j.at("id").get<int64_t>();
    m.file = j.at("file").get<std::string>();
    m.created_at = j.at("created_at").get<int64_t>();
    m.dialect = j.at("dialect").get<std::string>();
    m.schema_version = j.at("schema_version").get<int>();
    m.app_version = j.value("app_version", "");
    m.key_id = j.at("key_id").get<std::string>();
    m.reason = j.value("reason", "");
    m.sha256 = j.at("sha256").get<std::string>();
    m.file_bytes = j.at("file_bytes").get<uint64_t>();
    m.plain_bytes = j.value("plain_bytes", uint64_t{0});
    m.database_bytes = j.value("database_bytes", uint64_t{0});
    m.snapshot_ms = j.value("snapshot_ms", int64_t{0});
    m.duration_ms = j.value("duration_ms", int64_t{0});
    for (const auto& [name, t] : j.at("tables").items()) {
      m.tables[name] = TableDigest{t.at("rows").get<int64_t>(), t.at("sha256").get<std::string>()};
    }
    if (j.contains("verification")) m.verification = OutcomeFrom(j["verification"]);
    if (j.contains("offsite")) {
      for (const auto& [name, o] : j["offsite"].items()) m.offsite[name] = OutcomeFrom(o);
    }
    return m;
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("the manifest is not valid: ") + e.what());
  }
}

}  // namespace salesdb::backup

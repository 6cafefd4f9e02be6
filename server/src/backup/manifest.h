// The JSON manifest written beside each backup file (<file>.manifest.json). It says what the file
// holds (format, sizes, sha256, schema and app version, key id, per-table row counts and content
// hashes) and what became of it (verification, off-site copies). The manifest is the mark of a
// complete backup: it is written only after the data file is durable and verified.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace salesdb::backup {

// 2: SQLite snapshots leave out secondary and full-text indexes (rebuilt at restore, adapter.h);
// 1: SQLite snapshots were page copies. Both are restored; a newer version is refused.
inline constexpr int kFormatVersion = 2;
inline constexpr char kBackupSuffix[] = ".sdbk";
inline constexpr char kManifestSuffix[] = ".manifest.json";

struct TableDigest {
  int64_t rows = 0;
  std::string sha256;  // hex, over the rows in primary-key order
  bool operator==(const TableDigest&) const = default;
};
using TableDigests = std::map<std::string, TableDigest>;

struct Outcome {
  std::string status;  // "passed"/"failed" (verification); "confirmed"/"failed" (off-site); empty: none
  int64_t at = 0;
  std::string check;  // which check failed
  std::string message;
};

struct Manifest {
  int format_version = kFormatVersion;
  int64_t id = 0;          // creation time in ms, unique within a backup folder
  std::string file;        // file name of the backup, beside the manifest
  int64_t created_at = 0;  // ms since the epoch, UTC
  std::string dialect;     // sqlite | postgresql
  int schema_version = 0;
  std::string app_version;
  std::string key_id;
  std::string reason;  // scheduled | manual | api | pre-restore
  std::string sha256;  // of the backup file
  uint64_t file_bytes = 0;
  uint64_t plain_bytes = 0;     // snapshot size before compression
  uint64_t database_bytes = 0;  // size of the live database file (SQLite) when taken
  int64_t snapshot_ms = 0;
  int64_t duration_ms = 0;  // snapshot + compress + encrypt + verify
  TableDigests tables;
  Outcome verification;
  std::map<std::string, Outcome> offsite;  // "s3", "copy_dir"

  nlohmann::json ToJson() const;
  static StatusOr<Manifest> FromJson(const std::string& text);
};

// "salesdb-20261125T235600Z-<id>.sdbk"
std::string BackupFileName(int64_t id);
std::string IsoTime(int64_t ms);

}  // namespace salesdb::backup

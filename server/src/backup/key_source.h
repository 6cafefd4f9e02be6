// Where the backup encryption key comes from. Until the key ring lands this is the one place that
// decides: a subkey derived from the master key (SALESDB_MASTER_KEY / master_key_file, base64 of 32
// bytes), else a random key kept in <data_dir>/keys/backup.key (mode 0600, created on first use).
// Switching to the key ring means changing LoadBackupKey() and nothing else.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/config.h"
#include "base/status.h"

namespace salesdb::backup {

struct BackupKey {
  std::array<unsigned char, 32> bytes{};
  // Public, stable name of the key ("bk-" + 16 hex digits of a keyed BLAKE2b), recorded in each
  // manifest so that a backup names the key it needs without revealing it.
  std::string id;
};

// Loads (or on first use creates) the backup key. InvalidArgument for a malformed master key.
StatusOr<BackupKey> LoadBackupKey(const Config& config);

// A key from raw bytes (tests, and the key ring later).
BackupKey MakeBackupKey(const std::array<unsigned char, 32>& bytes);

}  // namespace salesdb::backup

// The backup file format: zstd-compressed, then sealed with libsodium's secretstream
// (XChaCha20-Poly1305) in chunks.
//
//   "SDBKUP01"                        8 bytes magic
//   key check                         16 bytes: BLAKE2b keyed with the backup key (wrong-key test)
//   secretstream header               24 bytes
//   records                           u32 little-endian length, then that many ciphertext bytes;
//                                     each holds ≤ 1 MiB of compressed data; the last carries
//                                     TAG_FINAL, so a cut-off file is told apart from a whole one
//
// Every failure to read names its check through Status::slug(): "not-a-backup", "wrong-key",
// "truncated", "damaged" (authentication failed: a flipped bit or tampering), "decompress".
#pragma once

#include <sodium.h>
#include <zstd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "backup/file_system.h"
#include "backup/key_source.h"
#include "base/status.h"
#include "security/crypto.h"

namespace salesdb::backup {

// Compresses and encrypts a byte stream into a WritableFile. Not thread-safe.
class Encoder {
 public:
  Encoder(const BackupKey& key, WritableFile& out, int zstd_level);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  Status Write(std::string_view plain);
  // Flushes zstd, seals the final record. The file still needs Sync() and Close().
  Status Finish();

  uint64_t plain_bytes() const { return plain_bytes_; }
  uint64_t file_bytes() const { return file_bytes_; }
  // Hex SHA-256 of every byte written to the file; valid after Finish().
  std::string sha256_hex();

 private:
  Status Start();
  Status Emit(std::string_view data);
  Status SealRecord(std::string_view compressed, bool final);
  Status Drain(ZSTD_EndDirective mode, std::string_view input);

  const BackupKey& key_;
  WritableFile& out_;
  ZSTD_CCtx* zstd_ = nullptr;
  crypto_secretstream_xchacha20poly1305_state state_{};
  crypto::Sha256 sha_;
  std::string pending_;  // compressed bytes not yet sealed
  std::string zbuf_;
  std::string cbuf_;
  bool started_ = false;
  uint64_t plain_bytes_ = 0;
  uint64_t file_bytes_ = 0;
};

struct DecodeStats {
  uint64_t file_bytes = 0;
  uint64_t plain_bytes = 0;
};

// Reads, authenticates and decompresses the backup file at `path`, handing the plain bytes to
// `sink` in order. Errors carry the failed check as slug (see above); a sink error is returned.
Status DecodeFile(const std::string& path, const BackupKey& key,
                  const std::function<Status(std::string_view)>& sink, DecodeStats* stats);

// Hex SHA-256 of a whole file (manifest check); NotFound when it cannot be read.
StatusOr<std::string> FileSha256(const std::string& path, uint64_t* size);

}  // namespace salesdb::backup

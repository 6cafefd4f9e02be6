// Signed checkpoints of the audit chain head. The server signs (entry id, hash, time) with an
// Ed25519 key (libsodium crypto_sign) and appends the signed head, one JSON object per line, to an
// append-only file outside the database (<data_dir>/audit/checkpoints.jsonl, fsynced per append).
// Someone who can write the database but not that file and key cannot rewrite the past, or cut
// the log's tail, without `audit verify` noticing. Thread-compatible: one writer per file.
//
// An online restore puts back an older chain. The server then appends a signed restore marker
// ("restore": true) for the restored head: checkpoints written before the marker that cover entries
// past that head belong to the replaced history and no longer apply; those up to it still do, and
// the marker pins the restored head itself (EffectiveCheckpoints).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace salesdb::audit {

struct Checkpoint {
  int64_t entry_id = 0;
  std::string hash;  // hex SHA-256 of that entry
  int64_t at = 0;    // when it was signed, epoch ms
  std::string signature;  // hex Ed25519 signature of SignedMessage()
  bool restore = false;   // a restore marker (signed under its own prefix, so a flag cannot be flipped)
  std::string SignedMessage() const;
};

// An Ed25519 key pair; secret stored as hex in a 0600 file, public key as hex beside it (.pub).
class SigningKey {
 public:
  // Loads <dir>/audit_ed25519.key, creating the pair (and the .pub export) when missing.
  static StatusOr<SigningKey> LoadOrCreate(const std::string& dir);
  // Loads only the public key from <dir>/audit_ed25519.pub; NotFound when absent.
  static StatusOr<std::string> LoadPublicKey(const std::string& dir);
  // A key from a 32-byte seed (tests).
  static SigningKey FromSeed(const std::string& seed32);

  std::string Sign(const std::string& message) const;  // hex signature
  const std::string& public_key_hex() const { return public_hex_; }

 private:
  std::string secret_;  // 64 raw bytes
  std::string public_hex_;
};

// Checks a hex signature of `message` against a hex public key.
bool VerifySignature(const std::string& public_key_hex, const std::string& message, const std::string& sig_hex);

struct CheckpointFileContents {
  std::vector<Checkpoint> checkpoints;  // in file order
  bool torn_tail = false;               // the last line lacked its newline (a crash mid-append): ignored
};

// Reads the checkpoint file; an absent file is empty. InvalidArgument naming the line when a
// complete line is not a checkpoint.
StatusOr<CheckpointFileContents> ReadCheckpoints(const std::string& path);
// Checks that every checkpoint is signed by `public_key_hex` and that entry ids do not go backwards
// (except at a restore marker). Returns "" when they are, else what is wrong (naming the line).
std::string CheckCheckpoints(const std::vector<Checkpoint>& cps, const std::string& public_key_hex);
// The checkpoints that pin the current chain, in entry order, from the file's lines in file order:
// a restore marker for entry N drops the earlier checkpoints past N and stands for N itself.
std::vector<Checkpoint> EffectiveCheckpoints(const std::vector<Checkpoint>& in_file_order);

// Appends one checkpoint line and fsyncs the file (and the folder when the file was created).
// A torn last line left by a crash (never acknowledged) is cut off first.
Status AppendCheckpoint(const std::string& path, const Checkpoint& cp);

// Signs the head and returns the checkpoint (a restore marker when `restore`).
Checkpoint MakeCheckpoint(const SigningKey& key, int64_t entry_id, const std::string& hash, int64_t at,
                          bool restore = false);

}  // namespace salesdb::audit

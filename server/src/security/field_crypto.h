// Field-level encryption on libsodium: XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf)
// for values, keyed BLAKE2b (crypto_generichash) for blind indexes, and the master key that wraps
// the data keys (envelope encryption). KeyRing implements domain/field_cipher.h.
//
// Stored value format: "e1.<key version>.<base64url(nonce ‖ ciphertext ‖ tag)>", additional data
// "salesdb.field.v1|<table>|<column>|<row id>|<key version>". Keys are wrapped the same way with
// additional data "salesdb.key.v1|<kind>|<version>". Call crypto::InitCrypto() first.
#pragma once

#include <array>
#include <map>
#include <shared_mutex>
#include <string>

#include "domain/field_cipher.h"

namespace salesdb::security {

using Key32 = std::array<unsigned char, 32>;

// Where the master key comes from, in this order: `env_value` (SALESDB_MASTER_KEY, base64 of 32
// bytes), `key_file` (--master-key-file; refused unless mode 0600 or stricter), else
// <data_dir>/keys/master.key, created on first use (only when `may_create`) with a warning on
// stderr. `created` tells whether a new key was made. Errors name the problem and the source.
struct MasterKeySource {
  std::string env_value;
  std::string key_file;
  std::string data_dir;
};
struct LoadedMasterKey {
  Key32 key{};
  std::string source;  // for messages: "SALESDB_MASTER_KEY", a file path
  bool created = false;
};
StatusOr<LoadedMasterKey> LoadMasterKey(const MasterKeySource& src, bool may_create);
// Base64 (standard, padded) of 32 random bytes: a fresh master key for an operator.
std::string NewMasterKeyBase64();

class KeyRing final : public FieldCipher {
 public:
  explicit KeyRing(const Key32& master);
  ~KeyRing() override;
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  Status AddKeys(const std::vector<WrappedKey>& keys) override;
  bool HasKey(int64_t version) const override;
  StatusOr<WrappedKey> NewKey(const std::string& kind, int64_t version, int64_t now) const override;
  std::string KeyCheckValue() const override;
  StatusOr<std::string> Encrypt(int64_t key_version, std::string_view table, std::string_view column,
                                int64_t row_id, std::string_view plaintext) const override;
  StatusOr<std::string> Decrypt(std::string_view table, std::string_view column, int64_t row_id,
                                std::string_view ciphertext) const override;
  int64_t KeyVersionOf(std::string_view ciphertext) const override;
  int64_t BlindIndex(std::string_view column, std::string_view value) const override;

 private:
  Key32 master_;
  mutable std::shared_mutex mu_;
  std::map<int64_t, Key32> data_keys_;
  Key32 index_key_{};
  bool has_index_key_ = false;
};

}  // namespace salesdb::security

// FieldCipher: how storage encrypts the sensitive columns (contact email and phone, licence keys,
// activity bodies) without depending on security/. Declared here, implemented by security::KeyRing
// (security/field_crypto.h), handed to SqlStore by main.cc: storage → domain ← security.
//
// Envelope keys: data keys (and one blind-index key) are random, stored in the database wrapped by
// the master key (WrappedKey rows). A ciphertext names the data-key version it was made with; the
// additional data binds it to table, column, row id and key version, so a value copied into another
// row or column, or altered in any bit, fails to decrypt. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace salesdb {

// One row of the encryption_keys table.
struct WrappedKey {
  int64_t version = 0;
  std::string kind;     // "data" or "index"
  std::string state;    // data keys: active (new writes), retiring (rotation running), retired
  std::string wrapped;  // key sealed by the master key (base64)
  int64_t created_at = 0;
};

class FieldCipher {
 public:
  virtual ~FieldCipher() = default;

  // Key management. Unwraps and remembers keys; FailedPrecondition when one does not open with
  // this master key (wrong master key).
  virtual Status AddKeys(const std::vector<WrappedKey>& keys) = 0;
  virtual bool HasKey(int64_t version) const = 0;
  // A new random key of `kind`, wrapped by the master key (not yet added).
  virtual StatusOr<WrappedKey> NewKey(const std::string& kind, int64_t version, int64_t now) const = 0;
  // Key check value of the master key: stored with the keys, compared at start.
  virtual std::string KeyCheckValue() const = 0;

  // Seals `plaintext` with data key `key_version` for (table, column, row_id).
  virtual StatusOr<std::string> Encrypt(int64_t key_version, std::string_view table, std::string_view column,
                                        int64_t row_id, std::string_view plaintext) const = 0;
  // Opens a value made by Encrypt for the same (table, column, row_id). Internal with slug
  // "integrity-error" when it was moved, altered, is plaintext, or names a key not loaded: it never
  // returns a wrong value.
  virtual StatusOr<std::string> Decrypt(std::string_view table, std::string_view column, int64_t row_id,
                                        std::string_view ciphertext) const = 0;
  // The data-key version a stored value names (0 when it is not a ciphertext).
  virtual int64_t KeyVersionOf(std::string_view ciphertext) const = 0;

  // Blind index of a value for exact-match search: keyed BLAKE2b of the normalized value,
  // truncated to 32 bits, so that collisions are expected but rare (callers compare candidates).
  // `column` separates the index spaces ("contacts.email", ...).
  virtual int64_t BlindIndex(std::string_view column, std::string_view value) const = 0;
};

// Normal forms compared by exact-match search: emails trimmed and lower-cased, phones reduced to
// their digits, licence keys trimmed and upper-cased.
std::string NormalizeEmail(std::string_view email);
std::string NormalizePhone(std::string_view phone);
std::string NormalizeLicenseKey(std::string_view key);

}  // namespace salesdb

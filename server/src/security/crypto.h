// Small crypto primitives on libsodium: password hashing (argon2id), random tokens, digests.
// Call InitCrypto() once at start (sodium_init); every function is thread-safe after that.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace salesdb::crypto {

Status InitCrypto();

// argon2id (libsodium's crypto_pwhash_str, "moderate"-free interactive limits: ops 2, 64 MiB). At most
// one hash or verification per core runs at once; further callers wait.
StatusOr<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// A hash to compare against when the account does not exist, so that timing does not tell.
const std::string& DummyPasswordHash();

// Fills `out` with `size` random bytes for public values such as nonces: OpenSSL's DRBG, seeded by
// the kernel, per thread and reseeded after a fork, without the getrandom system call per call that
// libsodium's randombytes_buf makes (a third of an encrypted field's cost here).
void RandomBytes(void* out, size_t size);
// `bytes` random bytes, URL-safe base64 without padding.
std::string RandomToken(size_t bytes = 32);
// Hex SHA-256 of a token: what is stored for sessions and API tokens.
std::string TokenHash(std::string_view token);
std::string Sha256Hex(std::string_view data);

// Streaming SHA-256 through OpenSSL (the CPU's SHA instructions where it has them: 1.5 GB/s here
// against libsodium's 350 MB/s), for large inputs such as backup files and table contents.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // Hex digest of everything given so far; more may be given afterwards.
  std::string HexDigest() const;

 private:
  ::evp_md_ctx_st* ctx_;
};
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace salesdb::crypto

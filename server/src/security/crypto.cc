#include "security/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <algorithm>
#include <new>
#include <semaphore>
#include <thread>

#include "base/semaphore_turn.h"

namespace salesdb::crypto {

Status InitCrypto() {
  if (sodium_init() < 0) return Internal("libsodium failed to initialize");
  return Status::Ok();
}

namespace {

// argon2id takes 64 MiB and a core for about 0.2 s: more hashes at once than cores only add memory
// (64 workers logging in at once would hold 4 GiB). Callers beyond the limit wait their turn.
std::counting_semaphore<>& HashSlots() {
  static std::counting_semaphore<> slots(std::max<std::ptrdiff_t>(1, std::thread::hardware_concurrency()));
  return slots;
}

}  // namespace

StatusOr<std::string> HashPassword(std::string_view password) {
  SemaphoreTurn turn(HashSlots());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("out of memory while hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  SemaphoreTurn turn(HashSlots());
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

const std::string& DummyPasswordHash() {
  static const std::string kHash = [] {
    auto h = HashPassword(RandomToken(16));
    return h.ok() ? *h : std::string();
  }();
  return kHash;
}

void RandomBytes(void* out, size_t size) {
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1) randombytes_buf(out, size);
}

std::string RandomToken(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

// Through OpenSSL, which uses the CPU's SHA instructions where there are some (several times
// libsodium's portable SHA-256 on the audit chain's hot path); libsodium when OpenSSL cannot.
std::string Sha256Hex(std::string_view data) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[crypto_hash_sha256_BYTES];
  if (sha256 == nullptr || EVP_Digest(data.data(), data.size(), digest, nullptr, sha256, nullptr) != 1) {
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  }
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }

std::string Sha256::HexDigest() const {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  unsigned char digest[crypto_hash_sha256_BYTES];
  unsigned int size = 0;
  if (copy == nullptr || EVP_MD_CTX_copy_ex(copy, ctx_) != 1 || EVP_DigestFinal_ex(copy, digest, &size) != 1) {
    EVP_MD_CTX_free(copy);
    throw std::bad_alloc();
  }
  EVP_MD_CTX_free(copy);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace salesdb::crypto

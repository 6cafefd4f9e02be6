// Small crypto primitives on libsodium: password hashing (argon2id), random tokens, digests.
// Call InitCrypto() once at start (sodium_init); every function is thread-safe after that.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace salesdb::crypto {

Status InitCrypto();

// argon2id (libsodium's crypto_pwhash_str, "moderate"-free interactive limits: ops 2, 64 MiB).
StatusOr<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// A hash to compare against when the account does not exist, so that timing does not tell.
const std::string& DummyPasswordHash();

// `bytes` random bytes, URL-safe base64 without padding.
std::string RandomToken(size_t bytes = 32);
// Hex SHA-256 of a token: what is stored for sessions and API tokens.
std::string TokenHash(std::string_view token);
std::string Sha256Hex(std::string_view data);
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace salesdb::crypto

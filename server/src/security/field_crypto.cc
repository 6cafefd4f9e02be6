#include "security/field_crypto.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "base/files.h"
#include "security/crypto.h"

namespace salesdb::security {
namespace {

constexpr char kValuePrefix[] = "e1.";
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

std::string ToBase64(const unsigned char* data, size_t n, int variant) {
  std::string out(sodium_base64_encoded_len(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool FromBase64(std::string_view in, std::string& out, int variant) {
  out.assign(in.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(), in.size(), " \r\n\t",
                        &len, nullptr, variant) != 0) {
    return false;
  }
  out.resize(len);
  return true;
}

// A sealed value's payload (URL-safe base64 without padding), decoded by OpenSSL's table-driven
// decoder: libsodium's constant-time one took half of a field's decryption (BM_FieldDecrypt), and the
// payload is ciphertext, whose decoding need not hide anything.
bool FromBase64Url(std::string_view in, std::string& out) {
  if (in.size() % 4 == 1) return false;
  const size_t pad = (4 - in.size() % 4) % 4;
  std::string standard(in.size() + pad, '=');
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+' || c == '/' || c == '=') return false;  // not of this alphabet
    standard[i] = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  out.resize(standard.size() / 4 * 3);
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(standard.data()), static_cast<int>(standard.size()));
  if (n < 0) return false;
  out.resize(static_cast<size_t>(n) - pad);  // the padding decodes to zero bytes
  return true;
}

// nonce ‖ ciphertext ‖ tag of `plain` under `key` with additional data `ad`.
std::string Seal(const Key32& key, std::string_view ad, std::string_view plain) {
  std::string out(kNonce + plain.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  crypto::RandomBytes(o, kNonce);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + kNonce, &clen, reinterpret_cast<const unsigned char*>(plain.data()),
                                             plain.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
                                             nullptr, o, key.data());
  out.resize(kNonce + clen);
  return out;
}

bool Open(const Key32& key, std::string_view ad, std::string_view sealed, std::string& plain) {
  if (sealed.size() < kNonce + kTag) return false;
  const auto* s = reinterpret_cast<const unsigned char*>(sealed.data());
  plain.assign(sealed.size() - kNonce - kTag, '\0');
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plen, nullptr,
                                                 s + kNonce, sealed.size() - kNonce,
                                                 reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), s,
                                                 key.data()) != 0) {
    plain.clear();
    return false;
  }
  plain.resize(plen);
  return true;
}

std::string KeyAd(const std::string& kind, int64_t version) {
  return "salesdb.key.v1|" + kind + "|" + std::to_string(version);
}

std::string FieldAd(std::string_view table, std::string_view column, int64_t row_id, int64_t version) {
  std::string ad = "salesdb.field.v1|";
  ad.append(table).append("|").append(column).append("|").append(std::to_string(row_id)).append("|");
  ad.append(std::to_string(version));
  return ad;
}

// Parses "e1.<version>.<payload>"; false when the value is not in that form.
bool ParseValue(std::string_view v, int64_t& version, std::string_view& payload) {
  if (v.substr(0, 3) != kValuePrefix) return false;
  v.remove_prefix(3);
  size_t dot = v.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > 18) return false;
  int64_t n = 0;
  for (char c : v.substr(0, dot)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  version = n;
  payload = v.substr(dot + 1);
  return n > 0;
}

Status IntegrityError(std::string_view table, std::string_view column, int64_t row_id) {
  return Internal("stored value " + std::string(table) + "." + std::string(column) + " of row " +
                  std::to_string(row_id) + " failed its integrity check (moved, altered or under an unknown key)")
      .WithSlug("integrity-error");
}

StatusOr<Key32> DecodeKey(const std::string& b64, const std::string& source) {
  std::string raw;
  std::string trimmed = b64;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' ')) {
    trimmed.pop_back();
  }
  if (!FromBase64(trimmed, raw, sodium_base64_VARIANT_ORIGINAL) || raw.size() != 32) {
    sodium_memzero(raw.data(), raw.size());
    return InvalidArgument("master key from " + source + " is not base64 of exactly 32 bytes");
  }
  Key32 k;
  std::memcpy(k.data(), raw.data(), 32);
  sodium_memzero(raw.data(), raw.size());
  return k;
}

StatusOr<Key32> ReadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFound("master key file " + path + " does not exist");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return FailedPrecondition("master key file " + path + " has mode " + mode +
                              "; refusing it: make it readable by its owner only (chmod 600)");
  }
  std::ifstream in(path);
  if (!in) return FailedPrecondition("master key file " + path + " cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto key = DecodeKey(text, path);
  sodium_memzero(text.data(), text.size());
  return key;
}

}  // namespace

std::string NewMasterKeyBase64() {
  Key32 k;
  randombytes_buf(k.data(), k.size());
  std::string out = ToBase64(k.data(), k.size(), sodium_base64_VARIANT_ORIGINAL);
  sodium_memzero(k.data(), k.size());
  return out;
}

StatusOr<LoadedMasterKey> LoadMasterKey(const MasterKeySource& src, bool may_create) {
  LoadedMasterKey out;
  if (!src.env_value.empty()) {
    out.source = "SALESDB_MASTER_KEY";
    ASSIGN_OR_RETURN(out.key, DecodeKey(src.env_value, out.source));
    return out;
  }
  if (!src.key_file.empty()) {
    out.source = src.key_file;
    ASSIGN_OR_RETURN(out.key, ReadKeyFile(src.key_file));
    return out;
  }
  std::string dir = src.data_dir + "/keys";
  std::string path = dir + "/master.key";
  out.source = path;
  if (std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(out.key, ReadKeyFile(path));
    return out;
  }
  if (!may_create) {
    return FailedPrecondition("no master key: the database holds encrypted data but neither SALESDB_MASTER_KEY, "
                              "--master-key-file nor " + path + " gives its master key");
  }
  RETURN_IF_ERROR(files::EnsureDir(dir, 0700));
  std::string b64 = NewMasterKeyBase64();
  RETURN_IF_ERROR(files::WriteAtomic(path, b64 + "\n", 0600));
  ::chmod(path.c_str(), 0600);
  ASSIGN_OR_RETURN(out.key, DecodeKey(b64, path));
  sodium_memzero(b64.data(), b64.size());
  out.created = true;
  std::fprintf(stderr,
               "salesdb: WARNING: created a new master key in %s. Back it up apart from the database and its "
               "backups: without it the encrypted fields cannot be read. In production give SALESDB_MASTER_KEY "
               "or --master-key-file instead.\n",
               path.c_str());
  return out;
}

KeyRing::KeyRing(const Key32& master) : master_(master) { sodium_mlock(master_.data(), master_.size()); }

KeyRing::~KeyRing() {
  sodium_munlock(master_.data(), master_.size());
  for (auto& [v, k] : data_keys_) sodium_memzero(k.data(), k.size());
  sodium_memzero(index_key_.data(), index_key_.size());
}

Status KeyRing::AddKeys(const std::vector<WrappedKey>& keys) {
  std::unique_lock lock(mu_);
  for (const auto& w : keys) {
    if (w.kind == "data" && data_keys_.count(w.version)) continue;
    if (w.kind == "index" && has_index_key_) continue;
    if (w.kind != "data" && w.kind != "index") continue;
    std::string sealed, plain;
    if (!FromBase64(w.wrapped, sealed, sodium_base64_VARIANT_ORIGINAL) ||
        !Open(master_, KeyAd(w.kind, w.version), sealed, plain) || plain.size() != 32) {
      return FailedPrecondition("wrong master key: " + w.kind + " key " + std::to_string(w.version) +
                                " of this database does not open with it");
    }
    Key32 k;
    std::memcpy(k.data(), plain.data(), 32);
    sodium_memzero(plain.data(), plain.size());
    if (w.kind == "data") {
      data_keys_[w.version] = k;
    } else {
      index_key_ = k;
      has_index_key_ = true;
    }
    sodium_memzero(k.data(), k.size());
  }
  return Status::Ok();
}

bool KeyRing::HasKey(int64_t version) const {
  std::shared_lock lock(mu_);
  return data_keys_.count(version) > 0;
}

StatusOr<WrappedKey> KeyRing::NewKey(const std::string& kind, int64_t version, int64_t now) const {
  if (kind != "data" && kind != "index") return InvalidArgument("unknown key kind " + kind);
  Key32 k;
  randombytes_buf(k.data(), k.size());
  std::string sealed = Seal(master_, KeyAd(kind, version), std::string_view(reinterpret_cast<char*>(k.data()), 32));
  sodium_memzero(k.data(), k.size());
  WrappedKey w;
  w.version = version;
  w.kind = kind;
  w.state = "active";
  w.wrapped = ToBase64(reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                       sodium_base64_VARIANT_ORIGINAL);
  w.created_at = now;
  return w;
}

std::string KeyRing::KeyCheckValue() const {
  static constexpr char kCheck[] = "salesdb master key check v1";
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(kCheck), sizeof kCheck - 1,
                     master_.data(), master_.size());
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

StatusOr<std::string> KeyRing::Encrypt(int64_t key_version, std::string_view table, std::string_view column,
                                       int64_t row_id, std::string_view plaintext) const {
  std::shared_lock lock(mu_);
  auto it = data_keys_.find(key_version);
  if (it == data_keys_.end()) return Internal("data key " + std::to_string(key_version) + " is not loaded");
  std::string sealed = Seal(it->second, FieldAd(table, column, row_id, key_version), plaintext);
  return kValuePrefix + std::to_string(key_version) + "." +
         ToBase64(reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

StatusOr<std::string> KeyRing::Decrypt(std::string_view table, std::string_view column, int64_t row_id,
                                       std::string_view ciphertext) const {
  int64_t version = 0;
  std::string_view payload;
  if (!ParseValue(ciphertext, version, payload)) return IntegrityError(table, column, row_id);
  std::string sealed, plain;
  if (!FromBase64Url(payload, sealed)) return IntegrityError(table, column, row_id);
  std::shared_lock lock(mu_);
  auto it = data_keys_.find(version);
  if (it == data_keys_.end() || !Open(it->second, FieldAd(table, column, row_id, version), sealed, plain)) {
    return IntegrityError(table, column, row_id);
  }
  return plain;
}

int64_t KeyRing::KeyVersionOf(std::string_view ciphertext) const {
  int64_t version = 0;
  std::string_view payload;
  return ParseValue(ciphertext, version, payload) ? version : 0;
}

int64_t KeyRing::BlindIndex(std::string_view column, std::string_view value) const {
  std::string msg;
  msg.reserve(column.size() + 1 + value.size());
  msg.append(column).push_back('\0');
  msg.append(value);
  unsigned char out[8];
  {
    std::shared_lock lock(mu_);
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                       index_key_.data(), index_key_.size());
  }
  sodium_memzero(msg.data(), msg.size());
  // 32 bits: with a few million values per column a given value collides with about 1 in 1,000
  // others' buckets; candidates are decrypted and compared, so a collision costs one extra row.
  return static_cast<int64_t>((uint32_t{out[0]} << 24) | (uint32_t{out[1]} << 16) | (uint32_t{out[2]} << 8) |
                              uint32_t{out[3]});
}

}  // namespace salesdb::security

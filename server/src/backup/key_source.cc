#include "backup/key_source.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>

#include "base/files.h"

namespace salesdb::backup {
namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "sdbbackp";
constexpr uint64_t kBackupSubkeyId = 1;
constexpr char kKeyIdLabel[] = "salesdb backup key id v1";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

StatusOr<std::array<unsigned char, 32>> DecodeKey(const std::string& text, const std::string& where) {
  std::array<unsigned char, 32> out{};
  std::string t = Trim(text);
  size_t len = 0;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_URLSAFE,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (sodium_base642bin(out.data(), out.size(), t.data(), t.size(), nullptr, &len, nullptr, variant) == 0 &&
        len == out.size()) {
      return out;
    }
  }
  return InvalidArgument(where + ": expected base64 of 32 bytes");
}

std::string EncodeKey(const std::array<unsigned char, 32>& key) {
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, key.data(), key.size(), sodium_base64_VARIANT_ORIGINAL);
  return std::string(b64) + "\n";
}

}  // namespace

BackupKey MakeBackupKey(const std::array<unsigned char, 32>& bytes) {
  BackupKey k;
  k.bytes = bytes;
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(kKeyIdLabel), sizeof kKeyIdLabel - 1,
                     bytes.data(), bytes.size());
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  k.id = std::string("bk-") + hex;
  return k;
}

StatusOr<BackupKey> LoadBackupKey(const Config& config) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  std::string master_text = config.master_key;
  std::string where = "SALESDB_MASTER_KEY";
  if (master_text.empty() && !config.master_key_file.empty()) {
    ASSIGN_OR_RETURN(master_text, files::ReadAll(config.master_key_file));
    where = "master key file " + config.master_key_file;
  }
  if (!master_text.empty()) {
    ASSIGN_OR_RETURN(auto master, DecodeKey(master_text, where));
    std::array<unsigned char, 32> sub{};
    crypto_kdf_derive_from_key(sub.data(), sub.size(), kBackupSubkeyId, kKdfContext, master.data());
    sodium_memzero(master.data(), master.size());
    return MakeBackupKey(sub);
  }
  std::string dir = config.data_dir + "/keys";
  std::string path = dir + "/backup.key";
  if (std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(std::string text, files::ReadAll(path));
    ASSIGN_OR_RETURN(auto key, DecodeKey(text, "backup key file " + path));
    return MakeBackupKey(key);
  }
  RETURN_IF_ERROR(files::EnsureDir(dir, 0700));
  std::array<unsigned char, 32> key{};
  randombytes_buf(key.data(), key.size());
  // Written under a private name, then linked into place: link() never replaces an existing file, so
  // two processes creating the key at once agree on the one that landed first.
  char suffix[17];
  unsigned char rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  sodium_bin2hex(suffix, sizeof suffix, rnd, sizeof rnd);
  std::string tmp = path + ".new-" + suffix;
  RETURN_IF_ERROR(files::WriteAtomic(tmp, EncodeKey(key), 0600));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && err != EEXIST) return Internal("cannot create " + path + ": " + std::strerror(err));
  RETURN_IF_ERROR(files::SyncDir(dir));
  if (rc != 0) return LoadBackupKey(config);
  return MakeBackupKey(key);
}

}  // namespace salesdb::backup

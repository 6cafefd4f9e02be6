#include "audit/checkpoints.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/files.h"

namespace salesdb::audit {
namespace {

constexpr char kKeyFile[] = "audit_ed25519.key";
constexpr char kPubFile[] = "audit_ed25519.pub";

std::string ToHex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.resize(n * 2);
  return out;
}

bool FromHex(const std::string& hex, std::string* out, size_t expected) {
  out->assign(expected, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out->data()), expected, hex.data(), hex.size(), nullptr, &len,
                     nullptr) != 0) {
    return false;
  }
  return len == expected && hex.size() == expected * 2;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string Checkpoint::SignedMessage() const {
  return std::string(restore ? "salesdb-audit-restore-v1\n" : "salesdb-audit-checkpoint-v1\n") +
         std::to_string(entry_id) + "\n" + hash + "\n" + std::to_string(at);
}

SigningKey SigningKey::FromSeed(const std::string& seed32) {
  SigningKey k;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  k.secret_.assign(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(pk, reinterpret_cast<unsigned char*>(k.secret_.data()),
                           reinterpret_cast<const unsigned char*>(seed32.data()));
  k.public_hex_ = ToHex(pk, sizeof pk);
  return k;
}

StatusOr<SigningKey> SigningKey::LoadOrCreate(const std::string& dir) {
  RETURN_IF_ERROR(files::EnsureDir(dir, 0700));
  const std::string key_path = dir + "/" + kKeyFile;
  const std::string pub_path = dir + "/" + kPubFile;
  SigningKey k;
  if (std::filesystem::exists(key_path)) {
    ASSIGN_OR_RETURN(std::string hex, files::ReadAll(key_path));
    if (!FromHex(Trim(hex), &k.secret_, crypto_sign_SECRETKEYBYTES)) {
      return InvalidArgument("audit signing key " + key_path + " is not a hex Ed25519 secret key");
    }
    struct stat st{};
    if (::stat(key_path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return FailedPrecondition("audit signing key " + key_path + " must not be readable by others (chmod 600)");
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, reinterpret_cast<const unsigned char*>(k.secret_.data()));
    k.public_hex_ = ToHex(pk, sizeof pk);
  } else {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    k.secret_.assign(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_keypair(pk, reinterpret_cast<unsigned char*>(k.secret_.data()));
    k.public_hex_ = ToHex(pk, sizeof pk);
    RETURN_IF_ERROR(files::WriteAtomic(
        key_path, ToHex(reinterpret_cast<const unsigned char*>(k.secret_.data()), k.secret_.size()) + "\n", 0600));
  }
  // The public key is exported beside it (re-written when missing) for verifiers elsewhere.
  if (!std::filesystem::exists(pub_path)) RETURN_IF_ERROR(files::WriteAtomic(pub_path, k.public_hex_ + "\n", 0644));
  return k;
}

StatusOr<std::string> SigningKey::LoadPublicKey(const std::string& dir) {
  const std::string pub_path = dir + "/" + kPubFile;
  if (!std::filesystem::exists(pub_path)) return NotFound("no audit public key at " + pub_path);
  ASSIGN_OR_RETURN(std::string hex, files::ReadAll(pub_path));
  hex = Trim(hex);
  std::string raw;
  if (!FromHex(hex, &raw, crypto_sign_PUBLICKEYBYTES)) {
    return InvalidArgument("audit public key " + pub_path + " is not a hex Ed25519 public key");
  }
  return hex;
}

std::string SigningKey::Sign(const std::string& message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_.data()));
  return ToHex(sig, sizeof sig);
}

bool VerifySignature(const std::string& public_key_hex, const std::string& message, const std::string& sig_hex) {
  std::string pk, sig;
  if (!FromHex(public_key_hex, &pk, crypto_sign_PUBLICKEYBYTES) || !FromHex(sig_hex, &sig, crypto_sign_BYTES)) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(pk.data())) == 0;
}

Checkpoint MakeCheckpoint(const SigningKey& key, int64_t entry_id, const std::string& hash, int64_t at,
                          bool restore) {
  Checkpoint cp{entry_id, hash, at, "", restore};
  cp.signature = key.Sign(cp.SignedMessage());
  return cp;
}

StatusOr<CheckpointFileContents> ReadCheckpoints(const std::string& path) {
  CheckpointFileContents out;
  if (!std::filesystem::exists(path)) return out;
  ASSIGN_OR_RETURN(std::string text, files::ReadAll(path));
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    ++line_no;
    if (nl == std::string::npos) {  // a crash between write and fsync can leave half a line
      out.torn_tail = true;
      break;
    }
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    auto bad = [&] {
      return InvalidArgument("checkpoint file " + path + " line " + std::to_string(line_no) + " is not a checkpoint");
    };
    if (j.is_discarded() || !j.is_object()) return bad();
    try {
      Checkpoint cp;
      cp.entry_id = j.at("entry_id").get<int64_t>();
      cp.hash = j.at("hash").get<std::string>();
      cp.at = j.at("at").get<int64_t>();
      cp.signature = j.at("sig").get<std::string>();
      cp.restore = j.value("restore", false);
      out.checkpoints.push_back(std::move(cp));
    } catch (const nlohmann::json::exception&) {
      return bad();
    }
  }
  return out;
}

std::string CheckCheckpoints(const std::vector<Checkpoint>& cps, const std::string& public_key_hex) {
  int64_t last = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    const Checkpoint& cp = cps[i];
    if (!VerifySignature(public_key_hex, cp.SignedMessage(), cp.signature)) {
      return "checkpoint " + std::to_string(i + 1) + " (entry " + std::to_string(cp.entry_id) +
             ") has a bad signature: the checkpoint file was edited or forged";
    }
    if (cp.entry_id < last && !cp.restore) {
      return "checkpoint " + std::to_string(i + 1) + " (entry " + std::to_string(cp.entry_id) +
             ") goes backwards from entry " + std::to_string(last);
    }
    last = cp.entry_id;
  }
  return "";
}

std::vector<Checkpoint> EffectiveCheckpoints(const std::vector<Checkpoint>& in_file_order) {
  std::vector<Checkpoint> out;
  for (const Checkpoint& cp : in_file_order) {
    if (cp.restore) {
      std::erase_if(out, [&](const Checkpoint& c) { return c.entry_id > cp.entry_id; });
      // A restored log without entries has no head to pin.
      if (cp.entry_id == 0) continue;
    }
    out.push_back(cp);
  }
  return out;
}

Status AppendCheckpoint(const std::string& path, const Checkpoint& cp) {
  bool existed = std::filesystem::exists(path);
  nlohmann::json j = {{"entry_id", cp.entry_id}, {"hash", cp.hash}, {"at", cp.at}, {"sig", cp.signature}};
  if (cp.restore) j["restore"] = true;
  std::string line = j.dump() + "\n";
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot open " + path + ": " + std::strerror(errno));
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    return Internal(std::string("cannot ") + what + " " + path + ": " + std::strerror(err));
  };
  // A crash between write and fsync can leave a last line without its newline; that line was never
  // acknowledged, so it is cut off before appending (the only change ever made to earlier bytes).
  struct stat st{};
  if (::fstat(fd, &st) != 0) return fail("stat");
  if (st.st_size > 0) {
    char last = 0;
    if (::pread(fd, &last, 1, st.st_size - 1) != 1) return fail("read");
    if (last != '\n') {
      off_t keep = st.st_size - 1;
      while (keep > 0) {
        char ch = 0;
        if (::pread(fd, &ch, 1, keep - 1) != 1) return fail("read");
        if (ch == '\n') break;
        --keep;
      }
      if (::ftruncate(fd, keep) != 0) return fail("truncate");
    }
  }
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("append to");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("fsync");
  ::close(fd);
  if (!existed) RETURN_IF_ERROR(files::SyncDir(std::filesystem::path(path).parent_path().string()));
  return Status::Ok();
}

}  // namespace salesdb::audit

#include "backup/codec.h"

#include <cstring>
#include <fstream>
#include <memory>

namespace salesdb::backup {
namespace {

constexpr char kMagic[] = "SDBKUP01";
constexpr size_t kMagicBytes = 8;
constexpr size_t kKeyCheckBytes = 16;
constexpr size_t kRecordPlainMax = 1 << 20;
constexpr size_t kRecordCipherMax = kRecordPlainMax + crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr char kKeyCheckLabel[] = "salesdb backup key check v1";

void KeyCheck(const BackupKey& key, unsigned char out[kKeyCheckBytes]) {
  crypto_generichash(out, kKeyCheckBytes, reinterpret_cast<const unsigned char*>(kKeyCheckLabel),
                     sizeof kKeyCheckLabel - 1, key.bytes.data(), key.bytes.size());
}

Status Failed(const char* check, const std::string& message) {
  return FailedPrecondition(std::string(check) + ": " + message).WithSlug(check);
}

}  // namespace

Encoder::Encoder(const BackupKey& key, WritableFile& out, int zstd_level) : key_(key), out_(out) {
  zstd_ = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, zstd_level);
  ZSTD_CCtx_setParameter(zstd_, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(zstd_, ZSTD_c_nbWorkers, 2);  // ignored when libzstd lacks threads
  zbuf_.resize(ZSTD_CStreamOutSize());
  cbuf_.resize(4 + kRecordCipherMax);  // length prefix + sealed record
}

Encoder::~Encoder() { ZSTD_freeCCtx(zstd_); }

Status Encoder::Emit(std::string_view data) {
  sha_.Update(data);
  file_bytes_ += data.size();
  return out_.Append(data);
}

Status Encoder::Start() {
  started_ = true;
  unsigned char head[kMagicBytes + kKeyCheckBytes + crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  std::memcpy(head, kMagic, kMagicBytes);
  KeyCheck(key_, head + kMagicBytes);
  crypto_secretstream_xchacha20poly1305_init_push(&state_, head + kMagicBytes + kKeyCheckBytes, key_.bytes.data());
  return Emit(std::string_view(reinterpret_cast<char*>(head), sizeof head));
}

Status Encoder::SealRecord(std::string_view compressed, bool final) {
  unsigned long long clen = 0;
  crypto_secretstream_xchacha20poly1305_push(
      &state_, reinterpret_cast<unsigned char*>(cbuf_.data()) + 4, &clen,
      reinterpret_cast<const unsigned char*>(compressed.data()), compressed.size(),
      reinterpret_cast<const unsigned char*>(kMagic), kMagicBytes,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  uint32_t n = static_cast<uint32_t>(clen);
  for (int i = 0; i < 4; ++i) cbuf_[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return Emit(std::string_view(cbuf_.data(), clen + 4));
}

Status Encoder::Drain(ZSTD_EndDirective mode, std::string_view input) {
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{zbuf_.data(), zbuf_.size(), 0};
    size_t left = ZSTD_compressStream2(zstd_, &out, &in, mode);
    if (ZSTD_isError(left)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(left));
    pending_.append(zbuf_.data(), out.pos);
    while (pending_.size() >= kRecordPlainMax) {
      RETURN_IF_ERROR(SealRecord(std::string_view(pending_).substr(0, kRecordPlainMax), false));
      pending_.erase(0, kRecordPlainMax);
    }
    bool done = mode == ZSTD_e_continue ? in.pos == in.size : left == 0;
    if (done) return Status::Ok();
  }
}

Status Encoder::Write(std::string_view plain) {
  if (!started_) RETURN_IF_ERROR(Start());
  plain_bytes_ += plain.size();
  return Drain(ZSTD_e_continue, plain);
}

Status Encoder::Finish() {
  if (!started_) RETURN_IF_ERROR(Start());
  RETURN_IF_ERROR(Drain(ZSTD_e_end, {}));
  RETURN_IF_ERROR(SealRecord(pending_, true));
  pending_.clear();
  return Status::Ok();
}

std::string Encoder::sha256_hex() { return sha_.HexDigest(); }

Status DecodeFile(const std::string& path, const BackupKey& key,
                  const std::function<Status(std::string_view)>& sink, DecodeStats* stats) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  DecodeStats local;
  DecodeStats& st = stats ? *stats : local;
  unsigned char head[kMagicBytes + kKeyCheckBytes + crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  in.read(reinterpret_cast<char*>(head), sizeof head);
  st.file_bytes = static_cast<uint64_t>(in.gcount());
  if (in.gcount() >= static_cast<std::streamsize>(kMagicBytes) && std::memcmp(head, kMagic, kMagicBytes) != 0) {
    return Failed("not-a-backup", "the file does not start with the salesdb backup magic");
  }
  if (in.gcount() != static_cast<std::streamsize>(sizeof head)) {
    return Failed("truncated", "the file ends inside its header");
  }
  unsigned char expected[kKeyCheckBytes];
  KeyCheck(key, expected);
  if (sodium_memcmp(expected, head + kMagicBytes, kKeyCheckBytes) != 0) {
    return Failed("wrong-key", "the backup was encrypted with another key than key " + key.id);
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state, head + kMagicBytes + kKeyCheckBytes,
                                                       key.bytes.data()) != 0) {
    return Failed("damaged", "bad stream header");
  }
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> zstd(ZSTD_createDCtx(), ZSTD_freeDCtx);
  std::string cipher(kRecordCipherMax, '\0');
  std::string plain(kRecordPlainMax, '\0');
  std::string out(ZSTD_DStreamOutSize(), '\0');
  bool final_seen = false;
  size_t zstd_left = 1;
  while (!final_seen) {
    unsigned char len_bytes[4];
    uint64_t offset = st.file_bytes;
    in.read(reinterpret_cast<char*>(len_bytes), 4);
    st.file_bytes += static_cast<uint64_t>(in.gcount());
    if (in.gcount() != 4) return Failed("truncated", "the file ends before its final record (byte " +
                                                          std::to_string(st.file_bytes) + ")");
    uint32_t n = len_bytes[0] | (len_bytes[1] << 8) | (len_bytes[2] << 16) | (uint32_t{len_bytes[3]} << 24);
    if (n < crypto_secretstream_xchacha20poly1305_ABYTES || n > kRecordCipherMax) {
      return Failed("damaged", "bad record length at byte " + std::to_string(offset));
    }
    in.read(cipher.data(), n);
    st.file_bytes += static_cast<uint64_t>(in.gcount());
    if (in.gcount() != static_cast<std::streamsize>(n)) {
      return Failed("truncated", "the file ends inside a record (byte " + std::to_string(st.file_bytes) + ")");
    }
    unsigned long long plen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &state, reinterpret_cast<unsigned char*>(plain.data()), &plen, &tag,
            reinterpret_cast<const unsigned char*>(cipher.data()), n, reinterpret_cast<const unsigned char*>(kMagic),
            kMagicBytes) != 0) {
      return Failed("damaged", "authentication failed for the record at byte " + std::to_string(offset) +
                                   " (a changed bit or tampering)");
    }
    final_seen = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (plen == 0) continue;  // an empty final record: nothing to feed (zstd would ask for a new frame)
    ZSTD_inBuffer zin{plain.data(), static_cast<size_t>(plen), 0};
    // Until the input is used up and zstd stops filling whole output buffers (nothing left inside).
    for (;;) {
      ZSTD_outBuffer zout{out.data(), out.size(), 0};
      zstd_left = ZSTD_decompressStream(zstd.get(), &zout, &zin);
      if (ZSTD_isError(zstd_left)) return Failed("decompress", ZSTD_getErrorName(zstd_left));
      st.plain_bytes += zout.pos;
      if (zout.pos > 0) RETURN_IF_ERROR(sink(std::string_view(out.data(), zout.pos)));
      // 0: the frame is decoded and flushed (calling again would only ask for a next frame).
      if (zin.pos == zin.size && (zstd_left == 0 || zout.pos < zout.size)) break;
    }
  }
  if (zstd_left != 0) return Failed("decompress", "the compressed stream is incomplete");
  if (in.peek() != std::char_traits<char>::eof()) return Failed("damaged", "data after the final record");
  return Status::Ok();
}

StatusOr<std::string> FileSha256(const std::string& path, uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  crypto::Sha256 sha;
  std::string buf(1 << 20, '\0');
  uint64_t total = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto got = in.gcount();
    if (got <= 0) break;
    total += static_cast<uint64_t>(got);
    sha.Update(buf.data(), static_cast<size_t>(got));
  }
  if (size) *size = total;
  return sha.HexDigest();
}

}  // namespace salesdb::backup

#include "backup/codec.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace salesdb::backup {
namespace {

std::string TempPath(const std::string& name) {
  static const std::string dir = [] {
    std::string d = std::filesystem::temp_directory_path().string() + "/salesdb-codec-" + std::to_string(::getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

BackupKey Key(unsigned char fill) {
  std::array<unsigned char, 32> k{};
  k.fill(fill);
  return MakeBackupKey(k);
}

std::string Encode(const BackupKey& key, const std::string& plain, const std::string& path) {
  auto file = FileSystem::Posix().Create(path, 0600);
  EXPECT_TRUE(file.ok());
  Encoder enc(key, **file, 3);
  // Uneven writes, so record boundaries fall in odd places.
  for (size_t pos = 0; pos < plain.size(); pos += 70001) {
    EXPECT_TRUE(enc.Write(std::string_view(plain).substr(pos, 70001)).ok());
  }
  EXPECT_TRUE(enc.Finish().ok());
  EXPECT_TRUE((*file)->Close().ok());
  return enc.sha256_hex();
}

Status Decode(const BackupKey& key, const std::string& path, std::string* out) {
  out->clear();
  return DecodeFile(path, key, [&](std::string_view d) {
    out->append(d);
    return Status::Ok();
  }, nullptr);
}

std::string RandomText(size_t n) {
  std::mt19937 rng(7);
  std::string s(n, ' ');
  // Half compressible, half random: the file spans several 1 MiB records.
  for (size_t i = 0; i < n; ++i) s[i] = i % 2 ? static_cast<char>(rng()) : static_cast<char>('a' + (i / 97) % 26);
  return s;
}

void Rewrite(const std::string& path, const std::function<void(std::string&)>& edit) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  edit(data);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

class CodecTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(CodecTest, RoundTripsSmallEmptyAndMultiRecordData) {
  BackupKey key = Key(1);
  for (size_t n : {size_t{0}, size_t{1}, size_t{5000}, size_t{5u << 20}}) {
    std::string plain = RandomText(n);
    std::string path = TempPath("rt.sdbk");
    std::string sha = Encode(key, plain, path);
    uint64_t size = 0;
    auto file_sha = FileSha256(path, &size);
    ASSERT_TRUE(file_sha.ok());
    EXPECT_EQ(*file_sha, sha);
    std::string back;
    Status st = Decode(key, path, &back);
    ASSERT_TRUE(st.ok()) << n << ": " << st.ToString();
    EXPECT_EQ(back, plain) << n;
  }
}

TEST_F(CodecTest, WrongKeyIsNamed) {
  std::string path = TempPath("key.sdbk");
  Encode(Key(1), RandomText(10000), path);
  std::string out;
  Status st = Decode(Key(2), path, &out);
  EXPECT_EQ(st.slug(), "wrong-key") << st.ToString();
  EXPECT_TRUE(out.empty());
}

TEST_F(CodecTest, EveryTruncationIsNamedTruncated) {
  std::string path = TempPath("full.sdbk");
  Encode(Key(1), RandomText(3u << 20), path);
  uint64_t size = 0;
  ASSERT_TRUE(FileSha256(path, &size).ok());
  std::mt19937 rng(3);
  std::vector<uint64_t> cuts = {0, 7, 8, 30, 48, 52, size - 1, size - 17};
  for (int i = 0; i < 20; ++i) cuts.push_back(rng() % size);
  for (uint64_t cut : cuts) {
    std::string cut_path = TempPath("cut.sdbk");
    std::filesystem::copy_file(path, cut_path, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(cut_path, cut);
    std::string out;
    Status st = Decode(Key(1), cut_path, &out);
    EXPECT_FALSE(st.ok()) << "cut at " << cut;
    if (cut >= 8) {
      EXPECT_EQ(st.slug(), "truncated") << "cut at " << cut << ": " << st.ToString();
    }
  }
}

TEST_F(CodecTest, AFlippedBitIsCaughtByAuthentication) {
  std::string path = TempPath("flip.sdbk");
  Encode(Key(1), RandomText(2u << 20), path);
  uint64_t size = 0;
  ASSERT_TRUE(FileSha256(path, &size).ok());
  std::mt19937 rng(5);
  for (int i = 0; i < 30; ++i) {
    std::string flipped = TempPath("flipped.sdbk");
    std::filesystem::copy_file(path, flipped, std::filesystem::copy_options::overwrite_existing);
    uint64_t at = 48 + rng() % (size - 48);  // past magic and key check: stream header and records
    Rewrite(flipped, [&](std::string& d) { d[at] = static_cast<char>(d[at] ^ (1 << (rng() % 8))); });
    std::string out;
    Status st = Decode(Key(1), flipped, &out);
    ASSERT_FALSE(st.ok()) << "flip at " << at;
    EXPECT_TRUE(st.slug() == "damaged" || st.slug() == "truncated") << at << ": " << st.ToString();
  }
}

TEST_F(CodecTest, NotABackupIsNamed) {
  std::string path = TempPath("text.sdbk");
  std::ofstream(path) << "this is not a backup at all, but long enough to have a header of sorts....";
  std::string out;
  EXPECT_EQ(Decode(Key(1), path, &out).slug(), "not-a-backup");
}

TEST_F(CodecTest, KeyIdsAreStableAndDiffer) {
  EXPECT_EQ(Key(1).id, Key(1).id);
  EXPECT_NE(Key(1).id, Key(2).id);
  EXPECT_EQ(Key(1).id.size(), 3u + 16u);
}

}  // namespace
}  // namespace salesdb::backup

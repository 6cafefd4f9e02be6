#include "audit/checkpoints.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/files.h"
#include "security/crypto.h"

namespace salesdb::audit {
namespace {

class CheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = std::filesystem::temp_directory_path() / ("salesdb-cp-" + crypto::RandomToken(6));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(CheckpointsTest, KeyCreatedOnceWith0600AndPublicKeyExported) {
  auto k1 = SigningKey::LoadOrCreate(Path("keys"));
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  struct stat st{};
  ASSERT_EQ(::stat(Path("keys/audit_ed25519.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto k2 = SigningKey::LoadOrCreate(Path("keys"));
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k1->public_key_hex(), k2->public_key_hex());
  auto pub = SigningKey::LoadPublicKey(Path("keys"));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, k1->public_key_hex());
}

TEST_F(CheckpointsTest, KeyReadableByOthersIsRefused) {
  ASSERT_TRUE(SigningKey::LoadOrCreate(Path("keys")).ok());
  ::chmod(Path("keys/audit_ed25519.key").c_str(), 0644);
  EXPECT_EQ(SigningKey::LoadOrCreate(Path("keys")).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointsTest, AppendReadAndVerifySignatures) {
  SigningKey key = SigningKey::FromSeed(std::string(32, 'k'));
  const std::string path = Path("checkpoints.jsonl");
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 10, std::string(64, 'a'), 1000)).ok());
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 25, std::string(64, 'b'), 61000)).ok());
  auto file = ReadCheckpoints(path);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->checkpoints.size(), 2u);
  EXPECT_EQ(file->checkpoints[1].entry_id, 25);
  EXPECT_EQ(CheckCheckpoints(file->checkpoints, key.public_key_hex()), "");
  // Another key's public key does not verify them.
  SigningKey other = SigningKey::FromSeed(std::string(32, 'o'));
  EXPECT_NE(CheckCheckpoints(file->checkpoints, other.public_key_hex()), "");
}

TEST_F(CheckpointsTest, EditedCheckpointIsRejected) {
  SigningKey key = SigningKey::FromSeed(std::string(32, 'k'));
  Checkpoint cp = MakeCheckpoint(key, 10, std::string(64, 'a'), 1000);
  cp.entry_id = 9;  // moved back to hide a truncation
  std::string why = CheckCheckpoints({cp}, key.public_key_hex());
  EXPECT_NE(why.find("bad signature"), std::string::npos) << why;
}

TEST_F(CheckpointsTest, BackwardsCheckpointsAreRejected) {
  SigningKey key = SigningKey::FromSeed(std::string(32, 'k'));
  std::string why = CheckCheckpoints({MakeCheckpoint(key, 10, "a", 1), MakeCheckpoint(key, 5, "b", 2)},
                                     key.public_key_hex());
  EXPECT_NE(why.find("backwards"), std::string::npos) << why;
}

TEST_F(CheckpointsTest, RestoreMarkerDropsCheckpointsOfTheReplacedHistory) {
  SigningKey key = SigningKey::FromSeed(std::string(32, 'k'));
  const std::string path = Path("checkpoints.jsonl");
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 10, "h10", 1)).ok());
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 30, "h30", 2)).ok());
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 20, "h20", 3, /*restore=*/true)).ok());
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 22, "new22", 4)).ok());
  auto file = ReadCheckpoints(path);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->checkpoints.size(), 4u);
  EXPECT_TRUE(file->checkpoints[2].restore);
  // Going back from 30 to 20 is allowed at a restore marker only.
  EXPECT_EQ(CheckCheckpoints(file->checkpoints, key.public_key_hex()), "");
  auto effective = EffectiveCheckpoints(file->checkpoints);
  ASSERT_EQ(effective.size(), 3u);
  EXPECT_EQ(effective[0].entry_id, 10);
  EXPECT_EQ(effective[1].entry_id, 20);
  EXPECT_EQ(effective[2].entry_id, 22);
}

TEST_F(CheckpointsTest, AnOrdinaryCheckpointCannotBeTurnedIntoARestoreMarker) {
  SigningKey key = SigningKey::FromSeed(std::string(32, 'k'));
  Checkpoint cp = MakeCheckpoint(key, 5, "h5", 3);
  cp.restore = true;  // to make the verifier forget later checkpoints
  std::string why = CheckCheckpoints({MakeCheckpoint(key, 10, "h10", 1), cp}, key.public_key_hex());
  EXPECT_NE(why.find("bad signature"), std::string::npos) << why;
}

TEST_F(CheckpointsTest, TornTailIsIgnoredOnReadAndCutBeforeTheNextAppend) {
  SigningKey key = SigningKey::FromSeed(std::string(32, 'k'));
  const std::string path = Path("checkpoints.jsonl");
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 10, "a", 1)).ok());
  {
    std::ofstream out(path, std::ios::app);
    out << R"({"entry_id":20,"ha)";  // a crash mid-append
  }
  auto torn = ReadCheckpoints(path);
  ASSERT_TRUE(torn.ok());
  EXPECT_TRUE(torn->torn_tail);
  EXPECT_EQ(torn->checkpoints.size(), 1u);
  ASSERT_TRUE(AppendCheckpoint(path, MakeCheckpoint(key, 30, "c", 3)).ok());
  auto after = ReadCheckpoints(path);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_FALSE(after->torn_tail);
  ASSERT_EQ(after->checkpoints.size(), 2u);
  EXPECT_EQ(after->checkpoints[1].entry_id, 30);
  EXPECT_EQ(CheckCheckpoints(after->checkpoints, key.public_key_hex()), "");
}

TEST_F(CheckpointsTest, GarbageLineIsAnError) {
  const std::string path = Path("checkpoints.jsonl");
  ASSERT_TRUE(files::WriteAtomic(path, "not json\n", 0600).ok());
  auto r = ReadCheckpoints(path);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
}

TEST_F(CheckpointsTest, MissingFileIsEmpty) {
  auto r = ReadCheckpoints(Path("none.jsonl"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checkpoints.empty());
}

}  // namespace
}  // namespace salesdb::audit

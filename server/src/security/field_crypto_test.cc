#include "security/field_crypto.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "security/crypto.h"

namespace salesdb::security {
namespace {

Key32 RandomKey() {
  Key32 k;
  randombytes_buf(k.data(), k.size());
  return k;
}

class KeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    master_ = RandomKey();
    ring_ = std::make_unique<KeyRing>(master_);
    auto index = ring_->NewKey("index", 1, 0);
    auto data = ring_->NewKey("data", 1, 0);
    ASSERT_TRUE(index.ok() && data.ok());
    keys_ = {*index, *data};
    ASSERT_TRUE(ring_->AddKeys(keys_).ok());
  }
  Key32 master_;
  std::unique_ptr<KeyRing> ring_;
  std::vector<WrappedKey> keys_;
};

TEST_F(KeyRingTest, RoundTripAndNoPlaintextInCiphertext) {
  auto sealed = ring_->Encrypt(1, "contacts", "email", 42, "zhang.wei@example.com");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("zhang"), std::string::npos);
  EXPECT_EQ(sealed->rfind("e1.1.", 0), 0u);
  EXPECT_EQ(ring_->KeyVersionOf(*sealed), 1);
  auto opened = ring_->Decrypt("contacts", "email", 42, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "zhang.wei@example.com");
  // Same value twice: different ciphertexts (random nonces).
  EXPECT_NE(*ring_->Encrypt(1, "contacts", "email", 42, "zhang.wei@example.com"), *sealed);
}

TEST_F(KeyRingTest, AdditionalDataBindsRowColumnTableAndKeyVersion) {
  std::string sealed = *ring_->Encrypt(1, "contacts", "email", 42, "a@b.c");
  EXPECT_EQ(ring_->Decrypt("contacts", "email", 43, sealed).status().code(), StatusCode::kInternal);
  EXPECT_EQ(ring_->Decrypt("contacts", "phone", 42, sealed).status().code(), StatusCode::kInternal);
  EXPECT_EQ(ring_->Decrypt("licenses", "email", 42, sealed).status().code(), StatusCode::kInternal);
  // Claiming another key version in the prefix fails too.
  auto v2 = ring_->NewKey("data", 2, 0);
  ASSERT_TRUE(ring_->AddKeys({*v2}).ok());
  std::string relabelled = "e1.2." + sealed.substr(5);
  EXPECT_FALSE(ring_->Decrypt("contacts", "email", 42, relabelled).ok());
  EXPECT_EQ(ring_->Decrypt("contacts", "email", 42, sealed).value(), "a@b.c");
}

TEST_F(KeyRingTest, EveryFlippedBitIsDetected) {
  std::string sealed = *ring_->Encrypt(1, "activities", "body", 7, "notes");
  for (size_t i = 5; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    if (bad == sealed) continue;
    auto r = ring_->Decrypt("activities", "body", 7, bad);
    EXPECT_FALSE(r.ok()) << "position " << i;
  }
  EXPECT_FALSE(ring_->Decrypt("activities", "body", 7, "notes").ok());  // plaintext is not accepted
  EXPECT_FALSE(ring_->Decrypt("activities", "body", 7, "").ok());
}

// The payload is URL-safe base64 without padding: every length decodes, and the standard alphabet's
// '+' and '/' for '-' and '_' (the same bytes to a lenient decoder) or padding are refused.
TEST_F(KeyRingTest, PayloadsOfEveryLengthOpenAndOnlyTheUrlSafeAlphabet) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string plain(n, 'x');
    auto sealed = ring_->Encrypt(1, "activities", "body", 9, plain);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(ring_->Decrypt("activities", "body", 9, *sealed).value(), plain) << n;
  }
  for (auto [url, standard] : {std::pair{'-', '+'}, std::pair{'_', '/'}}) {
    std::string sealed;
    for (int i = 0; i < 100 && sealed.find(url, 5) == std::string::npos; ++i) {
      sealed = *ring_->Encrypt(1, "activities", "body", 9, "notes");
    }
    ASSERT_NE(sealed.find(url, 5), std::string::npos);
    std::string other = sealed;
    other[other.find(url, 5)] = standard;
    EXPECT_EQ(ring_->Decrypt("activities", "body", 9, other).status().code(), StatusCode::kInternal) << other;
    EXPECT_FALSE(ring_->Decrypt("activities", "body", 9, sealed + "=").ok());
    EXPECT_FALSE(ring_->Decrypt("activities", "body", 9, sealed + "AAAAA").ok());
    EXPECT_EQ(ring_->Decrypt("activities", "body", 9, sealed).value(), "notes");
  }
}

TEST_F(KeyRingTest, WrongMasterKeyCannotOpenTheKeysAndHasAnotherCheckValue) {
  KeyRing other(RandomKey());
  Status s = other.AddKeys(keys_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("wrong master key"), std::string::npos);
  EXPECT_NE(other.KeyCheckValue(), ring_->KeyCheckValue());
  KeyRing same(master_);
  EXPECT_EQ(same.KeyCheckValue(), ring_->KeyCheckValue());
  EXPECT_TRUE(same.AddKeys(keys_).ok());
}

TEST_F(KeyRingTest, BlindIndexIsKeyedStableAndSeparatedByColumn) {
  int64_t a = ring_->BlindIndex("contacts.email", "a@example.com");
  EXPECT_EQ(a, ring_->BlindIndex("contacts.email", "a@example.com"));
  EXPECT_NE(a, ring_->BlindIndex("contacts.phone", "a@example.com"));
  EXPECT_GE(a, 0);
  EXPECT_LT(a, int64_t{1} << 32);
  // Another index key gives other values: the index reveals nothing without the key.
  KeyRing other(RandomKey());
  auto idx = other.NewKey("index", 1, 0);
  ASSERT_TRUE(other.AddKeys({*idx}).ok());
  EXPECT_NE(other.BlindIndex("contacts.email", "a@example.com"), a);
}

TEST(MasterKeyTest, KeyFileMustBe0600AndHoldBase64Of32Bytes) {
  ASSERT_TRUE(crypto::InitCrypto().ok());
  auto dir = std::filesystem::temp_directory_path() / ("salesdb-mk-" + crypto::RandomToken(6));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "master.key").string();
  std::ofstream(path) << NewMasterKeyBase64() << "\n";
  ::chmod(path.c_str(), 0644);
  auto loose = LoadMasterKey({"", path, dir.string()}, false);
  EXPECT_EQ(loose.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(loose.status().message().find("0644"), std::string::npos);
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(LoadMasterKey({"", path, dir.string()}, false).ok());
  std::ofstream(path) << "c2hvcnQ=\n";
  EXPECT_EQ(LoadMasterKey({"", path, dir.string()}, false).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadMasterKey({"not base64!", "", dir.string()}, false).status().code(), StatusCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

TEST(MasterKeyTest, CreatedOnFirstRunOnlyWhenAllowed) {
  ASSERT_TRUE(crypto::InitCrypto().ok());
  auto dir = std::filesystem::temp_directory_path() / ("salesdb-mk-" + crypto::RandomToken(6));
  auto refused = LoadMasterKey({"", "", dir.string()}, false);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("no master key"), std::string::npos);
  auto created = LoadMasterKey({"", "", dir.string()}, true);
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->created);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "keys/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadMasterKey({"", "", dir.string()}, true);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->key, created->key);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace salesdb::security

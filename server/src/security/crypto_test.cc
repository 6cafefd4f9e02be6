#include "security/crypto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace salesdb::crypto {
namespace {

// Nonces come from here: never repeated, also across threads, and the whole buffer is filled.
TEST(RandomBytesTest, DistinctValuesAcrossThreads) {
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::vector<std::string>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string nonce(24, '\0');
        RandomBytes(nonce.data(), nonce.size());
        drawn[t].push_back(nonce);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& list : drawn) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  // Every byte position takes many values (an unfilled tail would stay zero).
  for (size_t pos = 0; pos < 24; ++pos) {
    std::set<char> values;
    for (const auto& n : drawn[0]) values.insert(n[pos]);
    EXPECT_GT(values.size(), 200u) << pos;
  }
}

// More concurrent verifications than hashing slots (one per core) all finish, each with its answer.
TEST(PasswordTest, ConcurrentVerificationsTakeTurnsAndAllAnswer) {
  ASSERT_TRUE(InitCrypto().ok());
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  const int n = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1;
  std::vector<int> answers(n, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      answers[i] = VerifyPassword(*hash, i % 2 ? "correct horse battery staple" : "wrong") ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < n; ++i) EXPECT_EQ(answers[i], i % 2) << i;
}

TEST(Sha256Test, StreamingMatchesTheStandardVectorsAndTheOneShotDigest) {
  Sha256 empty;
  EXPECT_EQ(empty.HexDigest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.Update("a");
  abc.Update("bc");
  EXPECT_EQ(abc.HexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // A digest taken midway leaves the stream going on.
  abc.Update("dbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(abc.HexDigest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string big;
  for (int i = 0; i < 300000; ++i) big += static_cast<char>(i * 31 + (i >> 8));
  Sha256 chunks;
  for (size_t at = 0; at < big.size(); at += 4097) chunks.Update(std::string_view(big).substr(at, 4097));
  EXPECT_EQ(chunks.HexDigest(), Sha256Hex(big));
}

}  // namespace
}  // namespace salesdb::crypto

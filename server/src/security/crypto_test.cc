#include "security/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace salesdb::crypto {
namespace {

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

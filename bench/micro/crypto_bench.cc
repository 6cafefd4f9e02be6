// Per-request and per-login crypto: token hashing runs on every authenticated request; a sealed
// field is opened for every contact e-mail and phone, licence key and activity body shown (about 20
// on a customer's detail page); argon2id runs on every login and sets how many logins a core can
// take per second.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "security/crypto.h"
#include "security/field_crypto.h"

namespace salesdb {
namespace {

void BM_TokenHash(benchmark::State& state) {
  (void)crypto::InitCrypto();
  std::string token = "sdb_" + crypto::RandomToken(32);
  for (auto _ : state) {
    std::string h = crypto::TokenHash(token);
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_TokenHash);

void BM_FieldDecrypt(benchmark::State& state) {
  (void)crypto::InitCrypto();
  security::Key32 master;
  randombytes_buf(master.data(), master.size());
  security::KeyRing ring(master);
  auto data = ring.NewKey("data", 1, 0);
  if (!data.ok() || !ring.AddKeys({*data}).ok()) state.SkipWithError("no data key");
  auto sealed = ring.Encrypt(1, "activities", "body", 123456, "Discussed renewal terms and next steps.");
  if (!sealed.ok()) state.SkipWithError("encrypt failed");
  for (auto _ : state) {
    auto plain = ring.Decrypt("activities", "body", 123456, *sealed);
    if (!plain.ok()) state.SkipWithError("decrypt failed");
    benchmark::DoNotOptimize(plain);
  }
}
BENCHMARK(BM_FieldDecrypt);

void BM_PasswordHash(benchmark::State& state) {
  (void)crypto::InitCrypto();
  for (auto _ : state) {
    auto h = crypto::HashPassword("correct horse battery staple");
    if (!h.ok()) state.SkipWithError("hash failed");
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_PasswordHash)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_PasswordVerify(benchmark::State& state) {
  (void)crypto::InitCrypto();
  auto hash = crypto::HashPassword("correct horse battery staple");
  for (auto _ : state) {
    bool ok = crypto::VerifyPassword(*hash, "correct horse battery staple");
    if (!ok) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_PasswordVerify)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace salesdb

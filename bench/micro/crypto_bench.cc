// Per-request and per-login crypto: token hashing runs on every authenticated request; argon2id
// runs on every login and sets how many logins a core can take per second.
#include <benchmark/benchmark.h>

#include "security/crypto.h"

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

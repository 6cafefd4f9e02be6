// Random numbers that must be unique but need not be secret (request ids).
#pragma once

#include <cstdint>
#include <random>

namespace salesdb {

// A generator per thread, seeded once from the kernel (std::random_device), instead of a getrandom
// system call per number: these are made on every request. Secrets and nonces come from
// security/crypto.h instead.
inline uint64_t UniqueRandom64() {
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    return (uint64_t{device()} << 32) ^ device();
  }());
  return generator();
}

}  // namespace salesdb

// A turn of a counting semaphore for the length of a scope.
#pragma once

#include <semaphore>

namespace salesdb {

// Waits for a free slot of `slots` and gives it back at the end of the scope (C++20 has the
// semaphore but no guard for it).
class SemaphoreTurn {
 public:
  explicit SemaphoreTurn(std::counting_semaphore<>& slots) : slots_(slots) { slots_.acquire(); }
  ~SemaphoreTurn() { slots_.release(); }
  SemaphoreTurn(const SemaphoreTurn&) = delete;
  SemaphoreTurn& operator=(const SemaphoreTurn&) = delete;

 private:
  std::counting_semaphore<>& slots_;
};

}  // namespace salesdb

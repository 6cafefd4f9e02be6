// Maintenance mode: while an online restore replaces the database, every request except the
// operations endpoints answers 503 (the HTTP front end asks Admit() first), and the restore waits
// for the requests admitted before it began to finish. The phase ("replacing the database", …) is
// shown by /readyz. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "base/status.h"

namespace salesdb::monitoring {

class Maintenance {
 public:
  // Admits a request unless maintenance is on; an admitted request is in flight until Release().
  bool Admit();
  void Release();

  // Turns maintenance on (Admit() refuses from now on) and waits until no more than `keep` admitted
  // requests are in flight (the caller's own request). Unavailable, with maintenance off again,
  // when they do not finish within `wait`; FailedPrecondition when maintenance is on already.
  Status Begin(const std::string& phase, int keep, std::chrono::milliseconds wait);
  void SetPhase(const std::string& phase);
  void End();

  bool active() const;
  // The current phase ("" when not in maintenance).
  std::string phase() const;
  int64_t in_flight() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool active_ = false;
  std::string phase_;
  int64_t in_flight_ = 0;
};

}  // namespace salesdb::monitoring

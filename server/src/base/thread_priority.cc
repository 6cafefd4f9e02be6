#include "base/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/log.h"

namespace salesdb {

constexpr int kBackgroundNice = 10;

void RunAtBackgroundPriority() {
  // PRIO_PROCESS with a thread id sets that thread's nice value alone (Linux).
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBackgroundNice) != 0) {
    log::Warn("could not lower a background thread's priority", {{"error", std::string(std::strerror(errno))}});
  }
}

}  // namespace salesdb

// Advisory file locks (flock) between salesdb processes on one machine. The backup folder's
// ".lock" serialises create, prune and restore; "<data_dir>/serve.lock" is held shared by every
// running `serve`, so that `restore` (which needs it exclusively) refuses while a server runs.
// Locks go away with the process, also on kill -9.
#pragma once

#include <string>

#include "base/status.h"

namespace salesdb::backup {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };
  // wait=false: FailedPrecondition at once when another process holds a conflicting lock.
  static StatusOr<FileLock> Acquire(const std::string& path, Mode mode, bool wait);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace salesdb::backup

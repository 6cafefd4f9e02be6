// The file-system seam of the backup pipeline (leveldb's Env in miniature): every byte of a backup
// or manifest is written through it, so that tests can inject a full disk (ENOSPC) or a failing
// fsync without a real small file system. PosixFileSystem is the real thing. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace salesdb::backup {

// A file open for appending. Not thread-safe; one writer at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;  // fsync
  virtual Status Close() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates (truncates) `path` with `mode` (e.g. 0600), regardless of the umask.
  virtual StatusOr<std::unique_ptr<WritableFile>> Create(const std::string& path, int mode) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Removes a file; a missing file is not an error.
  virtual Status Remove(const std::string& path) = 0;
  // fsync of a folder, so that renames inside it survive a crash.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Removes one of the engine's own large work files (snapshots, decoded copies) gently: see the .cc.
  Status RemoveWorkFile(const std::string& path);

  // Writes `data` to `path` atomically and durably: temp file, fsync, rename, folder fsync.
  Status WriteAtomic(const std::string& path, std::string_view data, int mode);

  static FileSystem& Posix();
};

// Names the failure for people: a full disk says so.
Status FileError(const std::string& what, const std::string& path, int err);

}  // namespace salesdb::backup

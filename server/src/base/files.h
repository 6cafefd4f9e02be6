// File helpers for files that matter: written to a temp name, fsynced, renamed, folder fsynced.
#pragma once

#include <string>

#include "base/status.h"

namespace salesdb::files {

// Writes `data` to `path` atomically and durably with the given mode (e.g. 0600).
Status WriteAtomic(const std::string& path, const std::string& data, int mode);
StatusOr<std::string> ReadAll(const std::string& path);
// fsync of a folder, so that a rename inside it survives a crash.
Status SyncDir(const std::string& dir);
// Creates the folder and its parents with the given mode when missing.
Status EnsureDir(const std::string& dir, int mode);
// Free bytes on the file system holding `path`, or an error.
StatusOr<int64_t> FreeBytes(const std::string& path);

}  // namespace salesdb::files

#include "backup/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/files.h"

namespace salesdb::backup {

Status FileError(const std::string& what, const std::string& path, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return ResourceExhausted("disk full: " + what + " " + path + ": " + std::strerror(err));
  }
  return Internal(what + " " + path + ": " + std::strerror(err));
}

namespace {

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return FileError("write", path_, errno);
      }
      done += static_cast<size_t>(n);
    }
    written_ += static_cast<off_t>(data.size());
    WriteBehind();
    return Status::Ok();
  }
  Status Sync() override {
    if (::fsync(fd_) != 0) return FileError("fsync", path_, errno);
    return Status::Ok();
  }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return FileError("close", path_, errno);
    return Status::Ok();
  }

 private:
  // Write-behind: each full window is handed to writeback as soon as it is written, and the window
  // before it is waited for, so a large file never has more than two windows of dirty pages and
  // its final fsync is short. One big fsync at the end would hold up every other fsync on the same
  // ext4 journal meanwhile (the live database's commits); advisory: errors surface in Sync().
  void WriteBehind() {
    constexpr off_t kWindow = 8 << 20;
    if (written_ - started_ < kWindow) return;
    (void)::sync_file_range(fd_, started_, written_ - started_, SYNC_FILE_RANGE_WRITE);
    if (started_ > waited_) {
      (void)::sync_file_range(fd_, waited_, started_ - waited_,
                              SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    }
    waited_ = started_;
    started_ = written_;
  }

  int fd_;
  std::string path_;
  off_t written_ = 0;  // bytes appended
  off_t started_ = 0;  // writeback started for [0, started_)
  off_t waited_ = 0;   // written back for [0, waited_)
};

class PosixFileSystem final : public FileSystem {
 public:
  StatusOr<std::unique_ptr<WritableFile>> Create(const std::string& path, int mode) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return FileError("create", path, errno);
    ::fchmod(fd, static_cast<mode_t>(mode));
    return std::unique_ptr<WritableFile>(new PosixFile(fd, path));
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return FileError("rename", from, errno);
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return FileError("remove", path, errno);
    return Status::Ok();
  }
  Status SyncDir(const std::string& dir) override { return files::SyncDir(dir); }
};

}  // namespace

// Cut down in steps before the unlink, so that the file system frees the blocks in small journal
// transactions: a verification's decoded snapshot (gigabytes, mostly still in the page cache) freed
// at once held the live database's next fsync up for about 100 ms at a million customers. Only for
// the engine's own work files: a reader of the file would see it shrink.
Status FileSystem::RemoveWorkFile(const std::string& path) {
  constexpr off_t kStep = 64 << 20;
  if (int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC); fd >= 0) {
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      for (off_t size = st.st_size; size > kStep;) {
        size -= kStep;
        if (::ftruncate(fd, size) != 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    ::close(fd);
  }
  return Remove(path);
}

Status FileSystem::WriteAtomic(const std::string& path, std::string_view data, int mode) {
  std::string tmp = path + ".tmp";
  auto file = Create(tmp, mode);
  if (!file.ok()) return file.status();
  Status st = (*file)->Append(data);
  if (st.ok()) st = (*file)->Sync();
  Status closed = (*file)->Close();
  if (st.ok()) st = closed;
  if (st.ok()) st = Rename(tmp, path);
  if (!st.ok()) {
    (void)Remove(tmp);
    return st;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return SyncDir(dir.empty() ? "." : dir);
}

FileSystem& FileSystem::Posix() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace salesdb::backup

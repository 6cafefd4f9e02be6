// Helpers for the data-protection tests (protect_*_test.cc): raw SQL against the server's
// database (sqlite3 CLI or libpq), file scans, one-shot server runs, shell commands.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "harness.h"

namespace salesdb::testing {

// Runs `sql` against the server's database; returns the first column of each row, joined by '\n'.
std::string RunSql(const TestServer& server, const std::string& sql);
// Runs a shell command; returns its exit status and output (stdout + stderr).
int Shell(const std::string& cmd, std::string* out = nullptr);
// Runs `salesdb <args>` against the server's database with extra environment ("K=V ..." prefix).
int CliWithEnv(const TestServer& server, const std::string& env, const std::string& args, std::string* out);
// Starts `salesdb serve` on the server's data folder / database with `env` and waits up to 15 s
// for it to exit (it must refuse to start). Returns its exit code, or -100 when it kept running
// (then it is killed); its output in *out.
int ServeExpectingExit(const TestServer& server, const std::vector<std::string>& env, std::string* out,
                       const std::vector<std::string>& args = {});
// Every regular file below `dir`, contents concatenated per file: {path, bytes}.
std::vector<std::pair<std::string, std::string>> ReadTree(const std::string& dir);
std::string ReadFile(const std::string& path);

// The environment of a `salesdb serve` on the server's data folder and database, listening on a
// fresh loopback port, with `extra` ("NAME=value") replacing or adding settings.
std::vector<std::string> ServeEnv(const TestServer& server, const std::vector<std::string>& extra);

// A child process with stdout and stderr in `log`. The destructor stops it (SIGTERM, then SIGKILL).
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::vector<std::string> env, const std::string& log);
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // SIGTERM, wait up to 15 s, then SIGKILL; returns the exit code (-1 when killed or not running).
  int Stop();
  bool running();

 private:
  pid_t pid_ = -1;
};

// A self-signed certificate (also its own CA) for `san` ("IP:127.0.0.1", "DNS:localhost"), written to
// <dir>/<name>.crt and <dir>/<name>.key. Returns false when openssl failed.
bool MakeSelfSignedCert(const std::string& dir, const std::string& name, const std::string& san);

// Calls `ok` every 50 ms until it returns true or about 15 s passed.
bool WaitUntil(const std::function<bool()>& ok);

}  // namespace salesdb::testing

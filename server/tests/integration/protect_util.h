// Helpers for the data-protection tests (protect_*_test.cc): raw SQL against the server's
// database (sqlite3 CLI or libpq), file scans, one-shot server runs, shell commands.
#pragma once

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

}  // namespace salesdb::testing

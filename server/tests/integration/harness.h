// Test harness: a real salesdb server process and an HTTP client for it.
//
// TestServer starts `salesdb serve` (SALESDB_BIN, default build/salesdb) on a free loopback port
// with a fresh data folder; when SALESDB_TEST_PG holds a libpq connection string of a cluster, it
// also creates a fresh database there and points the server at it. The first admin is
// admin@example.com / kAdminPassword. Stop() sends SIGTERM and waits; the destructor stops it too.
#pragma once

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace salesdb::testing {

inline constexpr char kAdminEmail[] = "admin@example.com";
inline constexpr char kAdminPassword[] = "admin-pass-123456";
inline constexpr char kUserPassword[] = "user-pass-1234567";

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::vector<std::string> set_cookies;
  std::string body;
  nlohmann::json json() const;  // null when the body is not JSON
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestServer;

// A client with its own cookie jar and CSRF token. Not thread-safe; one per thread.
class Client {
 public:
  explicit Client(const TestServer& server);
  HttpResponse Get(const std::string& path, const std::map<std::string, std::string>& headers = {});
  HttpResponse Post(const std::string& path, const std::string& body,
                    const std::map<std::string, std::string>& headers = {});
  HttpResponse Post(const std::string& path, const nlohmann::json& body,
                    const std::map<std::string, std::string>& headers = {});
  HttpResponse Patch(const std::string& path, const nlohmann::json& body,
                     const std::map<std::string, std::string>& headers = {});
  HttpResponse Delete(const std::string& path, const std::map<std::string, std::string>& headers = {});
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    std::map<std::string, std::string> headers);
  // Logs in; keeps the session cookie and CSRF token for later calls. Returns the login answer.
  HttpResponse Login(const std::string& email, const std::string& password);
  void UseBearer(const std::string& token) { bearer_ = token; }
  void ForgetCsrf() { csrf_.clear(); }
  const std::string& csrf() const { return csrf_; }

 private:
  std::string base_;
  std::string cookie_;
  std::string csrf_;
  std::string bearer_;
};

// Another instance on a server's database (PostgreSQL), with that server's master key.
struct SameDatabaseAs {
  const TestServer& server;
};

class TestServer {
 public:
  // extra_env: more SALESDB_* settings for this server ("NAME=value").
  explicit TestServer(std::vector<std::string> extra_env = {});
  explicit TestServer(SameDatabaseAs other);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  void Start();
  // SIGTERM, then wait for exit; returns the exit status (-1 if it had to be killed).
  int Stop();
  // Runs `salesdb <args>` against this server's database; returns the exit code, output in *out.
  int Cli(const std::string& args, std::string* out = nullptr) const;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& database_url() const { return database_url_; }
  bool postgres() const { return !database_url_.empty(); }
  pid_t pid() const { return pid_; }
  std::string log_path() const { return data_dir_ + "/server.log"; }

  // Creates a user through the CLI and returns its id.
  int64_t CreateUser(const std::string& email, const std::string& role, const std::string& region = "");

 private:
  std::string binary_;
  std::string data_dir_;
  std::string database_url_;
  std::vector<std::string> extra_env_;
  int port_ = 0;
  pid_t pid_ = -1;
};

int FreePort();
// The sanitizer settings of this test run (ASAN_OPTIONS, ...; `make test-sanitizers`), for the environment
// of the servers it starts, which is otherwise made from scratch.
std::vector<std::string> SanitizerEnv();
// SIGTERM to a child, wait up to 15 s, then SIGKILL; its exit code (-1 when killed). Sets pid to -1.
int StopProcess(pid_t& pid);
// The query-string form of a value (RFC 3986 unreserved characters kept, the rest %XX).
std::string UrlEncode(const std::string& v);
// A customer body that passes validation.
nlohmann::json CustomerBody(const std::string& name, const std::string& region = "east_china");

}  // namespace salesdb::testing

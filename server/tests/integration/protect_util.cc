#include "protect_util.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace salesdb::testing {
namespace {

std::string Binary() {
  const char* bin = std::getenv("SALESDB_BIN");
  return bin ? bin : SALESDB_DEFAULT_BIN;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

int Shell(const std::string& cmd, std::string* out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  int status = pclose(p);
  if (out) *out = output;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string RunSql(const TestServer& server, const std::string& sql) {
  if (!server.postgres()) {
    std::string out;
    int rc = Shell("sqlite3 -cmd '.timeout 10000' " + ShellQuote(server.data_dir() + "/salesdb.db") + " " +
                       ShellQuote(sql),
                   &out);
    if (rc != 0) throw std::runtime_error("sqlite3 failed: " + out);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  PGconn* conn = PQconnectdb(server.database_url().c_str());
  if (PQstatus(conn) != CONNECTION_OK) throw std::runtime_error("cannot reach PostgreSQL");
  PGresult* res = PQexec(conn, sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  std::string out;
  if (st == PGRES_TUPLES_OK) {
    for (int i = 0; i < PQntuples(res); ++i) {
      if (i) out += "\n";
      out += PQgetvalue(res, i, 0);
    }
  }
  std::string err = PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) throw std::runtime_error("SQL failed: " + err);
  return out;
}

int CliWithEnv(const TestServer& server, const std::string& env, const std::string& args, std::string* out) {
  std::string cmd = "SALESDB_DATA_DIR=" + ShellQuote(server.data_dir()) + " ";
  if (server.postgres()) cmd += "SALESDB_DATABASE_URL=" + ShellQuote(server.database_url()) + " ";
  cmd += "SALESDB_LOG_LEVEL=warn " + env + " " + ShellQuote(Binary()) + " " + args;
  return Shell(cmd, out);
}

std::vector<std::string> ServeEnv(const TestServer& server, const std::vector<std::string>& extra) {
  std::vector<std::string> env = {"SALESDB_DATA_DIR=" + server.data_dir(),
                                  "SALESDB_LISTEN=127.0.0.1:" + std::to_string(FreePort()),
                                  "SALESDB_WEB_DIR=" + server.data_dir() + "/no-web",
                                  "SALESDB_BACKUP_INTERVAL_MINUTES=0", "PATH=/usr/bin:/bin"};
  if (server.postgres()) env.push_back("SALESDB_DATABASE_URL=" + server.database_url());
  for (const auto& e : SanitizerEnv()) env.push_back(e);
  for (const auto& e : extra) {  // later settings replace the defaults above
    std::string name = e.substr(0, e.find('='));
    std::erase_if(env, [&](const std::string& d) { return d.rfind(name + "=", 0) == 0; });
    env.push_back(e);
  }
  return env;
}

int ServeExpectingExit(const TestServer& server, const std::vector<std::string>& extra, std::string* out,
                       const std::vector<std::string>& args) {
  std::string log = server.data_dir() + "/refused-" + std::to_string(getpid()) + ".log";
  std::vector<std::string> env = ServeEnv(server, extra);
  std::vector<std::string> argv = {Binary(), "serve"};
  for (const auto& a : args) argv.push_back(a);
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> envp, av;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    for (auto& a : argv) av.push_back(a.data());
    av.push_back(nullptr);
    FILE* f = freopen(log.c_str(), "w", stdout);
    (void)f;
    dup2(fileno(stdout), fileno(stderr));
    execve(argv[0].c_str(), av.data(), envp.data());
    _exit(127);
  }
  int status = 0, code = -100;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (code == -100) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  if (out) *out = ss.str();
  return code;
}

std::vector<std::pair<std::string, std::string>> ReadTree(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.emplace_back(e.path().string(), ss.str());
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> env, const std::string& log) {
  fflush(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> envp, av;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    for (auto& a : argv) av.push_back(a.data());
    av.push_back(nullptr);
    FILE* f = freopen(log.c_str(), "a", stdout);
    (void)f;
    dup2(fileno(stdout), fileno(stderr));
    execve(argv[0].c_str(), av.data(), envp.data());
    _exit(127);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ChildProcess::Stop() {
  if (pid_ <= 0) return -1;
  return StopProcess(pid_);
}

bool MakeSelfSignedCert(const std::string& dir, const std::string& name, const std::string& san) {
  std::string out;
  return Shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=salesdb-test"
               " -addext " + ShellQuote("subjectAltName=" + san) + " -keyout " + ShellQuote(dir + "/" + name + ".key") +
               " -out " + ShellQuote(dir + "/" + name + ".crt"),
               &out) == 0;
}

bool WaitUntil(const std::function<bool()>& ok) {
  for (int i = 0; i < 300; ++i) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace salesdb::testing

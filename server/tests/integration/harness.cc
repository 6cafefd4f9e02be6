#include "harness.h"

#include <algorithm>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

namespace salesdb::testing {
namespace {

size_t WriteBody(char* ptr, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * n);
  return size * n;
}

size_t WriteHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* resp = static_cast<HttpResponse*>(user);
  std::string line(ptr, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    if (name == "set-cookie") resp->set_cookies.push_back(value);
    resp->headers[name] = value;
  }
  return size * n;
}

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(getpid());
}

}  // namespace

nlohmann::json HttpResponse::json() const { return nlohmann::json::parse(body, nullptr, false); }

std::vector<std::string> SanitizerEnv() {
  std::vector<std::string> env;
  for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  return env;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

nlohmann::json CustomerBody(const std::string& name, const std::string& region) {
  return {{"name", name}, {"region", region}, {"industry", "internet"}, {"tier", "key"}, {"status", "lead"}};
}

Client::Client(const TestServer& server) : base_(server.base_url()) {}

HttpResponse Client::Send(const std::string& method, const std::string& path, const std::string& body,
                          std::map<std::string, std::string> headers) {
  HttpResponse resp;
  CURL* curl = curl_easy_init();
  std::string url = base_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &resp);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    if (!headers.count("Content-Type") && !body.empty()) headers["Content-Type"] = "application/json";
  }
  if (!cookie_.empty() && !headers.count("Cookie")) headers["Cookie"] = cookie_;
  if (!csrf_.empty() && !headers.count("X-CSRF-Token")) headers["X-CSRF-Token"] = csrf_;
  if (!bearer_.empty() && !headers.count("Authorization")) headers["Authorization"] = "Bearer " + bearer_;
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) resp.status = 0;
  return resp;
}

HttpResponse Client::Get(const std::string& path, const std::map<std::string, std::string>& h) {
  return Send("GET", path, "", h);
}
HttpResponse Client::Post(const std::string& path, const std::string& body, const std::map<std::string, std::string>& h) {
  return Send("POST", path, body, h);
}
HttpResponse Client::Post(const std::string& path, const nlohmann::json& body,
                          const std::map<std::string, std::string>& h) {
  return Send("POST", path, body.dump(), h);
}
HttpResponse Client::Patch(const std::string& path, const nlohmann::json& body,
                           const std::map<std::string, std::string>& h) {
  return Send("PATCH", path, body.dump(), h);
}
HttpResponse Client::Delete(const std::string& path, const std::map<std::string, std::string>& h) {
  return Send("DELETE", path, "", h);
}

HttpResponse Client::Login(const std::string& email, const std::string& password) {
  cookie_.clear();
  csrf_.clear();
  HttpResponse r = Post("/api/v1/auth/login", nlohmann::json{{"email", email}, {"password", password}});
  for (const auto& c : r.set_cookies) {
    auto semi = c.find(';');
    cookie_ = c.substr(0, semi);
  }
  auto j = r.json();
  if (r.status == 200 && j.is_object() && j["csrf_token"].is_string()) csrf_ = j["csrf_token"];
  return r;
}

TestServer::TestServer(std::vector<std::string> extra_env) : extra_env_(std::move(extra_env)) {
  const char* bin = std::getenv("SALESDB_BIN");
  binary_ = bin ? bin : SALESDB_DEFAULT_BIN;
  data_dir_ = std::filesystem::temp_directory_path() / ("salesdb-it-" + RandomSuffix());
  std::filesystem::create_directories(data_dir_);
  if (const char* pg = std::getenv("SALESDB_TEST_PG"); pg && *pg) {
    std::string db = "salesdb_it_" + RandomSuffix();
    PGconn* conn = PQconnectdb((std::string(pg) + " dbname=postgres").c_str());
    if (PQstatus(conn) != CONNECTION_OK) throw std::runtime_error("cannot reach SALESDB_TEST_PG");
    PGresult* res = PQexec(conn, ("CREATE DATABASE " + db).c_str());
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    PQfinish(conn);
    if (!ok) throw std::runtime_error("CREATE DATABASE failed");
    database_url_ = std::string(pg) + " dbname=" + db;
  }
  Start();
}

TestServer::TestServer(SameDatabaseAs other) : database_url_(other.server.database_url()) {
  binary_ = other.server.binary_;
  data_dir_ = std::filesystem::temp_directory_path() / ("salesdb-it-" + RandomSuffix());
  std::filesystem::create_directories(data_dir_);
  extra_env_.push_back("SALESDB_MASTER_KEY_FILE=" + other.server.data_dir() + "/keys/master.key");
  Start();
}

TestServer::~TestServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

void TestServer::Start() {
  port_ = FreePort();
  std::vector<std::string> env = {"SALESDB_DATA_DIR=" + data_dir_,
                                  "SALESDB_LISTEN=127.0.0.1:" + std::to_string(port_),
                                  "SALESDB_ADMIN_EMAIL=" + std::string(kAdminEmail),
                                  "SALESDB_ADMIN_PASSWORD=" + std::string(kAdminPassword),
                                  "SALESDB_WEB_DIR=" + data_dir_ + "/no-web",
                                  "SALESDB_THREADS=8",
                                  "PATH=/usr/bin:/bin"};
  if (!database_url_.empty()) env.push_back("SALESDB_DATABASE_URL=" + database_url_);
  // No scheduled backups unless a test asks for them: they would compete with every suite for CPU.
  bool interval_given = std::any_of(extra_env_.begin(), extra_env_.end(), [](const std::string& e) {
    return e.rfind("SALESDB_BACKUP_INTERVAL_MINUTES=", 0) == 0;
  });
  if (!interval_given) env.push_back("SALESDB_BACKUP_INTERVAL_MINUTES=0");
  for (const auto& e : SanitizerEnv()) env.push_back(e);
  for (const auto& e : extra_env_) env.push_back(e);
  fflush(nullptr);  // else the child would write our buffered output a second time
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string log = log_path();
    FILE* f = freopen(log.c_str(), "a", stdout);
    (void)f;
    dup2(fileno(stdout), fileno(stderr));
    execle(binary_.c_str(), binary_.c_str(), "serve", nullptr, envp.data());
    _exit(127);
  }
  Client c(*this);
  for (int i = 0; i < 300; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("salesdb exited during start; see " + log_path());
    }
    if (c.Get("/readyz").status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("salesdb not ready after 15 s");
}

int StopProcess(pid_t& pid) {
  kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  pid = -1;
  return -1;
}

std::string UrlEncode(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

int TestServer::Stop() {
  if (pid_ <= 0) return 0;
  return StopProcess(pid_);
}

int TestServer::Cli(const std::string& args, std::string* out) const {
  std::string cmd = "SALESDB_DATA_DIR='" + data_dir_ + "' ";
  if (!database_url_.empty()) cmd += "SALESDB_DATABASE_URL='" + database_url_ + "' ";
  for (const auto& e : extra_env_) {
    auto eq = e.find('=');
    cmd += e.substr(0, eq + 1) + "'" + e.substr(eq + 1) + "' ";
  }
  cmd += "SALESDB_LOG_LEVEL=warn '" + binary_ + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  int status = pclose(p);
  if (out) *out = output;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int64_t TestServer::CreateUser(const std::string& email, const std::string& role, const std::string& region) {
  std::string out;
  std::string args = "user create --email " + email + " --name 'Test User' --role " + role +
                     " --password " + kUserPassword;
  if (!region.empty()) args += " --region " + region;
  if (Cli(args, &out) != 0) throw std::runtime_error("user create failed: " + out);
  // "created user <id> ..."
  return std::stoll(out.substr(out.find("created user ") + 13));
}

}  // namespace salesdb::testing

#include "base/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

namespace salesdb {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("salesdb-config-" + std::to_string(std::random_device{}()) + ".toml");
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    for (const auto& name : set_) unsetenv(name.c_str());
  }
  std::string Toml(const std::string& text) {
    std::ofstream(path_) << text;
    return path_.string();
  }
  void Env(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }
  std::filesystem::path path_;
  std::vector<std::string> set_;
};

TEST_F(ConfigTest, DefaultsAreValid) {
  Config c;
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.SqlitePath(), "./data/salesdb.db");
  EXPECT_EQ(c.EffectiveBackupDir(), "./data/backups");
  EXPECT_FALSE(c.IsPostgres());
}

// Workers beyond 16 wait for their commits, not for reads: they add no read connections.
TEST_F(ConfigTest, ReadConnectionsCoverTheIoThreadsAndSixteenWorkers) {
  Config c;
  c.io_threads = 4;
  EXPECT_EQ(c.EffectiveThreads(), 64);
  EXPECT_EQ(c.ReadConnections(), 4 + 16);
  c.threads = 8;
  EXPECT_EQ(c.ReadConnections(), 4 + 8);
}

TEST_F(ConfigTest, TomlThenEnvironmentLaterWins) {
  Config c;
  ASSERT_TRUE(c.LoadToml(Toml(R"(
data_dir = "/srv/salesdb"
listen = "0.0.0.0:9000"
threads = 4
io_threads = 3
[auth]
session_idle_minutes = 10
login_max_failures = 7
[log]
level = "warn"
[http]
max_body_bytes = 2048
)")).ok());
  EXPECT_EQ(c.data_dir, "/srv/salesdb");
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.io_threads, 3);
  EXPECT_EQ(c.ReadConnections(), 7);
  EXPECT_EQ(c.session_idle_minutes, 10);
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_EQ(c.max_body_bytes, 2048);
  Env("SALESDB_LISTEN", "127.0.0.1:9100");
  Env("SALESDB_SESSION_IDLE_MINUTES", "5");
  Env("SALESDB_DATABASE_URL", "postgresql://u@localhost/salesdb");
  Env("SALESDB_LOG_LEVEL", "");  // empty: not set
  ASSERT_TRUE(c.LoadEnv().ok());
  EXPECT_EQ(c.listen, "127.0.0.1:9100");
  EXPECT_EQ(c.session_idle_minutes, 5);
  EXPECT_EQ(c.login_max_failures, 7);  // from TOML, untouched by the environment
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_TRUE(c.IsPostgres());
  EXPECT_TRUE(c.Validate().ok());
}

TEST_F(ConfigTest, TlsRedirectAndOutboundCaFile) {
  Config c;
  ASSERT_TRUE(c.LoadToml(Toml(R"(
[tls]
cert = "/etc/salesdb/tls.crt"
key = "/etc/salesdb/tls.key"
redirect_http = "0.0.0.0:80"
)")).ok());
  EXPECT_EQ(c.tls_redirect_http, "0.0.0.0:80");
  Env("SALESDB_TLS_OUTBOUND_CA_FILE", path_.string());  // any readable file
  Env("SALESDB_TLS_REDIRECT_HTTP", "127.0.0.1:8081");
  ASSERT_TRUE(c.LoadEnv().ok());
  EXPECT_EQ(c.tls_redirect_http, "127.0.0.1:8081");
  EXPECT_EQ(c.tls_outbound_ca_file, path_.string());
  EXPECT_TRUE(c.Validate().ok());
}

// Each way a setting can be wrong stops with a message that names the key.
TEST_F(ConfigTest, BadValuesNameTheKey) {
  struct Case {
    std::string toml, key;
  };
  for (const Case& k : std::vector<Case>{
           {"threads = \"many\"", "threads"},
           {"threads = -1", "threads"},
           {"threads = 1.5", "threads"},
           {"io_threads = \"four\"", "io_threads"},
           {"[auth]\nsession_idle_minutes = \"x\"", "auth.session_idle_minutes"},
           {"insecure_http = \"maybe\"", "insecure_http"},
           {"[http]\nmax_body_bytes = \"1MB\"", "http.max_body_bytes"},
           {"listn = \"127.0.0.1:1\"", "listn"},
           {"[auth]\nsession_idle_minute = 5", "auth.session_idle_minute"},
           {"[tls]\ncert = \"a\"\nkee = \"b\"", "tls.kee"},
       }) {
    Config c;
    Status s = c.LoadToml(Toml(k.toml));
    ASSERT_FALSE(s.ok()) << k.toml;
    EXPECT_NE(s.message().find("config " + k.key), std::string::npos) << k.toml << " → " << s.message();
  }
  Config c;
  Status broken = c.LoadToml(Toml("listen = "));
  EXPECT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find(path_.string()), std::string::npos);
  EXPECT_FALSE(c.LoadToml("/nonexistent/salesdb.toml").ok());
}

TEST_F(ConfigTest, ValidateNamesTheKey) {
  struct Case {
    std::function<void(Config&)> set;
    std::string key;
  };
  for (const Case& k : std::vector<Case>{
           {[](Config& c) { c.data_dir = ""; }, "data_dir"},
           {[](Config& c) { c.listen = "nohost"; }, "listen"},
           {[](Config& c) { c.listen = "127.0.0.1:70000"; }, "listen"},
           {[](Config& c) { c.database_url = "mysql://x"; }, "database_url"},
           {[](Config& c) { c.threads = 1000; }, "threads"},
           {[](Config& c) { c.io_threads = 65; }, "io_threads"},
           {[](Config& c) { c.log_level = "loud"; }, "log.level"},
           {[](Config& c) { c.tls_cert = "cert.pem"; }, "tls.cert"},
           {[](Config& c) { c.session_idle_minutes = 0; }, "auth.session_idle_minutes"},
           {[](Config& c) { c.session_absolute_hours = 0; }, "auth.session_absolute_hours"},
           {[](Config& c) { c.login_max_failures = 0; }, "auth.login_max_failures"},
           {[](Config& c) { c.login_lockout_minutes = 0; }, "auth.login_lockout_minutes"},
           {[](Config& c) { c.login_lockout_minutes = 1'000'000'000; }, "auth.login_lockout_minutes"},
           {[](Config& c) { c.login_ip_max_failures = 0; }, "auth.login_ip_max_failures"},
           {[](Config& c) { c.login_ip_window_minutes = 0; }, "auth.login_ip_window_minutes"},
           {[](Config& c) { c.max_body_bytes = 10; }, "http.max_body_bytes"},
           {[](Config& c) { c.max_body_bytes = (16 << 20) + 1; }, "http.max_body_bytes"},
           {[](Config& c) { c.tls_redirect_http = "0.0.0.0:80"; }, "tls.redirect_http"},  // no TLS to redirect to
           {[](Config& c) {
              c.tls_cert = "cert.pem";
              c.tls_key = "key.pem";
              c.tls_redirect_http = "0.0.0.0";
            },
            "tls.redirect_http"},
           {[](Config& c) { c.tls_outbound_ca_file = "/nonexistent/ca.pem"; }, "tls.outbound_ca_file"},
       }) {
    Config c;
    k.set(c);
    Status s = c.Validate();
    ASSERT_FALSE(s.ok()) << k.key;
    EXPECT_NE(s.message().find("config " + k.key), std::string::npos) << s.message();
  }
  // Environment values are checked as they are read.
  Env("SALESDB_THREADS", "eight");
  Config c;
  Status s = c.LoadEnv();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("threads"), std::string::npos);
}

TEST_F(ConfigTest, ParseListen) {
  EXPECT_EQ(ParseListen("127.0.0.1:8080").value(), (std::pair<std::string, uint16_t>{"127.0.0.1", 8080}));
  EXPECT_EQ(ParseListen("[::1]:0").value(), (std::pair<std::string, uint16_t>{"::1", 0}));
  for (const char* bad : {"", ":80", "host", "host:", "host:-1", "host:65536", "host:80x"}) {
    EXPECT_FALSE(ParseListen(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace salesdb

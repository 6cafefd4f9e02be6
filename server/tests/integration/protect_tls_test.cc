// Data protection (issue 4), TLS: HTTPS only with TLS 1.2+, Secure __Host- cookies and security
// headers, no plain HTTP on a public address, the plain-HTTP → HTTPS redirect listener, and
// outbound HTTPS (S3 off-site copies) that verifies certificates. Runs on SQLite, and on PostgreSQL
// when SALESDB_TEST_PG is set.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "harness.h"
#include "protect_util.h"

namespace salesdb::testing {
namespace {

std::string Binary() { return std::getenv("SALESDB_BIN") ? std::getenv("SALESDB_BIN") : SALESDB_DEFAULT_BIN; }

// `salesdb serve` with a self-signed certificate on the data folder and database of `base` (stopped).
class HttpsServer {
 public:
  HttpsServer(const TestServer& base, const std::vector<std::string>& extra_env = {},
              const std::vector<std::string>& args = {})
      : port_(FreePort()) {
    const std::string& dir = base.data_dir();
    if (!std::filesystem::exists(dir + "/tls.crt")) MakeSelfSignedCert(dir, "tls", "IP:127.0.0.1,DNS:localhost");
    std::vector<std::string> env = {"SALESDB_LISTEN=127.0.0.1:" + std::to_string(port_),
                                    "SALESDB_TLS_CERT=" + dir + "/tls.crt", "SALESDB_TLS_KEY=" + dir + "/tls.key"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<std::string> argv = {Binary(), "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    log_ = dir + "/https-server.log";
    process_ = std::make_unique<ChildProcess>(argv, ServeEnv(base, env), log_);
    std::string out;
    up_ = WaitUntil([&] {
      return Shell("curl -sk -o /dev/null -w '%{http_code}' " + url() + "/livez", &out) == 0 && out == "200";
    });
  }
  bool up() const { return up_; }
  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return ReadFile(log_); }
  int Stop() { return process_->Stop(); }

 private:
  int port_;
  std::string log_;
  std::unique_ptr<ChildProcess> process_;
  bool up_ = false;
};

// The header lines of a `curl -D -` answer, with the status line first.
std::string HeaderLine(const std::string& headers, const std::string& name) {
  size_t at = headers.find(name + ":");
  return at == std::string::npos ? "" : headers.substr(at, headers.find('\n', at) - at);
}

TEST(ProtectTls, Tls12PlusOnlySecureHostCookiesHstsAndNoPlainHttpInPublic) {
  TestServer base;  // for its data folder and database
  base.Stop();
  std::string out;
  {
    HttpsServer https(base);
    ASSERT_TRUE(https.up()) << https.log();
    // TLS 1.1 refused even by a client willing to speak it; TLS 1.3 and 1.2 work.
    EXPECT_NE(Shell("openssl s_client -connect " + https.target() + " -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null",
                    &out),
              0)
        << out;
    EXPECT_EQ(Shell("openssl s_client -connect " + https.target() + " -tls1_3 </dev/null", &out), 0) << out;
    EXPECT_NE(out.find("TLSv1.3"), std::string::npos) << out;
    EXPECT_EQ(Shell("openssl s_client -connect " + https.target() + " -tls1_2 </dev/null", &out), 0) << out;
    // Login over HTTPS: __Host- cookie, Secure, HttpOnly, Path=/, no Domain; HSTS; CSP without inline scripts.
    ASSERT_EQ(Shell("curl -sk -D - -o /dev/null -H 'Content-Type: application/json' -d '{\"email\":\"" +
                        std::string(kAdminEmail) + "\",\"password\":\"" + kAdminPassword + "\"}' " + https.url() +
                        "/api/v1/auth/login",
                    &out),
              0);
    EXPECT_NE(out.find(" 200"), std::string::npos) << out;
    std::string cookie = HeaderLine(out, "Set-Cookie");
    EXPECT_NE(cookie.find("Set-Cookie: __Host-salesdb_session="), std::string::npos) << out;
    EXPECT_NE(cookie.find("Secure"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Domain"), std::string::npos) << cookie;
    EXPECT_NE(out.find("Strict-Transport-Security: max-age="), std::string::npos) << out;
    std::string csp = HeaderLine(out, "Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.substr(csp.find("script-src")).substr(0, 30).find("unsafe"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_NE(out.find("X-Content-Type-Options: nosniff"), std::string::npos);
    EXPECT_NE(out.find("Referrer-Policy: no-referrer"), std::string::npos);
    EXPECT_EQ(https.Stop(), 0);
  }
  // Plain HTTP on a public address is refused at start, also when only redirecting is asked for.
  EXPECT_EQ(ServeExpectingExit(base, {"SALESDB_LISTEN=0.0.0.0:" + std::to_string(FreePort())}, &out), 1) << out;
  EXPECT_NE(out.find("refusing to serve plain HTTP"), std::string::npos) << out;
  EXPECT_EQ(ServeExpectingExit(base, {}, &out, {"--redirect-http", "127.0.0.1:" + std::to_string(FreePort())}), 1)
      << out;
  EXPECT_NE(out.find("config tls.redirect_http: needs tls.cert and tls.key"), std::string::npos) << out;
}

TEST(ProtectTls, PlainHttpListenerOnlyRedirectsToHttps) {
  TestServer base;
  base.Stop();
  int redirect_port = FreePort();
  std::string plain = "http://127.0.0.1:" + std::to_string(redirect_port);
  HttpsServer https(base, {}, {"--redirect-http", "127.0.0.1:" + std::to_string(redirect_port)});
  ASSERT_TRUE(https.up()) << https.log();
  std::string out;
  // Same host, the TLS port, same path and query.
  ASSERT_EQ(Shell("curl -s -D - -o /dev/null '" + plain + "/api/v1/customers?q=a%20b&limit=5'", &out), 0) << out;
  EXPECT_EQ(out.rfind("HTTP/1.1 308", 0), 0u) << out;
  EXPECT_EQ(HeaderLine(out, "Location"), "Location: " + https.url() + "/api/v1/customers?q=a%20b&limit=5\r") << out;
  ASSERT_EQ(Shell("curl -s -D - -o /dev/null -H 'Host: sales.example.test:8080' " + plain + "/customers/7", &out), 0);
  EXPECT_EQ(HeaderLine(out, "Location"),
            "Location: https://sales.example.test:" + std::to_string(https.port()) + "/customers/7\r")
      << out;
  // Nothing else is served: a login is not processed (no cookie, no token, no audit entry), nor the API.
  ASSERT_EQ(Shell("curl -s -D - -H 'Content-Type: application/json' -d '{\"email\":\"" + std::string(kAdminEmail) +
                      "\",\"password\":\"" + kAdminPassword + "\"}' " + plain + "/api/v1/auth/login",
                  &out),
            0);
  EXPECT_EQ(out.rfind("HTTP/1.1 308", 0), 0u) << out;
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos) << out;
  EXPECT_EQ(out.find("csrf_token"), std::string::npos) << out;
  EXPECT_EQ(RunSql(base, "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login'"), "0");
  ASSERT_EQ(Shell("curl -s -o /dev/null -w '%{http_code}' " + plain + "/livez", &out), 0);
  EXPECT_EQ(out, "308");
  // Without a Host header there is nowhere to send the client.
  ASSERT_EQ(Shell("curl -s -o /dev/null -w '%{http_code}' --http1.0 -H 'Host:' " + plain + "/", &out), 0);
  EXPECT_EQ(out, "400");
  // A browser following the redirect lands on the HTTPS server.
  ASSERT_EQ(Shell("curl -sk -L -o /dev/null -w '%{http_code} %{url_effective}' " + plain + "/livez", &out), 0);
  EXPECT_EQ(out, "200 " + https.url() + "/livez");
  EXPECT_EQ(https.Stop(), 0);
  EXPECT_NE(https.log().find("redirecting plain HTTP to HTTPS"), std::string::npos);
}

// s3rver over HTTPS with the certificate <dir>/s3.crt, bucket "backups".
class TlsS3rver {
 public:
  explicit TlsS3rver(const std::string& dir) : dir_(dir + "/s3"), port_(FreePort()) {
    std::filesystem::create_directories(dir_);
    std::string bin = std::string(SALESDB_SOURCE_DIR) + "/tests/s3/node_modules/s3rver/bin/s3rver.js";
    if (!std::filesystem::exists(bin)) throw std::runtime_error("s3rver is not installed: run npm ci in tests/s3");
    log_ = dir + "/s3rver.log";
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/node", bin, "-d", dir_, "-a", "127.0.0.1", "-p", std::to_string(port_),
                                 "--configure-bucket", "backups", "--key", dir + "/s3.key", "--cert", dir + "/s3.crt"},
        std::vector<std::string>{"PATH=/usr/bin:/bin"}, log_);
    up_ = WaitUntil([&] { return ReadFile(log_).find("listening") != std::string::npos; });
  }
  bool up() const { return up_; }
  int port() const { return port_; }
  std::string log() const { return ReadFile(log_); }
  bool Holds(const std::string& name) const {
    return std::filesystem::exists(dir_ + "/backups/salesdb/" + name + "._S3rver_object");
  }

 private:
  std::string dir_;
  int port_;
  std::string log_;
  std::unique_ptr<ChildProcess> process_;
  bool up_ = false;
};

TEST(ProtectTls, OutboundS3CopiesVerifyTheServerCertificate) {
  TestServer server;
  const std::string dir = server.data_dir();
  ASSERT_TRUE(MakeSelfSignedCert(dir, "s3", "DNS:localhost"));
  TlsS3rver s3(dir);
  ASSERT_TRUE(s3.up()) << s3.log();
  auto env = [&](const std::string& host, const std::string& ca_file) {
    std::string e = "SALESDB_BACKUP_S3_ENDPOINT=https://" + host + ":" + std::to_string(s3.port()) +
                    " SALESDB_BACKUP_S3_BUCKET=backups SALESDB_BACKUP_S3_PREFIX=salesdb/"
                    " SALESDB_BACKUP_S3_ACCESS_KEY=S3RVER SALESDB_BACKUP_S3_SECRET_KEY=S3RVER"
                    " SALESDB_BACKUP_OFFSITE_RETRIES=1 SALESDB_BACKUP_OFFSITE_BACKOFF_MS=20";
    if (!ca_file.empty()) e += " SALESDB_TLS_OUTBOUND_CA_FILE=" + ca_file;
    return e;
  };
  auto created = [](const std::string& out) {
    size_t at = out.find("created ");
    return at == std::string::npos ? std::string() : out.substr(at + 8, out.find('\n', at) - at - 8);
  };
  std::string out;
  // A certificate no trusted CA signed: refused, the local backup is kept.
  EXPECT_EQ(CliWithEnv(server, env("localhost", ""), "backup create", &out), 1) << out;
  EXPECT_NE(out.find("off-site copy to s3 failed"), std::string::npos) << out;
  EXPECT_NE(out.find("SSL certificate problem"), std::string::npos) << out;
  std::string refused = std::filesystem::path(created(out)).filename().string();
  ASSERT_FALSE(refused.empty()) << out;
  EXPECT_FALSE(s3.Holds(refused));
  // Trusted through tls.outbound_ca_file, but issued for another host name: refused.
  EXPECT_EQ(CliWithEnv(server, env("127.0.0.1", dir + "/s3.crt"), "backup create", &out), 1) << out;
  EXPECT_NE(out.find("off-site copy to s3 failed"), std::string::npos) << out;
  EXPECT_NE(out.find("subject name"), std::string::npos) << out;
  // Trusted and for this host name: copied and confirmed.
  ASSERT_EQ(CliWithEnv(server, env("localhost", dir + "/s3.crt"), "backup create", &out), 0) << out;
  std::string copied = std::filesystem::path(created(out)).filename().string();
  ASSERT_FALSE(copied.empty()) << out;
  EXPECT_TRUE(s3.Holds(copied)) << out;
  auto manifest = nlohmann::json::parse(ReadFile(created(out) + ".manifest.json"), nullptr, false);
  EXPECT_EQ(manifest["offsite"]["s3"]["status"], "confirmed") << manifest.dump();
  // An unreadable CA file stops the command at start with the key named.
  EXPECT_EQ(CliWithEnv(server, env("localhost", dir + "/missing.pem"), "backup create", &out), 1) << out;
  EXPECT_NE(out.find("config tls.outbound_ca_file"), std::string::npos) << out;
}

}  // namespace
}  // namespace salesdb::testing

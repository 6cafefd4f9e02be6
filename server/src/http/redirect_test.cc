#include "http/redirect.h"

#include <gtest/gtest.h>

namespace salesdb::http {
namespace {

TEST(HttpsRedirectLocation, KeepsHostPathAndQueryAndUsesTheTlsPort) {
  EXPECT_EQ(HttpsRedirectLocation("sales.example.com", 443, "/customers?q=acme&limit=50"),
            "https://sales.example.com/customers?q=acme&limit=50");
  EXPECT_EQ(HttpsRedirectLocation("sales.example.com:80", 8443, "/"), "https://sales.example.com:8443/");
  EXPECT_EQ(HttpsRedirectLocation("127.0.0.1:8080", 8443, "/api/v1/auth/me"), "https://127.0.0.1:8443/api/v1/auth/me");
  EXPECT_EQ(HttpsRedirectLocation("[::1]:8080", 8443, "/livez"), "https://[::1]:8443/livez");
  EXPECT_EQ(HttpsRedirectLocation("[2001:db8::1]", 443, "/x"), "https://[2001:db8::1]/x");
}

TEST(HttpsRedirectLocation, OnlyOriginFormTargetsAreKept) {
  EXPECT_EQ(HttpsRedirectLocation("h.test", 443, "http://evil.test/x"), "https://h.test/");
  EXPECT_EQ(HttpsRedirectLocation("h.test", 443, "//evil.test/x"), "https://h.test/");
  EXPECT_EQ(HttpsRedirectLocation("h.test", 443, "*"), "https://h.test/");
  EXPECT_EQ(HttpsRedirectLocation("h.test", 443, ""), "https://h.test/");
}

TEST(HttpsRedirectLocation, MissingOrMalformedHostIsRefused) {
  for (const char* host : {"", ":8080", "evil.test/x", "a b", "h.test:80x", "h.test:", "[::1", "[zz]:80",
                           "user@h.test", "h.test\r\nSet-Cookie: x=1"}) {
    EXPECT_EQ(HttpsRedirectLocation(host, 443, "/"), std::nullopt) << host;
  }
}

}  // namespace
}  // namespace salesdb::http

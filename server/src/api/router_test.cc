#include "api/router.h"

#include <gtest/gtest.h>

namespace salesdb::api {
namespace {

Handler Named(std::string name) {
  return [name](Request&) -> StatusOr<Response> {
    Response r;
    r.body = name;
    return r;
  };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/customers", Named("list"));
    router_.Add("POST", "/api/v1/customers", Named("create"));
    router_.Add("GET", "/api/v1/customers/{id}", Named("get"));
    router_.Add("PATCH", "/api/v1/customers/{id}", Named("patch"));
    router_.Add("GET", "/api/v1/customers/{id}/timeline", Named("timeline"));
    router_.Add("POST", "/api/v1/licenses/{id}/renew", Named("renew"));
  }
  // The handler's name, "405:<allow>" or "404".
  std::string Route(const std::string& method, const std::string& path, Request* out = nullptr) {
    Request req;
    req.method = method;
    req.path = path;
    Router::Match m = router_.Find(req);
    if (out) *out = req;
    if (m.handler) return (*m.handler)(req).value().body;
    if (!m.allow.empty()) return "405:" + m.allow;
    return "404";
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralsAndTypedIds) {
  Request req;
  EXPECT_EQ(Route("GET", "/api/v1/customers"), "list");
  EXPECT_EQ(Route("POST", "/api/v1/customers"), "create");
  EXPECT_EQ(Route("GET", "/api/v1/customers/42", &req), "get");
  EXPECT_EQ(req.params.at("id"), "42");
  EXPECT_EQ(Route("GET", "/api/v1/customers/42/timeline"), "timeline");
  EXPECT_EQ(Route("POST", "/api/v1/licenses/7/renew", &req), "renew");
  EXPECT_EQ(req.params.at("id"), "7");
  EXPECT_EQ(Route("GET", "/api/v1/customers/999999999999999999"), "get");  // 18 digits
  // Trailing and doubled slashes split to the same segments.
  EXPECT_EQ(Route("GET", "/api/v1/customers/"), "list");
  EXPECT_EQ(Route("GET", "//api//v1/customers"), "list");
}

TEST_F(RouterTest, IdsMustBePositiveWholeNumbers) {
  for (const char* id : {"0", "007", "-1", "abc", "1.5", "1e3", "9999999999999999999", "", " 1", "1 ", "%31"}) {
    EXPECT_EQ(Route("GET", std::string("/api/v1/customers/") + id + "/timeline"), "404") << id;
  }
}

TEST_F(RouterTest, OtherMethodsGet405WithAllow) {
  EXPECT_EQ(Route("DELETE", "/api/v1/customers"), "405:GET, POST");
  EXPECT_EQ(Route("PUT", "/api/v1/customers/3"), "405:GET, PATCH");
  EXPECT_EQ(Route("GET", "/api/v1/licenses/3/renew"), "405:POST");
  EXPECT_EQ(Route("get", "/api/v1/customers"), "405:GET, POST");  // methods are case-sensitive
}

TEST_F(RouterTest, UnknownPathsAre404) {
  EXPECT_EQ(Route("GET", "/api/v1/customerz"), "404");
  EXPECT_EQ(Route("GET", "/api/v1"), "404");
  EXPECT_EQ(Route("GET", "/api/v1/customers/1/timeline/extra"), "404");
  EXPECT_EQ(Route("GET", "/api/v1/customers/{id}"), "404");
}

TEST(SplitPathTest, Segments) {
  EXPECT_EQ(SplitPath("/a/b/c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitPath("a//b/"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(SplitPath("/").empty());
  EXPECT_TRUE(SplitPath("").empty());
}

}  // namespace
}  // namespace salesdb::api

#include "api/json_body.h"

#include <gtest/gtest.h>

namespace salesdb::api {
namespace {

nlohmann::json Obj(const std::string& text) { return ParseObject(text).value(); }

std::vector<std::pair<std::string, std::string>> Errors(const Status& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : s.field_errors()) out.emplace_back(f.field, f.code);
  return out;
}

TEST(JsonBodyTest, ParseObjectAcceptsOnlyOneObjectOfValidUtf8) {
  EXPECT_TRUE(ParseObject("{}").ok());
  EXPECT_TRUE(ParseObject(" {\"a\": \"中文\"} ").ok());
  for (const std::string bad : {"", "{", "[]", "1", "\"s\"", "null", "{} {}", "{\"a\":1,}", "{'a':1}",
                                "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}"}) {
    auto r = ParseObject(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(r.status().field_errors().empty()) << "malformed bodies are 400, not 422";
  }
  // Deep nesting is not an object either, and does not crash the parser.
  EXPECT_FALSE(ParseObject(std::string(50000, '[') + std::string(50000, ']')).ok());
}

TEST(JsonBodyTest, FieldsReadsTypesAndReportsEveryError) {
  nlohmann::json body = Obj(R"({"name":"x","seats":5,"on":true,"tags":["a","b"],"nothing":null})");
  std::string name, nothing = "keep";
  int64_t seats = 0;
  bool on = false;
  std::vector<std::string> tags;
  Status s = Fields(body).Str("name", name, true).Int("seats", seats).Bool("on", on).StrList("tags", tags)
                 .Str("nothing", nothing).Done();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(name, "x");
  EXPECT_EQ(seats, 5);
  EXPECT_TRUE(on);
  EXPECT_EQ(tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(nothing, "");  // null clears an optional string

  nlohmann::json bad = Obj(R"({"name":5,"seats":"5","on":"yes","tags":[1],"extra":1})");
  Status e = Fields(bad).Str("name", name, true).Int("seats", seats).Bool("on", on).StrList("tags", tags)
                 .Str("missing", name, true).Done();
  EXPECT_EQ(e.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Errors(e), (std::vector<std::pair<std::string, std::string>>{
                           {"name", "type"}, {"seats", "type"}, {"on", "type"}, {"tags", "type"},
                           {"missing", "required"}, {"extra", "unknown_field"}}));
}

TEST(JsonBodyTest, NumbersOutOfRange) {
  int64_t wide = 0;
  int narrow = 0;
  EXPECT_FALSE(Fields(Obj(R"({"n":1.5})")).Int("n", wide).Done().ok());
  EXPECT_FALSE(Fields(Obj(R"({"n":1e3})")).Int("n", wide).Done().ok());
  EXPECT_FALSE(Fields(Obj(R"({"n":18446744073709551615})")).Int("n", wide).Done().ok());
  EXPECT_FALSE(Fields(Obj(R"({"n":9223372036854775808})")).Int("n", wide).Done().ok());
  EXPECT_TRUE(Fields(Obj(R"({"n":9223372036854775807})")).Int("n", wide).Done().ok());
  EXPECT_EQ(wide, INT64_MAX);
  EXPECT_TRUE(Fields(Obj(R"({"n":-9223372036854775808})")).Int("n", wide).Done().ok());
  EXPECT_EQ(wide, INT64_MIN);
  EXPECT_FALSE(Fields(Obj(R"({"n":2147483648})")).Int("n", narrow).Done().ok());
  EXPECT_FALSE(Fields(Obj(R"({"n":18446744073709551615})")).Int("n", narrow).Done().ok());
  EXPECT_TRUE(Fields(Obj(R"({"n":-2147483648})")).Int("n", narrow).Done().ok());
  EXPECT_EQ(narrow, INT32_MIN);
}

TEST(JsonBodyTest, StringsWithNulAreRefused) {
  std::string out;
  std::vector<std::string> list;
  EXPECT_FALSE(Fields(Obj(R"({"s":"a\u0000b"})")).Str("s", out).Done().ok());
  EXPECT_FALSE(Fields(Obj(R"({"s":["a\u0000"]})")).StrList("s", list).Done().ok());
  EXPECT_TRUE(Fields(Obj(R"({"s":"tab\there"})")).Str("s", out).Done().ok());
}

TEST(JsonBodyTest, ExpectedVersionFromIfMatchOrBody) {
  auto version = [](const std::string& if_match, const std::string& body) {
    Request req;
    if (!if_match.empty()) req.headers.emplace_back("if-match", if_match);
    nlohmann::json j = Obj(body);
    return ExpectedVersion(req, &j);
  };
  EXPECT_EQ(version("\"v3\"", "{}").value(), 3);
  EXPECT_EQ(version("W/\"v3\"", "{}").value(), 3);
  EXPECT_EQ(version("\"v3.00ab\"", "{}").value(), 3);
  EXPECT_EQ(version("", R"({"version":4})").value(), 4);
  EXPECT_EQ(version("\"v5\"", R"({"version":4})").value(), 5);  // the header wins
  EXPECT_EQ(version("", "{}").value(), 0);
  for (const char* bad : {"v3", "\"3\"", "\"v\"", "\"v-1\"", "\"vx\"", "*", "\"v99999999999999999999\""}) {
    EXPECT_FALSE(version(bad, "{}").ok()) << bad;
  }
  for (const char* bad : {R"({"version":"4"})", R"({"version":0})", R"({"version":-1})", R"({"version":1.5})",
                          R"({"version":18446744073709551615})"}) {
    EXPECT_FALSE(version("", bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace salesdb::api

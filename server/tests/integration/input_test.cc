// Bad input on every POST and PATCH resource, lost updates on every versioned row, and idempotent
// retries: each bad request gets a 4xx problem+json, writes nothing, and the server keeps serving.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "fixtures.h"
#include "protect_util.h"

namespace salesdb::testing {
namespace {

class InputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    admin_ = new Client(*server_);
    ASSERT_EQ(admin_->Login(kAdminEmail, kAdminPassword).status, 200);
    customer_ = CreateCustomer(*admin_, "Input Test Co", "east_china", 0);
  }
  static void TearDownTestSuite() {
    delete admin_;
    delete server_;
    server_ = nullptr;
  }
  // Number of rows the admin sees in a list (≤ 500 in these tests).
  static size_t Count(const std::string& list) {
    HttpResponse r = admin_->Get(list + (list.find('?') == std::string::npos ? "?" : "&") + "limit=500");
    EXPECT_EQ(r.status, 200) << list << ": " << r.body;
    return r.json()["items"].size();
  }
  static TestServer* server_;
  static Client* admin_;
  static int64_t customer_;
};
TestServer* InputTest::server_ = nullptr;
Client* InputTest::admin_ = nullptr;
int64_t InputTest::customer_ = 0;

struct Writable {
  std::string name;
  std::string post_path;    // where rows are created
  std::string list_path;    // where they are counted
  nlohmann::json good;      // a body that creates a row
  std::string typed_field;  // a string field, sent as a number to get a type error
};

std::vector<Writable> Resources(int64_t customer) {
  const std::string c = std::to_string(customer);
  return {
      {"customers", "/api/v1/customers", "/api/v1/customers", CustomerBody("Good Co"), "name"},
      {"contacts", "/api/v1/contacts", "/api/v1/contacts?customer_id=" + c, ContactBody(customer), "name"},
      {"activities", "/api/v1/activities", "/api/v1/activities?customer_id=" + c, ActivityBody(customer), "subject"},
      {"opportunities", "/api/v1/opportunities", "/api/v1/opportunities?customer_id=" + c, OpportunityBody(customer),
       "name"},
      {"licenses", "/api/v1/licenses", "/api/v1/licenses?customer_id=" + c, LicenseBody(customer), "edition"},
      {"users", "/api/v1/users", "/api/v1/users",
       {{"email", "good@example.com"}, {"name", "Good"}, {"role", "viewer"}, {"password", kUserPassword}}, "name"},
      {"tokens", "/api/v1/tokens", "/api/v1/tokens", {{"name", "good"}}, "name"},
  };
}

// The ways a body can be bad, each with the status it must get.
std::vector<std::pair<std::string, std::pair<std::string, long>>> BadBodies(const Writable& w) {
  nlohmann::json wrong_type = w.good;
  wrong_type[w.typed_field] = 12345;
  nlohmann::json unknown = w.good;
  unknown["is_admin"] = true;
  nlohmann::json null_required = w.good;
  null_required[w.typed_field] = nullptr;
  std::string bad_utf8 = w.good.dump();
  bad_utf8.insert(bad_utf8.size() - 1, ",\"x\":\"\xc3\x28\"");
  std::string overlong = w.good.dump();  // "/" encoded in two bytes: not valid UTF-8
  overlong.insert(overlong.size() - 1, ",\"x\":\"\xc0\xaf\"");
  return {
      {"malformed JSON", {"{\"name\": ", 400}},
      {"trailing garbage", {w.good.dump() + "}", 400}},
      {"empty body", {"", 400}},
      {"array", {"[" + w.good.dump() + "]", 400}},
      {"string", {"\"hello\"", 400}},
      {"invalid UTF-8", {bad_utf8, 400}},
      {"overlong UTF-8", {overlong, 400}},
      {"wrong type", {wrong_type.dump(), 422}},
      {"null for a required string", {null_required.dump(), 422}},
      {"unknown field", {unknown.dump(), 422}},
      {"deeply nested", {std::string(100000, '[') + std::string(100000, ']'), 400}},
  };
}

TEST_F(InputTest, BadBodiesOnEveryCreateGetProblemsAndWriteNothing) {
  for (const Writable& w : Resources(customer_)) {
    const size_t before = Count(w.list_path);
    for (const auto& [what, bad] : BadBodies(w)) {
      HttpResponse r = admin_->Send("POST", w.post_path, bad.first, {{"Content-Type", "application/json"}});
      EXPECT_TRUE(IsProblem(r, bad.second)) << w.name << " / " << what;
      if (what == "wrong type" && r.status == 422) {
        EXPECT_EQ(r.json()["errors"][0]["field"], w.typed_field) << w.name;
        EXPECT_EQ(r.json()["errors"][0]["code"], "type") << w.name;
      }
      if (what == "unknown field" && r.status == 422) {
        EXPECT_EQ(r.json()["errors"][0]["field"], "is_admin") << w.name;
        EXPECT_EQ(r.json()["errors"][0]["code"], "unknown_field") << w.name;
      }
    }
    EXPECT_TRUE(IsProblem(admin_->Post(w.post_path, w.good.dump(), {{"Content-Type", "text/plain"}}), 415)) << w.name;
    EXPECT_TRUE(IsProblem(admin_->Post(w.post_path, std::string(2 << 20, ' ')), 413)) << w.name;
    // Just over the 1 MiB limit, as valid JSON.
    nlohmann::json big = w.good;
    big[w.typed_field] = std::string((1 << 20) + 1, 'x');
    EXPECT_TRUE(IsProblem(admin_->Post(w.post_path, big), 413)) << w.name;
    EXPECT_EQ(Count(w.list_path), before) << w.name << ": a bad request wrote a row";
    EXPECT_EQ(admin_->Get("/livez").status, 200);
  }
}

TEST_F(InputTest, BadBodiesOnEveryPatchGetProblemsAndChangeNothing) {
  struct Target {
    std::string name, path, field;
  };
  const int64_t contact = CreateRow(*admin_, "/api/v1/contacts", ContactBody(customer_));
  const int64_t activity = CreateRow(*admin_, "/api/v1/activities", ActivityBody(customer_));
  const int64_t opportunity = CreateRow(*admin_, "/api/v1/opportunities", OpportunityBody(customer_));
  const int64_t license = CreateRow(*admin_, "/api/v1/licenses", LicenseBody(customer_));
  const int64_t customer = CreateCustomer(*admin_, "Patch Target", "east_china", 0);
  const int64_t user = CreateRow(*admin_, "/api/v1/users",
                                 {{"email", "patch@example.com"}, {"name", "P"}, {"role", "viewer"}, {"password", kUserPassword}});
  std::vector<Target> targets = {
      {"customer", "/api/v1/customers/" + std::to_string(customer), "name"},
      {"contact", "/api/v1/contacts/" + std::to_string(contact), "name"},
      {"activity", "/api/v1/activities/" + std::to_string(activity), "subject"},
      {"opportunity", "/api/v1/opportunities/" + std::to_string(opportunity), "name"},
      {"license", "/api/v1/licenses/" + std::to_string(license), "currency"},
      {"user", "/api/v1/users/" + std::to_string(user), "name"},
  };
  auto snapshot = [&](const Target& t) -> std::string {
    if (t.name == "user") {
      for (const auto& u : Items(admin_->Get("/api/v1/users?limit=500"))) {
        if (u["id"] == user) return u.dump();
      }
      return "";
    }
    return admin_->Get(t.path).body;
  };
  const std::map<std::string, std::string> v1 = {{"If-Match", "\"v1\""}, {"Content-Type", "application/json"}};
  for (const Target& t : targets) {
    const std::string before = snapshot(t);
    ASSERT_FALSE(before.empty()) << t.name;
    nlohmann::json good = {{t.field, "x"}};
    for (const auto& [what, bad] : BadBodies({t.name, t.path, t.path, good, t.field})) {
      if (what == "null for a required string") continue;  // on PATCH nothing is required
      HttpResponse r = admin_->Send("PATCH", t.path, bad.first, v1);
      EXPECT_TRUE(IsProblem(r, bad.second)) << t.name << " / " << what;
    }
    EXPECT_TRUE(IsProblem(admin_->Send("PATCH", t.path, "{}", {{"If-Match", "v1"}}), 400)) << t.name << " bad If-Match";
    EXPECT_TRUE(IsProblem(admin_->Send("PATCH", t.path, "{}", {{"If-Match", "\"v-1\""}}), 400)) << t.name;
    EXPECT_TRUE(IsProblem(admin_->Send("PATCH", t.path, "{\"version\":\"1\"}", {}), 422)) << t.name;
    EXPECT_TRUE(IsProblem(admin_->Send("PATCH", t.path, "{\"version\":-3}", {}), 422)) << t.name;
    EXPECT_TRUE(IsProblem(admin_->Send("PATCH", t.path, "{\"version\":1.5}", {}), 422)) << t.name;
    EXPECT_TRUE(IsProblem(admin_->Patch(t.path, {{t.field, std::string(2 << 20, 'y')}}, {{"If-Match", "\"v1\""}}), 413))
        << t.name;
    EXPECT_EQ(snapshot(t), before) << t.name << ": a bad PATCH changed the row";
  }
  EXPECT_EQ(admin_->Get("/livez").status, 200);
}

// 17 MiB is past the largest configurable limit (16 MiB): still read and answered 413
// problem+json, whether sent with a Content-Length or chunked; nothing is written and the server
// goes on serving.
TEST_F(InputTest, SeventeenMebibyteBodiesGet413AndTheServerKeepsServing) {
  size_t before = Count("/api/v1/customers");
  std::string huge(17u << 20, ' ');
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", huge), 413));
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", huge, {{"Transfer-Encoding", "chunked"}}), 413));
  EXPECT_EQ(Count("/api/v1/customers"), before);
  HttpResponse after = admin_->Post("/api/v1/customers", CustomerBody("After The Huge Body Co"));
  EXPECT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(Count("/api/v1/customers"), before + 1);
}

// Numbers out of every range a field or parameter has: a 4xx problem, never a 500 or a stored row.
TEST_F(InputTest, HugeNegativeAndNonNumericNumbers) {
  const std::string c = std::to_string(customer_);
  for (const std::string q : {"limit=0", "limit=-1", "limit=501", "limit=abc", "limit=1e3", "limit=99999999999999999999",
                               "limit=%20", "sort=-", "sort=owner_id%3BDROP", "owner_id=-5",
                               "owner_id=abc", "owner_id=99999999999999999999", "deleted=yes"}) {
    EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/customers?" + q), 422)) << q;
  }
  // Query text that is not UTF-8, or holds NUL, never reaches the database.
  for (const std::string q : {"q=%FF", "q=%00", "q=abc%00def", "region=%C0%AF", "cursor=%00", "industry=%ED%A0%80",
                               "q=%F4%90%80%80", "%FF=1", "q=%ZZ"}) {
    EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/customers?" + q), 400)) << q;
  }
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/contacts?email=%FFa@b.cn"), 400));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/licenses?key=DIFY-%00"), 400));
  for (const std::string list : {"contacts", "activities", "opportunities", "licenses"}) {
    for (const std::string q : {"customer_id=-1", "customer_id=x", "customer_id=99999999999999999999", "limit=0",
                                 "limit=100000", "cursor=garbage"}) {
      EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/" + list + "?" + q), 422)) << list << "?" << q;
    }
  }
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/licenses?expiring_within_days=-1"), 422));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/licenses?expiring_within_days=99999"), 422));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/licenses?expiring_within_days=3651"), 422));
  EXPECT_EQ(admin_->Get("/api/v1/licenses?expiring_within_days=3650").status, 200);
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/activities?user_id=1.5"), 422));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/customers/" + c + "/timeline?limit=0"), 422));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/customers/" + c + "/timeline?limit=-4"), 422));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/customers/" + c + "/timeline?limit=99999"), 422));
  EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/customers/" + c + "/timeline?cursor=yesterday"), 422));
  // Ids that are not ids, or no row: 404, for every resource.
  for (const std::string r : {"customers", "contacts", "activities", "opportunities", "licenses"}) {
    for (const std::string id : {"0", "-1", "abc", "1.5", "99999999999999999999", "999999999999", "%27%20OR%201%3D1"}) {
      EXPECT_TRUE(IsProblem(admin_->Get("/api/v1/" + r + "/" + id), 404)) << r << "/" << id;
    }
  }
  EXPECT_TRUE(IsProblem(admin_->Patch("/api/v1/users/999999999", {{"name", "x"}}, {{"If-Match", "\"v1\""}}), 404));
  EXPECT_TRUE(IsProblem(admin_->Delete("/api/v1/tokens/999999999"), 404));

  // Numbers in bodies: out of range, the wrong kind of number, or larger than 64 bits.
  const size_t licenses = Count("/api/v1/licenses?customer_id=" + c);
  const size_t opportunities = Count("/api/v1/opportunities?customer_id=" + c);
  const size_t customers = Count("/api/v1/customers");
  auto license_with = [&](const char* field, const nlohmann::json& v) {
    nlohmann::json b = LicenseBody(customer_);
    b[field] = v;
    return admin_->Post("/api/v1/licenses", b);
  };
  for (const nlohmann::json& v : {nlohmann::json(-1), nlohmann::json(0), nlohmann::json(1.5), nlohmann::json("10"),
                                  nlohmann::json(9223372036854775807LL), nlohmann::json(18446744073709551615ULL),
                                  nlohmann::json(-9223372036854775807LL - 1), nlohmann::json(1e300)}) {
    EXPECT_TRUE(IsProblem(license_with("seats", v), 422)) << "seats " << v.dump();
  }
  EXPECT_TRUE(IsProblem(license_with("annual_value_minor", 18446744073709551615ULL), 422));
  EXPECT_TRUE(IsProblem(license_with("expires_at", 18446744073709551615ULL), 422));
  EXPECT_TRUE(IsProblem(license_with("customer_id", 18446744073709551615ULL), 422));
  EXPECT_TRUE(IsProblem(license_with("customer_id", 999999999999LL), 422));
  EXPECT_TRUE(IsProblem(license_with("currency", "cny"), 422));
  nlohmann::json opp = OpportunityBody(customer_);
  opp["probability"] = 101;
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/opportunities", opp), 422));
  opp["probability"] = 4294967296LL;  // wider than int
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/opportunities", opp), 422));
  opp["probability"] = 50;
  opp["owner_id"] = 999999999;  // no such user
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/opportunities", opp), 422));
  nlohmann::json cust = CustomerBody("Bad Owner");
  cust["owner_id"] = 999999999;
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", cust), 422));
  cust["owner_id"] = -1;
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", cust), 422));
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/tokens", nlohmann::json{{"name", "t"}, {"expires_in_days", -1}}), 422));
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/tokens", nlohmann::json{{"name", "t"}, {"expires_in_days", 1e9}}), 422));
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/tokens", nlohmann::json{{"name", "t"}, {"expires_in_days", 4294967296LL}}), 422));
  EXPECT_EQ(Count("/api/v1/licenses?customer_id=" + c), licenses);
  EXPECT_EQ(Count("/api/v1/opportunities?customer_id=" + c), opportunities);
  EXPECT_EQ(Count("/api/v1/customers"), customers);
  EXPECT_EQ(admin_->Get("/livez").status, 200);
  EXPECT_EQ(admin_->Get("/readyz").status, 200);
}

// Text the databases cannot store as given: NUL characters in JSON strings, bad UTF-8 in headers
// that are stored (Idempotency-Key, User-Agent).
TEST_F(InputTest, TextTheDatabaseCannotHoldIsRefusedOrCleaned) {
  const size_t before = Count("/api/v1/customers");
  nlohmann::json nul = CustomerBody(std::string("Null\0Byte Ltd", 14));
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", nul), 422));
  nlohmann::json tag = CustomerBody("Tagged");
  tag["tags"] = {std::string("a\0b", 3)};
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", tag), 422));
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/customers", CustomerBody("Key Ltd"), {{"Idempotency-Key", "\xff\xfe"}}), 422));
  EXPECT_EQ(Count("/api/v1/customers"), before);
  // A User-Agent with bytes that are not UTF-8, cut in the middle of a character, still logs in and writes.
  Client odd(*server_);
  std::string agent(299, 'a');
  agent += "\xe4\xb8\xad\xff";
  HttpResponse login = odd.Send("POST", "/api/v1/auth/login",
                                nlohmann::json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump(),
                                {{"User-Agent", agent}});
  EXPECT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(admin_->Post("/api/v1/customers", CustomerBody("Agent Ltd"), {{"User-Agent", agent}}).status, 201);
  std::string out;
  EXPECT_EQ(server_->Cli("audit verify", &out), 0) << out;
}

// SQL metacharacters, quotes, LIKE wildcards and non-Latin text are data: stored and returned
// byte for byte, and found by search as themselves.
TEST_F(InputTest, SqlMetacharactersAreStoredVerbatim) {
  const std::vector<std::string> nasty = {
      "Robert'); DROP TABLE customers;--",
      "100% \"quoted\" _under_ \\back\\slash",
      "a' OR '1'='1",
      "名字; DELETE FROM users WHERE 1=1 /* 注释 */",
      "$1 :name ? @p0 %s {0} \t tab",
  };
  for (const std::string& text : nasty) {
    nlohmann::json body = CustomerBody(text);
    body["notes"] = text;
    body["website"] = text;
    body["tags"] = {"o'brien_100%\\"};
    HttpResponse created = admin_->Post("/api/v1/customers", body);
    ASSERT_EQ(created.status, 201) << text << ": " << created.body;
    const std::string id = std::to_string(created.json()["id"].get<int64_t>());
    HttpResponse got = admin_->Get("/api/v1/customers/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.json()["name"], text);
    EXPECT_EQ(got.json()["notes"], text);
    EXPECT_EQ(got.json()["website"], text);

    nlohmann::json contact = ContactBody(created.json()["id"], text);
    contact["title"] = text;
    int64_t contact_id = CreateRow(*admin_, "/api/v1/contacts", contact);
    EXPECT_EQ(admin_->Get("/api/v1/contacts/" + std::to_string(contact_id)).json()["title"], text);
    nlohmann::json activity = ActivityBody(created.json()["id"], text);
    activity["body"] = text;
    int64_t activity_id = CreateRow(*admin_, "/api/v1/activities", activity);
    EXPECT_EQ(admin_->Get("/api/v1/activities/" + std::to_string(activity_id)).json()["body"], text);

    // Search finds it by its own text, through the URL-encoded query.
    std::string encoded;
    for (unsigned char ch : text) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      encoded += buf;
    }
    HttpResponse found = admin_->Get("/api/v1/customers?q=" + encoded);
    ASSERT_EQ(found.status, 200) << text << ": " << found.body;
    bool seen = false;
    for (const auto& item : Items(found)) seen = seen || item["id"] == created.json()["id"];
    EXPECT_TRUE(seen) << "search did not find " << text;
    // Filters and exact-match lookups take the text as a value too.
    EXPECT_EQ(admin_->Get("/api/v1/customers?industry=" + encoded).status, 200);
    EXPECT_EQ(admin_->Get("/api/v1/contacts?email=" + encoded).json()["items"].size(), 0u);
    EXPECT_EQ(admin_->Get("/api/v1/licenses?key=" + encoded).json()["items"].size(), 0u);
  }
  // The tables are all still there.
  EXPECT_EQ(admin_->Get("/api/v1/users").status, 200);
  EXPECT_GE(Count("/api/v1/customers"), nasty.size());
  std::string out;
  EXPECT_EQ(server_->Cli("audit verify", &out), 0) << out;
}

// PATCH and DELETE with a stale version lose (412 with the current version) and change nothing,
// on every versioned resource; without any version they get 428.
TEST_F(InputTest, LostUpdatePreventedOnEveryResource) {
  const int64_t user = CreateRow(*admin_, "/api/v1/users",
                                 {{"email", "stale@example.com"}, {"name", "S"}, {"role", "viewer"}, {"password", kUserPassword}});
  struct Target {
    std::string name, path;
    nlohmann::json change;
    bool deletable;
  };
  std::vector<Target> targets = {
      {"customer", "/api/v1/customers/" + std::to_string(CreateCustomer(*admin_, "Stale Co", "east_china", 0)),
       {{"status", "active"}}, true},
      {"contact", "/api/v1/contacts/" + std::to_string(CreateRow(*admin_, "/api/v1/contacts", ContactBody(customer_))),
       {{"title", "CEO"}}, true},
      {"activity", "/api/v1/activities/" + std::to_string(CreateRow(*admin_, "/api/v1/activities", ActivityBody(customer_))),
       {{"subject", "Changed"}}, true},
      {"opportunity",
       "/api/v1/opportunities/" + std::to_string(CreateRow(*admin_, "/api/v1/opportunities", OpportunityBody(customer_))),
       {{"stage", "won"}}, true},
      {"license", "/api/v1/licenses/" + std::to_string(CreateRow(*admin_, "/api/v1/licenses", LicenseBody(customer_))),
       {{"seats", 99}}, false},
      {"user", "/api/v1/users/" + std::to_string(user), {{"name", "Changed"}}, false},
  };
  for (const Target& t : targets) {
    HttpResponse first = admin_->Patch(t.path, t.change, {{"If-Match", "\"v1\""}});
    ASSERT_EQ(first.status, 200) << t.name << ": " << first.body;
    EXPECT_EQ(first.json()["version"], 2) << t.name;
    EXPECT_EQ(first.header("etag"), "\"v2\"") << t.name;
    nlohmann::json other = t.change;
    other.begin().value() = t.name == "license" ? nlohmann::json(1) : nlohmann::json("lost");
    if (t.name == "opportunity") other = {{"stage", "lost"}};
    HttpResponse stale = admin_->Patch(t.path, other, {{"If-Match", "\"v1\""}});
    EXPECT_TRUE(IsProblem(stale, 412)) << t.name;
    EXPECT_EQ(stale.json()["type"], "https://salesdb.dev/problems/precondition-failed") << t.name;
    EXPECT_EQ(stale.json()["current_version"], 2) << t.name;
    nlohmann::json in_body = other;
    in_body["version"] = 1;
    EXPECT_TRUE(IsProblem(admin_->Patch(t.path, in_body), 412)) << t.name << " version in body";
    EXPECT_TRUE(IsProblem(admin_->Patch(t.path, other), 428)) << t.name;
    if (t.deletable) {
      EXPECT_TRUE(IsProblem(admin_->Delete(t.path, {{"If-Match", "\"v1\""}}), 412)) << t.name;
      EXPECT_TRUE(IsProblem(admin_->Delete(t.path), 428)) << t.name;
    }
    if (t.name == "license") {
      const std::string renew = t.path + "/renew";
      EXPECT_TRUE(IsProblem(admin_->Post(renew, nlohmann::json{{"expires_at", kJan2027 * 2}, {"version", 1}}), 412));
      EXPECT_TRUE(IsProblem(admin_->Post(t.path + "/revoke", nlohmann::json{{"reason", "x"}, {"version", 1}}), 412));
      EXPECT_TRUE(IsProblem(admin_->Post(t.path + "/revoke", nlohmann::json{{"reason", "x"}}), 428));
    }
    // Nothing changed: the first writer's value stands at version 2.
    if (t.name != "user") {
      HttpResponse now = admin_->Get(t.path);
      EXPECT_EQ(now.json()["version"], 2) << t.name;
      EXPECT_EQ(now.json()[t.change.begin().key()], t.change.begin().value()) << t.name;
      EXPECT_EQ(admin_->Get(t.path, {{"If-None-Match", now.header("etag")}}).status, 304) << t.name;
    }
  }
}

// Two writers racing with the same version: exactly one wins, the other gets 412.
TEST_F(InputTest, ConcurrentPatchesWithOneVersionHaveOneWinner) {
  const std::string path = "/api/v1/activities/" + std::to_string(CreateRow(*admin_, "/api/v1/activities", ActivityBody(customer_)));
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, stale{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Client c(*server_);
      if (c.Login(kAdminEmail, kAdminPassword).status != 200) return other++, void();
      long s = c.Patch(path, {{"subject", "writer " + std::to_string(i)}}, {{"If-Match", "\"v1\""}}).status;
      (s == 200 ? ok : s == 412 ? stale : other)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(stale.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(admin_->Get(path).json()["version"], 2);
}

// Writes that fail inside their transaction (after reading, or at the database) share group-commit
// batches with writes that succeed: each failing one is undone alone (its savepoint), every acknowledged one is kept
// with its audit entry, and the chain still verifies.
TEST_F(InputTest, BatchesOfGoodAndFailingWritesKeepExactlyTheGoodOnes) {
  const int64_t customer = CreateCustomer(*admin_, "Batch Mix Co", "east_china", 0);
  const std::string stale_path =
      "/api/v1/activities/" + std::to_string(CreateRow(*admin_, "/api/v1/activities", ActivityBody(customer)));
  ASSERT_EQ(admin_->Patch(stale_path, {{"subject", "now v2"}}, {{"If-Match", "\"v1\""}}).status, 200);
  constexpr int kThreads = 8, kRounds = 6;
  std::atomic<int> unexpected{0};
  std::mutex mu;
  std::vector<std::pair<int64_t, std::string>> created;  // id, subject
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client c(*server_);
      if (c.Login(kAdminEmail, kAdminPassword).status != 200) return unexpected++, void();
      for (int i = 0; i < kRounds; ++i) {
        const std::string subject = "mix " + std::to_string(t) + "-" + std::to_string(i);
        HttpResponse good = c.Post("/api/v1/activities", ActivityBody(customer, subject));
        if (good.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          created.emplace_back(good.json()["id"].get<int64_t>(), subject);
        } else {
          unexpected++;
        }
        // No such customer: found out after the parent read, inside the transaction.
        if (c.Post("/api/v1/activities", ActivityBody(999999999, "never")).status != 422) unexpected++;
        // A stale version: found out after reading the row.
        if (c.Patch(stale_path, {{"subject", "never"}}, {{"If-Match", "\"v1\""}}).status != 412) unexpected++;
        // A taken email: refused by the database's unique index, which on PostgreSQL aborts what
        // the savepoint does not contain.
        HttpResponse taken = c.Post("/api/v1/users", {{"email", kAdminEmail}, {"name", "Twin"}, {"role", "viewer"},
                                                      {"password", kUserPassword}});
        if (taken.status != 422) unexpected++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(unexpected.load(), 0);
  ASSERT_EQ(created.size(), static_cast<size_t>(kThreads * kRounds));
  EXPECT_EQ(Count("/api/v1/activities?customer_id=" + std::to_string(customer)), created.size() + 1);
  for (const auto& [id, subject] : created) {
    HttpResponse r = admin_->Get("/api/v1/activities/" + std::to_string(id));
    ASSERT_EQ(r.status, 200) << id;
    EXPECT_EQ(r.json()["subject"], subject);
    EXPECT_EQ(r.json()["body"], "Talked about Dify");
  }
  HttpResponse stale = admin_->Get(stale_path);
  EXPECT_EQ(stale.json()["version"], 2);
  EXPECT_EQ(stale.json()["subject"], "now v2");
  HttpResponse audited = admin_->Get("/api/v1/audit?action=activity.create&entity_id=" + std::to_string(created.front().first));
  ASSERT_EQ(audited.status, 200) << audited.body;
  EXPECT_EQ(audited.json()["items"].size(), 1u) << audited.body;
  HttpResponse verified = admin_->Get("/api/v1/audit/verify");
  ASSERT_EQ(verified.status, 200);
  EXPECT_TRUE(verified.json()["problem"].is_null()) << verified.body;
}

// A write that the database itself refuses (here a trigger; in life a constraint that validation
// missed) gets its own 4xx (400) when it is alone in its batch. On PostgreSQL a new row's INSERT travels with
// the batch's next statement, often the next write's, so a refusal loses the batch: each of its writes
// gets 503 with Retry-After and is kept by a retry. Exactly the writes answered 201 exist.
TEST_F(InputTest, AWriteTheDatabaseRefusesLeavesExactlyTheAnsweredOnes) {
  const bool pg = server_->postgres();
  const int64_t customer = CreateCustomer(*admin_, "Refusing Co", "east_china", 0);
  // PostgreSQL: "slow" holds the writer for two seconds, so that the writes sent meanwhile form one batch.
  RunSql(*server_, pg ? "CREATE FUNCTION refuse_activity() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        "IF NEW.subject = 'slow' THEN PERFORM pg_sleep(2); END IF; "
                        "IF NEW.subject = 'refused' THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; "
                        "END IF; RETURN NEW; END $$; CREATE TRIGGER refuse_activity BEFORE INSERT ON activities "
                        "FOR EACH ROW EXECUTE FUNCTION refuse_activity();"
                      : "CREATE TRIGGER refuse_activity BEFORE INSERT ON activities WHEN NEW.subject = 'refused' "
                        "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: refused'); END;");
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/activities", ActivityBody(customer, "refused")), 400));

  constexpr int kWriters = 6;
  std::vector<Client> clients(kWriters + 2, Client(*server_));  // logged in first: a login is a write too
  for (Client& c : clients) ASSERT_EQ(c.Login(kAdminEmail, kAdminPassword).status, 200);
  std::thread slow([&] {
    EXPECT_EQ(clients.back().Post("/api/v1/activities", ActivityBody(customer, "slow")).status, 201);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // "slow" is in the writer
  std::vector<HttpResponse> answers(kWriters + 1);
  std::vector<std::thread> writers;
  for (int i = 0; i <= kWriters; ++i) {  // the last one is refused
    writers.emplace_back([&, i] {
      const std::string subject = i == kWriters ? "refused" : "batched " + std::to_string(i);
      answers[i] = clients[i].Post("/api/v1/activities", ActivityBody(customer, subject));
    });
  }
  for (auto& t : writers) t.join();
  slow.join();

  size_t kept = 1;  // "slow"
  int retried = 0;
  for (int i = 0; i < kWriters; ++i) {
    if (answers[i].status == 201) {
      ++kept;
      continue;
    }
    ASSERT_TRUE(pg) << answers[i].body;  // SQLite runs each statement as it comes
    ASSERT_TRUE(IsProblem(answers[i], 503));
    EXPECT_EQ(answers[i].header("retry-after"), "1");
    ++retried;
    ASSERT_GT(CreateRow(*admin_, "/api/v1/activities", ActivityBody(customer, "batched " + std::to_string(i))), 0);
    ++kept;
  }
  const HttpResponse& refused = answers[kWriters];
  if (pg) {
    // The writes sent while "slow" held the writer formed one batch, which the refusal lost.
    EXPECT_TRUE(IsProblem(refused, 503));
    EXPECT_EQ(retried, kWriters);
  } else {
    EXPECT_TRUE(IsProblem(refused, 400));
  }
  HttpResponse list = admin_->Get("/api/v1/activities?limit=500&customer_id=" + std::to_string(customer));
  ASSERT_EQ(Items(list).size(), kept) << list.body;
  for (const auto& a : Items(list)) EXPECT_NE(a["subject"], "refused");
  RunSql(*server_, pg ? "DROP TRIGGER refuse_activity ON activities; DROP FUNCTION refuse_activity();"
                      : "DROP TRIGGER refuse_activity;");
  HttpResponse verified = admin_->Get("/api/v1/audit/verify");
  ASSERT_EQ(verified.status, 200);
  EXPECT_TRUE(verified.json()["problem"].is_null()) << verified.body;
  EXPECT_EQ(admin_->Post("/api/v1/activities", ActivityBody(customer, "refused")).status, 201);
}

// An Idempotency-Key retry returns the first answer and creates nothing, on every create route,
// also when the retries arrive at the same time.
TEST_F(InputTest, IdempotentRetriesCreateOneRow) {
  int n = 0;
  for (Writable w : Resources(customer_)) {
    if (w.name == "users") w.good["email"] = "idem@example.com";
    const size_t before = Count(w.list_path);
    const std::string key = "idem-" + w.name + "-" + std::to_string(++n);
    HttpResponse first = admin_->Post(w.post_path, w.good, {{"Idempotency-Key", key}});
    ASSERT_EQ(first.status, 201) << w.name << ": " << first.body;
    HttpResponse again = admin_->Post(w.post_path, w.good, {{"Idempotency-Key", key}});
    if (w.name == "tokens") {
      // The answer holds a secret shown once: it is not kept for replays, and a retry makes no new token.
      EXPECT_TRUE(IsProblem(again, 409)) << again.body;
      EXPECT_EQ(again.body.find(first.json()["token"].get<std::string>()), std::string::npos);
      EXPECT_EQ(Count(w.list_path), before + 1);
      continue;
    }
    EXPECT_EQ(again.status, 201) << w.name;
    EXPECT_EQ(again.body, first.body) << w.name;
    EXPECT_EQ(again.header("location"), first.header("location")) << w.name;
    EXPECT_EQ(again.header("idempotent-replayed"), "true") << w.name;
    EXPECT_EQ(Count(w.list_path), before + 1) << w.name;
    // The same key with another body is refused; a key is per user.
    nlohmann::json changed = w.good;
    changed[w.typed_field] = w.name == "licenses" ? "enterprise" : "Changed";
    EXPECT_TRUE(IsProblem(admin_->Post(w.post_path, changed, {{"Idempotency-Key", key}}), 422)) << w.name;
    EXPECT_EQ(Count(w.list_path), before + 1) << w.name;
  }
  EXPECT_TRUE(IsProblem(admin_->Post("/api/v1/activities", ActivityBody(customer_), {{"Idempotency-Key", std::string(201, 'k')}}), 422));
}

TEST_F(InputTest, ConcurrentRequestsWithOneIdempotencyKeyCreateOneRow) {
  const std::string list = "/api/v1/activities?customer_id=" + std::to_string(customer_);
  for (int round = 0; round < 3; ++round) {
    const size_t before = Count(list);
    const std::string key = "concurrent-" + std::to_string(round);
    const nlohmann::json body = ActivityBody(customer_, "Concurrent " + std::to_string(round));
    constexpr int kClients = 6;
    std::vector<HttpResponse> answers(kClients);
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int i = 0; i < kClients; ++i) {
      threads.emplace_back([&, i] {
        Client c = *admin_;  // the same user and session: keys are per user
        ready++;
        while (ready.load() < kClients) std::this_thread::yield();
        answers[i] = c.Post("/api/v1/activities", body, {{"Idempotency-Key", key}});
      });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> bodies;
    for (const auto& a : answers) {
      EXPECT_EQ(a.status, 201) << a.body;
      bodies.insert(a.body);
    }
    EXPECT_EQ(bodies.size(), 1u) << "the racing requests got different rows";
    EXPECT_EQ(Count(list), before + 1);
  }
}

}  // namespace
}  // namespace salesdb::testing

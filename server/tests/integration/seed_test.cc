// `salesdb seed`: the bulk-written demo data has the promised shape, is sealed like any API write
// (opens, exact-match searchable through the blind indexes, no placeholder left), is found by the
// text search, comes out the same on every run, and leaves the ids ready for ordinary writes.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "fixtures.h"
#include "protect_util.h"

namespace salesdb::testing {
namespace {

struct Counts {
  long long customers = 0, contacts = 0, licenses = 0, activities = 0, opportunities = 0;
};

Counts SeedReported(const std::string& out) {
  Counts c;
  size_t at = out.find("seeded ");
  if (at != std::string::npos) {
    std::sscanf(out.c_str() + at, "seeded %lld customers, %lld contacts, %lld licences, %lld activities, %lld opportunities",
                &c.customers, &c.contacts, &c.licenses, &c.activities, &c.opportunities);
  }
  return c;
}

long long Count(const TestServer& s, const std::string& sql) { return std::stoll(RunSql(s, sql)); }

TEST(Seed, WritesSealedSearchableRowsOfTheRightShape) {
  TestServer server;
  std::string out;
  ASSERT_EQ(server.Cli("seed --customers 300", &out), 0) << out;
  Counts reported = SeedReported(out);
  ASSERT_EQ(reported.customers, 300) << out;
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM customers"), 300);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM contacts"), reported.contacts);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM licenses"), reported.licenses);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM activities"), reported.activities);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM opportunities"), reported.opportunities);

  // Shape per customer: 1–2 contacts (one primary), 1–3 licences unless a lead, 1–4 activities,
  // at most one opportunity; a tag row for every tagged customer.
  auto per_customer = [&](const std::string& table, const std::string& bad) {
    return Count(server, "SELECT COUNT(*) FROM customers c WHERE (SELECT COUNT(*) FROM " + table +
                             " x WHERE x.customer_id = c.id) " + bad);
  };
  EXPECT_EQ(per_customer("contacts", "NOT BETWEEN 1 AND 2"), 0);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM contacts WHERE is_primary = 1"), 300);
  EXPECT_EQ(per_customer("activities", "NOT BETWEEN 1 AND 4"), 0);
  EXPECT_EQ(per_customer("opportunities", "> 1"), 0);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM customers c WHERE c.status <> 'lead' AND (SELECT COUNT(*) FROM "
                          "licenses x WHERE x.customer_id = c.id) NOT BETWEEN 1 AND 3"),
            0);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM customers c WHERE c.status = 'lead' AND EXISTS (SELECT 1 FROM "
                          "licenses x WHERE x.customer_id = c.id)"),
            0);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM customers WHERE tags <> ''"),
            Count(server, "SELECT COUNT(*) FROM customer_tags"));
  // Every sealed row is under the active key, with no placeholder left.
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM contacts WHERE key_version <> 1 OR email LIKE 'pending.%' OR "
                          "email_bidx IS NULL OR phone_bidx IS NULL"),
            0);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM licenses WHERE key_version <> 1 OR license_key LIKE 'pending.%' "
                          "OR key_bidx IS NULL"),
            0);
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM activities WHERE key_version <> 1 OR body LIKE 'pending.%'"), 0);

  Client admin(server);
  ASSERT_EQ(admin.Login(kAdminEmail, kAdminPassword).status, 200);
  // The text search (FTS5 / pg_trgm) finds a seeded customer by its number.
  HttpResponse found = admin.Get("/api/v1/customers?q=%23217");
  ASSERT_EQ(found.status, 200) << found.body;
  nlohmann::json items = Items(found);
  ASSERT_EQ(items.size(), 1u) << found.body;
  const int64_t customer = items[0]["id"].get<int64_t>();
  EXPECT_NE(items[0]["name"].get<std::string>().find("#217"), std::string::npos);

  // Sealed fields open, and the exact-match searches find them through the blind indexes.
  HttpResponse contacts = admin.Get("/api/v1/contacts?email=contact1%40example-217.com");
  ASSERT_EQ(contacts.status, 200) << contacts.body;
  ASSERT_EQ(Items(contacts).size(), 1u) << contacts.body;
  EXPECT_EQ(Items(contacts)[0]["customer_id"], customer);
  EXPECT_EQ(Items(contacts)[0]["email"], "contact1@example-217.com");
  std::string phone = Items(contacts)[0]["phone"].get<std::string>();
  EXPECT_TRUE(std::regex_match(phone, std::regex(R"(\+86 13\d{9})"))) << phone;
  EXPECT_EQ(Items(admin.Get("/api/v1/contacts?phone=86" + phone.substr(4))).size(), 1u);  // digits compared

  HttpResponse activities = admin.Get("/api/v1/activities?customer_id=" + std::to_string(customer));
  ASSERT_EQ(activities.status, 200) << activities.body;
  ASSERT_FALSE(Items(activities).empty());
  for (const auto& a : Items(activities)) EXPECT_EQ(a["body"], "Notes from the conversation.");

  HttpResponse licenses = admin.Get("/api/v1/licenses?limit=20");
  ASSERT_EQ(licenses.status, 200) << licenses.body;
  ASSERT_FALSE(Items(licenses).empty());
  for (const auto& l : Items(licenses)) {
    std::string key = l["key"].get<std::string>();
    EXPECT_TRUE(std::regex_match(key, std::regex("DIFY(-[A-HJ-NP-Z2-9]{4}){4}"))) << key;
    HttpResponse by_key = admin.Get("/api/v1/licenses?key=" + key);
    ASSERT_EQ(Items(by_key).size(), 1u) << by_key.body;
    EXPECT_EQ(Items(by_key)[0]["id"], l["id"]);
  }

  // Seeding again appends after the existing rows, and ordinary writes still get fresh ids.
  ASSERT_EQ(server.Cli("seed --customers 20", &out), 0) << out;
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM customers"), 320);
  int64_t created = CreateCustomer(admin, "After The Seed Co", "east_china", 0);
  EXPECT_GT(created, 0);
  EXPECT_GT(CreateRow(admin, "/api/v1/contacts", ContactBody(created)), 0);
  EXPECT_GT(CreateRow(admin, "/api/v1/licenses", LicenseBody(created)), 0);
  EXPECT_GT(CreateRow(admin, "/api/v1/activities", ActivityBody(created)), 0);
  EXPECT_GT(CreateRow(admin, "/api/v1/opportunities", OpportunityBody(created)), 0);
}

TEST(Seed, IsDeterministic) {
  const std::string rows =
      "SELECT c.id || ' ' || c.name || ' ' || c.region || ' ' || c.status || ' ' || c.tier || ' ' || c.owner_id || ' ' "
      "|| (SELECT COUNT(*) FROM contacts x WHERE x.customer_id = c.id) || ' ' || (SELECT COUNT(*) FROM licenses x "
      "WHERE x.customer_id = c.id) || ' ' || (SELECT COUNT(*) FROM activities x WHERE x.customer_id = c.id) "
      "FROM customers c ORDER BY c.id";
  std::string first, second, out;
  {
    TestServer server;
    ASSERT_EQ(server.Cli("seed --customers 120", &out), 0) << out;
    first = RunSql(server, rows);
  }
  {
    TestServer server;
    ASSERT_EQ(server.Cli("seed --customers 120", &out), 0) << out;
    second = RunSql(server, rows);
  }
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace salesdb::testing

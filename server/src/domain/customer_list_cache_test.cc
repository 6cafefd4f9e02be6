// The customer list's cache on a real SQLite store: every write through the store shows in the
// next list at once; a change it cannot see (another process writing the file) shows once the
// cached answer's age runs out; callers of other scopes never share an answer.
#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "domain/services.h"
#include "security/auth_service.h"
#include "security/crypto.h"
#include "storage/sql_query.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

class CustomerListCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    ctx_ = std::make_unique<ServiceContext>(ServiceContext{db_.store(), audit_, clock_});
    customers_ = std::make_unique<CustomerService>(*ctx_);
    auth_ = std::make_unique<AuthService>(*ctx_, AuthSettings{});
    User u;
    u.email = "manager@example.com";
    u.name = "Manager Wang";
    u.role = "sales_manager";
    u.region = "east_china";
    auto created = auth_->CreateUser(Actor::System(), u, "a long enough password 1");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    manager_ = *created;
  }
  int64_t Add(const std::string& name, const std::string& region) {
    Customer c;
    c.name = name;
    c.industry = "software";
    c.region = region;
    c.owner_id = manager_.id;
    auto created = customers_->Create(Actor::System(), c);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->id : 0;
  }
  std::vector<Customer> List(const Actor& actor) {
    CustomerQuery q;
    q.page.sort_field = "updated_at";
    auto page = customers_->List(actor, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? (*page)->items : std::vector<Customer>{};
  }
  Actor Manager() const {
    Actor a;
    a.user_id = manager_.id;
    a.role = manager_.role;
    a.region = manager_.region;
    return a;
  }

  ManualClock clock_{1767225600000};
  AuditLog audit_;
  TestDatabase db_{"list-cache"};
  std::unique_ptr<ServiceContext> ctx_;
  std::unique_ptr<CustomerService> customers_;
  std::unique_ptr<AuthService> auth_;
  User manager_;
};

TEST_F(CustomerListCacheTest, EveryWriteThroughTheStoreShowsInTheNextList) {
  EXPECT_TRUE(List(Actor::System()).empty());
  int64_t id = Add("Alpha Ltd", "east_china");
  auto rows = List(Actor::System());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].owner_name, "Manager Wang");

  Change<Customer> rename{1, [](Customer& c) {
                            c.name = "Alpha Holdings";
                            return Status::Ok();
                          }};
  ASSERT_TRUE(customers_->Update(Actor::System(), id, rename).ok());
  EXPECT_EQ(List(Actor::System())[0].name, "Alpha Holdings");

  // The owner's name is joined in from users: renaming the user is a change the list shows.
  Change<User> user_rename{manager_.meta.version, [](User& u) {
                             u.name = "Manager Li";
                             return Status::Ok();
                           }};
  ASSERT_TRUE(auth_->UpdateUser(Actor::System(), manager_.id, user_rename).ok());
  EXPECT_EQ(List(Actor::System())[0].owner_name, "Manager Li");

  ASSERT_TRUE(customers_->Delete(Actor::System(), id, 2).ok());
  EXPECT_TRUE(List(Actor::System()).empty());
}

TEST_F(CustomerListCacheTest, AChangeNoCounterSeesShowsWhenTheAnswerAgesOut) {
  Add("Beta Ltd", "east_china");
  ASSERT_EQ(List(Actor::System())[0].name, "Beta Ltd");
  // Another process (a CLI) writes the same SQLite file: this store's counters do not see it.
  Config config;
  config.data_dir = db_.dir();
  auto other = Database::Open(config, 1);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)->Write([](soci::session& s) {
                        Query(s, "UPDATE customers SET name = 'Beta Renamed'").Exec();
                        return Status::Ok();
                      }).ok());
  EXPECT_EQ(List(Actor::System())[0].name, "Beta Ltd");  // the cached answer
  clock_.Advance(CustomerService::kListCacheMaxAgeMs);
  EXPECT_EQ(List(Actor::System())[0].name, "Beta Renamed");
}

TEST_F(CustomerListCacheTest, CallersOfAnotherScopeNeverShareAnAnswer) {
  Add("East One", "east_china");
  Add("North One", "north_china");
  EXPECT_EQ(List(Actor::System()).size(), 2u);
  auto mine = List(Manager());
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].name, "East One");
  EXPECT_EQ(List(Actor::System()).size(), 2u);
}

}  // namespace
}  // namespace salesdb

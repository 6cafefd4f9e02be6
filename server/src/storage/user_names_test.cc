// UserNames: the names follow the users table through its change stamp; a user added by another
// process (which the stamp does not count) is named once the names are a second old, a rename by
// one within the minute.
#include "storage/user_names.h"

#include <gtest/gtest.h>

#include "storage/test_database.h"

namespace salesdb {
namespace {

int64_t AddUser(Store& store, const std::string& email, const std::string& name) {
  User u;
  u.email = email;
  u.name = name;
  u.role = "viewer";
  u.password_hash = "x";
  int64_t id = 0;
  Status s = store.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(id, tx.users().Insert(u));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return id;
}

void Rename(Store& store, int64_t id, const std::string& name) {
  Status s = store.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(User u, tx.users().Get(id));
    u.name = name;
    ++u.meta.version;
    return tx.users().Update(u);
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

class UserNamesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(db_.status().ok()) << db_.status().ToString(); }
  std::string NameOf(int64_t id) {
    std::string name = "(unread)";
    Status s = db_.db().Read([&](soci::session& session) {
      name = names_.Of(session, id);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return name;
  }

  TestDatabase db_{"user-names"};
  ManualClock clock_{1'800'000'000'000};
  UserNames names_{db_.db(), clock_};
};

TEST_F(UserNamesTest, FollowTheUsersTable) {
  const int64_t ann = AddUser(db_.store(), "ann@example.com", "Ann");
  EXPECT_EQ(NameOf(ann), "Ann");
  EXPECT_EQ(NameOf(0), "");            // the system
  EXPECT_EQ(NameOf(ann + 1000), "");   // no such user
  Rename(db_.store(), ann, "安娜");
  EXPECT_EQ(NameOf(ann), "安娜");       // no time passed: the stamp moved
  const int64_t bob = AddUser(db_.store(), "bob@example.com", "Bob");
  EXPECT_EQ(NameOf(bob), "Bob");
}

TEST_F(UserNamesTest, ChangesByAnotherProcessShowWithinTheirBounds) {
  const int64_t ann = AddUser(db_.store(), "ann@example.com", "Ann");
  EXPECT_EQ(NameOf(ann), "Ann");
  Config config;
  config.data_dir = db_.dir();
  auto other_db = Database::Open(config, 1);  // another process on the same file, e.g. `salesdb user create`
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  SqlStore other(**other_db);
  const int64_t bob = AddUser(other, "bob@example.com", "Bob");
  Rename(other, ann, "Ann II");

  EXPECT_EQ(NameOf(bob), "");  // the names were just read
  clock_.Advance(1'000);
  EXPECT_EQ(NameOf(bob), "Bob");        // an unknown id reads them again once they are a second old
  EXPECT_EQ(NameOf(ann), "Ann II");     // read with them
  Rename(other, ann, "Ann III");
  clock_.Advance(59'000);
  EXPECT_EQ(NameOf(ann), "Ann II");     // known ids: the names are kept for a minute
  clock_.Advance(1'000);
  EXPECT_EQ(NameOf(ann), "Ann III");
}

}  // namespace
}  // namespace salesdb

// Store::ChangeStamp: a committed write moves the stamp of the tables it changed and no other; a
// write that failed moves nothing; the change notifications' payload reads back.
#include <gtest/gtest.h>

#include "storage/change_listener.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

User NewUser(const std::string& email) {
  User u;
  u.email = email;
  u.name = "Someone";
  u.role = "viewer";
  u.password_hash = "x";
  return u;
}

TEST(ChangeStampTest, ACommittedWriteMovesTheStampOfTheTablesItChangedOnly) {
  TestDatabase db("change-stamp");
  ASSERT_TRUE(db.status().ok()) << db.status().ToString();
  Store& store = db.store();
  auto users = store.ChangeStamp(kUsersTable);
  auto customers = store.ChangeStamp(kCustomersTable);
  ASSERT_TRUE(users && customers);  // SQLite: one process's writer sees every change it makes

  ASSERT_TRUE(store.Write([](Tx& tx) { return tx.users().Insert(NewUser("a@example.com")).status(); }).ok());
  EXPECT_NE(store.ChangeStamp(kUsersTable), users);
  EXPECT_EQ(store.ChangeStamp(kCustomersTable), customers);
  EXPECT_NE(store.ChangeStamp(kUsersTable | kCustomersTable), *users + *customers);

  users = store.ChangeStamp(kUsersTable);
  Status failed = store.Write([](Tx& tx) {
    RETURN_IF_ERROR(tx.users().Insert(NewUser("b@example.com")).status());
    return Aborted("changed my mind");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(store.ChangeStamp(kUsersTable), users);  // rolled back: nothing changed

  store.MarkAllChanged();
  EXPECT_NE(store.ChangeStamp(kUsersTable), users);
  EXPECT_NE(store.ChangeStamp(kCustomersTable), customers);
}

TEST(ChangeStampTest, NotificationPayloadsReadBack) {
  std::string id;
  uint32_t tables = 0;
  ASSERT_TRUE(ParseChangePayload(ChangePayload("0123abcd", kCustomersTable | kUsersTable), &id, &tables));
  EXPECT_EQ(id, "0123abcd");
  EXPECT_EQ(tables, kCustomersTable | kUsersTable);
  EXPECT_TRUE(ParseChangePayload("x 4294967295", &id, &tables));
  EXPECT_EQ(tables, kAllChangedTables);  // bits of tables this version does not know are ignored
  for (const char* bad : {"", "abc", " 3", "id ", "id 3x", "id -1", "id 99999999999"}) {
    EXPECT_FALSE(ParseChangePayload(bad, &id, &tables)) << bad;
  }
}

}  // namespace
}  // namespace salesdb

// The audit log's query indexes live in audit_lookup, filled in batches (migration 0007): queries
// must see every entry, whether already copied there or still only in audit_log.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "storage/repositories.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

class AuditLookupTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(db_.status().ok()) << db_.status().ToString(); }

  // One entry per transaction, as the server writes them; varied so that every filter matters.
  void Append(int n) {
    for (int i = 0; i < n; ++i, ++appended_) {
      const int k = appended_;
      ASSERT_TRUE(db_.store()
                      .Write([&](Tx& tx) {
                        AuditEntry e;
                        e.at = 1'000'000 + k * 10;
                        e.actor_id = k % 3;
                        e.actor_role = "admin";
                        e.ip = k % 2 ? "10.0.0.1" : "10.0.0.2";
                        e.request_id = "req-" + std::to_string((k + 1) / 2);
                        e.action = k % 4 ? "customer.update" : "contact.reveal";
                        e.entity = k % 5 ? "customer" : "contact";
                        e.entity_id = k % 7;
                        e.prev_hash = "p";
                        e.hash = "h" + std::to_string(k);
                        return tx.audit().Insert(e).status();
                      })
                      .ok());
    }
  }

  int64_t Count(const std::string& sql) {
    long long n = -1;
    EXPECT_TRUE(db_.db().Read([&](soci::session& s) {
                      s << sql, soci::into(n);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  std::vector<int64_t> Ids(AuditQuery q) {
    std::vector<AuditEntry> rows;
    EXPECT_TRUE(db_.store()
                    .Read([&](Tx& tx) {
                      ASSIGN_OR_RETURN(rows, tx.audit().Find(q));
                      return Status::Ok();
                    })
                    .ok());
    std::vector<int64_t> ids;
    for (const auto& e : rows) ids.push_back(e.id);
    return ids;
  }

  // What Find must answer, worked out from audit_log alone (ids 1..appended_ by construction).
  std::vector<int64_t> Expected(const AuditQuery& q) {
    std::vector<int64_t> ids;
    for (int k = 0; k < appended_; ++k) {
      const int64_t id = k + 1;
      if (q.actor_id != 0 && k % 3 != q.actor_id) continue;
      if (!q.action.empty() && (k % 4 ? "customer.update" : "contact.reveal") != q.action) continue;
      if (!q.entity.empty() && (k % 5 ? "customer" : "contact") != q.entity) continue;
      if (q.entity_id != 0 && k % 7 != q.entity_id) continue;
      if (!q.ip.empty() && (k % 2 ? "10.0.0.1" : "10.0.0.2") != q.ip) continue;
      if (!q.request_id.empty() && "req-" + std::to_string((k + 1) / 2) != q.request_id) continue;
      if (q.from != 0 && 1'000'000 + k * 10 < q.from) continue;
      if (q.to != 0 && 1'000'000 + k * 10 >= q.to) continue;
      if (q.ascending ? id <= q.after_id : (q.before_id != 0 && id >= q.before_id)) continue;
      ids.push_back(id);
    }
    if (!q.ascending) std::reverse(ids.begin(), ids.end());
    if (ids.size() > static_cast<size_t>(q.limit) + 1) ids.resize(q.limit + 1);
    return ids;
  }

  TestDatabase db_{"audit-lookup"};
  int appended_ = 0;
};

TEST_F(AuditLookupTest, EntriesAreCopiedInBatchesInTheirOwnTransaction) {
  Append(63);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 0);
  Append(1);  // the 64th waiting entry copies all of them
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 64);
  Append(100);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 128);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 164);
  // The copies match their entries.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup l JOIN audit_log a ON a.id = l.id WHERE l.at = a.at AND "
                  "l.actor_id = a.actor_id AND l.action = a.action AND l.entity = a.entity AND l.entity_id = "
                  "a.entity_id AND l.ip = a.ip AND l.request_id = a.request_id"),
            128);
}

TEST_F(AuditLookupTest, FindSeesCopiedAndWaitingEntriesInOrder) {
  Append(150);  // 128 copied, 22 waiting
  std::vector<AuditQuery> queries;
  AuditQuery all;
  all.limit = 500;
  queries.push_back(all);
  AuditQuery q = all;
  q.actor_id = 2;
  queries.push_back(q);
  q = all;
  q.action = "contact.reveal";
  queries.push_back(q);
  q = all;
  q.entity = "contact";
  queries.push_back(q);
  q.entity_id = 3;
  queries.push_back(q);
  q = all;
  q.ip = "10.0.0.1";
  queries.push_back(q);
  q = all;
  q.request_id = "req-64";  // entries 128 (copied) and 129 (waiting)
  queries.push_back(q);
  q = all;
  q.from = 1'000'000 + 100 * 10;
  q.to = 1'000'000 + 140 * 10;
  queries.push_back(q);
  for (AuditQuery base : queries) {
    for (int limit : {500, 5}) {
      for (bool ascending : {false, true}) {
        AuditQuery page = base;
        page.limit = limit;
        page.ascending = ascending;
        // Page through everything with the keyset cursor, as the API and the anomaly rules do.
        std::vector<int64_t> got, want;
        for (int guard = 0; guard < 200; ++guard) {
          std::vector<int64_t> ids = Ids(page);
          ASSERT_EQ(ids, Expected(page)) << "limit " << limit << (ascending ? " ascending" : " descending")
                                         << " from " << page.after_id << "/" << page.before_id;
          bool more = ids.size() > static_cast<size_t>(limit);
          if (more) ids.resize(limit);
          got.insert(got.end(), ids.begin(), ids.end());
          if (!more) break;
          (ascending ? page.after_id : page.before_id) = ids.back();
        }
        AuditQuery everything = base;
        everything.limit = 1000;
        everything.ascending = ascending;
        EXPECT_EQ(got, Expected(everything));
      }
    }
  }
}

TEST_F(AuditLookupTest, CountByActorSinceCountsWaitingEntriesToo) {
  Append(70);  // 64 copied, 6 waiting
  auto count = [&](int64_t since) {
    int64_t n = -1;
    EXPECT_TRUE(db_.store()
                    .Read([&](Tx& tx) {
                      ASSIGN_OR_RETURN(n, tx.audit().CountByActorSince(0, "%.reveal", since));
                      return Status::Ok();
                    })
                    .ok());
    return n;
  };
  // Actor 0's contact.reveal entries are k % 12 == 0: k = 0 … 60, all copied (ids 1 … 64).
  EXPECT_EQ(count(0), 6);
  EXPECT_EQ(count(1'000'000 + 48 * 10), 2);  // k = 48, 60
  Append(2);                                  // k = 70, 71: none match
  Append(1);                                  // k = 72 (id 73): matches, still waiting
  EXPECT_EQ(count(1'000'000 + 48 * 10), 3);
}

TEST_F(AuditLookupTest, ArchivingRemovesTheCopiesToo) {
  Append(140);
  ASSERT_TRUE(db_.store().Write([](Tx& tx) { return tx.audit().DeleteArchived(100); }).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 40);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 28);  // 101..128
  AuditQuery q;
  q.limit = 500;
  std::vector<int64_t> ids = Ids(q);
  ASSERT_EQ(ids.size(), 40u);
  EXPECT_EQ(ids.front(), 140);
  EXPECT_EQ(ids.back(), 101);
}

}  // namespace
}  // namespace salesdb

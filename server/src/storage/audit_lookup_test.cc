// The audit log's query indexes live in audit_lookup, filled in batches (migration 0007): queries
// must see every entry, whether already copied there or still only in audit_log.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "storage/repositories.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

constexpr int kBatch = static_cast<int>(SqlAuditRepository::kLookupBatch);

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
                        e.at = At(k);
                        e.actor_id = k % 3;
                        e.actor_role = "admin";
                        e.ip = k % 2 ? "10.0.0.1" : "10.0.0.2";
                        e.request_id = "req-" + std::to_string((k + 1) / 2);
                        e.action = k % 4 ? "customer.update" : "contact.reveal";
                        e.entity = k % 5 ? "customer" : "contact";
                        e.entity_id = k % 7;
                        // Any hash will do here: the entry's "canonical content" is its hash.
                        PreparedAuditEntry p{e, "h" + std::to_string(k),
                                             [](const std::string&, const std::string& c) { return c; }};
                        return tx.audit().Append(std::move(p));
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
      const std::string action = k % 4 ? "customer.update" : "contact.reveal";
      if (!q.action.empty() && action != q.action) continue;
      if (!q.actions.empty() && std::none_of(q.actions.begin(), q.actions.end(), [&](const std::string& p) {
            return ActionMatches(p, action);
          })) {
        continue;
      }
      if (!q.entity.empty() && (k % 5 ? "customer" : "contact") != q.entity) continue;
      if (q.entity_id != 0 && k % 7 != q.entity_id) continue;
      if (!q.ip.empty() && (k % 2 ? "10.0.0.1" : "10.0.0.2") != q.ip) continue;
      if (!q.request_id.empty() && "req-" + std::to_string((k + 1) / 2) != q.request_id) continue;
      if (q.from != 0 && At(k) < q.from) continue;
      if (q.to != 0 && At(k) >= q.to) continue;
      if (q.ascending ? id <= q.after_id : (q.before_id != 0 && id >= q.before_id)) continue;
      ids.push_back(id);
    }
    if (!q.ascending) std::reverse(ids.begin(), ids.end());
    if (ids.size() > static_cast<size_t>(q.limit) + 1) ids.resize(q.limit + 1);
    return ids;
  }

  // The time of the k-th entry: in id order unless disorder_, where every seventh write is 3 s late
  // (its time taken before it queued) and the clock steps back a minute at k = 700.
  int64_t At(int k) const {
    int64_t t = 1'000'000 + int64_t{k} * 10;
    if (disorder_ && k % 7 == 3) t -= 3'000;
    if (disorder_ && k >= 700) t -= 60'000;
    return t;
  }

  // Pages through q's results with the keyset cursor, as the API and the anomaly rules do, in both
  // orders and with small and large pages; every page must match the brute-force answer.
  void CheckPaging(const AuditQuery& base) {
    for (int limit : {500, 7}) {
      for (bool ascending : {false, true}) {
        AuditQuery page = base;
        page.limit = limit;
        page.ascending = ascending;
        std::vector<int64_t> got;
        for (int guard = 0; guard < 1000; ++guard) {
          std::vector<int64_t> ids = Ids(page);
          ASSERT_EQ(ids, Expected(page)) << "limit " << limit << (ascending ? " ascending" : " descending")
                                         << " from " << page.after_id << "/" << page.before_id << " at ["
                                         << page.from << ", " << page.to << ")";
          bool more = ids.size() > static_cast<size_t>(limit);
          if (more) ids.resize(limit);
          got.insert(got.end(), ids.begin(), ids.end());
          if (!more) break;
          (ascending ? page.after_id : page.before_id) = ids.back();
        }
        AuditQuery everything = base;
        everything.limit = 100000;
        everything.ascending = ascending;
        EXPECT_EQ(got, Expected(everything));
      }
    }
  }

  TestDatabase db_{"audit-lookup"};
  int appended_ = 0;
  bool disorder_ = false;
};

TEST_F(AuditLookupTest, EntriesAreCopiedInBatchesInTheirOwnTransaction) {
  Append(kBatch - 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 0);
  Append(1);  // the kBatch-th waiting entry copies all of them
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), kBatch);
  Append(kBatch + 36);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 2 * kBatch);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 2 * kBatch + 36);
  // The copies match their entries.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup l JOIN audit_log a ON a.id = l.id WHERE l.at = a.at AND "
                  "l.actor_id = a.actor_id AND l.action = a.action AND l.entity = a.entity AND l.entity_id = "
                  "a.entity_id AND l.ip = a.ip AND l.request_id = a.request_id"),
            2 * kBatch);
}

TEST_F(AuditLookupTest, FindSeesCopiedAndWaitingEntriesInOrder) {
  Append(2 * kBatch + 22);  // 2 * kBatch copied, 22 waiting
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
  q.actions = {"*.reveal"};
  queries.push_back(q);
  q.actions = {"customer.update", "*.delete"};
  queries.push_back(q);
  q.actions = {"*r.updat_"};  // LIKE's "_" taken literally: matches nothing
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
  q.request_id = "req-" + std::to_string(kBatch);  // entries 2 * kBatch (copied) and 2 * kBatch + 1 (waiting)
  queries.push_back(q);
  q = all;
  q.from = 1'000'000 + (2 * kBatch - 28) * 10;  // across the mark
  q.to = 1'000'000 + (2 * kBatch + 12) * 10;
  queries.push_back(q);
  for (const AuditQuery& base : queries) CheckPaging(base);
}

// Time ranges are read through id bounds (migration 0008); they must stay exact when times are not
// in id order: late writes, and a clock that steps back.
TEST_F(AuditLookupTest, TimeRangesAreExactWhenTimesAreOutOfOrder) {
  disorder_ = true;
  Append(2 * kBatch + 22);  // the step back (k = 700) lies between the two copies
  // The running figures, worked out by brute force.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup l WHERE at_max = (SELECT MAX(at) FROM audit_lookup m WHERE "
                  "m.id <= l.id) AND lag_max = (SELECT MAX(m.at_max - m.at) FROM audit_lookup m WHERE m.id <= l.id)"),
            2 * kBatch);
  std::vector<int64_t> points = {0, At(5), At(400), At(690), At(699), At(705), At(900), At(1030), At(1040)};
  for (int64_t from : points) {
    for (int64_t to : points) {
      if (to != 0 && to <= from) continue;
      AuditQuery q;
      q.from = from;
      q.to = to;
      CheckPaging(q);
      q.actor_id = 1;  // with a filter served by another index
      CheckPaging(q);
    }
    // The reveal limit's count bounds its ids the same way.
    int64_t n = -1, want = 0;
    ASSERT_TRUE(db_.store()
                    .Read([&](Tx& tx) {
                      ASSIGN_OR_RETURN(n, tx.audit().CountByActorSince(0, ".reveal", from));
                      return Status::Ok();
                    })
                    .ok());
    for (int k = 0; k < appended_; k += 12) want += At(k) >= from ? 1 : 0;  // actor 0's reveals: k % 12 == 0
    EXPECT_EQ(n, want) << "since " << from;
  }
}

TEST_F(AuditLookupTest, CountByActorSinceCountsWaitingEntriesToo) {
  Append(kBatch + 6);  // kBatch copied, 6 waiting
  auto count = [&](int64_t since) {
    int64_t n = -1;
    EXPECT_TRUE(db_.store()
                    .Read([&](Tx& tx) {
                      ASSIGN_OR_RETURN(n, tx.audit().CountByActorSince(0, ".reveal", since));
                      return Status::Ok();
                    })
                    .ok());
    return n;
  };
  // Actor 0's contact.reveal entries are k % 12 == 0.
  auto expected = [&](int64_t since) {
    int64_t n = 0;
    for (int k = 0; k < appended_; k += 12) n += At(k) >= since ? 1 : 0;
    return n;
  };
  const int64_t since = 1'000'000 + (kBatch - 30) * 10;  // the last copied matches
  EXPECT_EQ(count(0), expected(0));
  EXPECT_EQ(count(since), expected(since));
  const int64_t before = count(since);
  Append(12);  // exactly one more match, still waiting above the mark
  EXPECT_EQ(count(since), before + 1);
  EXPECT_EQ(count(since), expected(since));
}

TEST_F(AuditLookupTest, ArchivingRemovesTheCopiesToo) {
  const int n = 2 * kBatch + 12, archived = kBatch + 36;
  Append(n);
  ASSERT_TRUE(db_.store().Write([&](Tx& tx) { return tx.audit().DeleteArchived(archived); }).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), n - archived);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_lookup"), 2 * kBatch - archived);  // archived + 1 .. 2 * kBatch
  AuditQuery q;
  q.limit = 5000;
  std::vector<int64_t> ids = Ids(q);
  ASSERT_EQ(ids.size(), static_cast<size_t>(n - archived));
  EXPECT_EQ(ids.front(), n);
  EXPECT_EQ(ids.back(), archived + 1);
}

}  // namespace
}  // namespace salesdb

// The audit entries of a group-commit batch are chained and inserted at its end (storage/audit_batch.h):
// a failing write's entry is dropped and the others still form one chain, also when a second process
// (a CLI) appends to the same log at the same time.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "domain/services.h"
#include "security/crypto.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

AuditEntry Entry(const std::string& action, int64_t entity_id) {
  Actor actor = Actor::System();
  actor.user_id = 7;
  return MakeAuditEntry(actor, 1000 + entity_id, action, "customer", entity_id);
}

std::vector<AuditEntry> AllEntries(Store& store) {
  std::vector<AuditEntry> rows;
  EXPECT_TRUE(store
                  .Read([&](Tx& tx) {
                    ASSIGN_OR_RETURN(rows, tx.audit().Scan(0, 10000));
                    return Status::Ok();
                  })
                  .ok());
  return rows;
}

void ExpectIntactChain(Store& store, int64_t entries) {
  auto verified = VerifyAuditChain(store);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->intact()) << verified->problem;
  EXPECT_EQ(verified->entries, entries);
}

class AuditBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
  }
  TestDatabase db_{"audit-batch"};
  AuditLog log_;
};

TEST_F(AuditBatchTest, FailingWriteInABatchLeavesNoRowAndTheOthersChain) {
  Store& store = db_.store();
  ASSERT_TRUE(store.Write([&](Tx& tx) { return log_.Record(tx, Entry("customer.create", 1)); }).ok());
  // The first write holds the writer until the others are queued, so that they form one batch.
  constexpr int kWrites = 6;
  constexpr int kFailing = 3;
  const uint64_t generation_before = store.generation();
  std::vector<Status> results(kWrites, Status::Ok());
  std::atomic<bool> holding{false};
  std::thread holder([&] {
    ASSERT_TRUE(store
                    .Write([&](Tx& tx) {
                      holding = true;
                      while (db_.db().QueuedWrites() < kWrites) std::this_thread::yield();
                      return log_.Record(tx, Entry("customer.update", 2));
                    })
                    .ok());
  });
  while (!holding) std::this_thread::yield();
  std::vector<std::thread> writers;
  for (int i = 0; i < kWrites; ++i) {
    writers.emplace_back([&, i] {
      results[i] = store.Write([&](Tx& tx) {
        RETURN_IF_ERROR(log_.Record(tx, Entry(i == kFailing ? "customer.failed" : "customer.update", 10 + i)));
        if (i == kFailing) return InvalidArgument("this write fails after recording its entry");
        return Status::Ok();
      });
    });
  }
  holder.join();
  for (auto& t : writers) t.join();
  // Two commits: the holder's, then one batch of all six writes.
  EXPECT_EQ(store.generation(), generation_before + 2);
  for (int i = 0; i < kWrites; ++i) {
    if (i == kFailing) {
      EXPECT_EQ(results[i].code(), StatusCode::kInvalidArgument);
    } else {
      EXPECT_TRUE(results[i].ok()) << results[i].ToString();
    }
  }
  std::vector<AuditEntry> rows = AllEntries(store);
  ASSERT_EQ(rows.size(), 2u + kWrites - 1);
  for (const AuditEntry& e : rows) EXPECT_NE(e.action, "customer.failed");
  ExpectIntactChain(store, 2 + kWrites - 1);
}

TEST_F(AuditBatchTest, EntriesOfAWriteWaitingForTheBatchEndAreCounted) {
  int64_t counted = -1;
  ASSERT_TRUE(db_.store()
                  .Write([&](Tx& tx) {
                    RETURN_IF_ERROR(log_.Record(tx, Entry("contact.reveal", 1)));
                    RETURN_IF_ERROR(log_.Record(tx, Entry("license.reveal", 2)));
                    RETURN_IF_ERROR(log_.Record(tx, Entry("customer.update", 3)));
                    ASSIGN_OR_RETURN(counted, tx.audit().CountByActorSince(7, ".reveal", 0));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(counted, 2);
  ExpectIntactChain(db_.store(), 3);
}

TEST_F(AuditBatchTest, AppendOutsideAWriteIsRefused) {
  Status s = db_.store().Read([&](Tx& tx) { return log_.Record(tx, Entry("customer.update", 1)); });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
}

// The server's store and a second Database on the same file (what `salesdb` CLI commands open)
// append concurrently, each in group-commit batches: one chain, every entry once.
TEST_F(AuditBatchTest, TwoProcessesAppendingConcurrentlyKeepOneChain) {
  Config config;
  config.data_dir = db_.dir();
  auto other_db = Database::Open(config, 2);
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  SqlStore other(**other_db);
  AuditLog other_log;
  constexpr int kThreadsPerStore = 4;
  constexpr int kWritesPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerStore; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? static_cast<Store&>(db_.store()) : static_cast<Store&>(other);
      AuditLog& log = t % 2 == 0 ? log_ : other_log;
      for (int i = 0; i < kWritesPerThread; ++i) {
        Status s = store.Write([&](Tx& tx) {
          // Two entries per write: a write's entries stay together in the chain's order.
          RETURN_IF_ERROR(log.Record(tx, Entry("customer.update", t * 1000 + i)));
          return log.Record(tx, Entry("contact.update", t * 1000 + i));
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const int64_t total = 2 * 2 * kThreadsPerStore * kWritesPerThread;
  ExpectIntactChain(db_.store(), total);
  std::vector<AuditEntry> rows = AllEntries(other);
  ASSERT_EQ(static_cast<int64_t>(rows.size()), total);
  for (size_t i = 0; i + 1 < rows.size(); i += 2) {
    EXPECT_EQ(rows[i].action, "customer.update");
    EXPECT_EQ(rows[i + 1].action, "contact.update");
    EXPECT_EQ(rows[i].entity_id, rows[i + 1].entity_id);
  }
}

}  // namespace
}  // namespace salesdb

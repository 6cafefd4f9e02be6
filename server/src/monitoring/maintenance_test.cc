#include "monitoring/maintenance.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace salesdb::monitoring {
namespace {

using std::chrono::milliseconds;

TEST(MaintenanceTest, RefusesNewRequestsUntilItEnds) {
  Maintenance m;
  ASSERT_TRUE(m.Admit());  // the restore's own request
  ASSERT_TRUE(m.Begin("replacing", 1, milliseconds(1000)).ok());
  EXPECT_TRUE(m.active());
  EXPECT_EQ(m.phase(), "replacing");
  EXPECT_FALSE(m.Admit());
  EXPECT_EQ(m.Begin("again", 1, milliseconds(10)).code(), StatusCode::kFailedPrecondition);
  m.End();
  EXPECT_FALSE(m.active());
  EXPECT_EQ(m.phase(), "");
  EXPECT_TRUE(m.Admit());
}

TEST(MaintenanceTest, WaitsForRequestsInFlight) {
  Maintenance m;
  ASSERT_TRUE(m.Admit());  // own
  ASSERT_TRUE(m.Admit());  // another request, still running
  std::atomic<bool> began{false};
  std::thread t([&] {
    Status st = m.Begin("waiting", 1, milliseconds(60000));
    EXPECT_TRUE(st.ok()) << st.ToString();
    began = true;
  });
  // Begin() cannot return before the other request is released; it refuses new ones meanwhile.
  while (!m.active()) std::this_thread::yield();
  EXPECT_FALSE(began.load());
  EXPECT_FALSE(m.Admit());
  m.Release();
  t.join();
  EXPECT_TRUE(began.load());
  EXPECT_EQ(m.in_flight(), 1);
}

TEST(MaintenanceTest, GivesUpWhenRequestsDoNotFinish) {
  Maintenance m;
  ASSERT_TRUE(m.Admit());
  ASSERT_TRUE(m.Admit());
  Status st = m.Begin("waiting", 1, milliseconds(20));
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_GT(st.retry_after_seconds(), 0);
  EXPECT_FALSE(m.active());
  EXPECT_TRUE(m.Admit());
}

}  // namespace
}  // namespace salesdb::monitoring

// The dashboard's summary cache on a real SQLite store: a write to a table it reads shows in its
// writer's next summary when the computation is quick (others get the previous one while the next is
// computed), other writes leave it cached; when it is slow, the previous summary is answered while the
// refresh runs; the clock and DropCache() make it recompute.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "audit/audit_log.h"
#include "domain/services.h"
#include "security/auth_service.h"
#include "security/crypto.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

class DashboardServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    ctx_ = std::make_unique<ServiceContext>(ServiceContext{db_.store(), audit_, clock_});
    customers_ = std::make_unique<CustomerService>(*ctx_);
    AuthService auth(*ctx_, AuthSettings{});
    User u;
    u.email = "rep@example.com";
    u.name = "Rep";
    u.role = "sales_rep";
    u.region = "east_china";
    auto created = auth.CreateUser(Actor::System(), u, "a long enough password 1");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    owner_ = created->id;
  }
  void AddLead(const std::string& name) {
    Customer c;
    c.name = name;
    c.industry = "software";
    c.region = "east_china";
    c.owner_id = owner_;
    auto created = customers_->Create(Actor::System(), c);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  static int64_t Leads(DashboardService& d) {
    auto s = d.Summary(Actor::System());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->leads : -1;
  }
  // Polls until the refresh that a stale answer started has landed (no wall-clock assertion: the
  // bound only keeps a broken build from hanging).
  static int64_t LeadsOnceRefreshed(DashboardService& d, int64_t want) {
    int64_t got = -1;
    for (int i = 0; i < 500 && got != want; ++i) {
      got = Leads(d);
      if (got != want) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return got;
  }

  ManualClock clock_{1767225600000};
  AuditLog audit_;
  TestDatabase db_{"dashboard"};
  std::unique_ptr<ServiceContext> ctx_;
  std::unique_ptr<CustomerService> customers_;
  int64_t owner_ = 0;
};

TEST_F(DashboardServiceTest, QuickComputationShowsTheWritersOwnWrites) {
  DashboardService dashboard(*ctx_);
  EXPECT_EQ(Leads(dashboard), 0);
  AddLead("Acme");
  dashboard.NoteWrite(Actor::System().user_id);
  EXPECT_EQ(Leads(dashboard), 1);
  AddLead("Globex");
  AddLead("Initech");
  dashboard.NoteWrite(Actor::System().user_id);
  EXPECT_EQ(Leads(dashboard), 3);
}

// Someone else's write: the previous summary at once (no waiting behind the computation), and the
// next one once the refresh it started has landed; the writer waits for theirs.
TEST_F(DashboardServiceTest, OthersGetThePreviousSummaryWhileANewerOneIsComputed) {
  DashboardService dashboard(*ctx_);
  Actor viewer = Actor::System();
  viewer.user_id = 42;
  auto leads = [&](const Actor& a) {
    auto s = dashboard.Summary(a);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->leads : -1;
  };
  EXPECT_EQ(leads(viewer), 0);
  AddLead("Acme");
  dashboard.NoteWrite(Actor::System().user_id);
  EXPECT_EQ(leads(viewer), 0);
  EXPECT_EQ(leads(Actor::System()), 1);
  EXPECT_EQ(leads(viewer), 1);  // the writer's wait computed it
  AddLead("Globex");
  int64_t got = leads(viewer);
  for (int i = 0; i < 500 && got != 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    got = leads(viewer);
  }
  EXPECT_EQ(got, 2);
}

// Keyed by the changes to the tables it reads: a write elsewhere (here a new user; in the server also
// activities, contacts, sessions, audit entries) leaves the summary as computed.
TEST_F(DashboardServiceTest, WritesToTablesItDoesNotReadKeepTheSummary) {
  DashboardService dashboard(*ctx_);
  auto first = dashboard.Summary(Actor::System());
  ASSERT_TRUE(first.ok());
  clock_.Advance(1'000);
  uint64_t generation = db_.store().generation();
  AuthService auth(*ctx_, AuthSettings{});
  User u;
  u.email = "viewer@example.com";
  u.name = "Viewer";
  u.role = "viewer";
  ASSERT_TRUE(auth.CreateUser(Actor::System(), u, "a long enough password 2").ok());
  ASSERT_GT(db_.store().generation(), generation);  // a committed write
  auto kept = dashboard.Summary(Actor::System());
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->generated_at, first->generated_at);
  AddLead("Acme");
  dashboard.NoteWrite(Actor::System().user_id);
  auto after = dashboard.Summary(Actor::System());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->leads, first->leads + 1);
  EXPECT_EQ(after->generated_at, first->generated_at + 1'000);
}

TEST_F(DashboardServiceTest, SlowComputationAnswersThePreviousSummaryWhileRefreshing) {
  DashboardService dashboard(*ctx_, /*slow_compute_ms=*/-1);  // every computation counts as slow
  dashboard.Warm();
  EXPECT_EQ(Leads(dashboard), 0);  // nothing to fall back on: waits for the first summary
  AddLead("Acme");
  auto stale = dashboard.Summary(Actor::System());
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->leads, 0);  // answered at once from the previous summary
  EXPECT_EQ(stale->generated_at, clock_.NowMs());
  EXPECT_EQ(LeadsOnceRefreshed(dashboard, 1), 1);
}

TEST_F(DashboardServiceTest, RecomputesWhenTheSummaryIsAMinuteOldOrDropped) {
  DashboardService dashboard(*ctx_);
  auto first = dashboard.Summary(Actor::System());
  ASSERT_TRUE(first.ok());
  clock_.Advance(61'000);
  auto later = dashboard.Summary(Actor::System());
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->generated_at, first->generated_at + 61'000);
  // A restore replaced the data underneath without a write through this process.
  ASSERT_TRUE(db_.db().Exclusive([&](soci::session& s) {
    s << "INSERT INTO customers (name, industry, region, tier, status, owner_id, created_at, updated_at, version) "
         "VALUES ('Restored', 'software', 'east_china', 'standard', 'lead', :owner, 1, 1, 1)", soci::use(owner_);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(Leads(dashboard), 0);  // same generation, still cached
  dashboard.DropCache();
  EXPECT_EQ(Leads(dashboard), 1);
}

}  // namespace
}  // namespace salesdb

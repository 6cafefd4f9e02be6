// The audit daemon on a real SQLite log, driven step by step with a ManualClock: each new entry is
// read once and serves both the anomaly rules and the incremental verification, which catches a
// changed entry between full checks, reports it once and raises the alert.
#include "audit/audit_daemon.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/services.h"
#include "security/crypto.h"
#include "storage/test_database.h"

namespace salesdb::audit {
namespace {

constexpr int64_t kNoon = 1793620800000;  // 2026-11-02 12:00 UTC

class AuditDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    AuditDaemonOptions o;
    o.data_dir = db_.dir();
    daemon_ = std::make_unique<AuditDaemon>(db_.store(), log_, clock_, o);
    ASSERT_TRUE(daemon_->LoadKey().ok());
  }

  // Records `n` entries of `action` by user 7, one second apart.
  void Record(const std::string& action, int n) {
    for (int i = 0; i < n; ++i) {
      clock_.Advance(1000);
      Actor actor = Actor::System();
      actor.user_id = 7;
      ASSERT_TRUE(db_.store()
                      .Write([&](Tx& tx) {
                        AuditEntry e = MakeAuditEntry(actor, clock_.NowMs(), action, "customer", i + 1);
                        e.after_json = R"({"name":"Acme"})";
                        return log_.Record(tx, std::move(e));
                      })
                      .ok());
    }
  }

  std::set<std::string> Rules(const std::vector<SecurityAlert>& alerts) {
    std::set<std::string> out;
    for (const SecurityAlert& a : alerts) out.insert(a.rule);
    return out;
  }

  // Changes entry `id` behind the log's back.
  void Forge(int64_t id) {
    ASSERT_TRUE(db_.db()
                    .Write([&](soci::session& s) {
                      s << "DROP TRIGGER IF EXISTS audit_log_no_update";
                      s << "UPDATE audit_log SET after_json = '{\"name\":\"Forged\"}' WHERE id = " + std::to_string(id);
                      return Status::Ok();
                    })
                    .ok());
  }

  // A new daemon on the same data folder, as after a restart.
  void Restart() {
    AuditDaemonOptions o;
    o.data_dir = db_.dir();
    daemon_ = std::make_unique<AuditDaemon>(db_.store(), log_, clock_, o);
    ASSERT_TRUE(daemon_->LoadKey().ok());
  }

  int64_t CountAction(const std::string& action) {
    long long n = -1;
    EXPECT_TRUE(db_.db()
                    .Read([&](soci::session& s) {
                      s << "SELECT COUNT(*) FROM audit_log WHERE action = :a", soci::use(action), soci::into(n);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  TestDatabase db_{"audit-daemon"};
  AuditLog log_;
  ManualClock clock_{kNoon};
  std::unique_ptr<AuditDaemon> daemon_;
};

TEST_F(AuditDaemonTest, NewEntriesFeedTheRulesAndTheVerificationOnce) {
  Record("customer.update", 3);
  ASSERT_TRUE(daemon_->EvaluateNow().ok());  // the start: the look-back
  auto full = daemon_->VerifyNow(/*full=*/true);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_TRUE(full->intact());
  EXPECT_EQ(full->last_id, 3);

  // Five deletions by one user within the window: the mass-deletion rule sees them, and the
  // verification has checked them without reading them again.
  AuditDaemonOptions defaults;
  Record("customer.delete", defaults.rules.mass_deletion);
  auto alerts = daemon_->EvaluateNow();
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  EXPECT_EQ(Rules(*alerts), std::set<std::string>{"mass_deletion"});
  auto incremental = daemon_->VerifyNow(/*full=*/false);
  ASSERT_TRUE(incremental.ok());
  EXPECT_TRUE(incremental->intact()) << incremental->problem;
  EXPECT_EQ(incremental->last_id, 3 + defaults.rules.mass_deletion);

  Record("customer.update", 2);
  incremental = daemon_->VerifyNow(/*full=*/false);  // read here first, then by the rules: no alert
  ASSERT_TRUE(incremental.ok());
  EXPECT_EQ(incremental->last_id, 5 + defaults.rules.mass_deletion);
  alerts = daemon_->EvaluateNow();
  ASSERT_TRUE(alerts.ok());
  EXPECT_TRUE(alerts->empty());
}

// A verification that runs before the first evaluation reads the entries for itself only: the
// evaluation's look-back then holds each entry once.
TEST_F(AuditDaemonTest, AVerificationBeforeTheFirstEvaluationLeavesTheLookBackAlone) {
  AuditDaemonOptions o;
  o.data_dir = db_.dir();
  o.rules.mass_deletion = 5;  // read twice, three deletions would reach it
  daemon_ = std::make_unique<AuditDaemon>(db_.store(), log_, clock_, o);
  ASSERT_TRUE(daemon_->LoadKey().ok());
  Record("customer.delete", 3);
  ASSERT_TRUE(daemon_->VerifyNow(/*full=*/true).ok());
  ASSERT_TRUE(daemon_->VerifyNow(/*full=*/false).ok());
  auto alerts = daemon_->EvaluateNow();
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  EXPECT_TRUE(alerts->empty()) << Rules(*alerts).size();
}

TEST_F(AuditDaemonTest, AChangedEntryIsCaughtBetweenFullChecksAndReportedOnce) {
  Record("customer.update", 4);
  ASSERT_TRUE(daemon_->EvaluateNow().ok());
  ASSERT_TRUE(daemon_->VerifyNow(/*full=*/true).ok());
  Record("customer.update", 4);  // entries 5–8, not read yet
  Forge(6);

  // The evaluation's read finds the break and records it; the next evaluation raises the alert.
  ASSERT_TRUE(daemon_->EvaluateNow().ok());
  EXPECT_EQ(CountAction("audit.verify_failed"), 1);
  auto alerts = daemon_->EvaluateNow();
  ASSERT_TRUE(alerts.ok());
  EXPECT_EQ(Rules(*alerts), std::set<std::string>{"audit_verification_failed"});

  // The next verification starts over with a full check: same first bad entry, not recorded again.
  auto verified = daemon_->VerifyNow(/*full=*/false);
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->first_bad_id, 6);
  EXPECT_EQ(CountAction("audit.verify_failed"), 1);
}

// A restart goes on from the newest signed checkpoint instead of reading the whole log again; the
// full check, an interval later, still finds what changed before it.
TEST_F(AuditDaemonTest, AStartGoesOnFromTheNewestSignedCheckpoint) {
  Record("customer.update", 4);
  ASSERT_TRUE(daemon_->VerifyNow(/*full=*/false).ok());
  ASSERT_TRUE(daemon_->CheckpointNow().ok());  // signs entry 4
  Record("customer.update", 3);                 // entries 5–7, after the checkpoint
  Forge(2);

  Restart();
  auto start = daemon_->VerifyNow(/*full=*/false);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_TRUE(start->intact()) << start->problem;
  EXPECT_EQ(start->entries, 3);  // 5–7 only
  EXPECT_EQ(start->last_id, 7);
  Record("customer.update", 1);
  auto next = daemon_->VerifyNow(/*full=*/false);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->last_id, 8);

  auto full = daemon_->VerifyNow(/*full=*/true);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->intact());
  EXPECT_EQ(full->first_bad_id, 2);
}

// When the checkpoint's own entry no longer matches it, the start checks the whole log, which
// names the entry.
TEST_F(AuditDaemonTest, AStartWhoseCheckpointEntryChangedChecksTheWholeLog) {
  Record("customer.update", 4);
  ASSERT_TRUE(daemon_->CheckpointNow().ok());  // signs entry 4
  Record("customer.update", 2);
  Forge(4);

  Restart();
  auto start = daemon_->VerifyNow(/*full=*/false);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_FALSE(start->intact());
  EXPECT_EQ(start->first_bad_id, 4);
  EXPECT_EQ(CountAction("audit.verify_failed"), 1);
}

}  // namespace
}  // namespace salesdb::audit

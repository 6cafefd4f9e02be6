// Replays labelled event sequences through the rule engine: each fires exactly the expected rules,
// and normal days fire none.
#include "audit/anomaly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "base/clock.h"

namespace salesdb::audit {
namespace {

using nlohmann::json;

// 2026-11-02 00:00 UTC, a Monday.
constexpr int64_t kDay0 = 1793577600000;
constexpr int64_t kAlice = 7;  // sales rep, works 09:00–18:00 UTC
constexpr int64_t kBob = 8;

class Recorder {
 public:
  explicit Recorder(ManualClock& clock) : clock_(clock) {}
  AuditEntry& Add(int64_t actor, const std::string& action, const std::string& ip = "10.0.0.5") {
    AuditEntry e;
    e.id = ++next_id_;
    e.at = clock_.NowMs();
    e.actor_id = actor;
    e.actor_role = "sales_rep";
    e.ip = ip;
    e.action = action;
    e.entity = "user";
    e.entity_id = actor;
    entries_.push_back(e);
    return entries_.back();
  }
  void FailedLogin(int64_t user, const std::string& ip) { Add(user, "auth.login_failed", ip).after_json = R"({"reason":"password"})"; }
  void Login(int64_t user, const std::string& ip = "10.0.0.5") { Add(user, "auth.login", ip); }
  void Export(int64_t user) { Add(user, "customer.export").entity = "customer"; }
  void BulkRead(int64_t user) { Add(user, "customer.bulk_read").entity = "customer"; }
  void Delete(int64_t user) { Add(user, "customer.delete").entity = "customer"; }
  std::vector<AuditEntry>& entries() { return entries_; }

 private:
  ManualClock& clock_;
  int64_t next_id_ = 0;
  std::vector<AuditEntry> entries_;
};

// A normal working day for Alice and Bob starting at `day` 00:00 UTC.
void NormalDay(Recorder& r, ManualClock& clock, int64_t day) {
  clock.Set(day + 9 * kMsPerHour + 5 * kMsPerMinute);
  r.FailedLogin(kAlice, "10.0.0.5");  // a typo
  clock.Advance(20 * kMsPerSecond);
  r.Login(kAlice);
  clock.Advance(10 * kMsPerMinute);
  r.Export(kAlice);
  clock.Advance(30 * kMsPerMinute);
  r.Export(kAlice);
  r.BulkRead(kAlice);
  clock.Advance(kMsPerMinute);
  r.BulkRead(kAlice);
  clock.Set(day + 10 * kMsPerHour);
  r.Login(kBob, "10.0.0.9");
  for (int i = 0; i < 3; ++i) {
    clock.Advance(kMsPerMinute);
    r.Delete(kBob);
  }
  clock.Set(day + 14 * kMsPerHour);
  r.Login(kAlice);
  r.Export(kAlice);
  clock.Set(day + 17 * kMsPerHour + 30 * kMsPerMinute);
  r.Login(kBob, "10.0.0.9");
}

struct Replay {
  Baselines baselines;
  std::vector<AuditEntry> history;
};

// Fourteen normal days of history, and baselines from them.
Replay History(ManualClock& clock, Recorder& r) {
  for (int d = 0; d < 14; ++d) NormalDay(r, clock, kDay0 + d * kMsPerDay);
  Replay out;
  out.history = r.entries();
  out.baselines = ComputeBaselines(out.history);
  return out;
}

std::multiset<std::string> Rules(const std::vector<Firing>& f) {
  std::multiset<std::string> out;
  for (const auto& x : f) out.insert(x.rule);
  return out;
}

// Evaluates the entries recorded after `from_id`, with the whole recording as look-back.
std::vector<Firing> Evaluate(Recorder& r, int64_t from_id, const Baselines& b) {
  return EvaluateRules(r.entries(), from_id, b, AnomalySettings{});
}

TEST(AnomalyTest, NormalDaysFireNothing) {
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  for (int d = 14; d < 21; ++d) NormalDay(r, clock, kDay0 + d * kMsPerDay);
  EXPECT_EQ(Rules(Evaluate(r, before, h.baselines)), std::multiset<std::string>{});
  // Also over the history itself, with the baselines learned from it.
  EXPECT_EQ(Rules(EvaluateRules(h.history, 0, h.baselines, AnomalySettings{})), std::multiset<std::string>{});
}

TEST(AnomalyTest, BruteForceBurstThenSuccess) {
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  clock.Set(kDay0 + 15 * kMsPerDay + 9 * kMsPerHour + 30 * kMsPerMinute);  // her usual hour
  for (int i = 0; i < 12; ++i) {  // 12 guesses in a minute from one address
    r.FailedLogin(kAlice, "203.0.113.7");
    clock.Advance(5 * kMsPerSecond);
  }
  r.Login(kAlice, "203.0.113.7");
  auto fired = Evaluate(r, before, h.baselines);
  EXPECT_EQ(Rules(fired), (std::multiset<std::string>{"failed_logins_account", "failed_logins_ip",
                                                        "login_after_failures"}));
  for (const auto& f : fired) {
    if (f.rule == "failed_logins_ip") {
      EXPECT_EQ(f.subject, "ip:203.0.113.7");
    } else if (f.rule == "failed_logins_account") {
      EXPECT_EQ(f.subject, "user:7");
    } else if (f.rule == "login_after_failures") {
      EXPECT_EQ(f.entry_id, r.entries().back().id);
    }
  }
}

TEST(AnomalyTest, SpreadOutFailuresBelowThresholdDoNotFire) {
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  clock.Set(kDay0 + 15 * kMsPerDay + 11 * kMsPerHour);
  for (int i = 0; i < 12; ++i) {  // 12 failures, but one every 30 s: never 8 within 2 minutes
    r.FailedLogin(kBob, "10.0.0.9");
    clock.Advance(30 * kMsPerSecond);
  }
  auto fired = Evaluate(r, before, h.baselines);
  EXPECT_EQ(Rules(fired), std::multiset<std::string>{});
}

TEST(AnomalyTest, ThreeAmBulkExport) {
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  clock.Set(kDay0 + 15 * kMsPerDay + 3 * kMsPerHour + 2 * kMsPerMinute);
  r.Login(kAlice, "198.51.100.4");
  for (int i = 0; i < 10; ++i) {
    clock.Advance(kMsPerMinute);
    r.Export(kAlice);
  }
  EXPECT_EQ(Rules(Evaluate(r, before, h.baselines)),
            (std::multiset<std::string>{"unusual_login_hour", "sensitive_read_volume"}));
}

TEST(AnomalyTest, ScrapingRun) {
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  clock.Set(kDay0 + 15 * kMsPerDay + 11 * kMsPerHour);
  for (int i = 0; i < 30; ++i) {  // 30 minutes in a row over the bulk-read threshold
    r.BulkRead(kAlice);
    clock.Advance(kMsPerMinute);
  }
  auto fired = Evaluate(r, before, h.baselines);
  ASSERT_EQ(Rules(fired), std::multiset<std::string>{"scraping"});
  EXPECT_EQ(fired[0].subject, "user:7");
}

TEST(AnomalyTest, RoleEscalationMassDeletionAndVerifyFailure) {
  ManualClock clock(kDay0 + 10 * kMsPerHour);
  Recorder r(clock);
  AuditEntry& up = r.Add(1, "user.role_change");
  up.before_json = json{{"role", "viewer"}}.dump();
  up.after_json = json{{"role", "admin"}}.dump();
  AuditEntry& down = r.Add(1, "user.role_change");
  down.before_json = json{{"role", "admin"}}.dump();
  down.after_json = json{{"role", "viewer"}}.dump();
  for (int i = 0; i < 25; ++i) {
    clock.Advance(5 * kMsPerSecond);
    r.Delete(kBob);
  }
  r.Add(0, "audit.verify_failed").after_json = json{{"first_bad_id", 3}}.dump();
  auto fired = EvaluateRules(r.entries(), 0, {}, AnomalySettings{});
  EXPECT_EQ(Rules(fired), (std::multiset<std::string>{"role_escalation", "mass_deletion", "audit_verification_failed"}));
}

TEST(AnomalyTest, EvaluatingInSlicesFiresTheSameAsAtOnce) {
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  clock.Set(kDay0 + 15 * kMsPerDay + 11 * kMsPerHour);
  for (int i = 0; i < 10; ++i) {
    r.FailedLogin(kAlice, "203.0.113.7");
    clock.Advance(2 * kMsPerSecond);
  }
  std::multiset<std::string> sliced;
  for (int64_t id = before; id < r.entries().back().id; id += 3) {
    std::vector<AuditEntry> upto(r.entries().begin(), r.entries().begin() + std::min<int64_t>(id + 3, r.entries().size()));
    for (const auto& f : EvaluateRules(upto, id, h.baselines, AnomalySettings{})) sliced.insert(f.rule);
  }
  EXPECT_EQ(sliced, Rules(Evaluate(r, before, h.baselines)));
  EXPECT_EQ(sliced, (std::multiset<std::string>{"failed_logins_account", "failed_logins_ip"}));
}

// The detector keeps only the entries RulesRead accepts: with thousands of ordinary writes
// interleaved, the firings over the kept entries are those over all of them.
TEST(AnomalyTest, OnlyRuleInputsMatter) {
  EXPECT_FALSE(RulesRead("activity.create"));
  EXPECT_FALSE(RulesRead("customer.update"));
  EXPECT_FALSE(RulesRead("license.renew"));
  for (const char* a : {"auth.login", "auth.login_failed", "customer.export", "contact.reveal", "report.run",
                        "customer.bulk_read", "user.role_change", "user.create", "customer.delete",
                        "customer.purge", "audit.verify_failed"}) {
    EXPECT_TRUE(RulesRead(a)) << a;
  }
  ManualClock clock(kDay0);
  Recorder r(clock);
  Replay h = History(clock, r);
  int64_t before = r.entries().back().id;
  clock.Set(kDay0 + 15 * kMsPerDay + 3 * kMsPerHour);
  for (int i = 0; i < 40; ++i) {
    r.FailedLogin(kAlice, "203.0.113.7");
    for (int k = 0; k < 50; ++k) r.Add(kBob, k % 2 ? "activity.create" : "customer.update");
    r.Export(kAlice);
    r.BulkRead(kAlice);
    r.Delete(kBob);
    clock.Advance(3 * kMsPerSecond);
  }
  r.Login(kAlice, "203.0.113.7");
  std::vector<AuditEntry> kept;
  for (const AuditEntry& e : r.entries()) {
    if (RulesRead(e.action)) kept.push_back(e);
  }
  ASSERT_EQ(r.entries().size() - kept.size(), 40u * 50u);
  auto all = Rules(Evaluate(r, before, h.baselines));
  EXPECT_EQ(Rules(EvaluateRules(kept, before, h.baselines, AnomalySettings{})), all);
  EXPECT_EQ(all, (std::multiset<std::string>{"failed_logins_account", "failed_logins_ip", "login_after_failures",
                                             "unusual_login_hour", "sensitive_read_volume", "scraping",
                                             "mass_deletion"}));
}

// The rules' inputs (RuleInputActions, which the look-back's query and RulesRead both use): logins,
// failed logins, sensitive and bulk reads, role changes, user creation, deletions, verification
// failures, and nothing else.
TEST(AnomalyRuleInputs, RulesReadExactlyTheRulesInputs) {
  for (const std::string a : {"auth.login", "auth.login_failed", "customer.export", "contact.reveal", "report.run",
                              "customer.bulk_read", "customer.delete", "customer.purge", "user.create",
                              "user.role_change", "audit.verify_failed", "audit.export"}) {
    EXPECT_TRUE(RulesRead(a)) << a;
  }
  for (const std::string a : {"auth.logout", "report.create", "customer.update", "activity.create", "user.update",
                              "license.revoke", "customer.exported", "xauth.login"}) {
    EXPECT_FALSE(RulesRead(a)) << a;
  }
}

}  // namespace
}  // namespace salesdb::audit

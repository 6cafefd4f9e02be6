// The chain verifier against every kind of tampering, on entries in memory.
#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

#include "security/crypto.h"

namespace salesdb {
namespace {

std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> out;
  std::string prev;
  for (int i = 1; i <= n; ++i) {
    AuditEntry e;
    e.at = 1000 + i;
    e.actor_id = 1;
    e.actor_role = "admin";
    e.action = "customer.update";
    e.entity = "customer";
    e.entity_id = i;
    e.after_json = "{\"n\":" + std::to_string(i) + "}";
    e.prev_hash = prev;
    e.hash = AuditLog::ComputeHash(e, prev);
    e.id = i;
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

AuditVerifyResult Verify(const std::vector<AuditEntry>& entries, std::vector<audit::Checkpoint> cps = {}) {
  ChainVerifier v(std::move(cps), "");
  for (const auto& e : entries) {
    if (!v.Feed(e)) break;
  }
  v.Finish();
  return v.result();
}

audit::Checkpoint Cp(const AuditEntry& e) { return audit::Checkpoint{e.id, e.hash, 0, ""}; }

TEST(ChainVerifierTest, IntactChainPasses) {
  auto c = Chain(20);
  auto r = Verify(c, {Cp(c[9]), Cp(c[19])});
  EXPECT_TRUE(r.intact()) << r.problem;
  EXPECT_EQ(r.entries, 20);
  EXPECT_EQ(r.checkpoints, 2);
}

TEST(ChainVerifierTest, EditedEntryIsNamed) {
  auto c = Chain(20);
  c[6].after_json = "{\"n\":999}";
  auto r = Verify(c);
  EXPECT_EQ(r.first_bad_id, 7);
  EXPECT_NE(r.problem.find("edited"), std::string::npos);
}

TEST(ChainVerifierTest, DeletedEntryNamesTheOneAfterTheGap) {
  auto c = Chain(20);
  c.erase(c.begin() + 6);  // id 7 gone
  auto r = Verify(c);
  EXPECT_EQ(r.first_bad_id, 8);
  EXPECT_NE(r.problem.find("deleted"), std::string::npos);
}

TEST(ChainVerifierTest, InsertedWellFormedEntryIsNamed) {
  auto c = Chain(20);
  // A forged entry that links correctly to entry 6 and carries a correct hash, given id 6.5 → we
  // renumber to keep ids increasing: forged id 100 placed between 6 and 7 with ids shifted.
  AuditEntry forged = c[5];
  forged.after_json = "{\"forged\":true}";
  forged.prev_hash = c[5].hash;
  forged.hash = AuditLog::ComputeHash(forged, forged.prev_hash);
  std::vector<AuditEntry> t(c.begin(), c.begin() + 6);
  forged.id = 7;
  t.push_back(forged);
  for (size_t i = 6; i < c.size(); ++i) {
    AuditEntry e = c[i];
    e.id += 1;
    t.push_back(e);
  }
  auto r = Verify(t);
  EXPECT_EQ(r.first_bad_id, 7);
  EXPECT_NE(r.problem.find("inserted"), std::string::npos) << r.problem;
}

TEST(ChainVerifierTest, EntryInsertedBeforeTheFirstIsNamed) {
  auto c = Chain(5);
  AuditEntry forged = c[0];
  forged.after_json = "{\"forged\":true}";
  forged.hash = AuditLog::ComputeHash(forged, "");
  forged.id = -1;
  c.insert(c.begin(), forged);
  auto r = Verify(c);
  EXPECT_EQ(r.first_bad_id, -1);
}

TEST(ChainVerifierTest, ReorderedEntriesNameTheFirstMoved) {
  auto c = Chain(20);
  std::swap(c[4].id, c[9].id);  // rows 5 and 10 swap places
  std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  auto r = Verify(c);
  EXPECT_EQ(r.first_bad_id, 5);
}

TEST(ChainVerifierTest, TruncatedTailIsCaughtByACheckpoint) {
  auto c = Chain(20);
  auto cp = Cp(c[17]);
  c.resize(15);
  auto r = Verify(c, {cp});
  EXPECT_EQ(r.first_bad_id, 16);
  EXPECT_NE(r.problem.find("tail"), std::string::npos);
}

TEST(ChainVerifierTest, RewrittenChainIsCaughtByACheckpoint) {
  auto c = Chain(20);
  auto cp = Cp(c[14]);
  // The attacker edits entry 8 and recomputes every hash after it: self-consistent, but not signed.
  c[7].after_json = "{\"n\":0}";
  for (size_t i = 7; i < c.size(); ++i) {
    c[i].prev_hash = c[i - 1].hash;
    c[i].hash = AuditLog::ComputeHash(c[i], c[i].prev_hash);
  }
  auto r = Verify(c, {cp});
  EXPECT_EQ(r.first_bad_id, 15);
  EXPECT_NE(r.problem.find("checkpoint"), std::string::npos);
}

TEST(ChainVerifierTest, HashDoesNotDependOnTheRowId) {
  auto c = Chain(1);
  AuditEntry e = c[0];
  e.id = 12345;
  EXPECT_EQ(AuditLog::ComputeHash(e, ""), c[0].hash);
}

// Chains written by earlier versions must keep verifying: the hash is SHA-256 over the previous
// hash, a newline and the canonical JSON array, worked out here independently of ComputeHash.
TEST(ChainVerifierTest, HashFormatIsUnchanged) {
  AuditEntry e;
  e.at = 1764100000000;
  e.actor_id = 12;
  e.actor_role = "sales_rep";
  e.ip = "10.1.2.3";
  e.user_agent = "Mozilla/5.0";
  e.request_id = "0193a1b2c3d4e5f6";
  e.action = "customer.update";
  e.entity = "customer";
  e.entity_id = 4242;
  e.before_json = R"({"name":"Old \"Co\"","version":1})";
  e.after_json = R"({"name":"北京 Co","version":2})";
  const std::string prev(64, 'a');
  const std::string canonical = std::string("[0,1764100000000,12,\"sales_rep\",\"10.1.2.3\",\"Mozilla/5.0\",") +
                                "\"0193a1b2c3d4e5f6\",\"customer.update\",\"customer\",4242," +
                                "\"{\\\"name\\\":\\\"Old \\\\\\\"Co\\\\\\\"\\\",\\\"version\\\":1}\"," +
                                "\"{\\\"name\\\":\\\"北京 Co\\\",\\\"version\\\":2}\"]";
  EXPECT_EQ(AuditLog::ComputeHash(e, prev), crypto::Sha256Hex(prev + "\n" + canonical));
}

// The canonical content is written directly; it must be byte for byte what nlohmann::json wrote
// (every stored hash was computed over that), for any text: escapes, control characters, multi-byte
// characters, and bytes that are not UTF-8 (which nlohmann replaces).
TEST(ChainVerifierTest, CanonicalContentIsWhatNlohmannWrites) {
  const auto nlohmann_canonical = [](const AuditEntry& e) {
    return nlohmann::json::array({0, e.at, e.actor_id, e.actor_role, e.ip, e.user_agent, e.request_id, e.action,
                                  e.entity, e.entity_id, e.before_json, e.after_json})
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  const std::vector<std::string> pieces = {
      "a", "Z9", " ", "\"", "\\", "/", "\b", "\t", "\n", "\f", "\r", std::string(1, '\0'), "\x01", "\x1f", "\x7f",
      "é", "北京", "€", "😀", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xff", "\x80",
      "\xe0\x80\xaf", "\xf0\x8f\xbf\xbf", "{\"k\":\"v\"}"};
  std::mt19937 rng(20261126);
  for (int i = 0; i < 20000; ++i) {
    AuditEntry e;
    e.at = static_cast<int64_t>(rng()) * (i % 3 == 0 ? -1 : 1);
    e.actor_id = i;
    e.entity_id = static_cast<int64_t>(rng()) << 20;
    for (std::string* text : {&e.actor_role, &e.ip, &e.user_agent, &e.request_id, &e.action, &e.entity,
                              &e.before_json, &e.after_json}) {
      const int n = static_cast<int>(rng() % 6);
      for (int k = 0; k < n; ++k) *text += pieces[rng() % pieces.size()];
    }
    ASSERT_EQ(AuditLog::CanonicalContent(e), nlohmann_canonical(e)) << "entry " << i;
  }
}

}  // namespace
}  // namespace salesdb

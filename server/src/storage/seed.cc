#include "storage/seed.h"

#include <array>
#include <random>
#include <vector>

#include "storage/field_encryption.h"
#include "storage/sql_query.h"

namespace salesdb {
namespace {

using ll = long long;

constexpr std::array kRegions = {"north_china", "east_china", "south_china", "west_china", "apac", "emea", "americas"};
constexpr std::array kIndustries = {"finance", "manufacturing", "retail", "healthcare", "education",
                                    "internet", "government", "energy", "logistics", "gaming"};
constexpr std::array kCnCities = {"北京", "上海", "深圳", "杭州", "广州", "成都", "南京", "武汉", "苏州", "西安"};
constexpr std::array kCnCores = {"云帆", "星河", "智联", "华信", "锦程", "天工", "博远", "新桥", "瑞丰", "鼎盛",
                                 "启明", "安和", "正元", "恒通", "远景", "深蓝", "青云", "万象", "汇达", "明道"};
constexpr std::array kCnSuffix = {"科技", "信息技术", "数据", "智能", "网络", "软件", "金融服务", "医疗", "教育", "制造"};
constexpr std::array kEnFirst = {"Acme", "Blue", "Bright", "Cedar", "Delta", "Ever", "Granite", "Harbor", "Iron",
                                 "Jade", "Lumen", "Maple", "North", "Orbit", "Pioneer", "Quantum", "River", "Summit",
                                 "Terra", "Vertex"};
constexpr std::array kEnSecond = {"Labs", "Systems", "Analytics", "Dynamics", "Networks", "Health", "Capital",
                                  "Logistics", "Robotics", "Learning", "Energy", "Retail", "Games", "Works"};
constexpr std::array kEnForm = {"Inc.", "Ltd.", "GmbH", "Pte. Ltd.", "LLC", "Co."};
constexpr std::array kCnSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
constexpr std::array kCnGiven = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明"};
constexpr std::array kEnNames = {"Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Ivy", "Jack"};
constexpr std::array kEnSurnames = {"Smith", "Chen", "Garcia", "Müller", "Tanaka", "Brown", "Lee", "Wilson"};
constexpr std::array kTitles = {"CTO", "CIO", "IT Director", "采购经理", "技术负责人", "VP Engineering", "Head of AI"};
constexpr std::array kEditions = {"community", "team", "team", "enterprise"};
constexpr std::array kStages = {"prospect", "qualified", "proposal", "negotiation", "won", "lost"};
constexpr std::array kActivityTypes = {"call", "meeting", "email", "note"};
constexpr std::array kSubjects = {"Discovery call", "产品演示", "Renewal discussion", "报价跟进", "Security review",
                                  "POC kickoff", "合同谈判", "Quarterly business review"};
constexpr std::array kTags = {"vip", "poc", "renewal-risk", "upsell", "self-hosted", "partner", "key-account"};

constexpr char kKeyAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // as issued keys: no I, O, 0, 1

template <typename A>
const char* Pick(std::mt19937_64& rng, const A& a) {
  return a[rng() % a.size()];
}

// Columns gathered for one bulk insert.
struct CustomerCols {
  std::vector<std::string> name, industry, region, tier, status, tags, website, notes;
  std::vector<ll> owner, created, updated;
};

}  // namespace

StatusOr<SeedReport> Seed(Database& db, const SeedOptions& o) {
  SeedReport report;
  if (o.cipher == nullptr) return FailedPrecondition("seed needs the field cipher");
  std::mt19937_64 rng(o.random_seed);
  const ll now = o.now_ms;
  const ll day = 86400000LL;

  // Users: a manager and three reps per region, a finance user and a viewer.
  std::vector<ll> rep_ids, region_of_rep;
  RETURN_IF_ERROR(db.Exclusive([&](soci::session& s) {
    soci::transaction tr(s);
    auto add_user = [&](const std::string& email, const std::string& name, const std::string& role,
                        const std::string& region) {
      ll id = 0;
      Query existing(s, "SELECT id FROM users WHERE email = :email");
      existing.Bind("email", email).Into(id);
      if (existing.One()) return id;
      Query q(s,
              "INSERT INTO users (email, name, role, region, password_hash, disabled, version, created_at, "
              "updated_at) VALUES (:email, :name, :role, :region, :hash, 0, 1, :ca, :ua) RETURNING id");
      q.Bind("email", email).Bind("name", name).Bind("role", role).Bind("region", region)
          .Bind("hash", o.demo_password_hash).Bind("ca", now).Bind("ua", now).Into(id);
      q.One();
      ++report.users;
      return id;
    };
    for (size_t r = 0; r < kRegions.size(); ++r) {
      std::string region = kRegions[r];
      add_user("manager." + region + "@example.com", "Manager " + region, "sales_manager", region);
      for (int k = 1; k <= 3; ++k) {
        std::string name = std::string(kCnSurnames[(r * 3 + k) % kCnSurnames.size()]) +
                           kCnGiven[(r * 5 + k) % kCnGiven.size()];
        rep_ids.push_back(add_user("rep" + std::to_string(k) + "." + region + "@example.com", name, "sales_rep", region));
        region_of_rep.push_back(static_cast<ll>(r));
      }
    }
    add_user("finance@example.com", "Finance", "finance", "");
    add_user("viewer@example.com", "Viewer", "viewer", "");
    add_user("auditor@example.com", "Auditor", "auditor", "");
    tr.commit();
    return Status::Ok();
  }));

  const ll batch = 2000;
  for (ll start = 0; start < o.customers; start += batch) {
    ll n = std::min(batch, o.customers - start);
    RETURN_IF_ERROR(db.Exclusive([&](soci::session& s) {
      soci::transaction tr(s);
      ASSIGN_OR_RETURN(int64_t key_version, ActiveKeyVersion(s, db.dialect()));
      // Rows are inserted with placeholders and sealed for their new id (field_encryption.h).
      auto seal = [&](const char* table, ll row, std::vector<std::string> values) -> Status {
        ASSIGN_OR_RETURN(long long changed, WriteSealed(s, db.dialect(), *o.cipher, EncryptedTableNamed(table), row,
                                                        values, -1, key_version));
        return changed == 1 ? Status::Ok() : Internal(std::string("seed: sealing a row of ") + table + " failed");
      };
      for (ll i = 0; i < n; ++i) {
        size_t rep = rng() % rep_ids.size();
        std::string region = kRegions[region_of_rep[rep]];
        bool chinese = region != "emea" && region != "americas" ? rng() % 4 != 0 : rng() % 6 == 0;
        std::string name = chinese ? std::string(Pick(rng, kCnCities)) + Pick(rng, kCnCores) + Pick(rng, kCnSuffix) +
                                         "有限公司"
                                   : std::string(Pick(rng, kEnFirst)) + " " + Pick(rng, kEnSecond) + " " +
                                         Pick(rng, kEnForm);
        name += " #" + std::to_string(start + i + 1);  // unique, searchable
        ll created = now - static_cast<ll>(rng() % (730 * day));
        ll updated = created + static_cast<ll>(rng() % std::max<ll>(1, now - created));
        int status_roll = rng() % 10;
        std::string status = status_roll < 3 ? "lead" : status_roll < 9 ? "active" : "churned";
        std::string tier = rng() % 10 == 0 ? "strategic" : rng() % 3 == 0 ? "key" : "standard";
        std::string tag1 = rng() % 3 == 0 ? Pick(rng, kTags) : "";
        std::string web = "https://www.example-" + std::to_string(start + i + 1) + ".com";
        ll id = 0;
        Query q(s,
                "INSERT INTO customers (name, industry, region, tier, status, owner_id, tags, website, notes, "
                "version, created_at, updated_at, created_by, updated_by) VALUES (:name, :industry, :region, "
                ":tier, :status, :owner, :tags, :web, :notes, 1, :ca, :ua, 0, 0) RETURNING id");
        q.Bind("name", name).Bind("industry", Pick(rng, kIndustries)).Bind("region", region).Bind("tier", tier)
            .Bind("status", status).Bind("owner", rep_ids[rep]).Bind("tags", tag1).Bind("web", web)
            .Bind("notes", chinese ? "重点关注私有化部署与数据安全。" : "Interested in self-hosted deployment.")
            .Bind("ca", created).Bind("ua", updated).Into(id);
        q.One();
        ++report.customers;
        if (!tag1.empty()) {
          Query t(s, "INSERT INTO customer_tags (customer_id, tag) VALUES (:id, :tag)");
          t.Bind("id", id).Bind("tag", tag1).Exec();
        }
        int contacts = 1 + rng() % 2;
        for (int c = 0; c < contacts; ++c) {
          std::string person = chinese ? std::string(Pick(rng, kCnSurnames)) + Pick(rng, kCnGiven)
                                       : std::string(Pick(rng, kEnNames)) + " " + Pick(rng, kEnSurnames);
          std::string email = "contact" + std::to_string(c + 1) + "@example-" + std::to_string(start + i + 1) + ".com";
          std::string phone = "+86 13" + std::to_string(100000000 + rng() % 899999999);
          Query cq(s,
                   "INSERT INTO contacts (customer_id, name, title, email, phone, is_primary, version, created_at, "
                   "updated_at) VALUES (:cid, :name, :title, :email, :phone, :primary, 1, :ca, :ua) RETURNING id");
          ll contact_id = 0;
          cq.Bind("cid", id).Bind("name", person).Bind("title", Pick(rng, kTitles)).Bind("email", SealPlaceholder())
              .Bind("phone", SealPlaceholder()).Bind("primary", c == 0 ? 1LL : 0LL).Bind("ca", created)
              .Bind("ua", created).Into(contact_id);
          cq.One();
          RETURN_IF_ERROR(seal("contacts", contact_id, {email, phone}));
          ++report.contacts;
        }
        if (status != "lead") {
          int licenses = 1 + rng() % 3;
          for (int l = 0; l < licenses; ++l) {
            std::string edition = Pick(rng, kEditions);
            ll seats = edition == "community" ? 5 : edition == "team" ? 10 + rng() % 90 : 100 + rng() % 2000;
            ll value = edition == "community" ? 0 : seats * (edition == "team" ? 120000 : 360000);
            ll starts = created + static_cast<ll>(rng() % (180 * day));
            ll expires = starts + 365 * day;
            std::string lstatus = expires < now ? "expired" : status == "churned" ? "revoked" : "active";
            std::string key = "DIFY";  // the issued format, DIFY-XXXX-XXXX-XXXX-XXXX
            for (int group = 0; group < 4; ++group) {
              key += '-';
              for (int k = 0; k < 4; ++k) key += kKeyAlphabet[rng() % (sizeof(kKeyAlphabet) - 1)];
            }
            Query lq(s,
                     "INSERT INTO licenses (customer_id, license_key, edition, seats, annual_value_minor, currency, "
                     "starts_at, expires_at, status, deployment, version, created_at, updated_at) VALUES (:cid, :key, "
                     ":edition, :seats, :value, :currency, :starts, :expires, :status, :deployment, 1, :ca, :ua) "
                     "RETURNING id");
            ll license_id = 0;
            lq.Bind("cid", id).Bind("key", SealPlaceholder()).Bind("edition", edition).Bind("seats", seats).Bind("value", value)
                .Bind("currency", chinese ? "CNY" : "USD").Bind("starts", starts).Bind("expires", expires)
                .Bind("status", lstatus).Bind("deployment", rng() % 2 ? "cloud" : "self_hosted").Bind("ca", starts)
                .Bind("ua", starts).Into(license_id);
            lq.One();
            RETURN_IF_ERROR(seal("licenses", license_id, {key}));
            ++report.licenses;
          }
        }
        int activities = 1 + rng() % 4;
        for (int a = 0; a < activities; ++a) {
          ll at = created + static_cast<ll>(rng() % std::max<ll>(1, now - created));
          Query aq(s,
                   "INSERT INTO activities (customer_id, type, subject, body, occurred_at, user_id, version, "
                   "created_at, updated_at) VALUES (:cid, :type, :subject, :body, :at, :uid, 1, :ca, :ua) RETURNING id");
          ll activity_id = 0;
          aq.Bind("cid", id).Bind("type", Pick(rng, kActivityTypes)).Bind("subject", Pick(rng, kSubjects))
              .Bind("body", SealPlaceholder()).Bind("at", at).Bind("uid", rep_ids[rep]).Bind("ca", at)
              .Bind("ua", at).Into(activity_id);
          aq.One();
          RETURN_IF_ERROR(seal("activities", activity_id, {"Notes from the conversation."}));
          ++report.activities;
        }
        if (rng() % 2 == 0) {
          std::string stage = Pick(rng, kStages);
          Query oq(s,
                   "INSERT INTO opportunities (customer_id, name, stage, amount_minor, currency, expected_close_at, "
                   "probability, owner_id, version, created_at, updated_at) VALUES (:cid, :name, :stage, :amount, "
                   ":currency, :close, :prob, :owner, 1, :ca, :ua)");
          oq.Bind("cid", id).Bind("name", "Dify Enterprise " + std::to_string(2026 + rng() % 2)).Bind("stage", stage)
              .Bind("amount", static_cast<ll>(1000000 + rng() % 50000000)).Bind("currency", chinese ? "CNY" : "USD")
              .Bind("close", now + static_cast<ll>(rng() % (120 * day))).Bind("prob", static_cast<ll>(rng() % 101))
              .Bind("owner", rep_ids[rep]).Bind("ca", updated).Bind("ua", updated).Exec();
          ++report.opportunities;
        }
      }
      tr.commit();
      return Status::Ok();
    }));
  }
  return report;
}

}  // namespace salesdb

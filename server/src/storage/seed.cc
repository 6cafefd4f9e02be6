#include "storage/seed.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <random>
#include <string_view>
#include <vector>

#include "domain/store.h"
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

// The rows of one batch, generated before any id is known (children name their customer by its
// position in the batch). Sealed columns hold their plaintext here.
struct CustomerRow {
  std::string name, industry, region, tier, status, tag, website, notes;
  ll owner = 0, created = 0, updated = 0;
};
struct ContactRow {
  size_t customer = 0;
  std::string name, title, email, phone;
  ll primary = 0, created = 0;
};
struct LicenseRow {
  size_t customer = 0;
  std::string key, edition, currency, status, deployment;
  ll seats = 0, value = 0, starts = 0, expires = 0;
};
struct ActivityRow {
  size_t customer = 0;
  std::string type, subject;
  ll at = 0, user = 0;
};
struct OpportunityRow {
  size_t customer = 0;
  std::string name, stage, currency;
  ll amount = 0, close = 0, probability = 0, owner = 0, at = 0;
};
struct Batch {
  std::vector<CustomerRow> customers;
  std::vector<ContactRow> contacts;
  std::vector<LicenseRow> licenses;
  std::vector<ActivityRow> activities;
  std::vector<OpportunityRow> opportunities;
};

constexpr char kActivityBody[] = "Notes from the conversation.";

// Generates customers number first+1 … first+n and their children. The order of the random draws
// is part of the data: changing it changes every seeded database.
Batch Generate(std::mt19937_64& rng, ll first, ll n, ll now, const std::vector<ll>& rep_ids,
               const std::vector<ll>& region_of_rep) {
  const ll day = 86400000LL;
  Batch b;
  for (ll i = 0; i < n; ++i) {
    const ll number = first + i + 1;
    const size_t ci = b.customers.size();
    CustomerRow c;
    size_t rep = rng() % rep_ids.size();
    c.region = kRegions[region_of_rep[rep]];
    c.owner = rep_ids[rep];
    bool chinese = c.region != "emea" && c.region != "americas" ? rng() % 4 != 0 : rng() % 6 == 0;
    c.name = chinese ? std::string(Pick(rng, kCnCities)) + Pick(rng, kCnCores) + Pick(rng, kCnSuffix) + "有限公司"
                     : std::string(Pick(rng, kEnFirst)) + " " + Pick(rng, kEnSecond) + " " + Pick(rng, kEnForm);
    c.name += " #" + std::to_string(number);  // unique, searchable
    c.created = now - static_cast<ll>(rng() % (730 * day));
    c.updated = c.created + static_cast<ll>(rng() % std::max<ll>(1, now - c.created));
    int status_roll = rng() % 10;
    c.status = status_roll < 3 ? "lead" : status_roll < 9 ? "active" : "churned";
    c.tier = rng() % 10 == 0 ? "strategic" : rng() % 3 == 0 ? "key" : "standard";
    c.tag = rng() % 3 == 0 ? Pick(rng, kTags) : "";
    c.website = "https://www.example-" + std::to_string(number) + ".com";
    c.industry = Pick(rng, kIndustries);
    c.notes = chinese ? "重点关注私有化部署与数据安全。" : "Interested in self-hosted deployment.";
    int contacts = 1 + rng() % 2;
    for (int k = 0; k < contacts; ++k) {
      ContactRow r;
      r.customer = ci;
      r.name = chinese ? std::string(Pick(rng, kCnSurnames)) + Pick(rng, kCnGiven)
                       : std::string(Pick(rng, kEnNames)) + " " + Pick(rng, kEnSurnames);
      r.email = "contact" + std::to_string(k + 1) + "@example-" + std::to_string(number) + ".com";
      r.phone = "+86 13" + std::to_string(100000000 + rng() % 899999999);
      r.title = Pick(rng, kTitles);
      r.primary = k == 0 ? 1 : 0;
      r.created = c.created;
      b.contacts.push_back(std::move(r));
    }
    if (c.status != "lead") {
      int licenses = 1 + rng() % 3;
      for (int l = 0; l < licenses; ++l) {
        LicenseRow r;
        r.customer = ci;
        r.edition = Pick(rng, kEditions);
        r.seats = r.edition == "community" ? 5 : r.edition == "team" ? 10 + rng() % 90 : 100 + rng() % 2000;
        r.value = r.edition == "community" ? 0 : r.seats * (r.edition == "team" ? 120000 : 360000);
        r.starts = std::min(now, c.created + static_cast<ll>(rng() % (180 * day)));  // issued by now
        r.expires = r.starts + 365 * day;
        r.status = r.expires < now ? "expired" : c.status == "churned" ? "revoked" : "active";
        r.key = "DIFY";  // the issued format, DIFY-XXXX-XXXX-XXXX-XXXX
        for (int group = 0; group < 4; ++group) {
          r.key += '-';
          for (int k = 0; k < 4; ++k) r.key += kKeyAlphabet[rng() % (sizeof(kKeyAlphabet) - 1)];
        }
        r.currency = chinese ? "CNY" : "USD";
        r.deployment = rng() % 2 ? "cloud" : "self_hosted";
        b.licenses.push_back(std::move(r));
      }
    }
    int activities = 1 + rng() % 4;
    for (int a = 0; a < activities; ++a) {
      ActivityRow r;
      r.customer = ci;
      r.at = c.created + static_cast<ll>(rng() % std::max<ll>(1, now - c.created));
      r.type = Pick(rng, kActivityTypes);
      r.subject = Pick(rng, kSubjects);
      r.user = c.owner;
      b.activities.push_back(std::move(r));
    }
    if (rng() % 2 == 0) {
      OpportunityRow r;
      r.customer = ci;
      r.stage = Pick(rng, kStages);
      r.name = "Dify Enterprise " + std::to_string(2026 + rng() % 2);
      r.amount = static_cast<ll>(1000000 + rng() % 50000000);
      r.currency = chinese ? "CNY" : "USD";
      r.close = now + static_cast<ll>(rng() % (120 * day));
      r.probability = static_cast<ll>(rng() % 101);
      r.owner = c.owner;
      r.at = c.updated;
      b.opportunities.push_back(std::move(r));
    }
    b.customers.push_back(std::move(c));
  }
  return b;
}

// Rows for one table gathered column by column and written in one go: on SQLite through one
// prepared INSERT executed for every row (SOCI bulk binding) and one INSERT … SELECT, on PostgreSQL
// through one COPY. Triggers, indexes and constraints apply as to any INSERT (the FTS5 and trigram
// search indexes included).
class BulkInsert {
 public:
  BulkInsert(std::string table, std::vector<std::string> int_columns, std::vector<std::string> text_columns)
      : table_(std::move(table)),
        int_names_(std::move(int_columns)),
        text_names_(std::move(text_columns)),
        ints_(int_names_.size()),
        texts_(text_names_.size()) {}

  // Adds the sealed columns of `t`: key_version, each value and the blind indexes.
  BulkInsert& WithSealedColumns(const EncryptedTable& t) {
    int_names_.push_back("key_version");
    for (const auto& c : t.columns) {
      text_names_.push_back(c.column);
      if (c.bidx_column) int_names_.push_back(c.bidx_column);
    }
    ints_.resize(int_names_.size());
    texts_.resize(text_names_.size());
    return *this;
  }

  // Values in the order of the columns (the sealed ones last, in WithSealedColumns' order).
  void Add(std::initializer_list<ll> ints, std::initializer_list<std::string_view> texts) {
    size_t i = 0, t = 0;
    for (ll v : ints) ints_[i++].push_back(v);
    for (std::string_view v : texts) texts_[t++].emplace_back(v);
    next_int_ = i;
    next_text_ = t;
    ++rows_;
  }
  // Completes the row just added with its key version and sealed values.
  void AddSealed(ll key_version, std::vector<SealedColumn>&& sealed, const EncryptedTable& t) {
    ints_[next_int_++].push_back(key_version);
    for (size_t k = 0; k < sealed.size(); ++k) {
      texts_[next_text_++].push_back(std::move(sealed[k].value));
      if (t.columns[k].bidx_column) ints_[next_int_++].push_back(sealed[k].blind_index);
    }
  }

  Status Write(soci::session& s, Dialect d) {
    if (rows_ == 0) return Status::Ok();
    for (const auto& col : ints_) {
      if (col.size() != rows_) return Internal("seed: ragged columns for " + table_);
    }
    for (const auto& col : texts_) {
      if (col.size() != rows_) return Internal("seed: ragged columns for " + table_);
    }
    return d == Dialect::kPostgres ? Copy(s) : Insert(s);
  }

 private:
  std::string ColumnList() const {
    std::string out;
    for (const auto* names : {&int_names_, &text_names_}) {
      for (const auto& n : *names) out += (out.empty() ? "" : ", ") + n;
    }
    return out;
  }

  // The rows go into a TEMP table (no index, no trigger) through one prepared INSERT run once per
  // row, then into the table with one INSERT … SELECT. One statement instead of one per row
  // matters for the customers: every statement opens a savepoint on the FTS5 table, which makes
  // FTS5 flush its pending terms, so row by row it would write a tiny index segment per row.
  Status Insert(soci::session& s) {
    const std::string columns = ColumnList(), staging = "seed_" + table_;
    std::string values;
    for (const auto* names : {&int_names_, &text_names_}) {
      for (const auto& n : *names) values += (values.empty() ? ":" : ", :") + n;
    }
    s << "CREATE TEMP TABLE " + staging + " AS SELECT " + columns + " FROM " + table_ + " WHERE 0";
    soci::statement st(s);
    st.alloc();
    for (size_t i = 0; i < ints_.size(); ++i) st.exchange(soci::use(ints_[i], int_names_[i]));
    for (size_t i = 0; i < texts_.size(); ++i) st.exchange(soci::use(texts_[i], text_names_[i]));
    st.prepare("INSERT INTO temp." + staging + " (" + columns + ") VALUES (" + values + ")");
    st.define_and_bind();
    st.execute(true);
    s << "INSERT INTO " + table_ + " (" + columns + ") SELECT " + columns + " FROM temp." + staging;
    s << "DROP TABLE temp." + staging;
    return Status::Ok();
  }

  // COPY … FROM STDIN in the text format: columns split by tabs, rows by newlines, and backslash,
  // tab, newline and carriage return escaped.
  Status Copy(soci::session& s) {
    std::string data;
    for (size_t r = 0; r < rows_; ++r) {
      bool first = true;
      for (const auto& col : ints_) {
        if (!first) data += '\t';
        first = false;
        data += std::to_string(col[r]);
      }
      for (const auto& col : texts_) {
        if (!first) data += '\t';
        first = false;
        for (char ch : col[r]) {
          switch (ch) {
            case '\\': data += "\\\\"; break;
            case '\t': data += "\\t"; break;
            case '\n': data += "\\n"; break;
            case '\r': data += "\\r"; break;
            default: data += ch;
          }
        }
      }
      data += '\n';
    }
    PGconn* conn = static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
    auto failed = [&](PGresult* res) {
      const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
      std::string why = primary ? primary : PQerrorMessage(conn);
      if (res) PQclear(res);
      return Internal("seed: COPY into " + table_ + " failed: " + why);
    };
    PGresult* res = PQexec(conn, ("COPY " + table_ + " (" + ColumnList() + ") FROM STDIN").c_str());
    if (PQresultStatus(res) != PGRES_COPY_IN) return failed(res);
    PQclear(res);
    if (PQputCopyData(conn, data.data(), static_cast<int>(data.size())) != 1 || PQputCopyEnd(conn, nullptr) != 1) {
      return failed(nullptr);
    }
    Status st = Status::Ok();
    while ((res = PQgetResult(conn)) != nullptr) {
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        if (st.ok()) st = failed(res);
        else PQclear(res);
        continue;
      }
      PQclear(res);
    }
    return st;
  }

  std::string table_;
  std::vector<std::string> int_names_, text_names_;
  std::vector<std::vector<ll>> ints_;
  std::vector<std::vector<std::string>> texts_;
  size_t rows_ = 0, next_int_ = 0, next_text_ = 0;
};

// The ids of a batch's rows, table by table, in the order of the batch.
struct BatchIds {
  std::vector<ll> customers, contacts, licenses, activities, opportunities;
};

StatusOr<BatchIds> ReserveBatchIds(soci::session& s, Dialect d, const Batch& b) {
  BatchIds ids;
  ASSIGN_OR_RETURN(ids.customers, ReserveIds(s, d, "customers", b.customers.size()));
  ASSIGN_OR_RETURN(ids.contacts, ReserveIds(s, d, "contacts", b.contacts.size()));
  ASSIGN_OR_RETURN(ids.licenses, ReserveIds(s, d, "licenses", b.licenses.size()));
  ASSIGN_OR_RETURN(ids.activities, ReserveIds(s, d, "activities", b.activities.size()));
  ASSIGN_OR_RETURN(ids.opportunities, ReserveIds(s, d, "opportunities", b.opportunities.size()));
  return ids;
}

// Writes one generated batch with its reserved ids in the caller's transaction. Knowing the ids
// up front, each sealed value is made for its final row and the rows go in complete (no
// placeholder, no sealing UPDATE).
Status WriteBatch(soci::session& s, Dialect d, FieldCipher& cipher, const Batch& b, const BatchIds& ids) {
  ASSIGN_OR_RETURN(int64_t key_version, ActiveKeyVersion(s, d));
  RETURN_IF_ERROR(EnsureKey(s, cipher, key_version));
  const std::vector<ll>& customer_ids = ids.customers;
  const std::vector<ll>& contact_ids = ids.contacts;
  const std::vector<ll>& license_ids = ids.licenses;
  const std::vector<ll>& activity_ids = ids.activities;
  const std::vector<ll>& opportunity_ids = ids.opportunities;

  BulkInsert customers("customers",
                       {"id", "owner_id", "version", "created_at", "updated_at", "created_by", "updated_by"},
                       {"name", "industry", "region", "tier", "status", "tags", "website", "notes"});
  BulkInsert tags("customer_tags", {"customer_id"}, {"tag"});
  for (size_t i = 0; i < b.customers.size(); ++i) {
    const CustomerRow& c = b.customers[i];
    customers.Add({customer_ids[i], c.owner, 1, c.created, c.updated, 0, 0},
                  {c.name, c.industry, c.region, c.tier, c.status, c.tag, c.website, c.notes});
    if (!c.tag.empty()) tags.Add({customer_ids[i]}, {c.tag});
  }
  RETURN_IF_ERROR(customers.Write(s, d));
  RETURN_IF_ERROR(tags.Write(s, d));

  const EncryptedTable& ct = EncryptedTableNamed("contacts");
  BulkInsert contacts("contacts", {"id", "customer_id", "is_primary", "version", "created_at", "updated_at"},
                      {"name", "title"});
  contacts.WithSealedColumns(ct);
  for (size_t i = 0; i < b.contacts.size(); ++i) {
    const ContactRow& r = b.contacts[i];
    contacts.Add({contact_ids[i], customer_ids[r.customer], r.primary, 1, r.created, r.created}, {r.name, r.title});
    ASSIGN_OR_RETURN(auto sealed, SealRow(cipher, ct, key_version, contact_ids[i], {r.email, r.phone}));
    contacts.AddSealed(key_version, std::move(sealed), ct);
  }
  RETURN_IF_ERROR(contacts.Write(s, d));

  const EncryptedTable& lt = EncryptedTableNamed("licenses");
  BulkInsert licenses("licenses",
                      {"id", "customer_id", "seats", "annual_value_minor", "starts_at", "expires_at", "version",
                       "created_at", "updated_at"},
                      {"edition", "currency", "status", "deployment"});
  licenses.WithSealedColumns(lt);
  for (size_t i = 0; i < b.licenses.size(); ++i) {
    const LicenseRow& r = b.licenses[i];
    licenses.Add({license_ids[i], customer_ids[r.customer], r.seats, r.value, r.starts, r.expires, 1, r.starts,
                  r.starts},
                 {r.edition, r.currency, r.status, r.deployment});
    ASSIGN_OR_RETURN(auto sealed, SealRow(cipher, lt, key_version, license_ids[i], {r.key}));
    licenses.AddSealed(key_version, std::move(sealed), lt);
  }
  RETURN_IF_ERROR(licenses.Write(s, d));

  const EncryptedTable& at = EncryptedTableNamed("activities");
  BulkInsert activities("activities",
                        {"id", "customer_id", "occurred_at", "user_id", "version", "created_at", "updated_at"},
                        {"type", "subject"});
  activities.WithSealedColumns(at);
  for (size_t i = 0; i < b.activities.size(); ++i) {
    const ActivityRow& r = b.activities[i];
    activities.Add({activity_ids[i], customer_ids[r.customer], r.at, r.user, 1, r.at, r.at}, {r.type, r.subject});
    ASSIGN_OR_RETURN(auto sealed, SealRow(cipher, at, key_version, activity_ids[i], {kActivityBody}));
    activities.AddSealed(key_version, std::move(sealed), at);
  }
  RETURN_IF_ERROR(activities.Write(s, d));

  BulkInsert opportunities("opportunities",
                           {"id", "customer_id", "amount_minor", "expected_close_at", "probability", "owner_id",
                            "version", "created_at", "updated_at"},
                           {"name", "stage", "currency"});
  for (size_t i = 0; i < b.opportunities.size(); ++i) {
    const OpportunityRow& r = b.opportunities[i];
    opportunities.Add({opportunity_ids[i], customer_ids[r.customer], r.amount, r.close, r.probability, r.owner, 1,
                       r.at, r.at},
                      {r.name, r.stage, r.currency});
  }
  return opportunities.Write(s, d);
}

}  // namespace

StatusOr<SeedReport> Seed(Database& db, const SeedOptions& o) {
  SeedReport report;
  if (o.cipher == nullptr) return FailedPrecondition("seed needs the field cipher");
  std::mt19937_64 rng(o.random_seed);
  const ll now = o.now_ms;

  // Users: a manager and three reps per region, a finance user and a viewer.
  std::vector<ll> rep_ids, region_of_rep;
  RETURN_IF_ERROR(db.Write([&](soci::session& s) {
    db.writer_state().Changed(kUsersTable);
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
    auto person = [](size_t surname, size_t given) {
      return std::string(kCnSurnames[surname % kCnSurnames.size()]) + kCnGiven[given % kCnGiven.size()];
    };
    for (size_t r = 0; r < kRegions.size(); ++r) {
      std::string region = kRegions[r];
      // Managers' names come from offsets past the reps' in the same tables.
      add_user("manager." + region + "@example.com", person(r * 3 + 7, r * 5 + 11), "sales_manager", region);
      for (int k = 1; k <= 3; ++k) {
        std::string name = person(r * 3 + k, r * 5 + k);
        rep_ids.push_back(add_user("rep" + std::to_string(k) + "." + region + "@example.com", name, "sales_rep", region));
        region_of_rep.push_back(static_cast<ll>(r));
      }
    }
    add_user("finance@example.com", "Finance", "finance", "");
    add_user("viewer@example.com", "Viewer", "viewer", "");
    add_user("auditor@example.com", "Auditor", "auditor", "");
    return Status::Ok();
  }));

  // One transaction per batch: few commits (one fsync each) and bounded memory.
  const ll batch = 10000;
  for (ll start = 0; start < o.customers; start += batch) {
    Batch b = Generate(rng, start, std::min(batch, o.customers - start), now, rep_ids, region_of_rep);
    RETURN_IF_ERROR(db.Write([&](soci::session& s) -> Status {
      db.writer_state().Changed(kAllChangedTables);
      ASSIGN_OR_RETURN(BatchIds ids, ReserveBatchIds(s, db.dialect(), b));
      return WriteBatch(s, db.dialect(), *o.cipher, b, ids);
    }));
    report.customers += static_cast<int64_t>(b.customers.size());
    report.contacts += static_cast<int64_t>(b.contacts.size());
    report.licenses += static_cast<int64_t>(b.licenses.size());
    report.activities += static_cast<int64_t>(b.activities.size());
    report.opportunities += static_cast<int64_t>(b.opportunities.size());
  }
  // PostgreSQL plans from table statistics, which a bulk load leaves stale until autovacuum comes
  // round: refresh them now, so the first requests after a seed get the plans the data deserves.
  if (db.dialect() == Dialect::kPostgres) {
    RETURN_IF_ERROR(db.Exclusive([](soci::session& s) {
      s << "ANALYZE";
      return Status::Ok();
    }));
  }
  return report;
}

}  // namespace salesdb

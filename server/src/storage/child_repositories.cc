// Contacts, licences, activities and opportunities: the rows that hang off a customer. Children of
// customers in the trash are hidden from lists.
#include <memory>

#include "storage/field_encryption.h"
#include "storage/repositories.h"

namespace salesdb {
namespace {

using ll = long long;

// How a child list learns of its customer: joined to the customers row (c), or read apart from it by a
// customer's detail (see WithoutCustomerJoin).
enum class Parent { kJoined, kReadApart };

// Common filters of every child list: parent, caller's region scope, live parents only. Read apart, the
// list is one customer's, whose row the detail checks itself.
void AppendParentFilters(Query& q, const ChildQuery& cq, Parent parent) {
  if (parent == Parent::kReadApart) {
    q.Sql(" WHERE x.customer_id = :cid").Bind("cid", static_cast<ll>(cq.customer_id));
    return;
  }
  q.Sql(" WHERE c.deleted_at IS NULL");
  if (cq.customer_id != 0) q.Sql(" AND x.customer_id = :cid").Bind("cid", static_cast<ll>(cq.customer_id));
  if (!cq.scope_region.empty()) q.Sql(" AND c.region = :scope").Bind("scope", cq.scope_region);
}

// A child select (kSelectContact, …) for a customer's detail: without the join to customers, whose row
// the detail reads in the same batch and answers 404 for unless it is live and in the caller's scope.
// The customer's columns are read as placeholders and filled from that row (OpenChildLists). PostgreSQL
// spent about a fifth less CPU on the detail's statements without the joins (bench/RESULTS.md).
std::string WithoutCustomerJoin(std::string select) {
  auto replace = [&](const std::string& from, const std::string& to) {
    if (size_t at = select.find(from); at != std::string::npos) select.replace(at, from.size(), to);
  };
  replace(" JOIN customers c ON c.id = x.customer_id", "");
  replace("c.owner_id", "0");
  replace("c.name", "''");
  return select;
}

struct Meta {
  ll version = 0, ca = 0, ua = 0, cb = 0, ub = 0;
  void Bind(Query& q) { q.Into(version).Into(ca).Into(ua).Into(cb).Into(ub); }
  RowMeta Get() const { return {version, ca, ua, cb, ub}; }
};

// What a licence's write changes: triggers keep customers.active_licenses (migration 0006).
constexpr uint32_t kLicenseChanges = kLicensesTable | kCustomersTable;

Status CheckOneRow(ll affected, const char* what) {
  if (affected != 1) return Aborted(std::string("the ") + what + " was changed by someone else");
  return Status::Ok();
}

// ---------------------------------------------------------------- contacts
constexpr char kSelectContact[] =
    "SELECT x.id, x.customer_id, c.owner_id, x.name, x.title, x.email, x.phone, x.is_primary, "
    "x.version, x.created_at, x.updated_at, x.created_by, x.updated_by "
    "FROM contacts x JOIN customers c ON c.id = x.customer_id";

struct ContactRow {
  ll id = 0, cid = 0, owner = 0, primary = 0;
  Contact c;
  Meta m;
  void Bind(Query& q) {
    q.Into(id).Into(cid).Into(owner).Into(c.name).Into(c.title).Into(c.email).Into(c.phone).Into(primary);
    m.Bind(q);
  }
  Contact Get() const {
    Contact out = c;
    out.id = id;
    out.customer_id = cid;
    out.is_primary = primary != 0;
    out.customer_owner_id = owner;
    out.meta = m.Get();
    return out;
  }
};

// ---------------------------------------------------------------- licences
constexpr char kSelectLicense[] =
    "SELECT x.id, x.customer_id, c.owner_id, c.name, x.license_key, x.edition, x.seats, x.annual_value_minor, x.currency, "
    "x.starts_at, x.expires_at, x.status, x.deployment, x.revoked_reason, "
    "x.version, x.created_at, x.updated_at, x.created_by, x.updated_by "
    "FROM licenses x JOIN customers c ON c.id = x.customer_id";

struct LicenseRow {
  ll id = 0, cid = 0, owner = 0, seats = 0, value = 0, starts = 0, expires = 0;
  License l;
  Meta m;
  void Bind(Query& q) {
    q.Into(id).Into(cid).Into(owner).Into(l.customer_name).Into(l.key).Into(l.edition).Into(seats).Into(value)
        .Into(l.currency).Into(starts).Into(expires).Into(l.status).Into(l.deployment).Into(l.revoked_reason);
    m.Bind(q);
  }
  License Get() const {
    License out = l;
    out.id = id;
    out.customer_id = cid;
    out.customer_owner_id = owner;
    out.seats = seats;
    out.annual_value_minor = value;
    out.starts_at = starts;
    out.expires_at = expires;
    out.meta = m.Get();
    return out;
  }
};

// ---------------------------------------------------------------- activities
// User names come from UserNames (Named below), not from the statements.
constexpr char kSelectActivity[] =
    "SELECT x.id, x.customer_id, c.owner_id, x.type, x.subject, x.body, x.occurred_at, x.user_id, "
    "x.version, x.created_at, x.updated_at, x.created_by, x.updated_by "
    "FROM activities x JOIN customers c ON c.id = x.customer_id";

struct ActivityRow {
  ll id = 0, cid = 0, owner = 0, occurred = 0, uid = 0;
  Activity a;
  Meta m;
  void Bind(Query& q) {
    q.Into(id).Into(cid).Into(owner).Into(a.type).Into(a.subject).Into(a.body).Into(occurred).Into(uid);
    m.Bind(q);
  }
  Activity Get() const {
    Activity out = a;
    out.id = id;
    out.customer_id = cid;
    out.occurred_at = occurred;
    out.user_id = uid;
    out.customer_owner_id = owner;
    out.meta = m.Get();
    return out;
  }
};

// ---------------------------------------------------------------- opportunities
constexpr char kSelectOpportunity[] =
    "SELECT x.id, x.customer_id, c.owner_id, c.name, x.name, x.stage, x.amount_minor, x.currency, "
    "x.expected_close_at, x.probability, x.owner_id, x.version, x.created_at, x.updated_at, x.created_by, "
    "x.updated_by FROM opportunities x JOIN customers c ON c.id = x.customer_id";

struct OpportunityRow {
  ll id = 0, cid = 0, customer_owner = 0, amount = 0, close = 0, prob = 0, owner = 0;
  Opportunity o;
  Meta m;
  void Bind(Query& q) {
    q.Into(id).Into(cid).Into(customer_owner).Into(o.customer_name).Into(o.name).Into(o.stage).Into(amount)
        .Into(o.currency).Into(close).Into(prob).Into(owner);
    m.Bind(q);
  }
  Opportunity Get() const {
    Opportunity out = o;
    out.id = id;
    out.customer_id = cid;
    out.amount_minor = amount;
    out.expected_close_at = close;
    out.probability = static_cast<int>(prob);
    out.owner_id = owner;
    out.customer_owner_id = customer_owner;
    out.meta = m.Get();
    return out;
  }
};

// ---------------------------------------------------------------- sealed columns
Status NeedCipher(RepoContext& ctx) {
  if (ctx.cipher == nullptr) return FailedPrecondition("field encryption is not set up for this store");
  return Status::Ok();
}

Status Unseal(RepoContext& ctx, Contact& c) {
  RETURN_IF_ERROR(NeedCipher(ctx));
  RETURN_IF_ERROR(OpenSealed(ctx.s, *ctx.cipher, "contacts", "email", c.id, &c.email));
  return OpenSealed(ctx.s, *ctx.cipher, "contacts", "phone", c.id, &c.phone);
}
Status Unseal(RepoContext& ctx, License& l) {
  RETURN_IF_ERROR(NeedCipher(ctx));
  return OpenSealed(ctx.s, *ctx.cipher, "licenses", "license_key", l.id, &l.key);
}
Status Unseal(RepoContext& ctx, Activity& a) {
  RETURN_IF_ERROR(NeedCipher(ctx));
  return OpenSealed(ctx.s, *ctx.cipher, "activities", "body", a.id, &a.body);
}
Status Unseal(RepoContext&, Opportunity&) { return Status::Ok(); }

// The user names a row shows, from UserNames.
void Named(const RepoContext&, Contact&) {}
void Named(const RepoContext&, License&) {}
void Named(const RepoContext& ctx, Activity& a) { a.user_name = UserName(ctx, a.user_id); }
void Named(const RepoContext& ctx, Opportunity& o) { o.owner_name = UserName(ctx, o.owner_id); }

// Seals the given values of row `id` anew (an update).
Status Seal(RepoContext& ctx, const char* table, int64_t id, std::vector<std::string> values) {
  RETURN_IF_ERROR(NeedCipher(ctx));
  ASSIGN_OR_RETURN(int64_t key_version, SealingKeyVersion(ctx.s, ctx.dialect, ctx.writer));
  ASSIGN_OR_RETURN(long long n, WriteSealed(ctx.s, *ctx.cipher, EncryptedTableNamed(table), id, values, key_version));
  return CheckOneRow(n, table);
}

// Inserts a new row of a sealed table complete (field_encryption.h: ids first): `insert` holds the
// values of the plain `columns` bound under the `placeholders`; the id, the key version and the
// sealed columns (`plaintexts`, in the table's order) with their blind indexes are added here.
StatusOr<int64_t> InsertSealed(RepoContext& ctx, const char* table, const char* columns, const char* placeholders,
                               Query& insert, const std::vector<std::string>& plaintexts) {
  RETURN_IF_ERROR(NeedCipher(ctx));
  const EncryptedTable& t = EncryptedTableNamed(table);
  ASSIGN_OR_RETURN(int64_t id, NewRowId(ctx.s, ctx.dialect, ctx.writer, table));
  ASSIGN_OR_RETURN(int64_t key_version, SealingKeyVersion(ctx.s, ctx.dialect, ctx.writer));
  ASSIGN_OR_RETURN(std::vector<SealedAssignment> sealed,
                   BindSealed(ctx.s, *ctx.cipher, t, key_version, id, plaintexts, insert));
  std::string names = "id", values = ":id";
  insert.Bind("id", static_cast<ll>(id));
  for (const SealedAssignment& a : sealed) {
    names += ", " + a.column;
    values += ", " + a.placeholder;
  }
  insert.Sql(std::string("INSERT INTO ") + table + " (" + names + ", " + columns + ") VALUES (" + values + ", " +
             placeholders + ")");
  // On the writer the id is known beforehand and nothing is read back, so the INSERT needs no answer
  // of its own: on PostgreSQL it goes with the write's next statement (Query::Defer), one round trip
  // less; should it fail, its batch fails whole (database.h).
  if (ctx.writer != nullptr) {
    insert.Defer();
  } else {
    insert.Exec();
  }
  return id;
}

template <typename Row, typename Entity>
StatusOr<Entity> GetOne(RepoContext& ctx, const char* select, int64_t id, const char* what) {
  Row r;
  Query q(ctx.s, select);
  q.Sql(" WHERE x.id = :id").Bind("id", static_cast<ll>(id));
  r.Bind(q);
  if (!q.One()) return NotFound(std::string(what) + " not found");
  Entity e = r.Get();
  RETURN_IF_ERROR(Unseal(ctx, e));
  Named(ctx, e);
  return e;
}

template <typename Row, typename Entity>
StatusOr<std::vector<Entity>> RunList(RepoContext& ctx, Query& q) {
  Row r;
  r.Bind(q);
  std::vector<Entity> out;
  q.Each([&] { out.push_back(r.Get()); });
  for (auto& e : out) {
    RETURN_IF_ERROR(Unseal(ctx, e));
    Named(ctx, e);
  }
  return out;
}

// The WHERE and ORDER BY of a contact list. Exact matches go through the blind indexes; the candidates
// (a 32-bit index collides now and then) are opened and compared by List, so a page may hold fewer
// rows than asked for.
Status FilterContacts(RepoContext& ctx, const ChildQuery& cq, Query& q, Parent parent = Parent::kJoined) {
  AppendParentFilters(q, cq, parent);
  RETURN_IF_ERROR(NeedCipher(ctx));
  if (!cq.email.empty()) {
    q.Sql(" AND x.email_bidx = :eb").Bind("eb", static_cast<ll>(ctx.cipher->BlindIndex("contacts.email", NormalizeEmail(cq.email))));
  }
  if (!cq.phone.empty()) {
    q.Sql(" AND x.phone_bidx = :pb").Bind("pb", static_cast<ll>(ctx.cipher->BlindIndex("contacts.phone", NormalizePhone(cq.phone))));
  }
  const std::string& f = cq.page.sort_field;
  AppendKeyset(q, f == "name" ? "x.name" : f == "updated_at" ? "x.updated_at" : "x.created_at", f != "name", "x.id",
               cq.page);
  return Status::Ok();
}

// The WHERE and ORDER BY of a licence list (a key matches through its blind index, as contacts do).
Status FilterLicenses(RepoContext& ctx, const ChildQuery& cq, Query& q, Parent parent = Parent::kJoined) {
  AppendParentFilters(q, cq, parent);
  if (!cq.status.empty()) q.Sql(" AND x.status = :status").Bind("status", cq.status);
  if (!cq.edition.empty()) q.Sql(" AND x.edition = :edition").Bind("edition", cq.edition);
  RETURN_IF_ERROR(NeedCipher(ctx));
  if (!cq.key.empty()) {
    q.Sql(" AND x.key_bidx = :kb")
        .Bind("kb", static_cast<ll>(ctx.cipher->BlindIndex("licenses.license_key", NormalizeLicenseKey(cq.key))));
  }
  if (cq.expires_before != 0) {
    q.Sql(" AND x.status = 'active' AND x.expires_at <= :eb").Bind("eb", static_cast<ll>(cq.expires_before));
  }
  const std::string& f = cq.page.sort_field;
  AppendKeyset(q, f == "expires_at" ? "x.expires_at" : f == "created_at" ? "x.created_at" : "x.updated_at", true,
               "x.id", cq.page);
  return Status::Ok();
}

// The WHERE and ORDER BY of an activity list.
void FilterActivities(const ChildQuery& cq, Query& q, Parent parent = Parent::kJoined) {
  AppendParentFilters(q, cq, parent);
  if (!cq.type.empty()) q.Sql(" AND x.type = :type").Bind("type", cq.type);
  if (cq.user_id != 0) q.Sql(" AND x.user_id = :uid").Bind("uid", static_cast<ll>(cq.user_id));
  AppendKeyset(q, cq.page.sort_field == "updated_at" ? "x.updated_at" : "x.occurred_at", true, "x.id", cq.page);
}

// The WHERE and ORDER BY of an opportunity list.
void FilterOpportunities(const ChildQuery& cq, Query& q, Parent parent = Parent::kJoined) {
  AppendParentFilters(q, cq, parent);
  if (!cq.stage.empty()) q.Sql(" AND x.stage = :stage").Bind("stage", cq.stage);
  if (cq.owner_id != 0) q.Sql(" AND x.owner_id = :owner").Bind("owner", static_cast<ll>(cq.owner_id));
  const std::string& f = cq.page.sort_field;
  AppendKeyset(q,
               f == "expected_close_at" ? "x.expected_close_at"
               : f == "amount_minor"    ? "x.amount_minor"
                                        : "x.updated_at",
               true, "x.id", cq.page);
}

// A list query added to `batch`: its rows are appended to *out when the batch runs (sealed columns
// still sealed).
template <typename Row, typename Entity>
Query& AddList(QueryBatch& batch, const char* select, std::vector<Entity>* out) {
  auto row = std::make_shared<Row>();
  Query& q = batch.Add(select, [row, out] { out->push_back(row->Get()); });
  row->Bind(q);
  return q;
}

Status DeleteRow(RepoContext& ctx, const char* table, uint32_t changes, int64_t id, int64_t version,
                 const char* what) {
  Changed(ctx, changes);
  Query q(ctx.s, std::string("DELETE FROM ") + table + " WHERE id = :id AND version = :version");
  q.Bind("id", static_cast<ll>(id)).Bind("version", static_cast<ll>(version));
  return CheckOneRow(q.Exec(), what);
}

}  // namespace

// ---------------------------------------------------------------- a customer's children at once

Status AddChildLists(RepoContext& ctx, const DetailQuery& dq, QueryBatch& batch, CustomerDetail* out) {
  auto of_customer = [&](ChildQuery cq) {
    cq.customer_id = dq.customer_id;
    return cq;
  };
  static const std::string contacts = WithoutCustomerJoin(kSelectContact);
  static const std::string licenses = WithoutCustomerJoin(kSelectLicense);
  static const std::string activities = WithoutCustomerJoin(kSelectActivity);
  static const std::string opportunities = WithoutCustomerJoin(kSelectOpportunity);
  constexpr Parent apart = Parent::kReadApart;
  RETURN_IF_ERROR(FilterContacts(ctx, of_customer(dq.contacts),
                                 AddList<ContactRow, Contact>(batch, contacts.c_str(), &out->contacts), apart));
  RETURN_IF_ERROR(FilterLicenses(ctx, of_customer(dq.licenses),
                                 AddList<LicenseRow, License>(batch, licenses.c_str(), &out->licenses), apart));
  FilterActivities(of_customer(dq.activities),
                   AddList<ActivityRow, Activity>(batch, activities.c_str(), &out->activities), apart);
  FilterOpportunities(of_customer(dq.opportunities),
                      AddList<OpportunityRow, Opportunity>(batch, opportunities.c_str(), &out->opportunities), apart);
  return Status::Ok();
}

Status OpenChildLists(RepoContext& ctx, CustomerDetail& d) {
  const Customer& parent = d.customer;  // the columns the lists did not join (AddChildLists)
  for (auto& c : d.contacts) {
    c.customer_owner_id = parent.owner_id;
    RETURN_IF_ERROR(Unseal(ctx, c));
  }
  for (auto& l : d.licenses) {
    l.customer_owner_id = parent.owner_id;
    l.customer_name = parent.name;
    RETURN_IF_ERROR(Unseal(ctx, l));
  }
  for (auto& a : d.activities) {
    a.customer_owner_id = parent.owner_id;
    RETURN_IF_ERROR(Unseal(ctx, a));
    Named(ctx, a);
  }
  for (auto& o : d.opportunities) {
    o.customer_name = parent.name;
    o.customer_owner_id = parent.owner_id;
    Named(ctx, o);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- contacts

StatusOr<Contact> SqlContactRepository::Get(int64_t id) {
  return GetOne<ContactRow, Contact>(ctx_, kSelectContact, id, "contact");
}

StatusOr<std::vector<Contact>> SqlContactRepository::List(const ChildQuery& cq) {
  Query q(ctx_.s, kSelectContact);
  RETURN_IF_ERROR(FilterContacts(ctx_, cq, q));
  ASSIGN_OR_RETURN(auto rows, (RunList<ContactRow, Contact>(ctx_, q)));
  std::erase_if(rows, [&](const Contact& c) {
    return (!cq.email.empty() && NormalizeEmail(c.email) != NormalizeEmail(cq.email)) ||
           (!cq.phone.empty() && NormalizePhone(c.phone) != NormalizePhone(cq.phone));
  });
  return rows;
}

StatusOr<int64_t> SqlContactRepository::Insert(const Contact& c) {
  Changed(ctx_, kContactsTable);
  Query q(ctx_.s);
  q.Bind("cid", static_cast<ll>(c.customer_id)).Bind("name", c.name).Bind("title", c.title)
      .Bind("primary", c.is_primary ? 1LL : 0LL).Bind("ca", static_cast<ll>(c.meta.created_at))
      .Bind("ua", static_cast<ll>(c.meta.updated_at)).Bind("cb", static_cast<ll>(c.meta.created_by))
      .Bind("ub", static_cast<ll>(c.meta.updated_by));
  return InsertSealed(ctx_, "contacts",
                      "customer_id, name, title, is_primary, version, created_at, updated_at, created_by, updated_by",
                      ":cid, :name, :title, :primary, 1, :ca, :ua, :cb, :ub", q, {c.email, c.phone});
}

Status SqlContactRepository::Update(const Contact& c) {
  Changed(ctx_, kContactsTable);
  Query q(ctx_.s,
          "UPDATE contacts SET name = :name, title = :title, is_primary = :primary, "
          "version = :version, updated_at = :ua, updated_by = :ub WHERE id = :id AND version = :old");
  q.Bind("name", c.name).Bind("title", c.title)
      .Bind("primary", c.is_primary ? 1LL : 0LL).Bind("version", static_cast<ll>(c.meta.version))
      .Bind("ua", static_cast<ll>(c.meta.updated_at)).Bind("ub", static_cast<ll>(c.meta.updated_by))
      .Bind("id", static_cast<ll>(c.id)).Bind("old", static_cast<ll>(c.meta.version - 1));
  RETURN_IF_ERROR(CheckOneRow(q.Exec(), "contact"));
  return Seal(ctx_, "contacts", c.id, {c.email, c.phone});
}

Status SqlContactRepository::Delete(int64_t id, int64_t version) {
  return DeleteRow(ctx_, "contacts", kContactsTable, id, version, "contact");
}

Status SqlContactRepository::ClearPrimary(int64_t customer_id, int64_t except_id) {
  Changed(ctx_, kContactsTable);
  Query q(ctx_.s,
          "UPDATE contacts SET is_primary = 0, version = version + 1 WHERE customer_id = :cid AND id <> :id "
          "AND is_primary = 1");
  q.Bind("cid", static_cast<ll>(customer_id)).Bind("id", static_cast<ll>(except_id));
  q.Exec();
  return Status::Ok();
}

// ---------------------------------------------------------------- licences

StatusOr<License> SqlLicenseRepository::Get(int64_t id) {
  return GetOne<LicenseRow, License>(ctx_, kSelectLicense, id, "licence");
}

StatusOr<std::vector<License>> SqlLicenseRepository::List(const ChildQuery& cq) {
  Query q(ctx_.s, kSelectLicense);
  RETURN_IF_ERROR(FilterLicenses(ctx_, cq, q));
  ASSIGN_OR_RETURN(auto rows, (RunList<LicenseRow, License>(ctx_, q)));
  if (!cq.key.empty()) {
    std::erase_if(rows, [&](const License& l) { return NormalizeLicenseKey(l.key) != NormalizeLicenseKey(cq.key); });
  }
  return rows;
}

StatusOr<int64_t> SqlLicenseRepository::Insert(const License& l) {
  Changed(ctx_, kLicenseChanges);
  Query q(ctx_.s);
  q.Bind("cid", static_cast<ll>(l.customer_id)).Bind("edition", l.edition)
      .Bind("seats", static_cast<ll>(l.seats)).Bind("value", static_cast<ll>(l.annual_value_minor))
      .Bind("currency", l.currency).Bind("starts", static_cast<ll>(l.starts_at))
      .Bind("expires", static_cast<ll>(l.expires_at)).Bind("status", l.status).Bind("deployment", l.deployment)
      .Bind("reason", l.revoked_reason).Bind("ca", static_cast<ll>(l.meta.created_at))
      .Bind("ua", static_cast<ll>(l.meta.updated_at)).Bind("cb", static_cast<ll>(l.meta.created_by))
      .Bind("ub", static_cast<ll>(l.meta.updated_by));
  return InsertSealed(ctx_, "licenses",
                      "customer_id, edition, seats, annual_value_minor, currency, starts_at, expires_at, status, "
                      "deployment, revoked_reason, version, created_at, updated_at, created_by, updated_by",
                      ":cid, :edition, :seats, :value, :currency, :starts, :expires, :status, :deployment, :reason, 1, "
                      ":ca, :ua, :cb, :ub",
                      q, {l.key});
}

Status SqlLicenseRepository::Update(const License& l) {
  Changed(ctx_, kLicenseChanges);
  Query q(ctx_.s,
          "UPDATE licenses SET edition = :edition, seats = :seats, annual_value_minor = :value, currency = :currency, "
          "starts_at = :starts, expires_at = :expires, status = :status, deployment = :deployment, "
          "revoked_reason = :reason, version = :version, updated_at = :ua, updated_by = :ub "
          "WHERE id = :id AND version = :old");
  q.Bind("edition", l.edition).Bind("seats", static_cast<ll>(l.seats))
      .Bind("value", static_cast<ll>(l.annual_value_minor)).Bind("currency", l.currency)
      .Bind("starts", static_cast<ll>(l.starts_at)).Bind("expires", static_cast<ll>(l.expires_at))
      .Bind("status", l.status).Bind("deployment", l.deployment).Bind("reason", l.revoked_reason)
      .Bind("version", static_cast<ll>(l.meta.version)).Bind("ua", static_cast<ll>(l.meta.updated_at))
      .Bind("ub", static_cast<ll>(l.meta.updated_by)).Bind("id", static_cast<ll>(l.id))
      .Bind("old", static_cast<ll>(l.meta.version - 1));
  return CheckOneRow(q.Exec(), "licence");
}

Status SqlLicenseRepository::Delete(int64_t id, int64_t version) {
  return DeleteRow(ctx_, "licenses", kLicenseChanges, id, version, "licence");
}

StatusOr<int64_t> SqlLicenseRepository::ExpireDue(int64_t now) {
  Changed(ctx_, kLicenseChanges);
  Query q(ctx_.s,
          "UPDATE licenses SET status = 'expired', version = version + 1, updated_at = :now "
          "WHERE status = 'active' AND expires_at < :now2");
  q.Bind("now", static_cast<ll>(now)).Bind("now2", static_cast<ll>(now));
  return static_cast<int64_t>(q.Exec());
}

// ---------------------------------------------------------------- activities

StatusOr<Activity> SqlActivityRepository::Get(int64_t id) {
  return GetOne<ActivityRow, Activity>(ctx_, kSelectActivity, id, "activity");
}

StatusOr<std::vector<Activity>> SqlActivityRepository::List(const ChildQuery& cq) {
  Query q(ctx_.s, kSelectActivity);
  FilterActivities(cq, q);
  return RunList<ActivityRow, Activity>(ctx_, q);
}

StatusOr<int64_t> SqlActivityRepository::Insert(const Activity& a) {
  Changed(ctx_, kActivitiesTable);
  Query q(ctx_.s);
  q.Bind("cid", static_cast<ll>(a.customer_id)).Bind("type", a.type).Bind("subject", a.subject)
      .Bind("occurred", static_cast<ll>(a.occurred_at)).Bind("uid", static_cast<ll>(a.user_id))
      .Bind("ca", static_cast<ll>(a.meta.created_at)).Bind("ua", static_cast<ll>(a.meta.updated_at))
      .Bind("cb", static_cast<ll>(a.meta.created_by)).Bind("ub", static_cast<ll>(a.meta.updated_by));
  return InsertSealed(ctx_, "activities",
                      "customer_id, type, subject, occurred_at, user_id, version, created_at, updated_at, created_by, "
                      "updated_by",
                      ":cid, :type, :subject, :occurred, :uid, 1, :ca, :ua, :cb, :ub", q, {a.body});
}

Status SqlActivityRepository::Update(const Activity& a) {
  Changed(ctx_, kActivitiesTable);
  Query q(ctx_.s,
          "UPDATE activities SET type = :type, subject = :subject, occurred_at = :occurred, "
          "version = :version, updated_at = :ua, updated_by = :ub WHERE id = :id AND version = :old");
  q.Bind("type", a.type).Bind("subject", a.subject)
      .Bind("occurred", static_cast<ll>(a.occurred_at)).Bind("version", static_cast<ll>(a.meta.version))
      .Bind("ua", static_cast<ll>(a.meta.updated_at)).Bind("ub", static_cast<ll>(a.meta.updated_by))
      .Bind("id", static_cast<ll>(a.id)).Bind("old", static_cast<ll>(a.meta.version - 1));
  RETURN_IF_ERROR(CheckOneRow(q.Exec(), "activity"));
  return Seal(ctx_, "activities", a.id, {a.body});
}

Status SqlActivityRepository::Delete(int64_t id, int64_t version) {
  return DeleteRow(ctx_, "activities", kActivitiesTable, id, version, "activity");
}

// ---------------------------------------------------------------- opportunities

StatusOr<Opportunity> SqlOpportunityRepository::Get(int64_t id) {
  return GetOne<OpportunityRow, Opportunity>(ctx_, kSelectOpportunity, id, "opportunity");
}

StatusOr<std::vector<Opportunity>> SqlOpportunityRepository::List(const ChildQuery& cq) {
  Query q(ctx_.s, kSelectOpportunity);
  FilterOpportunities(cq, q);
  return RunList<OpportunityRow, Opportunity>(ctx_, q);
}

StatusOr<int64_t> SqlOpportunityRepository::Insert(const Opportunity& o) {
  Changed(ctx_, kOpportunitiesTable);
  ll id = 0;
  Query q(ctx_.s,
          "INSERT INTO opportunities (customer_id, name, stage, amount_minor, currency, expected_close_at, "
          "probability, owner_id, version, created_at, updated_at, created_by, updated_by) VALUES (:cid, :name, "
          ":stage, :amount, :currency, :close, :prob, :owner, 1, :ca, :ua, :cb, :ub) RETURNING id");
  q.Bind("cid", static_cast<ll>(o.customer_id)).Bind("name", o.name).Bind("stage", o.stage)
      .Bind("amount", static_cast<ll>(o.amount_minor)).Bind("currency", o.currency)
      .Bind("close", static_cast<ll>(o.expected_close_at)).Bind("prob", static_cast<ll>(o.probability))
      .Bind("owner", static_cast<ll>(o.owner_id)).Bind("ca", static_cast<ll>(o.meta.created_at))
      .Bind("ua", static_cast<ll>(o.meta.updated_at)).Bind("cb", static_cast<ll>(o.meta.created_by))
      .Bind("ub", static_cast<ll>(o.meta.updated_by)).Into(id);
  q.One();
  return static_cast<int64_t>(id);
}

Status SqlOpportunityRepository::Update(const Opportunity& o) {
  Changed(ctx_, kOpportunitiesTable);
  Query q(ctx_.s,
          "UPDATE opportunities SET name = :name, stage = :stage, amount_minor = :amount, currency = :currency, "
          "expected_close_at = :close, probability = :prob, owner_id = :owner, version = :version, "
          "updated_at = :ua, updated_by = :ub WHERE id = :id AND version = :old");
  q.Bind("name", o.name).Bind("stage", o.stage).Bind("amount", static_cast<ll>(o.amount_minor))
      .Bind("currency", o.currency).Bind("close", static_cast<ll>(o.expected_close_at))
      .Bind("prob", static_cast<ll>(o.probability)).Bind("owner", static_cast<ll>(o.owner_id))
      .Bind("version", static_cast<ll>(o.meta.version)).Bind("ua", static_cast<ll>(o.meta.updated_at))
      .Bind("ub", static_cast<ll>(o.meta.updated_by)).Bind("id", static_cast<ll>(o.id))
      .Bind("old", static_cast<ll>(o.meta.version - 1));
  return CheckOneRow(q.Exec(), "opportunity");
}

Status SqlOpportunityRepository::Delete(int64_t id, int64_t version) {
  return DeleteRow(ctx_, "opportunities", kOpportunitiesTable, id, version, "opportunity");
}

}  // namespace salesdb

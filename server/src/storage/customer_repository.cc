#include "storage/repositories.h"

namespace salesdb {
namespace {

// The owner's name is not read here but from UserNames (storage/user_names.h says why).
constexpr char kSelectCustomer[] =
    "SELECT c.id, c.name, c.industry, c.region, c.tier, c.status, c.owner_id, c.tags, c.website, c.notes, "
    "c.active_licenses, "  // kept by triggers on licenses (migration 0006)
    "c.deleted_at, c.version, c.created_at, c.updated_at, c.created_by, c.updated_by "
    "FROM customers c";
constexpr char kInsertCustomer[] =
    "INSERT INTO customers (name, industry, region, tier, status, owner_id, tags, website, notes, version, "
    "created_at, updated_at, created_by, updated_by) VALUES (:name, :industry, :region, :tier, :status, "
    ":owner, :tags, :website, :notes, 1, :ca, :ua, :cb, :ub) RETURNING id";
constexpr char kUpdateCustomer[] =
    "UPDATE customers SET name = :name, industry = :industry, region = :region, tier = :tier, "
    "status = :status, owner_id = :owner, tags = :tags, website = :website, notes = :notes, "
    "version = :version, updated_at = :ua, updated_by = :ub WHERE id = :id AND version = :old";
constexpr char kSetDeleted[] =
    "UPDATE customers SET deleted_at = :da, deleted_by = :db, version = :version, updated_at = :ua, "
    "updated_by = :ub WHERE id = :id AND version = :old";

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

std::vector<std::string> SplitTags(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.emplace_back(s, start, end - start);
    start = end + 1;
  }
  return out;
}

// A pattern for ESCAPE '\': contains `text`.
std::string LikeContains(const std::string& text) { return "%" + LikeEscape(text) + "%"; }

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

struct CustomerRow {
  long long id = 0, owner = 0, active = 0, deleted_at = 0, version = 0, ca = 0, ua = 0, cb = 0, ub = 0;
  soci::indicator deleted_ind = soci::i_ok;
  std::string name, industry, region, tier, status, tags, website, notes;
  void Bind(Query& q) {
    q.Into(id).Into(name).Into(industry).Into(region).Into(tier).Into(status).Into(owner).Into(tags).Into(website)
        .Into(notes).Into(active).Into(deleted_at, deleted_ind).Into(version).Into(ca).Into(ua).Into(cb).Into(ub);
  }
  // The row as a Customer, its owner named; the text columns are moved out (the next row overwrites
  // them all).
  Customer Take(const RepoContext& ctx) {
    Customer c;
    c.id = id;
    c.name = std::move(name);
    c.industry = std::move(industry);
    c.region = std::move(region);
    c.tier = std::move(tier);
    c.status = std::move(status);
    c.owner_id = owner;
    c.owner_name = UserName(ctx, owner);
    c.tags = SplitTags(tags);
    c.website = std::move(website);
    c.notes = std::move(notes);
    c.active_license_count = active;
    if (deleted_ind == soci::i_ok) c.deleted_at = deleted_at;
    c.meta = {version, ca, ua, cb, ub};
    return c;
  }
};

void ReplaceTags(RepoContext& ctx, int64_t id, const std::vector<std::string>& tags) {
  Query del(ctx.s, "DELETE FROM customer_tags WHERE customer_id = :id");
  del.Bind("id", static_cast<long long>(id));
  del.Exec();
  for (const auto& t : tags) {
    Query ins(ctx.s, "INSERT INTO customer_tags (customer_id, tag) VALUES (:id, :tag) ON CONFLICT DO NOTHING");
    ins.Bind("id", static_cast<long long>(id)).Bind("tag", t);
    ins.Exec();
  }
}

}  // namespace

StatusOr<Customer> SqlCustomerRepository::Get(int64_t id, bool include_deleted) {
  CustomerRow r;
  Query q(ctx_.s, kSelectCustomer);
  q.Sql(" WHERE c.id = :id").Bind("id", static_cast<long long>(id));
  if (!include_deleted) q.Sql(" AND c.deleted_at IS NULL");
  r.Bind(q);
  if (!q.One()) return NotFound("customer not found");
  return r.Take(ctx_);
}

StatusOr<CustomerDetail> SqlCustomerRepository::GetDetail(const DetailQuery& dq) {
  CustomerDetail d;
  bool found = false;
  CustomerRow r;
  QueryBatch batch(ctx_.s);
  Query& q = batch.Add(kSelectCustomer, [&] {
    d.customer = r.Take(ctx_);
    found = true;
  });
  q.Sql(" WHERE c.id = :id AND c.deleted_at IS NULL").Bind("id", static_cast<long long>(dq.customer_id));
  r.Bind(q);
  RETURN_IF_ERROR(AddChildLists(ctx_, dq, batch, &d));
  batch.Run();
  if (!found) return NotFound("customer not found");
  RETURN_IF_ERROR(OpenChildLists(ctx_, d));
  return d;
}

StatusOr<std::vector<Customer>> SqlCustomerRepository::List(const CustomerQuery& cq) {
  CustomerRow r;
  Query q(ctx_.s, kSelectCustomer);
  q.Sql(cq.deleted ? " WHERE c.deleted_at IS NOT NULL" : " WHERE c.deleted_at IS NULL");
  if (!cq.scope_region.empty()) q.Sql(" AND c.region = :scope").Bind("scope", cq.scope_region);
  if (!cq.region.empty()) q.Sql(" AND c.region = :region").Bind("region", cq.region);
  if (!cq.industry.empty()) q.Sql(" AND c.industry = :industry").Bind("industry", cq.industry);
  if (!cq.status.empty()) q.Sql(" AND c.status = :status").Bind("status", cq.status);
  if (!cq.tier.empty()) q.Sql(" AND c.tier = :tier").Bind("tier", cq.tier);
  if (cq.owner_id != 0) q.Sql(" AND c.owner_id = :owner").Bind("owner", static_cast<long long>(cq.owner_id));
  if (!cq.tag.empty()) {
    q.Sql(" AND c.id IN (SELECT customer_id FROM customer_tags WHERE tag = :tag)").Bind("tag", cq.tag);
  }
  if (!cq.q.empty()) {
    if (ctx_.dialect == Dialect::kPostgres) {
      q.Sql(" AND (c.name || ' ' || c.website || ' ' || c.notes || ' ' || c.tags) ILIKE :q ESCAPE '\\'")
          .Bind("q", LikeContains(cq.q));
    } else if (Utf8Length(cq.q) >= 3) {
      // Trigram FTS5: a quoted phrase matches as a substring.
      std::string phrase = "\"";
      for (char ch : cq.q) phrase += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      phrase += "\"";
      q.Sql(" AND c.id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH :q)").Bind("q", phrase);
    } else {
      q.Sql(" AND (c.name LIKE :q1 ESCAPE '\\' OR c.tags LIKE :q2 ESCAPE '\\')")
          .Bind("q1", LikeContains(cq.q)).Bind("q2", LikeContains(cq.q));
    }
  }
  const std::string& f = cq.page.sort_field;
  std::string column = f == "name" ? "c.name" : f == "created_at" ? "c.created_at" : "c.updated_at";
  AppendKeyset(q, column, f != "name", "c.id", cq.page);
  r.Bind(q);
  std::vector<Customer> out;
  out.reserve(static_cast<size_t>(cq.page.limit) + 1);  // the page and the one row that says there is more
  q.Each([&] { out.push_back(r.Take(ctx_)); });
  return out;
}

StatusOr<int64_t> SqlCustomerRepository::Insert(const Customer& c) {
  Changed(ctx_, kCustomersTable);
  long long id = 0;
  Query q(ctx_.s, kInsertCustomer);
  q.Bind("name", c.name).Bind("industry", c.industry).Bind("region", c.region).Bind("tier", c.tier)
      .Bind("status", c.status).Bind("owner", static_cast<long long>(c.owner_id)).Bind("tags", JoinTags(c.tags))
      .Bind("website", c.website).Bind("notes", c.notes).Bind("ca", static_cast<long long>(c.meta.created_at))
      .Bind("ua", static_cast<long long>(c.meta.updated_at)).Bind("cb", static_cast<long long>(c.meta.created_by))
      .Bind("ub", static_cast<long long>(c.meta.updated_by)).Into(id);
  q.One();
  ReplaceTags(ctx_, id, c.tags);
  return static_cast<int64_t>(id);
}

Status SqlCustomerRepository::Update(const Customer& c) {
  Changed(ctx_, kCustomersTable);
  Query q(ctx_.s, kUpdateCustomer);
  q.Bind("name", c.name).Bind("industry", c.industry).Bind("region", c.region).Bind("tier", c.tier)
      .Bind("status", c.status).Bind("owner", static_cast<long long>(c.owner_id)).Bind("tags", JoinTags(c.tags))
      .Bind("website", c.website).Bind("notes", c.notes).Bind("version", static_cast<long long>(c.meta.version))
      .Bind("ua", static_cast<long long>(c.meta.updated_at)).Bind("ub", static_cast<long long>(c.meta.updated_by))
      .Bind("id", static_cast<long long>(c.id)).Bind("old", static_cast<long long>(c.meta.version - 1));
  if (q.Exec() != 1) return Aborted("the customer was changed by someone else");
  ReplaceTags(ctx_, c.id, c.tags);
  return Status::Ok();
}

Status SqlCustomerRepository::SetDeleted(int64_t id, int64_t new_version, std::optional<int64_t> deleted_at,
                                         int64_t by, int64_t at) {
  Changed(ctx_, kCustomersTable);
  Query q(ctx_.s);
  if (deleted_at) {
    q.Sql(kSetDeleted).Bind("da", static_cast<long long>(*deleted_at)).Bind("db", static_cast<long long>(by));
  } else {
    q.Sql("UPDATE customers SET deleted_at = NULL, deleted_by = NULL, version = :version, updated_at = :ua, "
          "updated_by = :ub WHERE id = :id AND version = :old");
  }
  q.Bind("version", static_cast<long long>(new_version)).Bind("ua", static_cast<long long>(at))
      .Bind("ub", static_cast<long long>(by)).Bind("id", static_cast<long long>(id))
      .Bind("old", static_cast<long long>(new_version - 1));
  if (q.Exec() != 1) return Aborted("the customer was changed by someone else");
  return Status::Ok();
}

StatusOr<int64_t> SqlCustomerRepository::PurgeDeletedBefore(int64_t at) {
  Changed(ctx_, kAllChangedTables);  // their contacts, licences, activities and opportunities go with them
  Query q(ctx_.s, "DELETE FROM customers WHERE deleted_at IS NOT NULL AND deleted_at < :at");
  q.Bind("at", static_cast<long long>(at));
  return static_cast<int64_t>(q.Exec());
}

}  // namespace salesdb

#include <algorithm>

#include "domain/masking.h"
#include "domain/permissions.h"
#include "domain/service_util.h"
#include "domain/validation.h"

namespace salesdb {

using internal::Audit;
using internal::CheckVersion;
using internal::Touch;

AuditEntry MakeAuditEntry(const Actor& actor, int64_t at, std::string action, std::string entity, int64_t entity_id) {
  AuditEntry e;
  e.at = at;
  e.actor_id = actor.user_id;
  e.actor_role = actor.role;
  e.ip = actor.ip;
  e.user_agent = actor.user_agent;
  e.request_id = actor.request_id;
  e.action = std::move(action);
  e.entity = std::move(entity);
  e.entity_id = entity_id;
  return e;
}

namespace {

// Ownership and region rules for a customer row as it would be after a write.
Status CheckOwnership(Tx& tx, const Actor& actor, const Customer& c) {
  if (actor.role == "sales_rep" && c.owner_id != actor.user_id) {
    return PermissionDenied("a sales rep may only own customers themselves");
  }
  if (actor.role == "sales_manager" && c.region != actor.region) {
    return FieldInvalid("region", "out_of_scope", "must be your own region (" + actor.region + ")");
  }
  auto owner = tx.users().Get(c.owner_id);
  if (!owner.ok() || owner->disabled) return FieldInvalid("owner_id", "invalid", "is not an active user");
  // Customers are owned by people who may write them (admins and sales people): finance, viewers and
  // auditors would hold customers nobody may work on. A sales manager hands customers only to people of
  // their own region.
  if (!RoleHas(owner->role, Permission::kCustomerWrite)) {
    return FieldInvalid("owner_id", "invalid", "must be an admin, a sales manager or a sales rep");
  }
  if (actor.role == "sales_manager" && owner->id != actor.user_id &&
      (owner->role == "admin" || owner->region != actor.region)) {
    return FieldInvalid("owner_id", "out_of_scope", "must be a sales person of your own region (" + actor.region + ")");
  }
  return Status::Ok();
}

// Every field of the query, each as <length>:<value>, so that no two queries share a key.
std::string ListCacheKey(const CustomerQuery& q) {
  std::string key;
  auto add = [&key](const std::string& v) { key += std::to_string(v.size()) + ":" + v; };
  const PageRequest& p = q.page;
  for (const std::string* s : {&p.sort_field, &p.cursor_text, &q.region, &q.industry, &q.status, &q.tier, &q.tag,
                               &q.q, &q.scope_region}) {
    add(*s);
  }
  for (int64_t n : {int64_t{p.numeric}, int64_t{p.descending}, int64_t{p.limit}, int64_t{p.has_cursor},
                    p.cursor_number, p.cursor_id, q.owner_id, int64_t{q.deleted}}) {
    add(std::to_string(n));
  }
  return key;
}

template <typename T>
void KeepAtMost(std::vector<T>& rows, int n) {
  if (static_cast<int>(rows.size()) > n) rows.resize(static_cast<size_t>(n));
}

}  // namespace

// About the memory a cached page holds: the rows, their strings and tags.
size_t CustomerService::ListBytes(const Page<Customer>& page) {
  size_t bytes = sizeof page + page.items.size() * sizeof(Customer);
  for (const Customer& c : page.items) {
    for (const std::string* s : {&c.name, &c.industry, &c.region, &c.tier, &c.status, &c.owner_name, &c.website,
                                 &c.notes}) {
      bytes += s->capacity();
    }
    for (const std::string& t : c.tags) bytes += sizeof t + t.capacity();
  }
  return bytes;
}

StatusOr<std::shared_ptr<const Page<Customer>>> CustomerService::List(const Actor& actor, CustomerQuery q) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerRead));
  if (q.deleted) {
    RETURN_IF_ERROR(Require(actor, Permission::kCustomerWrite));
    if (actor.role == "sales_rep") q.owner_id = actor.user_id;
  }
  q.scope_region = ScopeRegion(actor);
  // The rows are those of the query (with the caller's scope, set above) and of the tables it
  // reads: customers (with the licence counts that triggers keep there) and users (owner names).
  ASSIGN_OR_RETURN(auto page, lists_.Get(ctx_.store, kCustomersTable | kUsersTable, ListCacheKey(q),
                                         ctx_.clock.NowMs(), [&]() -> StatusOr<Page<Customer>> {
    std::vector<Customer> rows;
    RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(rows, tx.customers().List(q));
      return Status::Ok();
    }));
    const std::string field = q.page.sort_field;
    return MakePage(std::move(rows), q.page, [&](const Customer& c) {
      if (field == "name") return std::make_pair(c.name, int64_t{0});
      return std::make_pair(std::string(), field == "created_at" ? c.meta.created_at : c.meta.updated_at);
    });
  }));
  // Heavy readers leave a bulk-read entry (fail closed: no entry, no rows), cached answer or not.
  RETURN_IF_ERROR(ctx_.audit.NoteRead(actor, "customer", static_cast<int64_t>(page->items.size())));
  return page;
}

StatusOr<CustomerDetail> CustomerService::Get(const Actor& actor, int64_t id) {
  DetailQuery q;
  q.customer_id = id;
  for (ChildQuery* list : {&q.contacts, &q.licenses, &q.opportunities, &q.activities}) list->page.limit = 200;
  q.contacts.page.sort_field = "created_at";
  q.licenses.page.sort_field = "expires_at";
  q.opportunities.page.sort_field = "updated_at";
  q.activities.page.sort_field = "occurred_at";
  q.activities.page.limit = 20;
  CustomerDetail d;
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(d, tx.customers().GetDetail(q));
    return Status::Ok();
  }));
  RETURN_IF_ERROR(CheckRead(actor, d.customer));
  // Each list came with one row more than its limit (AppendKeyset), which the detail does not show.
  KeepAtMost(d.contacts, q.contacts.page.limit);
  KeepAtMost(d.licenses, q.licenses.page.limit);
  KeepAtMost(d.opportunities, q.opportunities.page.limit);
  KeepAtMost(d.activities, q.activities.page.limit);
  for (auto& c : d.contacts) ApplyMasking(actor, c);
  for (auto& l : d.licenses) ApplyMasking(actor, l);
  for (auto& a : d.activities) ApplyMasking(actor, a);
  RETURN_IF_ERROR(ctx_.audit.NoteRead(actor, "customer", 1));
  return d;
}

StatusOr<Customer> CustomerService::Create(const Actor& actor, Customer c) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerWrite));
  if (c.owner_id == 0) c.owner_id = actor.user_id;
  RETURN_IF_ERROR(ValidateCustomer(c));
  int64_t now = ctx_.clock.NowMs();
  Touch(c.meta, actor, now, /*created=*/true);
  c.deleted_at.reset();
  Customer out;
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    RETURN_IF_ERROR(CheckOwnership(tx, actor, c));
    ASSIGN_OR_RETURN(c.id, tx.customers().Insert(c));
    ASSIGN_OR_RETURN(out, tx.customers().Get(c.id, false));
    return Audit<Customer>(ctx_, tx, actor, now, "customer.create", "customer", c.id, nullptr, &out);
  }));
  return out;
}

StatusOr<Customer> CustomerService::Update(const Actor& actor, int64_t id, const Change<Customer>& change) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerWrite));
  int64_t now = ctx_.clock.NowMs();
  Customer out;
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(Customer before, tx.customers().Get(id, false));
    RETURN_IF_ERROR(CheckWrite(actor, before));
    RETURN_IF_ERROR(CheckVersion(change.expected_version, before.meta.version));
    Customer after = before;
    RETURN_IF_ERROR(change.apply(after));
    after.id = id;
    RETURN_IF_ERROR(ValidateCustomer(after));
    if (after.owner_id != before.owner_id || after.region != before.region) {
      RETURN_IF_ERROR(CheckOwnership(tx, actor, after));
    }
    Touch(after.meta, actor, now, /*created=*/false);
    RETURN_IF_ERROR(tx.customers().Update(after));
    ASSIGN_OR_RETURN(out, tx.customers().Get(id, false));
    return Audit(ctx_, tx, actor, now, "customer.update", "customer", id, &before, &out);
  }));
  return out;
}

Status CustomerService::Delete(const Actor& actor, int64_t id, int64_t expected_version) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerWrite));
  int64_t now = ctx_.clock.NowMs();
  return ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(Customer before, tx.customers().Get(id, false));
    RETURN_IF_ERROR(CheckWrite(actor, before));
    RETURN_IF_ERROR(CheckVersion(expected_version, before.meta.version));
    RETURN_IF_ERROR(tx.customers().SetDeleted(id, before.meta.version + 1, now, actor.user_id, now));
    return Audit<Customer>(ctx_, tx, actor, now, "customer.delete", "customer", id, &before, nullptr);
  });
}

StatusOr<Customer> CustomerService::Restore(const Actor& actor, int64_t id) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerWrite));
  int64_t now = ctx_.clock.NowMs();
  Customer out;
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(Customer before, tx.customers().Get(id, true));
    RETURN_IF_ERROR(CheckWrite(actor, before));
    if (!before.deleted_at) return FailedPrecondition("the customer is not in the trash");
    RETURN_IF_ERROR(tx.customers().SetDeleted(id, before.meta.version + 1, std::nullopt, actor.user_id, now));
    ASSIGN_OR_RETURN(out, tx.customers().Get(id, false));
    return Audit(ctx_, tx, actor, now, "customer.restore", "customer", id, &before, &out);
  }));
  return out;
}

StatusOr<std::vector<TimelineItem>> CustomerService::Timeline(const Actor& actor, int64_t id, int limit,
                                                              int64_t before) {
  if (limit < 1 || limit > 200) return FieldInvalid("limit", "out_of_range", "must be between 1 and 200");
  if (before <= 0) before = INT64_MAX;
  std::vector<TimelineItem> items;
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(Customer c, tx.customers().Get(id, false));
    RETURN_IF_ERROR(CheckRead(actor, c));
    ChildQuery q;
    q.customer_id = id;
    q.page.limit = limit;
    q.page.sort_field = "occurred_at";
    if (before != INT64_MAX) {
      q.page.has_cursor = true;
      q.page.cursor_number = before;
      q.page.cursor_id = 0;  // strictly before `before`
    }
    ASSIGN_OR_RETURN(auto activities, tx.activities().List(q));
    for (auto& a : activities) {
      ApplyMasking(actor, a);
      items.push_back({"activity", a.occurred_at, a.id, a.type + ": " + a.subject, a.user_name, a, {}, {}});
    }
    ChildQuery all;
    all.customer_id = id;
    all.page.limit = 500;
    all.page.sort_field = "created_at";
    ASSIGN_OR_RETURN(auto licenses, tx.licenses().List(all));
    for (auto& l : licenses) {
      ApplyMasking(actor, l);
      items.push_back({"license", l.meta.created_at, l.id, "licence issued: " + l.edition,
                       std::to_string(l.seats) + " seats, " + l.status, {}, l, {}});
    }
    all.page.sort_field = "updated_at";
    ASSIGN_OR_RETURN(auto opportunities, tx.opportunities().List(all));
    for (const auto& o : opportunities) {
      items.push_back({"opportunity", o.meta.created_at, o.id, "opportunity: " + o.name, o.stage, {}, {}, o});
    }
    return Status::Ok();
  }));
  std::erase_if(items, [&](const TimelineItem& t) { return t.at >= before; });
  std::sort(items.begin(), items.end(), [](const TimelineItem& a, const TimelineItem& b) {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  });
  if (static_cast<int>(items.size()) > limit) items.resize(limit);
  // The items carry their rows (bodies, keys): heavy readers leave a bulk-read entry, as for lists.
  RETURN_IF_ERROR(ctx_.audit.NoteRead(actor, "timeline", static_cast<int64_t>(items.size())));
  return items;
}

StatusOr<int64_t> CustomerService::PurgeTrash(int64_t older_than_ms) {
  int64_t purged = 0;
  int64_t now = ctx_.clock.NowMs();
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(purged, tx.customers().PurgeDeletedBefore(now - older_than_ms));
    if (purged == 0) return Status::Ok();
    AuditEntry e = MakeAuditEntry(Actor::System(), now, "customer.purge_trash", "customer", 0);
    e.after_json = nlohmann::json({{"purged", purged}}).dump();
    return ctx_.audit.Record(tx, std::move(e));
  }));
  return purged;
}

}  // namespace salesdb

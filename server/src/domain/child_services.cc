// Contacts, activities, opportunities and licences: rows that belong to a customer. Access to a
// child is access to its parent customer (permissions.h); licences add finance's rights.
#include "domain/masking.h"
#include "domain/permissions.h"
#include "domain/service_util.h"
#include "domain/validation.h"
#include <sodium.h>

namespace salesdb {

using internal::Audit;
using internal::CheckVersion;
using internal::ReadableParent;
using internal::Touch;

namespace {

std::string RandomLicenseCode(size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // no I, O, 0, 1
  std::string out(length, 'A');
  for (auto& ch : out) ch = kAlphabet[randombytes_uniform(sizeof(kAlphabet) - 1)];
  return out;
}

// What differs between the child kinds, so that one set of functions serves them all. Created
// completes a row just inserted with the values its read joins in (from the parent and the
// actor, where they come from there), so that a create need not read its row back.
template <typename T>
struct Kind;

template <>
struct Kind<Contact> {
  static constexpr const char* kName = "contact";
  static ContactRepository& Repo(Tx& tx) { return tx.contacts(); }
  static Status Validate(const Contact& c) { return ValidateContact(c); }
  // Exact-match search through a blind index: which sensitive field the query names, if any.
  static bool Searches(const ChildQuery& q, SensitiveField& f) {
    if (!q.email.empty()) f = SensitiveField::kContactEmail;
    else if (!q.phone.empty()) f = SensitiveField::kContactPhone;
    else return false;
    return true;
  }
  static Status CheckRefs(Tx&, const Contact*, const Contact&) { return Status::Ok(); }
  static Status AfterWrite(Tx& tx, const Contact& c) {
    return c.is_primary ? tx.contacts().ClearPrimary(c.customer_id, c.id) : Status::Ok();
  }
  static StatusOr<Contact> Created(Tx&, Contact c, const Customer& parent, const Actor&) {
    c.customer_owner_id = parent.owner_id;
    return c;
  }
};

template <>
struct Kind<Activity> {
  static constexpr const char* kName = "activity";
  static ActivityRepository& Repo(Tx& tx) { return tx.activities(); }
  static Status Validate(const Activity& a) { return ValidateActivity(a); }
  static bool Searches(const ChildQuery&, SensitiveField&) { return false; }
  static Status CheckRefs(Tx&, const Activity*, const Activity&) { return Status::Ok(); }
  static Status AfterWrite(Tx&, const Activity&) { return Status::Ok(); }
  // The activity's user is the actor who logs it.
  static StatusOr<Activity> Created(Tx&, Activity a, const Customer& parent, const Actor& actor) {
    a.customer_owner_id = parent.owner_id;
    a.user_name = a.user_id == 0 ? "" : actor.name;
    return a;
  }
};

template <>
struct Kind<Opportunity> {
  static constexpr const char* kName = "opportunity";
  static OpportunityRepository& Repo(Tx& tx) { return tx.opportunities(); }
  static Status Validate(const Opportunity& o) { return ValidateOpportunity(o); }
  static bool Searches(const ChildQuery&, SensitiveField&) { return false; }
  // A new owner must be an active user (a field error, not a foreign-key failure of the database).
  static Status CheckRefs(Tx& tx, const Opportunity* before, const Opportunity& o) {
    if (before && before->owner_id == o.owner_id) return Status::Ok();
    auto owner = tx.users().Get(o.owner_id);
    if (!owner.ok() || owner->disabled) return FieldInvalid("owner_id", "invalid", "is not an active user");
    return Status::Ok();
  }
  static Status AfterWrite(Tx&, const Opportunity&) { return Status::Ok(); }
  // The owner may be another user, whose name is read with the row.
  static StatusOr<Opportunity> Created(Tx& tx, const Opportunity& o, const Customer&, const Actor&) {
    return tx.opportunities().Get(o.id);
  }
};

template <>
struct Kind<License> {
  static constexpr const char* kName = "license";
  static LicenseRepository& Repo(Tx& tx) { return tx.licenses(); }
  static Status Validate(const License& l) { return ValidateLicense(l); }
  static bool Searches(const ChildQuery& q, SensitiveField& f) {
    f = SensitiveField::kLicenseKey;
    return !q.key.empty();
  }
  static Status CheckRefs(Tx&, const License*, const License&) { return Status::Ok(); }
  static Status AfterWrite(Tx&, const License&) { return Status::Ok(); }
  static StatusOr<License> Created(Tx&, License l, const Customer& parent, const Actor&) {
    l.customer_name = parent.name;
    l.customer_owner_id = parent.owner_id;
    return l;
  }
};

template <typename T>
Status CheckChildWrite(const Actor& actor, const Customer& parent) {
  if constexpr (std::is_same_v<T, License>) {
    RETURN_IF_ERROR(CheckRead(actor, parent));
    if (!CanWriteLicenses(actor, parent)) return PermissionDenied("your role may not change this customer's licences");
    return Status::Ok();
  } else {
    RETURN_IF_ERROR(Require(actor, Permission::kCustomerWrite));
    return CheckWrite(actor, parent);
  }
}

template <typename T>
std::pair<std::string, int64_t> SortKey(const T& row, const std::string& field) {
  if constexpr (std::is_same_v<T, Contact>) {
    if (field == "name") return {row.name, 0};
  }
  if constexpr (std::is_same_v<T, License>) {
    if (field == "expires_at") return {"", row.expires_at};
  }
  if constexpr (std::is_same_v<T, Activity>) {
    if (field == "occurred_at") return {"", row.occurred_at};
  }
  if constexpr (std::is_same_v<T, Opportunity>) {
    if (field == "expected_close_at") return {"", row.expected_close_at};
    if (field == "amount_minor") return {"", row.amount_minor};
  }
  return {"", field == "created_at" ? row.meta.created_at : row.meta.updated_at};
}

template <typename T>
StatusOr<Page<T>> ListChildren(ServiceContext& ctx, const Actor& actor, ChildQuery q) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerRead));
  q.scope_region = ScopeRegion(actor);
  std::vector<T> rows;
  RETURN_IF_ERROR(ctx.store.Read([&](Tx& tx) {
    if (q.customer_id != 0) RETURN_IF_ERROR(ReadableParent(tx, actor, q.customer_id).status());
    ASSIGN_OR_RETURN(rows, Kind<T>::Repo(tx).List(q));
    return Status::Ok();
  }));
  const std::string field = q.page.sort_field;
  Page<T> page = MakePage(std::move(rows), q.page, [&](const T& r) { return SortKey(r, field); });
  // A search on a field the actor sees masked would confirm a guessed value: such rows are left out.
  if constexpr (!std::is_same_v<T, Opportunity>) {
    SensitiveField searched{};
    if (Kind<T>::Searches(q, searched)) {
      std::erase_if(page.items, [&](const T& r) { return !MaySearchMatch(searched, actor, r.customer_owner_id); });
    }
  }
  for (auto& r : page.items) ApplyMasking(actor, r);
  // Heavy readers leave a bulk-read entry (fail closed: no entry, no rows).
  RETURN_IF_ERROR(ctx.audit.NoteRead(actor, Kind<T>::kName, static_cast<int64_t>(page.items.size())));
  return page;
}

template <typename T>
StatusOr<T> GetChild(ServiceContext& ctx, const Actor& actor, int64_t id) {
  T out;
  RETURN_IF_ERROR(ctx.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(out, Kind<T>::Repo(tx).Get(id));
    auto p = ReadableParent(tx, actor, out.customer_id);
    if (p.ok() || p.status().code() == StatusCode::kPermissionDenied) return p.status();
    return NotFound(std::string(Kind<T>::kName) + " not found");
  }));
  ApplyMasking(actor, out);
  return out;
}

template <typename T>
StatusOr<T> CreateChild(ServiceContext& ctx, const Actor& actor, T row, const char* action,
                        const std::function<void(T&)>& prepare = nullptr) {
  if (row.customer_id <= 0) return FieldInvalid("customer_id", "required", "is required");
  int64_t now = ctx.clock.NowMs();
  Touch(row.meta, actor, now, /*created=*/true);
  if (prepare) prepare(row);
  RETURN_IF_ERROR(Kind<T>::Validate(row));
  T out;
  RETURN_IF_ERROR(ctx.store.Write([&](Tx& tx) {
    auto parent = tx.customers().Get(row.customer_id, false);
    if (!parent.ok()) return FieldInvalid("customer_id", "invalid", "no such customer");
    if (CheckRead(actor, *parent).code() == StatusCode::kNotFound) {
      return FieldInvalid("customer_id", "invalid", "no such customer");
    }
    RETURN_IF_ERROR(CheckChildWrite<T>(actor, *parent));
    RETURN_IF_ERROR(Kind<T>::CheckRefs(tx, nullptr, row));
    ASSIGN_OR_RETURN(row.id, Kind<T>::Repo(tx).Insert(row));
    RETURN_IF_ERROR(Kind<T>::AfterWrite(tx, row));
    ASSIGN_OR_RETURN(out, Kind<T>::Created(tx, row, *parent, actor));
    return Audit<T>(ctx, tx, actor, now, action, Kind<T>::kName, row.id, nullptr, &out);
  }));
  ApplyMasking(actor, out);
  return out;
}

template <typename T>
StatusOr<T> UpdateChild(ServiceContext& ctx, const Actor& actor, int64_t id, int64_t expected_version,
                        const std::function<Status(T&)>& apply, const char* action) {
  int64_t now = ctx.clock.NowMs();
  T out;
  RETURN_IF_ERROR(ctx.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(T before, Kind<T>::Repo(tx).Get(id));
    ASSIGN_OR_RETURN(Customer parent, ReadableParent(tx, actor, before.customer_id));
    RETURN_IF_ERROR(CheckChildWrite<T>(actor, parent));
    RETURN_IF_ERROR(CheckVersion(expected_version, before.meta.version));
    T after = before;
    RETURN_IF_ERROR(apply(after));
    after.id = id;
    after.customer_id = before.customer_id;  // a child never moves to another customer
    RETURN_IF_ERROR(Kind<T>::Validate(after));
    RETURN_IF_ERROR(Kind<T>::CheckRefs(tx, &before, after));
    Touch(after.meta, actor, now, /*created=*/false);
    RETURN_IF_ERROR(Kind<T>::Repo(tx).Update(after));
    RETURN_IF_ERROR(Kind<T>::AfterWrite(tx, after));
    ASSIGN_OR_RETURN(out, Kind<T>::Repo(tx).Get(id));
    return Audit(ctx, tx, actor, now, action, Kind<T>::kName, id, &before, &out);
  }));
  ApplyMasking(actor, out);
  return out;
}

// The plaintext of one sensitive field of a row, for an actor the masking table lets reveal it.
// Recorded in the audit log (who, what, when; never the value) in the same transaction that
// counts the actor's recent reveals, so the limit holds across instances.
template <typename T>
StatusOr<std::string> RevealChild(ServiceContext& ctx, const Actor& actor, int64_t id, const std::string& field,
                                  const std::function<std::string(const T&)>& value_of) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerRead));
  const MaskRule* rule = FindMaskRule(Kind<T>::kName, field);
  if (rule == nullptr) return FieldInvalid("field", "invalid", "not a sensitive field of a " + std::string(Kind<T>::kName));
  int64_t now = ctx.clock.NowMs();
  std::string value;
  RETURN_IF_ERROR(ctx.store.Write([&](Tx& tx) {
    auto row = Kind<T>::Repo(tx).Get(id);
    if (!row.ok()) return row.status();
    auto parent = ReadableParent(tx, actor, row->customer_id);
    if (!parent.ok()) {
      if (parent.status().code() == StatusCode::kPermissionDenied) return parent.status();
      return NotFound(std::string(Kind<T>::kName) + " not found");
    }
    if (!MayReveal(rule->field, actor, row->customer_owner_id)) {
      return PermissionDenied("your role may not reveal " + std::string(Kind<T>::kName) + " " + field);
    }
    AuditEntry e = MakeAuditEntry(actor, now, std::string(Kind<T>::kName) + ".reveal", Kind<T>::kName, id);
    e.after_json = nlohmann::json({{"field", field}}).dump();
    RETURN_IF_ERROR(ctx.audit.Record(tx, std::move(e)));
    ASSIGN_OR_RETURN(int64_t recent, tx.audit().CountByActorSince(actor.user_id, ".reveal", now - kRevealWindowMs));
    if (recent > kRevealLimit) {
      return ResourceExhausted("too many reveals: at most " + std::to_string(kRevealLimit) + " per " +
                               std::to_string(kRevealWindowMs / 60000) + " minutes")
          .WithRetryAfter(60)
          .WithSlug("too-many-requests");
    }
    value = value_of(*row);
    return Status::Ok();
  }));
  return value;
}

template <typename T>
Status DeleteChild(ServiceContext& ctx, const Actor& actor, int64_t id, int64_t expected_version,
                   const char* action) {
  int64_t now = ctx.clock.NowMs();
  return ctx.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(T before, Kind<T>::Repo(tx).Get(id));
    ASSIGN_OR_RETURN(Customer parent, ReadableParent(tx, actor, before.customer_id));
    RETURN_IF_ERROR(CheckChildWrite<T>(actor, parent));
    RETURN_IF_ERROR(CheckVersion(expected_version, before.meta.version));
    RETURN_IF_ERROR(Kind<T>::Repo(tx).Delete(id, before.meta.version));
    return Audit<T>(ctx, tx, actor, now, action, Kind<T>::kName, id, &before, nullptr);
  });
}

}  // namespace

// ---------------------------------------------------------------- contacts
StatusOr<Page<Contact>> ContactService::List(const Actor& a, ChildQuery q) { return ListChildren<Contact>(ctx_, a, q); }
StatusOr<Contact> ContactService::Get(const Actor& a, int64_t id) { return GetChild<Contact>(ctx_, a, id); }
StatusOr<Contact> ContactService::Create(const Actor& a, Contact c) {
  return CreateChild<Contact>(ctx_, a, std::move(c), "contact.create");
}
StatusOr<Contact> ContactService::Update(const Actor& a, int64_t id, const Change<Contact>& ch) {
  return UpdateChild<Contact>(ctx_, a, id, ch.expected_version, ch.apply, "contact.update");
}
Status ContactService::Delete(const Actor& a, int64_t id, int64_t v) {
  return DeleteChild<Contact>(ctx_, a, id, v, "contact.delete");
}
StatusOr<std::string> ContactService::Reveal(const Actor& a, int64_t id, const std::string& field) {
  return RevealChild<Contact>(ctx_, a, id, field, [&](const Contact& c) { return field == "email" ? c.email : c.phone; });
}

// ---------------------------------------------------------------- activities
StatusOr<Page<Activity>> ActivityService::List(const Actor& a, ChildQuery q) {
  return ListChildren<Activity>(ctx_, a, q);
}
StatusOr<Activity> ActivityService::Get(const Actor& a, int64_t id) { return GetChild<Activity>(ctx_, a, id); }
StatusOr<Activity> ActivityService::Create(const Actor& a, Activity act) {
  return CreateChild<Activity>(ctx_, a, std::move(act), "activity.create", [&](Activity& x) {
    x.user_id = a.user_id;
    if (x.occurred_at == 0) x.occurred_at = x.meta.created_at;
  });
}
StatusOr<Activity> ActivityService::Update(const Actor& a, int64_t id, const Change<Activity>& ch) {
  return UpdateChild<Activity>(ctx_, a, id, ch.expected_version, ch.apply, "activity.update");
}
Status ActivityService::Delete(const Actor& a, int64_t id, int64_t v) {
  return DeleteChild<Activity>(ctx_, a, id, v, "activity.delete");
}
StatusOr<std::string> ActivityService::Reveal(const Actor& a, int64_t id, const std::string& field) {
  return RevealChild<Activity>(ctx_, a, id, field, [](const Activity& x) { return x.body; });
}

// ---------------------------------------------------------------- opportunities
StatusOr<Page<Opportunity>> OpportunityService::List(const Actor& a, ChildQuery q) {
  return ListChildren<Opportunity>(ctx_, a, q);
}
StatusOr<Opportunity> OpportunityService::Get(const Actor& a, int64_t id) {
  return GetChild<Opportunity>(ctx_, a, id);
}
StatusOr<Opportunity> OpportunityService::Create(const Actor& a, Opportunity o) {
  return CreateChild<Opportunity>(ctx_, a, std::move(o), "opportunity.create", [&](Opportunity& x) {
    if (x.owner_id == 0) x.owner_id = a.user_id;
  });
}
StatusOr<Opportunity> OpportunityService::Update(const Actor& a, int64_t id, const Change<Opportunity>& ch) {
  return UpdateChild<Opportunity>(ctx_, a, id, ch.expected_version, ch.apply, "opportunity.update");
}
Status OpportunityService::Delete(const Actor& a, int64_t id, int64_t v) {
  return DeleteChild<Opportunity>(ctx_, a, id, v, "opportunity.delete");
}

// ---------------------------------------------------------------- licences
StatusOr<Page<License>> LicenseService::List(const Actor& a, ChildQuery q) { return ListChildren<License>(ctx_, a, q); }
StatusOr<License> LicenseService::Get(const Actor& a, int64_t id) { return GetChild<License>(ctx_, a, id); }

StatusOr<License> LicenseService::Issue(const Actor& a, License l) {
  RETURN_IF_ERROR(Require(a, Permission::kLicenseWrite));
  return CreateChild<License>(ctx_, a, std::move(l), "license.issue", [](License& x) {
    x.key = "DIFY-" + RandomLicenseCode(4) + "-" + RandomLicenseCode(4) + "-" + RandomLicenseCode(4) + "-" +
            RandomLicenseCode(4);
    x.status = "active";
    x.revoked_reason.clear();
  });
}

StatusOr<License> LicenseService::Update(const Actor& a, int64_t id, const Change<License>& ch) {
  RETURN_IF_ERROR(Require(a, Permission::kLicenseWrite));
  return UpdateChild<License>(ctx_, a, id, ch.expected_version, ch.apply, "license.update");
}

StatusOr<License> LicenseService::Renew(const Actor& a, int64_t id, int64_t expected_version, int64_t new_expires_at) {
  RETURN_IF_ERROR(Require(a, Permission::kLicenseWrite));
  return UpdateChild<License>(
      ctx_, a, id, expected_version,
      [&](License& l) {
        if (l.status == "revoked") return FailedPrecondition("a revoked licence cannot be renewed");
        if (new_expires_at <= l.expires_at) {
          return FieldInvalid("expires_at", "invalid", "must be later than the current expiry");
        }
        l.expires_at = new_expires_at;
        l.status = "active";
        return Status::Ok();
      },
      "license.renew");
}

StatusOr<License> LicenseService::Revoke(const Actor& a, int64_t id, int64_t expected_version,
                                         const std::string& reason) {
  RETURN_IF_ERROR(Require(a, Permission::kLicenseWrite));
  return UpdateChild<License>(
      ctx_, a, id, expected_version,
      [&](License& l) {
        if (l.status == "revoked") return FailedPrecondition("the licence is already revoked");
        if (reason.empty()) return FieldInvalid("reason", "required", "say why the licence is revoked");
        l.status = "revoked";
        l.revoked_reason = reason;
        return Status::Ok();
      },
      "license.revoke");
}

StatusOr<std::string> LicenseService::Reveal(const Actor& a, int64_t id, const std::string& field) {
  return RevealChild<License>(ctx_, a, id, field, [](const License& l) { return l.key; });
}

StatusOr<int64_t> LicenseService::ExpireDue() {
  int64_t n = 0;
  int64_t now = ctx_.clock.NowMs();
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(n, tx.licenses().ExpireDue(now));
    if (n == 0) return Status::Ok();
    AuditEntry e = MakeAuditEntry(Actor::System(), now, "license.expire_due", "license", 0);
    e.after_json = nlohmann::json({{"expired", n}}).dump();
    return ctx_.audit.Record(tx, std::move(e));
  }));
  return n;
}

}  // namespace salesdb

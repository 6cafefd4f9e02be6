// Helpers shared by the service implementations (not part of the domain's public surface).
#pragma once

#include <nlohmann/json.hpp>

#include "domain/entity_json.h"
#include "domain/masking.h"
#include "domain/permissions.h"
#include "domain/services.h"

namespace salesdb::internal {

inline Status PreconditionRequired() {
  return FailedPrecondition("send If-Match: \"v<version>\" or \"version\" in the body to change this row")
      .WithHttpStatus(428)
      .WithSlug("precondition-required");
}

inline Status StaleVersion(int64_t current) {
  Status s = Aborted("the row was changed by someone else since you read it; reload and try again");
  s.current_version = current;
  return s;
}

// Checks the caller's expected version against the stored one.
inline Status CheckVersion(int64_t expected, int64_t current) {
  if (expected == 0) return PreconditionRequired();
  if (expected != current) return StaleVersion(current);
  return Status::Ok();
}

inline void Touch(RowMeta& m, const Actor& actor, int64_t now, bool created) {
  if (created) {
    m.version = 1;
    m.created_at = now;
    m.created_by = actor.user_id;
  } else {
    m.version += 1;
  }
  m.updated_at = now;
  m.updated_by = actor.user_id;
}

template <typename T>
Status Audit(const ServiceContext& ctx, Tx& tx, const Actor& actor, int64_t now, const char* action,
             const char* entity, int64_t id, const T* before, const T* after) {
  AuditEntry e = MakeAuditEntry(actor, now, action, entity, id);
  // Sensitive fields never enter the audit log in the clear (domain/masking.h).
  nlohmann::json b, a;
  if (before) {
    b = ToJson(*before);
    RedactForAudit(entity, b);
  }
  if (after) {
    a = ToJson(*after);
    RedactForAudit(entity, a);
  }
  return ctx.audit.RecordChange(tx, std::move(e), before ? &b : nullptr, after ? &a : nullptr);
}

// Loads the live parent customer of a child row and checks the actor may read it.
inline StatusOr<Customer> ReadableParent(Tx& tx, const Actor& actor, int64_t customer_id) {
  auto c = tx.customers().Get(customer_id, false);
  if (!c.ok()) return c.status();
  RETURN_IF_ERROR(CheckRead(actor, *c));
  return c;
}

}  // namespace salesdb::internal

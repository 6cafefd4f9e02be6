#include "audit/audit_log.h"

#include <nlohmann/json.hpp>

#include "security/crypto.h"

namespace salesdb {

std::string AuditLog::ComputeHash(const AuditEntry& e, const std::string& prev_hash) {
  // Canonical content: a JSON array in a fixed field order (no key-order ambiguity).
  nlohmann::json content = nlohmann::json::array(
      {e.id, e.at, e.actor_id, e.actor_role, e.ip, e.user_agent, e.request_id, e.action, e.entity, e.entity_id,
       e.before_json, e.after_json});
  return crypto::Sha256Hex(prev_hash + "\n" +
                           content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Status AuditLog::Record(Tx& tx, AuditEntry e) {
  ASSIGN_OR_RETURN(std::string head, tx.audit().LockHead());
  e.prev_hash = head;
  e.id = 0;  // the id is not known before insert; the chain binds content and order
  e.hash = ComputeHash(e, head);
  return tx.audit().Insert(e).status();
}

StatusOr<AuditVerifyResult> VerifyAuditChain(Store& store) {
  AuditVerifyResult result;
  std::string prev;
  int64_t after = 0;
  for (;;) {
    std::vector<AuditEntry> batch;
    RETURN_IF_ERROR(store.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(batch, tx.audit().Scan(after, 5000));
      return Status::Ok();
    }));
    if (batch.empty()) break;
    for (AuditEntry& e : batch) {
      ++result.entries;
      if (e.prev_hash != prev) {
        result.first_bad_id = e.id;
        result.problem = "entry does not link to the one before it (deleted, inserted or reordered rows)";
        return result;
      }
      int64_t id = e.id;
      e.id = 0;
      if (AuditLog::ComputeHash(e, prev) != e.hash) {
        result.first_bad_id = id;
        result.problem = "entry content does not match its hash (edited row)";
        return result;
      }
      prev = e.hash;
      after = id;
    }
  }
  return result;
}

}  // namespace salesdb

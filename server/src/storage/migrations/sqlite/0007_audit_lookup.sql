-- The audit query indexes move from audit_log to audit_lookup, a narrow copy of the filter columns
-- (issue 6: the audit row's cost). With seven secondary indexes on audit_log, every audited write
-- dirtied eight b-tree pages for its one row, each a 4 KiB WAL frame to write and fsync: the audit
-- row more than doubled the WAL bytes of a create-activity commit. Now the write adds only the
-- audit_log row (same transaction as the change, as before); SqlAuditRepository::Insert copies the
-- newest entries into audit_lookup, in the same transaction, once 64 have gathered, so the index
-- pages are written once per batch instead of once per row. Queries read the indexed entries through
-- audit_lookup and the few not yet copied (id above MAX(audit_lookup.id)) from audit_log by id range.
-- audit_lookup is derived data: the hash chain, its triggers and `audit verify` stay on audit_log.
CREATE TABLE audit_lookup (
  id INTEGER PRIMARY KEY,  -- audit_log.id
  at INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  ip TEXT NOT NULL,
  request_id TEXT NOT NULL
);
INSERT INTO audit_lookup (id, at, actor_id, action, entity, entity_id, ip, request_id)
  SELECT id, at, actor_id, action, entity, entity_id, ip, request_id FROM audit_log;

DROP INDEX audit_log_at;
DROP INDEX audit_log_actor;
DROP INDEX audit_log_entity;
DROP INDEX audit_log_action_id;
DROP INDEX audit_log_actor_id;
DROP INDEX audit_log_ip_id;
DROP INDEX audit_log_request_id;

CREATE INDEX audit_lookup_at ON audit_lookup(at, id);
CREATE INDEX audit_lookup_actor_at ON audit_lookup(actor_id, at, id);
CREATE INDEX audit_lookup_actor ON audit_lookup(actor_id, id);
CREATE INDEX audit_lookup_action ON audit_lookup(action, id);
CREATE INDEX audit_lookup_entity ON audit_lookup(entity, entity_id, id);
CREATE INDEX audit_lookup_entity_only ON audit_lookup(entity, id);  -- entity without entity_id: no sort
CREATE INDEX audit_lookup_ip ON audit_lookup(ip, id);
CREATE INDEX audit_lookup_request ON audit_lookup(request_id, id);

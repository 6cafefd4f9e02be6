-- Audit query indexes (one per filter of GET /api/v1/audit, newest first by id) and the alerts
-- raised by the anomaly rules (audit/anomaly.h).
CREATE INDEX audit_log_action_id ON audit_log(action, id);
CREATE INDEX audit_log_actor_id ON audit_log(actor_id, id);
CREATE INDEX audit_log_ip_id ON audit_log(ip, id);
CREATE INDEX audit_log_request_id ON audit_log(request_id, id);

CREATE TABLE security_alerts (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  actor_id INTEGER NOT NULL DEFAULT 0,
  subject TEXT NOT NULL DEFAULT '',
  entry_id INTEGER NOT NULL,
  detail_json TEXT NOT NULL DEFAULT '{}',
  UNIQUE (rule, entry_id)
);
CREATE INDEX security_alerts_at ON security_alerts(at, id);

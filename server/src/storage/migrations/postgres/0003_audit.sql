-- Audit query indexes (one per filter of GET /api/v1/audit, newest first by id) and the alerts
-- raised by the anomaly rules (audit/anomaly.h).
CREATE INDEX audit_log_action_id ON audit_log(action, id);
CREATE INDEX audit_log_actor_id ON audit_log(actor_id, id);
CREATE INDEX audit_log_ip_id ON audit_log(ip, id);
CREATE INDEX audit_log_request_id ON audit_log(request_id, id);

CREATE TABLE security_alerts (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  subject TEXT NOT NULL DEFAULT '',
  entry_id BIGINT NOT NULL,
  detail_json TEXT NOT NULL DEFAULT '{}',
  UNIQUE (rule, entry_id)
);
CREATE INDEX security_alerts_at ON security_alerts(at, id);

-- Archiving (audit/archive.h) may delete rows already sealed into an archive file: only inside a
-- transaction that set salesdb.audit_archive (transaction-local). Every other UPDATE, DELETE or
-- TRUNCATE is still refused.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('salesdb.audit_archive', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END $$;

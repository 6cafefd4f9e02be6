-- The check that lets the writer chain a batch's audit entries to the head its last COMMIT left,
-- without reading the head first (a round trip per batch; storage/audit_batch.h). Sent with the
-- entries' INSERTs under the appenders' advisory lock: when another appender (an instance, a CLI
-- command, a restore) moved the head meanwhile, it raises SQLSTATE SA001, and the writer rolls back
-- to the savepoint before it and chains again to the head it then reads.
CREATE FUNCTION audit_expect_head(expected TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'the audit chain head moved' USING ERRCODE = 'SA001';
  END IF;
END $$;

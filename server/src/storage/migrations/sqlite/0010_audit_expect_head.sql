-- PostgreSQL only (audit_expect_head, storage/audit_batch.h): SQLite's writer reads the audit head
-- in-process, with no round trip to save. The version is kept in step with PostgreSQL's.
SELECT 1;

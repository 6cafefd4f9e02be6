-- Field-level encryption (issue 4). Data keys and the blind-index key live here wrapped by the
-- master key; the 'check' row holds the master key's key check value. Each encrypted row records
-- the data-key version of its values (0: plaintext from before this migration, encrypted at the
-- next start); *_bidx are 32-bit blind indexes for exact-match search.
CREATE TABLE encryption_keys (
  kind TEXT NOT NULL CHECK (kind IN ('data','index','check')),
  version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active','retiring','retired')),
  wrapped TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, version)
);

ALTER TABLE contacts ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN email_bidx INTEGER;
ALTER TABLE contacts ADD COLUMN phone_bidx INTEGER;
DROP INDEX contacts_email;
DROP INDEX contacts_phone;
CREATE INDEX contacts_email_bidx ON contacts(email_bidx);
CREATE INDEX contacts_phone_bidx ON contacts(phone_bidx);
CREATE INDEX contacts_key_version ON contacts(key_version, id);

ALTER TABLE licenses ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN key_bidx INTEGER;
CREATE INDEX licenses_key_bidx ON licenses(key_bidx);
CREATE INDEX licenses_key_version ON licenses(key_version, id);

ALTER TABLE activities ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX activities_key_version ON activities(key_version, id);

-- Stored idempotent answers are sealed from now on; the few plaintext ones (kept a day) go.
DELETE FROM idempotency_keys;

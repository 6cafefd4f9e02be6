-- salesdb schema v1 (SQLite). Times are epoch ms UTC; money is minor units.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','sales_manager','sales_rep','finance','viewer','auditor')),
  region TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0, updated_by INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  ip TEXT NOT NULL,
  email TEXT NOT NULL,
  ok INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX login_attempts_ip_at ON login_attempts(ip, at);

CREATE TABLE idempotency_keys (
  user_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  location TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  industry TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL,
  tier TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('lead','active','churned')),
  owner_id INTEGER NOT NULL REFERENCES users(id),
  tags TEXT NOT NULL DEFAULT '',          -- tags joined by ',' for display; customer_tags is the index
  website TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  deleted_at INTEGER,
  deleted_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0, updated_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customers_live_updated ON customers(deleted_at, updated_at, id);
CREATE INDEX customers_live_created ON customers(deleted_at, created_at, id);
CREATE INDEX customers_live_name ON customers(deleted_at, name, id);
CREATE INDEX customers_region_updated ON customers(region, deleted_at, updated_at, id);
CREATE INDEX customers_owner_updated ON customers(owner_id, deleted_at, updated_at, id);
CREATE INDEX customers_status_updated ON customers(status, deleted_at, updated_at, id);
CREATE INDEX customers_industry_updated ON customers(industry, deleted_at, updated_at, id);

CREATE TABLE customer_tags (
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (tag, customer_id)
);
CREATE INDEX customer_tags_customer ON customer_tags(customer_id);

CREATE VIRTUAL TABLE customers_fts USING fts5(
  name, website, notes, tags, content='customers', content_rowid='id', tokenize='trigram');
CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts(rowid, name, website, notes, tags) VALUES (new.id, new.name, new.website, new.notes, new.tags);
END;
CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, name, website, notes, tags) VALUES ('delete', old.id, old.name, old.website, old.notes, old.tags);
END;
CREATE TRIGGER customers_fts_au AFTER UPDATE OF name, website, notes, tags ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, name, website, notes, tags) VALUES ('delete', old.id, old.name, old.website, old.notes, old.tags);
  INSERT INTO customers_fts(rowid, name, website, notes, tags) VALUES (new.id, new.name, new.website, new.notes, new.tags);
END;

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  is_primary INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0, updated_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contacts_customer ON contacts(customer_id, id);
CREATE INDEX contacts_email ON contacts(email);
CREATE INDEX contacts_phone ON contacts(phone);

CREATE TABLE licenses (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  license_key TEXT NOT NULL UNIQUE,
  edition TEXT NOT NULL CHECK (edition IN ('community','team','enterprise')),
  seats INTEGER NOT NULL,
  annual_value_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','expired','revoked')),
  deployment TEXT NOT NULL CHECK (deployment IN ('cloud','self_hosted')),
  revoked_reason TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0, updated_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX licenses_customer ON licenses(customer_id, status);
CREATE INDEX licenses_status_expires ON licenses(status, expires_at, id);
CREATE INDEX licenses_updated ON licenses(updated_at, id);
CREATE INDEX licenses_created ON licenses(created_at, id);

CREATE TABLE activities (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('call','meeting','email','note')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  occurred_at INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0, updated_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activities_customer_occurred ON activities(customer_id, occurred_at, id);
CREATE INDEX activities_occurred ON activities(occurred_at, id);
CREATE INDEX activities_user ON activities(user_id, occurred_at, id);

CREATE TABLE opportunities (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('prospect','qualified','proposal','negotiation','won','lost')),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  expected_close_at INTEGER NOT NULL,
  probability INTEGER NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0, updated_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX opportunities_customer ON opportunities(customer_id, id);
CREATE INDEX opportunities_stage ON opportunities(stage, updated_at, id);
CREATE INDEX opportunities_owner ON opportunities(owner_id, updated_at, id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  actor_role TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  before_json TEXT NOT NULL DEFAULT '',
  after_json TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at, id);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

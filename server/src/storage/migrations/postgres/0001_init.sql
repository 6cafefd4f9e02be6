-- salesdb schema v1 (PostgreSQL). Times are epoch ms UTC; money is minor units.
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','sales_manager','sales_rep','finance','viewer','auditor')),
  region TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled BIGINT NOT NULL DEFAULT 0,
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0, updated_by BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL DEFAULT 0,
  revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_attempts (
  id BIGSERIAL PRIMARY KEY,
  ip TEXT NOT NULL,
  email TEXT NOT NULL,
  ok BIGINT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_attempts_ip_at ON login_attempts(ip, at);

CREATE TABLE idempotency_keys (
  user_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status BIGINT NOT NULL,
  location TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

CREATE TABLE customers (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  industry TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL,
  tier TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('lead','active','churned')),
  owner_id BIGINT NOT NULL REFERENCES users(id),
  tags TEXT NOT NULL DEFAULT '',          -- tags joined by ',' for display; customer_tags is the index
  website TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  deleted_at BIGINT,
  deleted_by BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0, updated_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX customers_live_updated ON customers(deleted_at, updated_at, id);
CREATE INDEX customers_live_created ON customers(deleted_at, created_at, id);
CREATE INDEX customers_live_name ON customers(deleted_at, name, id);
CREATE INDEX customers_region_updated ON customers(region, deleted_at, updated_at, id);
CREATE INDEX customers_owner_updated ON customers(owner_id, deleted_at, updated_at, id);
CREATE INDEX customers_status_updated ON customers(status, deleted_at, updated_at, id);
CREATE INDEX customers_industry_updated ON customers(industry, deleted_at, updated_at, id);

CREATE TABLE customer_tags (
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (tag, customer_id)
);
CREATE INDEX customer_tags_customer ON customer_tags(customer_id);

CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- Substring search on name, website, notes and tags through a trigram index.
CREATE INDEX customers_search_trgm ON customers
  USING gin ((name || ' ' || website || ' ' || notes || ' ' || tags) gin_trgm_ops);

CREATE TABLE contacts (
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  is_primary BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0, updated_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX contacts_customer ON contacts(customer_id, id);
CREATE INDEX contacts_email ON contacts(email);
CREATE INDEX contacts_phone ON contacts(phone);

CREATE TABLE licenses (
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  license_key TEXT NOT NULL UNIQUE,
  edition TEXT NOT NULL CHECK (edition IN ('community','team','enterprise')),
  seats BIGINT NOT NULL,
  annual_value_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','expired','revoked')),
  deployment TEXT NOT NULL CHECK (deployment IN ('cloud','self_hosted')),
  revoked_reason TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0, updated_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX licenses_customer ON licenses(customer_id, status);
CREATE INDEX licenses_status_expires ON licenses(status, expires_at, id);
CREATE INDEX licenses_updated ON licenses(updated_at, id);
CREATE INDEX licenses_created ON licenses(created_at, id);

CREATE TABLE activities (
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('call','meeting','email','note')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  occurred_at BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0, updated_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX activities_customer_occurred ON activities(customer_id, occurred_at, id);
CREATE INDEX activities_occurred ON activities(occurred_at, id);
CREATE INDEX activities_user ON activities(user_id, occurred_at, id);

CREATE TABLE opportunities (
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('prospect','qualified','proposal','negotiation','won','lost')),
  amount_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  expected_close_at BIGINT NOT NULL,
  probability BIGINT NOT NULL,
  owner_id BIGINT NOT NULL REFERENCES users(id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0, updated_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX opportunities_customer ON opportunities(customer_id, id);
CREATE INDEX opportunities_stage ON opportunities(stage, updated_at, id);
CREATE INDEX opportunities_owner ON opportunities(owner_id, updated_at, id);

CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  actor_role TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  before_json TEXT NOT NULL DEFAULT '',
  after_json TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at, id);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

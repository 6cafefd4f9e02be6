-- A customer's contacts, licences and opportunities in the order the customer detail shows them
-- (newest created, latest expiring, latest updated first), read from the index instead of sorted:
-- the detail's three Sort nodes were about a tenth of PostgreSQL's CPU per detail (bench/RESULTS.md,
-- 2026-11-27 session 14). The leading customer_id still serves every lookup by customer (the
-- foreign keys, the renewals of an owner's customers, which also get their expiry range from it).
DROP INDEX contacts_customer;
DROP INDEX licenses_customer;
DROP INDEX opportunities_customer;
CREATE INDEX contacts_customer ON contacts(customer_id, created_at, id);
CREATE INDEX licenses_customer ON licenses(customer_id, expires_at, id);
CREATE INDEX opportunities_customer ON opportunities(customer_id, updated_at, id);

-- Live-customer list indexes as partial indexes (WHERE deleted_at IS NULL). PostgreSQL does not take
-- the order of (region, deleted_at, updated_at, id) from `deleted_at IS NULL`, so a list filtered by
-- region and sorted by -updated_at sorted every matching row (80 ms at 100,000 customers); with the
-- partial index it reads the first page in index order. The trash has its own small index.
DROP INDEX customers_live_updated;
DROP INDEX customers_live_created;
DROP INDEX customers_live_name;
DROP INDEX customers_region_updated;
DROP INDEX customers_owner_updated;
DROP INDEX customers_status_updated;
DROP INDEX customers_industry_updated;
CREATE INDEX customers_live_updated ON customers(updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_live_created ON customers(created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_live_name ON customers(name, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_region_updated ON customers(region, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_owner_updated ON customers(owner_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_status_updated ON customers(status, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_industry_updated ON customers(industry, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_trash ON customers(deleted_at, updated_at, id) WHERE deleted_at IS NOT NULL;

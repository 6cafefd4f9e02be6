-- Time-range audit queries through id bounds (issue 6: PostgreSQL took 0.8–1.1 s for a time range
-- at 1,000,000 entries, walking the primary key backwards and filtering on at). Entries are appended
-- almost in time order, but not exactly (a write's time is taken before it queues for the writer;
-- clocks step back), so audit_lookup keeps two running figures per entry that make exact id bounds:
--   at_max  = the greatest at of this entry and every earlier one (never decreases with id);
--   lag_max = the greatest (at_max - at) of this entry and every earlier one.
-- Every entry up to the mark then has at_max - lag_max(mark) <= at <= at_max, so
-- SqlAuditRepository::Find reads [from, to) as the ids from the first with at_max >= from up to
-- (not including) the first with at_max >= to + lag_max(mark), found through audit_lookup_at_max,
-- and still filters on at. CountByActorSince bounds its ids the same way, so (actor_id, id) serves it
-- and (actor_id, at, id) goes, as does (at, id), for the index on at_max: seven indexes instead of
-- eight for every batch copy to fill. audit_lookup is derived data: it is rebuilt from audit_log here
-- (every entry, so the mark moves to the head).
DROP TABLE audit_lookup;
CREATE TABLE audit_lookup (
  id BIGINT PRIMARY KEY,  -- audit_log.id
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  ip TEXT NOT NULL,
  request_id TEXT NOT NULL,
  at_max BIGINT NOT NULL,
  lag_max BIGINT NOT NULL
);
INSERT INTO audit_lookup (id, at, actor_id, action, entity, entity_id, ip, request_id, at_max, lag_max)
  SELECT id, at, actor_id, action, entity, entity_id, ip, request_id, at_max,
         MAX(at_max - at) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING)
  FROM (SELECT id, at, actor_id, action, entity, entity_id, ip, request_id,
               MAX(at) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS at_max
        FROM audit_log) w
  ORDER BY id;

CREATE INDEX audit_lookup_at_max ON audit_lookup(at_max, id);
CREATE INDEX audit_lookup_actor ON audit_lookup(actor_id, id);
CREATE INDEX audit_lookup_action ON audit_lookup(action, id);
CREATE INDEX audit_lookup_entity ON audit_lookup(entity, entity_id, id);
CREATE INDEX audit_lookup_entity_only ON audit_lookup(entity, id);  -- entity without entity_id: no sort
CREATE INDEX audit_lookup_ip ON audit_lookup(ip, id);
CREATE INDEX audit_lookup_request ON audit_lookup(request_id, id);

-- Statistics for the planner right away (the table may hold millions of rows after the copy).
ANALYZE audit_lookup;

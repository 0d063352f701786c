-- DataLife at the FIU: each session records until when its data may be kept (purge_at), the
-- rule that set that bound (purge_rule), and, once its data was purged, when (purged_at). The
-- purge sweep finds due sessions by purge_at. One column per statement: SQLite alters one
-- column at a time.
ALTER TABLE fiu_fi_sessions ADD COLUMN purge_at bigint NULL;
ALTER TABLE fiu_fi_sessions ADD COLUMN purge_rule varchar(32) NULL;
ALTER TABLE fiu_fi_sessions ADD COLUMN purged_at bigint NULL;
CREATE INDEX IF NOT EXISTS fiu_fi_sessions_purge ON fiu_fi_sessions (purged_at, purge_at);
-- down
DROP INDEX fiu_fi_sessions_purge;
ALTER TABLE fiu_fi_sessions DROP COLUMN purge_at;
ALTER TABLE fiu_fi_sessions DROP COLUMN purge_rule;
ALTER TABLE fiu_fi_sessions DROP COLUMN purged_at;

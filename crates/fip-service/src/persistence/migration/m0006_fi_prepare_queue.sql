-- FI preparation moves onto the runtime queue (fi_prepare jobs): the claim columns of
-- fi_sessions (attempts, due_at_ms, lease_until_ms, last_error) and their index go. Sessions
-- still PENDING are queued first, with their attempts and due time, as the job's JSON
-- {"session_id"} (crate::jobs::fi_prepare), so an upgrade prepares every one of them. There is
-- no way back.
-- postgres only
INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, due_at_ms,
    lease_until_ms, last_error, created_at_ms, finished_at_ms)
SELECT 'fi_prepare', NULL, json_build_object('session_id', session_id)::text, 'pending',
    attempts, due_at_ms, NULL, last_error, created_at_ms, NULL
FROM fi_sessions WHERE status = 'PENDING' ORDER BY created_at_ms;
-- sqlite only
INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, due_at_ms,
    lease_until_ms, last_error, created_at_ms, finished_at_ms)
SELECT 'fi_prepare', NULL, json_object('session_id', session_id), 'pending',
    attempts, due_at_ms, NULL, last_error, created_at_ms, NULL
FROM fi_sessions WHERE status = 'PENDING' ORDER BY created_at_ms;
DROP INDEX fi_sessions_due;
-- One column per statement: SQLite drops one column at a time.
ALTER TABLE fi_sessions DROP COLUMN attempts;
ALTER TABLE fi_sessions DROP COLUMN due_at_ms;
ALTER TABLE fi_sessions DROP COLUMN lease_until_ms;
ALTER TABLE fi_sessions DROP COLUMN last_error;
CREATE INDEX fi_sessions_status ON fi_sessions (status, created_at_ms);

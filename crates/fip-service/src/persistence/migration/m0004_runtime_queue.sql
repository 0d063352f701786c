-- The FIP's own outbox table goes: notifications live on the runtime queue
-- (aa_runtime_m0001_queue, run just before this one), in order per AA. Messages still pending
-- in the old table are carried over oldest first, as the outbox's JSON {"path", "body"}
-- (aa_runtime::outbox), so an upgrade loses none. There is no way back.
-- postgres only
INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, due_at_ms,
    lease_until_ms, last_error, created_at_ms, finished_at_ms)
SELECT 'notification', callee, json_build_object('path', path, 'body', body)::text, 'pending',
    attempts, due_at_ms, NULL, last_error, created_at_ms, NULL
FROM outbox WHERE status = 'PENDING' ORDER BY created_at_ms, id;
-- sqlite only
INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, due_at_ms,
    lease_until_ms, last_error, created_at_ms, finished_at_ms)
SELECT 'notification', callee, json_object('path', path, 'body', body), 'pending',
    attempts, due_at_ms, NULL, last_error, created_at_ms, NULL
FROM outbox WHERE status = 'PENDING' ORDER BY created_at_ms, id;
DROP TABLE outbox;

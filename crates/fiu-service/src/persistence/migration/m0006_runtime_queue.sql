-- The FIU's own job table, fiu_jobs, goes: its jobs live on the runtime queue
-- (aa_runtime_m0001_queue, run just before this one). Jobs still pending are carried over
-- oldest first, with the payload of persistence::jobs, so an upgrade loses none. There is no
-- way back.
-- postgres only
INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, due_at_ms,
    lease_until_ms, last_error, created_at_ms, finished_at_ms)
SELECT kind, NULL, json_build_object('subject', subject, 'aa_id', aa_id, 'handle', handle,
        'consent_id', consent_id)::text,
    'pending', attempts, due_at, NULL, last_error, created_at, NULL
FROM fiu_jobs WHERE state = 'PENDING' ORDER BY created_at, id;
-- sqlite only
INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, due_at_ms,
    lease_until_ms, last_error, created_at_ms, finished_at_ms)
SELECT kind, NULL, json_object('subject', subject, 'aa_id', aa_id, 'handle', handle,
        'consent_id', consent_id),
    'pending', attempts, due_at, NULL, last_error, created_at, NULL
FROM fiu_jobs WHERE state = 'PENDING' ORDER BY created_at, id;
DROP TABLE fiu_jobs;

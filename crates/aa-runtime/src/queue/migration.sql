-- The queue's table, runtime_queue. The id is an autoincrement sequence: it is the strict
-- insertion order that ordering per key relies on (two jobs written in one transaction share a
-- millisecond).
-- postgres only
CREATE TABLE IF NOT EXISTS runtime_queue (
    id bigserial NOT NULL PRIMARY KEY,
    kind varchar NOT NULL,
    ordering_key varchar NULL,
    payload text NOT NULL,
    status varchar NOT NULL,
    attempts integer NOT NULL,
    due_at_ms bigint NOT NULL,
    lease_until_ms bigint NULL,
    last_error text NULL,
    created_at_ms bigint NOT NULL,
    finished_at_ms bigint NULL
);
-- sqlite only
CREATE TABLE IF NOT EXISTS runtime_queue (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind varchar NOT NULL,
    ordering_key varchar NULL,
    payload text NOT NULL,
    status varchar NOT NULL,
    attempts integer NOT NULL,
    due_at_ms bigint NOT NULL,
    lease_until_ms bigint NULL,
    last_error text NULL,
    created_at_ms bigint NOT NULL,
    finished_at_ms bigint NULL
);
CREATE INDEX IF NOT EXISTS ix_runtime_queue_due ON runtime_queue (status, due_at_ms);
CREATE INDEX IF NOT EXISTS ix_runtime_queue_key ON runtime_queue (ordering_key, status);
-- down
DROP TABLE runtime_queue;

-- rebit_requests: the answers the AA gave to ReBIT notifications, by (caller, endpoint, txnid),
-- so that a repeat gets the same answer and a different body under the same txnid is told apart
-- (409 IdempotencyError). Notifications carry no FI data or key material. Replaced by
-- idempotency_keys (m0006_idempotency_keys).
CREATE TABLE IF NOT EXISTS rebit_requests (
    id varchar NOT NULL PRIMARY KEY,
    caller varchar NOT NULL,
    endpoint varchar NOT NULL,
    txnid varchar NOT NULL,
    request text NOT NULL,
    answer text NOT NULL,
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_rebit_requests_key
    ON rebit_requests (caller, endpoint, txnid);
-- down
DROP TABLE rebit_requests;

-- Idempotency of the ReBIT endpoints: answered_txns, keyed by caller, endpoint and txnid.
-- Replaced by idempotency_keys (m0005_idempotency_keys).
CREATE TABLE answered_txns (
    caller_id varchar NOT NULL,
    endpoint varchar NOT NULL,
    txnid varchar NOT NULL,
    digest text NOT NULL,
    status integer NULL,
    answer text NULL,
    claimed_at_ms bigint NOT NULL,
    created_at_ms bigint NOT NULL,
    PRIMARY KEY (caller_id, endpoint, txnid)
);
CREATE INDEX answered_txns_created ON answered_txns (created_at_ms);

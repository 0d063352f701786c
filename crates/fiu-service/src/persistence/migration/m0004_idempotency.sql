-- Idempotency of the ReBIT endpoints the FIU serves: which subject (a consent request, an FI
-- session) each txnid of a caller on an endpoint was first used for. Replaced by
-- idempotency_keys (m0007_idempotency_keys).
CREATE TABLE IF NOT EXISTS fiu_idempotency (
    caller varchar(255) NOT NULL,
    endpoint varchar(255) NOT NULL,
    txnid varchar(255) NOT NULL,
    subject text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (caller, endpoint, txnid)
);
-- down
DROP TABLE IF EXISTS fiu_idempotency;

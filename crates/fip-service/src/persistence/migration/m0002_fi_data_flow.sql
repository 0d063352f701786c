-- The FI data flow: fetch sessions (each one also the durable preparation job until
-- m0006_fi_prepare_queue), their accounts with the prepared data sealed at rest, and the
-- per-consent data keys that seal it, stored wrapped under the master key.
CREATE TABLE fi_sessions (
    session_id varchar NOT NULL PRIMARY KEY,
    consent_id varchar NOT NULL,
    aa_id varchar NOT NULL,
    txnid varchar NOT NULL,
    status varchar NOT NULL,
    range_from varchar NOT NULL,
    range_to varchar NOT NULL,
    from_ms bigint NOT NULL,
    to_ms bigint NOT NULL,
    key_material text NOT NULL,
    attempts integer NOT NULL,
    due_at_ms bigint NOT NULL,
    lease_until_ms bigint NULL,
    last_error text NULL,
    created_at_ms bigint NOT NULL,
    updated_at_ms bigint NOT NULL
);
CREATE INDEX fi_sessions_due ON fi_sessions (status, due_at_ms);
-- postgres only
CREATE TABLE fi_session_accounts (
    session_id varchar NOT NULL,
    link_ref_number varchar NOT NULL,
    masked_acc_number varchar NOT NULL,
    fi_status varchar NOT NULL,
    description text NOT NULL,
    sealed bytea NULL,
    fetched_at_ms bigint NULL,
    PRIMARY KEY (session_id, link_ref_number),
    FOREIGN KEY (session_id) REFERENCES fi_sessions (session_id)
);
-- sqlite only
CREATE TABLE fi_session_accounts (
    session_id varchar NOT NULL,
    link_ref_number varchar NOT NULL,
    masked_acc_number varchar NOT NULL,
    fi_status varchar NOT NULL,
    description text NOT NULL,
    sealed blob NULL,
    fetched_at_ms bigint NULL,
    PRIMARY KEY (session_id, link_ref_number),
    FOREIGN KEY (session_id) REFERENCES fi_sessions (session_id)
);
-- postgres only
CREATE TABLE data_keys (
    key_id varchar NOT NULL PRIMARY KEY,
    consent_id varchar NOT NULL,
    master_key_id varchar NOT NULL,
    wrapped bytea NOT NULL,
    created_at_ms bigint NOT NULL
);
-- sqlite only
CREATE TABLE data_keys (
    key_id varchar NOT NULL PRIMARY KEY,
    consent_id varchar NOT NULL,
    master_key_id varchar NOT NULL,
    wrapped blob NOT NULL,
    created_at_ms bigint NOT NULL
);

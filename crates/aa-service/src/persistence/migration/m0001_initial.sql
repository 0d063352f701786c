-- The first schema: customers, sessions, OTPs, accounts, link requests, consent requests,
-- consent artefacts and the outbox.
CREATE TABLE IF NOT EXISTS customers (
    id varchar NOT NULL PRIMARY KEY,
    handle varchar NOT NULL,
    mobile varchar NOT NULL,
    created_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id varchar NOT NULL PRIMARY KEY,
    customer_id varchar NOT NULL,
    token_hash varchar NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS otps (
    otp_ref varchar NOT NULL PRIMARY KEY,
    handle varchar NOT NULL,
    code_hash varchar NOT NULL,
    sandbox_code varchar NULL,
    attempts integer NOT NULL DEFAULT 0,
    consumed boolean NOT NULL DEFAULT FALSE,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    id varchar NOT NULL PRIMARY KEY,
    customer_id varchar NOT NULL,
    fip_id varchar NOT NULL,
    acc_ref_number varchar NOT NULL,
    masked_acc_number varchar NOT NULL,
    fi_type varchar NOT NULL,
    acc_type varchar NOT NULL,
    link_ref_number varchar NULL,
    status varchar NOT NULL,
    updated_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS link_requests (
    id varchar NOT NULL PRIMARY KEY,
    customer_id varchar NOT NULL,
    fip_id varchar NOT NULL,
    ref_number varchar NOT NULL,
    acc_ref_numbers text NOT NULL,
    completed boolean NOT NULL DEFAULT FALSE,
    created_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS consent_requests (
    handle varchar NOT NULL PRIMARY KEY,
    fiu_id varchar NOT NULL,
    customer_handle varchar NOT NULL,
    txnid varchar NOT NULL,
    detail text NOT NULL,
    status varchar NOT NULL,
    created_at bigint NOT NULL,
    decided_at bigint NULL
);
CREATE TABLE IF NOT EXISTS consent_artefacts (
    consent_id varchar NOT NULL PRIMARY KEY,
    consent_handle varchar NOT NULL,
    fiu_id varchar NOT NULL,
    fip_id varchar NOT NULL,
    customer_handle varchar NOT NULL,
    signed_consent text NOT NULL,
    status varchar NOT NULL,
    create_timestamp varchar NOT NULL,
    use_count integer NOT NULL DEFAULT 0,
    last_used_at varchar NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id varchar NOT NULL PRIMARY KEY,
    callee varchar NOT NULL,
    path varchar NOT NULL,
    body text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    status varchar NOT NULL,
    next_attempt_at bigint NOT NULL,
    last_error text NULL,
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_customers_handle ON customers (handle);
CREATE INDEX IF NOT EXISTS ix_sessions_customer ON sessions (customer_id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_accounts_customer_fip_ref
    ON accounts (customer_id, fip_id, acc_ref_number);
CREATE UNIQUE INDEX IF NOT EXISTS ux_link_requests_fip_ref ON link_requests (fip_id, ref_number);
CREATE UNIQUE INDEX IF NOT EXISTS ux_consent_requests_fiu_txnid
    ON consent_requests (fiu_id, txnid);
CREATE INDEX IF NOT EXISTS ix_consent_requests_customer
    ON consent_requests (customer_handle, status);
CREATE INDEX IF NOT EXISTS ix_consent_artefacts_handle ON consent_artefacts (consent_handle);
CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (status, next_attempt_at);
-- down
DROP TABLE outbox;
DROP TABLE consent_artefacts;
DROP TABLE consent_requests;
DROP TABLE link_requests;
DROP TABLE accounts;
DROP TABLE otps;
DROP TABLE sessions;
DROP TABLE customers;

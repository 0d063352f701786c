-- The FI data flow: data requests, their sessions (one POST /FI/request per artefact), the
-- accounts of each session with their sealed data, the per-consent data keys, and a subject
-- column on jobs (the session an FI job is about). Identifier columns that are indexed are
-- varchar(255), a bounded length every database can index.
CREATE TABLE IF NOT EXISTS fiu_data_requests (
    id varchar(255) NOT NULL PRIMARY KEY,
    handle varchar(255) NOT NULL,
    aa_id text NOT NULL,
    trigger text NOT NULL,
    data_from text NULL,
    data_to text NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS fiu_data_requests_handle ON fiu_data_requests (handle, created_at);
-- postgres only
CREATE TABLE IF NOT EXISTS fiu_fi_sessions (
    id varchar(255) NOT NULL PRIMARY KEY,
    request_id varchar(255) NOT NULL,
    handle text NOT NULL,
    consent_id varchar(255) NOT NULL,
    aa_id varchar(255) NOT NULL,
    fip_id text NOT NULL,
    session_id varchar(255) NULL,
    status text NOT NULL,
    error text NULL,
    data_from text NOT NULL,
    data_to text NOT NULL,
    txnid text NULL,
    sealed_key bytea NULL,
    key_expiry bigint NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
-- sqlite only
CREATE TABLE IF NOT EXISTS fiu_fi_sessions (
    id varchar(255) NOT NULL PRIMARY KEY,
    request_id varchar(255) NOT NULL,
    handle text NOT NULL,
    consent_id varchar(255) NOT NULL,
    aa_id varchar(255) NOT NULL,
    fip_id text NOT NULL,
    session_id varchar(255) NULL,
    status text NOT NULL,
    error text NULL,
    data_from text NOT NULL,
    data_to text NOT NULL,
    txnid text NULL,
    sealed_key blob NULL,
    key_expiry bigint NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS fiu_fi_sessions_request ON fiu_fi_sessions (request_id);
CREATE UNIQUE INDEX IF NOT EXISTS fiu_fi_sessions_session_id
    ON fiu_fi_sessions (aa_id, session_id);
CREATE INDEX IF NOT EXISTS fiu_fi_sessions_consent ON fiu_fi_sessions (consent_id);
-- postgres only
CREATE TABLE IF NOT EXISTS fiu_fi_accounts (
    id varchar(255) NOT NULL PRIMARY KEY,
    session_row varchar(255) NOT NULL,
    link_ref_number varchar(255) NOT NULL,
    masked_acc_number text NULL,
    fi_type text NULL,
    fi_status text NOT NULL,
    error text NULL,
    sealed_data bytea NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
-- sqlite only
CREATE TABLE IF NOT EXISTS fiu_fi_accounts (
    id varchar(255) NOT NULL PRIMARY KEY,
    session_row varchar(255) NOT NULL,
    link_ref_number varchar(255) NOT NULL,
    masked_acc_number text NULL,
    fi_type text NULL,
    fi_status text NOT NULL,
    error text NULL,
    sealed_data blob NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS fiu_fi_accounts_session
    ON fiu_fi_accounts (session_row, link_ref_number);
-- postgres only
CREATE TABLE IF NOT EXISTS fiu_data_keys (
    consent_id varchar(255) NOT NULL PRIMARY KEY,
    key_id text NOT NULL,
    wrapped bytea NOT NULL,
    created_at bigint NOT NULL
);
-- sqlite only
CREATE TABLE IF NOT EXISTS fiu_data_keys (
    consent_id varchar(255) NOT NULL PRIMARY KEY,
    key_id text NOT NULL,
    wrapped blob NOT NULL,
    created_at bigint NOT NULL
);
ALTER TABLE fiu_jobs ADD COLUMN subject varchar(255) NULL;
-- down
ALTER TABLE fiu_jobs DROP COLUMN subject;
DROP TABLE IF EXISTS fiu_data_keys;
DROP TABLE IF EXISTS fiu_fi_accounts;
DROP TABLE IF EXISTS fiu_fi_sessions;
DROP TABLE IF EXISTS fiu_data_requests;

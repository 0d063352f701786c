-- The first schema: consent requests, artefacts, notifications seen, jobs (replaced by the
-- runtime queue in m0006_runtime_queue).
CREATE TABLE IF NOT EXISTS fiu_consent_requests (
    handle varchar(255) NOT NULL PRIMARY KEY,
    aa_id text NOT NULL,
    customer text NOT NULL,
    template text NOT NULL,
    txnid text NOT NULL,
    status text NOT NULL,
    terms text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    checked_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS fiu_consent_requests_txnid ON fiu_consent_requests (aa_id, txnid);
CREATE TABLE IF NOT EXISTS fiu_consent_artefacts (
    consent_id varchar(255) NOT NULL PRIMARY KEY,
    handle text NOT NULL,
    aa_id text NOT NULL,
    status text NOT NULL,
    fetch_state text NOT NULL,
    fip_id text NULL,
    signer_kid text NULL,
    signed_consent text NULL,
    consent_detail text NULL,
    error text NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS fiu_consent_artefacts_handle ON fiu_consent_artefacts (handle);
CREATE TABLE IF NOT EXISTS fiu_notifications (
    id varchar(255) NOT NULL PRIMARY KEY,
    dedupe_key varchar(1024) NOT NULL UNIQUE,
    aa_id text NOT NULL,
    txnid text NOT NULL,
    handle text NOT NULL,
    consent_id text NULL,
    status text NOT NULL,
    applied boolean NOT NULL,
    received_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS fiu_jobs (
    id varchar(255) NOT NULL PRIMARY KEY,
    kind text NOT NULL,
    aa_id text NOT NULL,
    handle text NOT NULL,
    consent_id text NOT NULL,
    state text NOT NULL,
    attempts integer NOT NULL,
    due_at bigint NOT NULL,
    lease_until bigint NULL,
    last_error text NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS fiu_jobs_due ON fiu_jobs (state, due_at);
-- down
DROP TABLE IF EXISTS fiu_jobs;
DROP TABLE IF EXISTS fiu_notifications;
DROP TABLE IF EXISTS fiu_consent_artefacts;
DROP TABLE IF EXISTS fiu_consent_requests;

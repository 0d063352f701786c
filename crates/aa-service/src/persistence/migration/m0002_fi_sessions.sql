-- FI data flow: fi_sessions (one per FIU POST /FI/request, mapped to the FIP's own session) and
-- fi_session_accounts (each account's FIStatus as the FIP reports it). No column holds FI data
-- or key material: the AA passes those through in memory only.
CREATE TABLE IF NOT EXISTS fi_sessions (
    id varchar NOT NULL PRIMARY KEY,
    consent_id varchar NOT NULL,
    fiu_id varchar NOT NULL,
    fip_id varchar NOT NULL,
    fiu_txnid varchar NOT NULL,
    fip_session_id varchar NULL,
    status varchar NOT NULL,
    data_from varchar NOT NULL,
    data_to varchar NOT NULL,
    last_error text NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS fi_session_accounts (
    id varchar NOT NULL PRIMARY KEY,
    session_id varchar NOT NULL,
    link_ref_number varchar NOT NULL,
    masked_acc_number varchar NOT NULL,
    fi_status varchar NOT NULL,
    description text NULL,
    updated_at bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_fi_sessions_fiu_txnid ON fi_sessions (fiu_id, fiu_txnid);
CREATE INDEX IF NOT EXISTS ix_fi_sessions_fip_session ON fi_sessions (fip_id, fip_session_id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_fi_session_accounts_link
    ON fi_session_accounts (session_id, link_ref_number);
-- down
DROP TABLE fi_session_accounts;
DROP TABLE fi_sessions;

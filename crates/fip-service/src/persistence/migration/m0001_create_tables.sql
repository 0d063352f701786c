-- The FIP's tables: the bank (customers, accounts, account_transactions), linking
-- (link_requests, link_request_accounts, account_links), consents (consents, consent_accounts)
-- and the notification outbox (replaced by the runtime queue in m0004_runtime_queue).
CREATE TABLE customers (
    id varchar NOT NULL PRIMARY KEY,
    mobile varchar NOT NULL UNIQUE,
    pan varchar NULL,
    name varchar NOT NULL,
    dob varchar NOT NULL,
    email varchar NULL,
    address text NULL,
    landline varchar NULL,
    ckyc_compliance boolean NOT NULL,
    created_at_ms bigint NOT NULL
);
-- postgres only
CREATE TABLE accounts (
    id varchar NOT NULL PRIMARY KEY,
    customer_id varchar NOT NULL,
    account_number varchar NOT NULL UNIQUE,
    acc_ref_number varchar NOT NULL UNIQUE,
    masked_acc_number varchar NOT NULL,
    fi_type varchar NOT NULL,
    acc_type varchar NOT NULL,
    currency varchar NOT NULL,
    branch varchar NOT NULL,
    ifsc varchar NOT NULL,
    micr varchar NULL,
    opening_date varchar NOT NULL,
    status varchar NOT NULL,
    nominee varchar NOT NULL,
    summary json NOT NULL,
    history_until varchar NOT NULL,
    created_at_ms bigint NOT NULL,
    FOREIGN KEY (customer_id) REFERENCES customers (id)
);
-- sqlite only
CREATE TABLE accounts (
    id varchar NOT NULL PRIMARY KEY,
    customer_id varchar NOT NULL,
    account_number varchar NOT NULL UNIQUE,
    acc_ref_number varchar NOT NULL UNIQUE,
    masked_acc_number varchar NOT NULL,
    fi_type varchar NOT NULL,
    acc_type varchar NOT NULL,
    currency varchar NOT NULL,
    branch varchar NOT NULL,
    ifsc varchar NOT NULL,
    micr varchar NULL,
    opening_date varchar NOT NULL,
    status varchar NOT NULL,
    nominee varchar NOT NULL,
    summary json_text NOT NULL,
    history_until varchar NOT NULL,
    created_at_ms bigint NOT NULL,
    FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE INDEX accounts_customer ON accounts (customer_id);
CREATE TABLE account_transactions (
    account_id varchar NOT NULL,
    seq integer NOT NULL,
    txn_id varchar NOT NULL,
    txn_type varchar NOT NULL,
    mode varchar NOT NULL,
    amount_paise bigint NOT NULL,
    balance_paise bigint NOT NULL,
    at_ms bigint NOT NULL,
    value_date varchar NOT NULL,
    narration text NOT NULL,
    reference varchar NOT NULL,
    PRIMARY KEY (account_id, seq),
    FOREIGN KEY (account_id) REFERENCES accounts (id)
);
CREATE INDEX account_transactions_time ON account_transactions (account_id, at_ms);
CREATE UNIQUE INDEX account_transactions_txn_id ON account_transactions (txn_id);
CREATE TABLE link_requests (
    ref_number varchar NOT NULL PRIMARY KEY,
    aa_id varchar NOT NULL,
    customer_address varchar NOT NULL,
    customer_id varchar NOT NULL,
    otp_hash varchar NOT NULL,
    expires_at_ms bigint NOT NULL,
    attempts integer NOT NULL,
    status varchar NOT NULL,
    txnid varchar NOT NULL,
    created_at_ms bigint NOT NULL,
    completed_at_ms bigint NULL
);
CREATE TABLE link_request_accounts (
    ref_number varchar NOT NULL,
    account_id varchar NOT NULL,
    PRIMARY KEY (ref_number, account_id),
    FOREIGN KEY (ref_number) REFERENCES link_requests (ref_number)
);
CREATE TABLE account_links (
    link_ref_number varchar NOT NULL PRIMARY KEY,
    account_id varchar NOT NULL,
    aa_id varchar NOT NULL,
    customer_address varchar NOT NULL,
    link_request_ref varchar NOT NULL,
    status varchar NOT NULL,
    linked_at_ms bigint NOT NULL,
    delinked_at_ms bigint NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id)
);
CREATE INDEX account_links_owner ON account_links (account_id, aa_id, customer_address);
-- postgres only
CREATE TABLE consents (
    consent_id varchar NOT NULL PRIMARY KEY,
    aa_id varchar NOT NULL,
    customer_address varchar NOT NULL,
    status varchar NOT NULL,
    signed_consent text NOT NULL,
    signature text NOT NULL,
    detail json NOT NULL,
    consent_start_ms bigint NOT NULL,
    consent_expiry_ms bigint NOT NULL,
    create_timestamp varchar NOT NULL,
    txnid varchar NOT NULL,
    received_at_ms bigint NOT NULL,
    updated_at_ms bigint NOT NULL
);
-- sqlite only
CREATE TABLE consents (
    consent_id varchar NOT NULL PRIMARY KEY,
    aa_id varchar NOT NULL,
    customer_address varchar NOT NULL,
    status varchar NOT NULL,
    signed_consent text NOT NULL,
    signature text NOT NULL,
    detail json_text NOT NULL,
    consent_start_ms bigint NOT NULL,
    consent_expiry_ms bigint NOT NULL,
    create_timestamp varchar NOT NULL,
    txnid varchar NOT NULL,
    received_at_ms bigint NOT NULL,
    updated_at_ms bigint NOT NULL
);
CREATE TABLE consent_accounts (
    consent_id varchar NOT NULL,
    link_ref_number varchar NOT NULL,
    PRIMARY KEY (consent_id, link_ref_number),
    FOREIGN KEY (consent_id) REFERENCES consents (consent_id)
);
CREATE TABLE outbox (
    id varchar NOT NULL PRIMARY KEY,
    callee varchar NOT NULL,
    path varchar NOT NULL,
    body text NOT NULL,
    status varchar NOT NULL,
    attempts integer NOT NULL,
    due_at_ms bigint NOT NULL,
    lease_until_ms bigint NULL,
    last_error text NULL,
    created_at_ms bigint NOT NULL,
    delivered_at_ms bigint NULL
);
CREATE INDEX outbox_due ON outbox (status, due_at_ms);

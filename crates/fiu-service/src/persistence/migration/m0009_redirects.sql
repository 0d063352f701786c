-- Sahamati redirection: one row per link to an AA's consent manager (txnid of the sealed
-- request), the opaque sessionid the AA must return, where the lender's app wants the browser
-- afterwards, and the outcome the AA sealed into ecres, recorded once.
CREATE TABLE IF NOT EXISTS fiu_redirects (
    txnid varchar(64) PRIMARY KEY,
    handle varchar(255) NOT NULL,
    aa_id varchar(255) NOT NULL,
    customer varchar(255) NOT NULL,
    session_id varchar(255) NOT NULL,
    return_to text NULL,
    created_at bigint NOT NULL,
    outcome varchar(16) NULL,
    error_code integer NULL,
    returned_at bigint NULL
);
CREATE INDEX IF NOT EXISTS fiu_redirects_handle ON fiu_redirects (handle);
-- down
DROP TABLE IF EXISTS fiu_redirects;

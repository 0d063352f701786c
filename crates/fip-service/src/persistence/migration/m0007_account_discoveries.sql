-- account_discoveries: which customer of the bank each AA's discovery found for a customer
-- address, so that POST /Accounts/link binds an address only to the accounts of the customer
-- its identifiers named (crate::domain::discovery).
CREATE TABLE account_discoveries (
    aa_id VARCHAR NOT NULL,
    customer_address VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    discovered_at_ms BIGINT NOT NULL,
    PRIMARY KEY (aa_id, customer_address, customer_id)
);
-- down
DROP TABLE account_discoveries;

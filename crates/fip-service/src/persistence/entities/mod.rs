//! sea-orm entities, one per table. They never leave `persistence`: queries return domain
//! types. Instants are epoch milliseconds (`*_ms`, BIGINT) so that SQLite and PostgreSQL order
//! and compare them identically; dates are `YYYY-MM-DD` text; amounts are paise (BIGINT).

pub mod account;
pub mod account_discovery;
pub mod account_link;
pub mod account_transaction;
pub mod consent;
pub mod consent_account;
pub mod customer;
pub mod data_key;
pub mod fi_session;
pub mod fi_session_account;
pub mod link_request;
pub mod link_request_account;

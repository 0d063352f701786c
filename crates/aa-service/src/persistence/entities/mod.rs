//! sea-orm entities: one module per table. They never leave `persistence`; queries turn them
//! into the plain records of [`super::records`]. Times are epoch milliseconds (UTC) so that they
//! compare the same way on SQLite and PostgreSQL.

pub mod account;
pub mod consent_artefact;
pub mod consent_request;
pub mod customer;
pub mod fi_session;
pub mod fi_session_account;
pub mod link_request;
pub mod otp;
pub mod session;

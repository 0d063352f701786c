//! sea-orm entities, one per table. They never leave [`crate::persistence`]: the rest of the
//! service sees the record types of the query modules. Instants are epoch milliseconds (UTC),
//! which SQLite and PostgreSQL compare alike.

pub mod artefact;
pub mod consent_request;
pub mod data_key;
pub mod data_request;
pub mod fi_account;
pub mod fi_session;
pub mod notification;
pub mod redirect;

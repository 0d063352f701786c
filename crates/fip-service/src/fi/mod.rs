//! The FI data flow at the bank: what an AA's `POST /FI/request` is checked against
//! ([`request`]), the FI document of one account in the ReBIT FI schema ([`document`]) with the
//! consent's `DataFilter` ([`filter`]) and its end-to-end encryption for the FIU ([`encrypt`]);
//! the durable background preparation that ties them together is [`crate::jobs::fi_prepare`].
//!
//! Nothing here logs financial data, keys or nonces.

pub mod document;
pub mod encrypt;
pub mod filter;
pub mod request;

//! The AA's customer API (JSON, not ReBIT; docs/AA-CUSTOMER-API.md): what the AA's app calls,
//! under `/customer/...`.
//! Every call but `otp` and `session` needs `Authorization: Bearer <token>`.

pub mod accounts;
pub mod approve;
pub mod auth;
pub mod consent_status;
pub mod consents;
pub mod delink;
pub mod deregister;
pub mod discover;
pub mod error;
pub mod fip_error;
pub mod fips;
pub mod link;
pub mod link_status;
pub mod link_verify;
pub mod otp;
pub mod reject;
pub mod session;
pub mod views;

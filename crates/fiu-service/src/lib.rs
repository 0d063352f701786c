//! The FIU service: the lender's side of the Account Aggregator ecosystem.
//!
//! - [`routes`]: the ReBIT callback `POST /Consent/Notification`, the lender's app API
//!   (`/app/...`), heartbeat and health.
//! - [`domain`]: templates, consent terms, the consent state machine, artefact checks.
//! - [`persistence`]: the database (sea-orm), the only module that knows SQL.
//! - [`aa_client`]: the ReBIT calls the FIU makes to AAs.
//! - [`worker`]: the background jobs that fetch and verify consent artefacts.
//! - [`configuration`] and [`startup`]: settings, and the application built from them.

pub mod aa_client;
pub mod configuration;
pub mod domain;
pub mod persistence;
pub mod routes;
pub mod startup;
pub mod worker;

//! The FIU service: the lender's side of the Account Aggregator ecosystem.
//!
//! - [`routes`]: the ReBIT callbacks `POST /Consent/Notification` and `POST /FI/Notification`,
//!   the lender's app API
//!   (`/app/...`), heartbeat and health.
//! - [`domain`]: templates, consent terms, the consent state machine, artefact checks.
//! - [`persistence`]: the database (sea-orm), the only module that knows SQL.
//! - [`clients`]: the ReBIT calls the FIU makes to AAs ([`clients::aa`]).
//! - [`flows`]: the app API's use cases (consent requests, the status poll, data requests).
//! - [`jobs`]: the background jobs: consent artefacts, FI requests, FI fetches.
//! - [`vault`]: sealing at rest under per-consent data keys wrapped by the master key.
//! - [`configuration`] and [`startup`]: settings, and the application built from them;
//!   [`state`]: what the handlers share.

pub mod clients;
pub mod configuration;
pub mod domain;
pub mod flows;
pub mod jobs;
pub mod persistence;
pub mod routes;
pub mod startup;
pub mod state;
pub mod vault;

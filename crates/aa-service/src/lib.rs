//! `aa-service`: the Account Aggregator, the consent manager of the ReBIT ecosystem.
//!
//! - [`routes::app`]: the AA's customer API (`/customer/...`, JSON, bearer sessions): log-in
//!   with an OTP, discovery, linking and delinking of accounts at FIPs, the decision on consent
//!   requests, pausing, resuming and revoking consents, and deregistration.
//! - [`routes::rebit`]: the ReBIT API for FIUs and FIPs (signed, API keys): consent requests,
//!   handle status, artefact fetch, notifications, heartbeat; the FI data flow (`FI/request`
//!   forwarded to the FIP, FIP `FI/Notification` passed on to the FIU, `FI/fetch` passing the
//!   FIP's ciphertext through without storing it).
//! - [`domain`]: rules with no HTTP and no SQL; [`persistence`]: the only place with sea-orm.
//! - [`jobs`]: background work: the scheduler that expires consents and lapsed consent
//!   requests ([`jobs::expiry`]), the delinks of a deregistered customer ([`jobs::fip_delink`]).
//! - [`clients`]: the typed FIP client; [`flows`]: the use cases the FI handlers, the delink and
//!   the deregistration call.
//! - [`routes::pages`]: the consent manager's web pages (`/cm/...`, server-rendered HTML over
//!   the customer API's functions) and the AA side of Sahamati's redirection
//!   (`aa_runtime::redirection`: the passphrase shared with each FIU).
//! - [`startup`]: builds the state and mounts every route; [`configuration`]: settings.

pub mod clients;
pub mod configuration;
pub mod domain;
pub mod flows;
pub mod jobs;
pub mod persistence;
pub mod routes;
pub mod startup;
pub mod state;

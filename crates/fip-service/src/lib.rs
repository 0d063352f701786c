//! `fip-service`: a simulated bank that speaks ReBIT as a Financial Information Provider.
//!
//! - [`configuration`]: settings (`base.yaml`, `<environment>.yaml`, `FIP_*` variables).
//! - [`startup`]: builds everything once and mounts every route in one place.
//! - [`bank`]: the simulated bank's data: the seed file and the history generated from it.
//! - [`domain`]: the FIP's rules (discovery matching, linking, consents), no HTTP, no SQL.
//! - [`fi`]: the FI data flow: FI documents, DataFilter, encryption for the FIU.
//! - [`jobs`]: background work: the FI preparation worker.
//! - [`otp_delivery`]: how a linking OTP reaches the customer (log, sandbox endpoint).
//! - [`seeding`]: the simulated bank's seed at start-up (local and sandbox only).
//! - [`sandbox_otps`]: the sandbox endpoint's copy of linking OTPs (delivery itself is
//!   `aa_runtime::otp_delivery`).
//! - [`persistence`]: the only module that speaks SQL (sea-orm): tables, migrations, queries.
//! - [`routes`]: `rebit/`, one file per ReBIT endpoint; `app/`, the bank-side back office;
//!   health and sandbox.

pub mod bank;
pub mod configuration;
pub mod domain;
pub mod fi;
pub mod jobs;
pub mod persistence;
pub mod routes;
pub mod sandbox_otps;
pub mod seeding;
pub mod startup;
pub mod state;

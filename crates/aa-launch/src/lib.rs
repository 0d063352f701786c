//! The local Account Aggregator ecosystem, as separate processes on loopback, and the customer's
//! and lender's walk through it. [`Ecosystem::prepare`] writes RSA keys (fresh, or the fixture
//! keys a test gives), a registry naming AA-1, FIP-1, FIP-2 and FIU-1 on free ports, and each
//! service's settings; [`Ecosystem::start`] runs the service binaries and waits until each is
//! live; every process is stopped when the ecosystem is dropped, on failure, or through
//! [`stop_all`] (Ctrl-C). [`walk`] drives the customer API at the AA and the app API at the FIU.
//!
//! Used by `aa demo` and by the end-to-end tests (`aa-e2e`). Depends on `aa-core`, `reqwest` and
//! `tokio` only, never on actix-web, sea-orm or `aa-runtime`, so the `aa` binary stays small.

mod bins;
pub mod central_registry;
mod ecosystem;
pub mod http;
mod ports;
pub mod router;
pub mod small_server;
pub mod token_service;
pub mod walk;

pub use bins::{bin_dir, check_binaries, BINARIES};
pub use ecosystem::processes::{stop_all, Processes, Running};
pub use ecosystem::{Ecosystem, FixtureKeys, Options, Party, FIU_APP_TOKEN, ISSUER_ID, ISSUER_KID};
pub use ports::free_port;

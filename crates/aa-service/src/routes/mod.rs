//! HTTP routes: the customer API ([`app`], paths `/customer/...`), the consent manager's pages
//! ([`pages`], `/cm/...`, over the customer API's functions), the ReBIT API ([`rebit`], one
//! file per ReBIT endpoint) and the OTP sandbox (health is `aa_runtime::http::ops`). Handlers
//! orchestrate `domain`, `persistence` and `aa_core`; they hold no SQL.

pub mod app;
pub mod pages;
pub mod rebit;
pub mod sandbox;

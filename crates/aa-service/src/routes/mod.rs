//! HTTP routes: the customer API ([`app`], paths `/customer/...`), the ReBIT API ([`rebit`], one
//! file per ReBIT endpoint), health and the OTP sandbox. Handlers
//! orchestrate `domain`, `persistence` and `aa_core`; they hold no SQL.

pub mod app;
pub mod health;
pub mod rebit;
pub mod sandbox;

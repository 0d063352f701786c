//! HTTP routes: the customer API, the ReBIT API, health and the OTP sandbox. Handlers
//! orchestrate `domain`, `persistence` and `aa_core`; they hold no SQL.

pub mod customer;
pub mod health;
pub mod rebit;
pub mod sandbox;

//! The AA's use cases that take more than parse, check and answer: what the FI handlers call.
//! A flow reads and writes through `persistence`, asks FIPs through `clients::fip`, and answers
//! ReBIT errors; it knows nothing of HTTP extraction.

mod fi_failure;
pub mod fi_fetch;
pub mod fi_forward;
pub mod fi_request;
mod fip_refusal;

pub use fi_failure::fiu_notification;

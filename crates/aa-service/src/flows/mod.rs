//! The AA's use cases that take more than parse, check and answer: what the FI handlers call
//! (answering ReBIT errors), and the customer's delink and deregistration (answering store
//! errors; the customer API maps them). A flow reads and writes through `persistence`, asks FIPs
//! through `clients::fip`; it knows nothing of HTTP extraction.

pub mod delink;
pub mod deregister;
mod fi_failure;
pub mod fi_fetch;
pub mod fi_forward;
pub mod fi_request;
mod fip_refusal;

pub use fi_failure::fiu_notification;

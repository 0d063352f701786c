//! Background work beside the server: the consent expiry scheduler ([`expiry`]), the queue
//! handler that forwards accepted FI requests to their FIPs ([`fi_forward`]) and the delinks a
//! customer's deregistration leaves to do at FIPs ([`fip_delink`], a queue handler).

pub mod expiry;
pub mod fi_forward;
pub mod fip_delink;

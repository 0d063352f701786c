//! Background work beside the server: the consent expiry scheduler ([`expiry`]) and the
//! delinks a customer's deregistration leaves to do at FIPs ([`fip_delink`], a queue handler).

pub mod expiry;
pub mod fip_delink;

//! Background work beside the server: the consent expiry scheduler ([`expiry`]) and the queue
//! handler that forwards accepted FI requests to their FIPs ([`fi_forward`]).

pub mod expiry;
pub mod fi_forward;

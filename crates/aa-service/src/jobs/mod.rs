//! Background work beside the server: the consent expiry scheduler ([`expiry`]).

pub mod expiry;

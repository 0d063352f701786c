//! Account discovery, linking (with its OTP), link verification and delinking.

pub mod delink;
pub mod discover;
pub mod link;
pub mod verify;

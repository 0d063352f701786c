//! `/app/.../data-requests`: ask for a consent's FI data, and read it back decrypted.

pub mod create;
pub mod get;
pub mod list;

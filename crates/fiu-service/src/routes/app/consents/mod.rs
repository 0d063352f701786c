//! `/app/consents`: ask a customer for consent, and follow the request.

pub mod create;
pub mod get;
pub mod list;
pub mod view;

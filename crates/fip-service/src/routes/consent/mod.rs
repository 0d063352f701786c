//! Consent artefacts from the AA, and their status notifications.

pub mod artefact;
pub mod notification;

//! The ReBIT API the FIU serves to AAs, one file per ReBIT endpoint: `POST /Consent/Notification`
//! ([`consent_notification`]) and `POST /FI/Notification` ([`fi_notification`]), with the
//! `Notifier` checks both make ([`notifier`]).

pub mod consent_notification;
pub mod fi_notification;
pub mod notifier;

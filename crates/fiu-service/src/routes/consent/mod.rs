//! ReBIT `/Consent/...` callbacks the FIU serves.

pub mod notification;

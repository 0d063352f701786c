//! ReBIT `/FI/...` callbacks the FIU serves.

pub mod notification;

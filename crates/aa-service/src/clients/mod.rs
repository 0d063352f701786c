//! The AA's outbound calls: [`fip`], the typed client of the ReBIT API the AA calls at FIPs,
//! and [`fip_answer`], the one validator of what FIPs answer.
//! Notifications (consent artefacts to FIPs, status notifications to FIUs) leave through the
//! runtime's outbox instead.

pub mod fip;
pub mod fip_answer;

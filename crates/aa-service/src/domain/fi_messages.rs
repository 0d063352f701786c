//! The `FIStatusNotification` the AA sends the FIU in the FI data flow (the requests to the FIP
//! are built by `clients::fip`).

use aa_core::rebit::{
    AccountFiStatus, FiStatus, FiStatusNotification, FiStatusUpdate, FipFiStatus, Notifier,
    NotifierType, Open, SessionStatus,
};
use aa_core::timefmt;

/// One account's status as told to the FIU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatus {
    pub link_ref_number: String,
    pub fi_status: FiStatus,
    pub description: String,
}

/// `FIStatusNotification` from this AA to the FIU about its session `session_id`. `txnid` is
/// the FIU's `POST /FI/request` txnid, so the FIU can correlate.
pub fn fi_notification(
    aa_id: &str,
    txnid: &str,
    session_id: &str,
    session_status: SessionStatus,
    fip_id: &str,
    accounts: Vec<AccountStatus>,
) -> FiStatusNotification {
    FiStatusNotification {
        ver: "2.0.0".to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: txnid.to_owned(),
        notifier: Notifier {
            kind: Open::Known(NotifierType::Aa),
            id: aa_id.to_owned(),
        },
        fi_status_notification: FiStatusUpdate {
            session_id: session_id.to_owned(),
            session_status,
            fi_status_response: vec![FipFiStatus {
                fip_id: fip_id.to_owned(),
                accounts: accounts
                    .into_iter()
                    .map(|a| AccountFiStatus {
                        link_ref_number: a.link_ref_number,
                        fi_status: a.fi_status,
                        description: a.description,
                    })
                    .collect(),
            }],
        },
    }
}

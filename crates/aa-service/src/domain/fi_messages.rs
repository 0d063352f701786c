//! The ReBIT bodies the AA sends in the FI data flow: the FIU's `FIRequest` forwarded to the FIP
//! (KeyMaterial and digitalSignature as the FIU sent them), the `FIFetchRequest` to the FIP, and
//! the `FIStatusNotification` to the FIU.

use aa_core::rebit::{
    AccountFiStatus, FiFetchRequest, FiRequest, FiStatus, FiStatusNotification, FiStatusUpdate,
    FipFiStatus, LinkRef, Notifier, NotifierType, Open, SessionStatus,
};
use aa_core::timefmt;

/// The FIU's request as the AA forwards it: a fresh envelope timestamp, everything else as
/// received (the FIU's `txnid` keeps the trail end to end).
pub fn forwarded_request(from_fiu: &FiRequest) -> FiRequest {
    FiRequest {
        ver: "2.0.0".to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: from_fiu.txnid.clone(),
        fi_data_range: from_fiu.fi_data_range.clone(),
        consent: from_fiu.consent.clone(),
        key_material: from_fiu.key_material.clone(),
    }
}

/// `POST /FI/fetch` to the FIP for its session, optionally for some accounts only.
pub fn fetch_request(
    txnid: &str,
    fip_session_id: &str,
    fip_id: &str,
    link_refs: Option<&[String]>,
) -> FiFetchRequest {
    FiFetchRequest {
        ver: "2.0.0".to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: txnid.to_owned(),
        session_id: fip_session_id.to_owned(),
        fip_id: Some(fip_id.to_owned()),
        link_ref_number: link_refs
            .map(|links| links.iter().map(|id| LinkRef { id: id.clone() }).collect()),
    }
}

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

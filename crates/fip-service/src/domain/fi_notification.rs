//! The `POST /FI/Notification` this FIP sends the AA about one of its sessions: the session's
//! status and each account's (`READY`, or `DENIED` with the reason). Sent when the preparation
//! ends (`crate::jobs::fi_prepare`) and again when an account of a prepared session is delinked
//! (`crate::persistence::links`): the delinked account becomes `DENIED`, so the AA hears of it
//! rather than finding it missing from `FI/fetch`.

use aa_core::rebit::{
    AccountFiStatus, FiStatus, FiStatusNotification, FiStatusUpdate, FipFiStatus, Notifier,
    NotifierType, Open, SessionStatus,
};
use aa_core::timefmt;
use aa_runtime::outbox::Notification;

/// Why an account of a prepared session is no longer served.
pub const DELINKED_REASON: &str = "the account was delinked after the session opened";

/// One account's status as the AA is told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatus {
    pub link_ref_number: String,
    /// `READY` or `DENIED` (anything but `READY` is told as `DENIED`).
    pub ready: bool,
    pub description: String,
}

/// The session's status as told: `ACTIVE` while some account is ready, else `FAILED`.
pub fn session_status(accounts: &[AccountStatus]) -> SessionStatus {
    if accounts.iter().any(|a| a.ready) {
        SessionStatus::Active
    } else {
        SessionStatus::Failed
    }
}

/// The notification of `session_id` to `aa_id`, timestamped `now` (the outbox refreshes it when
/// it delivers).
pub fn build(
    fip_id: &str,
    aa_id: &str,
    session_id: &str,
    status: SessionStatus,
    accounts: &[AccountStatus],
    now: time::OffsetDateTime,
) -> Result<Notification, serde_json::Error> {
    let notification = FiStatusNotification {
        ver: "2.0.0".to_owned(),
        timestamp: timefmt::format_millis(now),
        txnid: uuid::Uuid::new_v4().to_string(),
        notifier: Notifier {
            kind: Open::Known(NotifierType::Fip),
            id: fip_id.to_owned(),
        },
        fi_status_notification: FiStatusUpdate {
            session_id: session_id.to_owned(),
            session_status: status,
            fi_status_response: vec![FipFiStatus {
                fip_id: fip_id.to_owned(),
                accounts: accounts
                    .iter()
                    .map(|a| AccountFiStatus {
                        link_ref_number: a.link_ref_number.clone(),
                        fi_status: if a.ready {
                            FiStatus::Ready
                        } else {
                            FiStatus::Denied
                        },
                        description: a.description.clone(),
                    })
                    .collect(),
            }],
        },
    };
    Ok(Notification {
        callee: aa_id.to_owned(),
        path: "/FI/Notification".to_owned(),
        body: serde_json::to_string(&notification)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(link: &str, ready: bool) -> AccountStatus {
        AccountStatus {
            link_ref_number: link.into(),
            ready,
            description: "d".into(),
        }
    }

    #[test]
    fn a_session_with_no_ready_account_is_told_failed() {
        assert_eq!(
            session_status(&[account("a", false), account("b", true)]),
            SessionStatus::Active
        );
        assert_eq!(
            session_status(&[account("a", false)]),
            SessionStatus::Failed
        );
    }

    #[test]
    fn a_denied_account_is_told_denied_with_its_reason() {
        let n = build(
            "FIP-1",
            "AA-1",
            "s",
            SessionStatus::Active,
            &[account("a", true), account("b", false)],
            time::OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(n.callee, "AA-1");
        let body: serde_json::Value = serde_json::from_str(&n.body).unwrap();
        let accounts = &body["FIStatusNotification"]["FIStatusResponse"][0]["Accounts"];
        assert_eq!(accounts[0]["FIStatus"], "READY");
        assert_eq!(accounts[1]["FIStatus"], "DENIED");
        assert_eq!(body["Notifier"]["id"], "FIP-1");
        assert_eq!(body["FIStatusNotification"]["sessionStatus"], "ACTIVE");
    }
}

//! The lifecycle of an approved consent artefact and the deadline of a pending request, with
//! no HTTP and no SQL. The customer pauses (ACTIVE -> PAUSED), resumes (PAUSED -> ACTIVE) or
//! revokes (ACTIVE | PAUSED -> REVOKED) an artefact; the expiry scheduler expires it at its
//! `consentExpiry` (ACTIVE | PAUSED -> EXPIRED). REVOKED and EXPIRED are final. Every change is
//! announced to the artefact's FIU and FIP with a `ConsentStatusNotification`.

use aa_core::rebit::{ConsentNotificationStatus, ConsentStatus, ConsentStatusNotification};
use aa_core::timefmt;
use serde_json::Value;

use super::messages;

/// What the customer may ask of one of their artefacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerAction {
    Pause,
    Resume,
    Revoke,
}

impl CustomerAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerAction::Pause => "pause",
            CustomerAction::Resume => "resume",
            CustomerAction::Revoke => "revoke",
        }
    }

    /// The status the artefact moves to from `from`, or why it cannot.
    pub fn apply(self, from: ConsentStatus) -> Result<ConsentStatus, Refused> {
        use ConsentStatus::{Active, Paused, Revoked};
        match (self, from) {
            (CustomerAction::Pause, Active) => Ok(Paused),
            (CustomerAction::Resume, Paused) => Ok(Active),
            (CustomerAction::Revoke, Active | Paused) => Ok(Revoked),
            _ => Err(Refused { action: self, from }),
        }
    }
}

/// A transition the lifecycle does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub action: CustomerAction,
    pub from: ConsentStatus,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let allowed = match self.action {
            CustomerAction::Pause => "only an ACTIVE consent can be paused",
            CustomerAction::Resume => "only a PAUSED consent can be resumed",
            CustomerAction::Revoke => "only an ACTIVE or PAUSED consent can be revoked",
        };
        write!(f, "the consent is {}; {allowed}", self.from.as_str())
    }
}

/// The notification status that announces an artefact now in `status`.
pub fn notification_status(status: ConsentStatus) -> ConsentNotificationStatus {
    match status {
        ConsentStatus::Active => ConsentNotificationStatus::Active,
        ConsentStatus::Paused => ConsentNotificationStatus::Paused,
        ConsentStatus::Revoked => ConsentNotificationStatus::Revoked,
        ConsentStatus::Expired => ConsentNotificationStatus::Expired,
    }
}

/// A notification to deliver: who gets it and the body (always `POST /Consent/Notification`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub callee: String,
    pub body: ConsentStatusNotification,
}

pub const NOTICE_PATH: &str = "/Consent/Notification";

/// Whose artefact changed: the ids a notification names and the two parties told.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    pub consent_id: &'a str,
    pub consent_handle: &'a str,
    pub fiu_id: &'a str,
    pub fip_id: &'a str,
}

/// The notifications announcing that an artefact is now `status`: one to its FIU, one to its
/// FIP, each under a fresh `txnid`. The FIU's request `txnid` stays with the notifications of
/// the decision (ACTIVE, REJECTED): receivers keep idempotency per (caller, endpoint, txnid),
/// so a later change under the same `txnid` and another body would be refused as a conflict.
pub fn artefact_notices(aa_id: &str, parties: Parties<'_>, status: ConsentStatus) -> Vec<Notice> {
    [parties.fiu_id, parties.fip_id]
        .into_iter()
        .map(|callee| Notice {
            callee: callee.to_owned(),
            body: messages::consent_notification(
                aa_id,
                &uuid::Uuid::new_v4().to_string(),
                parties.consent_handle,
                Some(parties.consent_id),
                notification_status(status),
            ),
        })
        .collect()
}

/// The notification telling the FIU that its request lapsed unanswered: EXPIRED, with the
/// consent handle and no consent id (none was ever signed).
pub fn lapsed_request_notice(aa_id: &str, fiu_id: &str, consent_handle: &str) -> Notice {
    Notice {
        callee: fiu_id.to_owned(),
        body: messages::consent_notification(
            aa_id,
            &uuid::Uuid::new_v4().to_string(),
            consent_handle,
            None,
            ConsentNotificationStatus::Expired,
        ),
    }
}

/// The `consentExpiry` of stored request terms (`ConsentDetail` JSON), in epoch milliseconds.
/// Terms without a readable expiry read as the epoch, so they count as expired: the same
/// reading as approval and FI requests, which refuse an unreadable expiry.
pub fn expiry_millis(detail_json: &str) -> i64 {
    serde_json::from_str::<Value>(detail_json)
        .ok()
        .and_then(|detail| {
            detail
                .get("consentExpiry")
                .and_then(Value::as_str)
                .and_then(timefmt::parse)
        })
        .map(|at| i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aa_core::rebit::{NotifierType, Open};
    use ConsentStatus::{Active, Expired, Paused, Revoked};

    #[test]
    fn the_customer_pauses_active_resumes_paused_and_revokes_either() {
        assert_eq!(CustomerAction::Pause.apply(Active), Ok(Paused));
        assert_eq!(CustomerAction::Resume.apply(Paused), Ok(Active));
        assert_eq!(CustomerAction::Revoke.apply(Active), Ok(Revoked));
        assert_eq!(CustomerAction::Revoke.apply(Paused), Ok(Revoked));
    }

    #[test]
    fn every_other_transition_is_refused_and_says_why() {
        let refused = [
            (CustomerAction::Pause, Paused),
            (CustomerAction::Pause, Revoked),
            (CustomerAction::Pause, Expired),
            (CustomerAction::Resume, Active),
            (CustomerAction::Resume, Revoked),
            (CustomerAction::Resume, Expired),
            (CustomerAction::Revoke, Revoked),
            (CustomerAction::Revoke, Expired),
        ];
        for (action, from) in refused {
            assert_eq!(action.apply(from), Err(Refused { action, from }));
        }
        assert_eq!(
            Refused {
                action: CustomerAction::Resume,
                from: Revoked
            }
            .to_string(),
            "the consent is REVOKED; only a PAUSED consent can be resumed"
        );
    }

    #[test]
    fn a_change_is_announced_to_the_fiu_and_the_fip_under_fresh_txnids() {
        let parties = Parties {
            consent_id: "c-1",
            consent_handle: "h-1",
            fiu_id: "FIU-1",
            fip_id: "FIP-1",
        };
        let notices = artefact_notices("AA-1", parties, Paused);
        let callees: Vec<&str> = notices.iter().map(|n| n.callee.as_str()).collect();
        assert_eq!(callees, ["FIU-1", "FIP-1"]);
        for notice in &notices {
            assert_eq!(notice.body.notifier.id, "AA-1");
            assert_eq!(notice.body.notifier.kind, Open::Known(NotifierType::Aa));
            let update = &notice.body.consent_status_notification;
            assert_eq!(update.consent_id.as_deref(), Some("c-1"));
            assert_eq!(update.consent_handle.as_deref(), Some("h-1"));
            assert_eq!(update.consent_status, ConsentNotificationStatus::Paused);
            uuid::Uuid::parse_str(&notice.body.txnid).unwrap();
        }
        assert_ne!(notices[0].body.txnid, notices[1].body.txnid);
        let lapsed = lapsed_request_notice("AA-1", "FIU-1", "h-2");
        assert_eq!(lapsed.callee, "FIU-1");
        let update = &lapsed.body.consent_status_notification;
        assert_eq!(update.consent_id, None);
        assert_eq!(update.consent_status, ConsentNotificationStatus::Expired);
    }

    #[test]
    fn the_expiry_of_stored_terms_is_read_in_millis_and_unreadable_terms_are_expired() {
        assert_eq!(
            expiry_millis(r#"{"consentExpiry":"2024-01-01T00:00:00.000Z","x":1}"#),
            1_704_067_200_000
        );
        assert_eq!(expiry_millis(r#"{"consentExpiry":"someday"}"#), 0);
        assert_eq!(expiry_millis("not json"), 0);
    }
}

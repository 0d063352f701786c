//! A customer's deregistration at the AA and the revocation of a consent whose last account is
//! delinked, with no HTTP and no SQL: what each ends and whom it tells.
//!
//! Deregistration revokes every `ACTIVE` or `PAUSED` artefact (REVOKED to its FIU and its FIP,
//! as the customer's revoke does), rejects every `PENDING` request (REJECTED to its FIU with the
//! consent handle, as the customer's reject does, under the FIU's request `txnid`), and delinks
//! every linked account at its FIP (one [`FipLink`] job per link, ReBIT `POST /Accounts/delink`,
//! retried by the queue). Then nothing of the customer is kept: their handle, consent handles,
//! consent ids and sessions are unknown, as if they had never existed.

use aa_core::rebit::{ConsentNotificationStatus, ConsentStatus};
use serde::{Deserialize, Serialize};

use super::lifecycle::{self, Notice, Parties};
use super::messages;

/// The queue kind of the delinks a deregistration leaves to do.
pub const DELINK_KIND: &str = "fip_delink";

/// An artefact that was `ACTIVE` or `PAUSED` and is revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedArtefact {
    pub consent_id: String,
    pub consent_handle: String,
    pub fiu_id: String,
    pub fip_id: String,
}

/// A `PENDING` request that is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedRequest {
    pub handle: String,
    pub fiu_id: String,
    /// The FIU's request `txnid`, which the notification of the decision carries.
    pub txnid: String,
}

/// A link to end at its FIP: the payload of a [`DELINK_KIND`] job (keyed by the FIP, so that
/// the FIP hears of the revocations and the delinks in the order they were queued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FipLink {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    #[serde(rename = "customerAddress")]
    pub customer_address: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
}

impl FipLink {
    /// The job payload (JSON).
    pub fn payload(&self) -> String {
        serde_json::json!({
            "fipId": self.fip_id,
            "customerAddress": self.customer_address,
            "linkRefNumber": self.link_ref_number,
        })
        .to_string()
    }

    /// Reads a job payload.
    pub fn from_payload(payload: &str) -> Result<Self, String> {
        serde_json::from_str(payload).map_err(|e| format!("delink payload: {e}"))
    }
}

/// What one deregistration ended, read and written in its transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ending {
    pub revoked: Vec<EndedArtefact>,
    pub rejected: Vec<EndedRequest>,
    pub links: Vec<FipLink>,
}

impl Ending {
    /// The notifications it sends: REVOKED to the FIU and the FIP of each revoked artefact
    /// (fresh `txnid`s), then REJECTED to the FIU of each rejected request.
    pub fn notices(&self, aa_id: &str) -> Vec<Notice> {
        let revoked = self.revoked.iter().flat_map(|a| {
            lifecycle::artefact_notices(
                aa_id,
                Parties {
                    consent_id: &a.consent_id,
                    consent_handle: &a.consent_handle,
                    fiu_id: &a.fiu_id,
                    fip_id: &a.fip_id,
                },
                ConsentStatus::Revoked,
            )
        });
        let rejected = self.rejected.iter().map(|r| Notice {
            callee: r.fiu_id.clone(),
            body: messages::consent_notification(
                aa_id,
                &r.txnid,
                &r.handle,
                None,
                ConsentNotificationStatus::Rejected,
            ),
        });
        revoked.chain(rejected).collect()
    }
}

/// An `ACTIVE` or `PAUSED` artefact at the FIP of a delinked account, with the link references
/// of its accounts and the REVOKED notices to send if it has none linked left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeCandidate {
    pub consent_id: String,
    pub link_refs: Vec<String>,
    pub notices: Vec<Notice>,
}

/// Whether an artefact over `link_refs` has lost its last account: every one of them is among
/// `delinked`. An artefact naming no account never qualifies (nothing of it was delinked).
pub fn last_account_gone(link_refs: &[String], delinked: &[String]) -> bool {
    !link_refs.is_empty() && link_refs.iter().all(|link| delinked.contains(link))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_consent_loses_its_last_account_only_when_every_account_is_delinked() {
        let delinked = strings(&["L-1", "L-3"]);
        assert!(last_account_gone(&strings(&["L-1"]), &delinked));
        assert!(last_account_gone(&strings(&["L-1", "L-3"]), &delinked));
        assert!(!last_account_gone(&strings(&["L-1", "L-2"]), &delinked));
        assert!(!last_account_gone(&[], &delinked));
    }

    #[test]
    fn a_deregistration_revokes_to_the_fiu_and_the_fip_and_rejects_to_the_fiu() {
        let ending = Ending {
            revoked: vec![EndedArtefact {
                consent_id: "c-1".into(),
                consent_handle: "h-1".into(),
                fiu_id: "FIU-1".into(),
                fip_id: "FIP-1".into(),
            }],
            rejected: vec![EndedRequest {
                handle: "h-2".into(),
                fiu_id: "FIU-2".into(),
                txnid: "t-2".into(),
            }],
            links: Vec::new(),
        };
        let notices = ending.notices("AA-1");
        let sent: Vec<(&str, Option<&str>, &str, ConsentNotificationStatus)> = notices
            .iter()
            .map(|n| {
                let update = &n.body.consent_status_notification;
                (
                    n.callee.as_str(),
                    update.consent_id.as_deref(),
                    update.consent_handle.as_deref().unwrap(),
                    update.consent_status,
                )
            })
            .collect();
        assert_eq!(
            sent,
            [
                (
                    "FIU-1",
                    Some("c-1"),
                    "h-1",
                    ConsentNotificationStatus::Revoked
                ),
                (
                    "FIP-1",
                    Some("c-1"),
                    "h-1",
                    ConsentNotificationStatus::Revoked
                ),
                ("FIU-2", None, "h-2", ConsentNotificationStatus::Rejected),
            ]
        );
        assert_eq!(
            notices[2].body.txnid, "t-2",
            "the decision keeps the FIU's txnid"
        );
        assert_ne!(notices[0].body.txnid, notices[1].body.txnid);
    }

    #[test]
    fn a_delink_job_payload_round_trips_and_garbage_is_refused() {
        let link = FipLink {
            fip_id: "FIP-1".into(),
            customer_address: "9999999999@AA-1".into(),
            link_ref_number: "FIP-1-LINK-1".into(),
        };
        assert_eq!(FipLink::from_payload(&link.payload()), Ok(link));
        assert!(FipLink::from_payload("{}").is_err());
        assert!(FipLink::from_payload("not json").is_err());
    }
}

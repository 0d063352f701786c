//! FI data requests, free of HTTP and SQL: the states of a session (one `POST /FI/request`
//! for one consent artefact) and of a request (its sessions taken together), when a session's
//! FI status notification calls for a fetch, and what a session asks for (the FIP, the range,
//! the accounts) read from the verified artefact.

use aa_core::rebit::{FiStatus, SignedConsentDetail};
use aa_core::timefmt;
use time::OffsetDateTime;

use super::retention::{PurgeRule, Retention};

/// Where one session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    /// Asked (or about to be); waiting for the FIP.
    Pending,
    /// Notified ready; the fetch is queued or running.
    Ready,
    /// Every account fetched and decrypted, or denied.
    Completed,
    /// The request, the FIP or the fetch failed; `error` says why. Accounts fetched before
    /// the failure keep their data.
    Failed,
}

impl SessionState {
    pub const ALL: [SessionState; 4] = [Self::Pending, Self::Ready, Self::Completed, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Ready => "READY",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

/// A request's status, from its sessions: `COMPLETED` when all are, `FAILED` when all failed,
/// `PARTIAL` when every session is final and some completed and some failed, else `PENDING`.
pub fn request_status(sessions: &[SessionState]) -> &'static str {
    if sessions.is_empty() || sessions.iter().any(|s| !s.is_final()) {
        return "PENDING";
    }
    let completed = sessions
        .iter()
        .filter(|s| **s == SessionState::Completed)
        .count();
    if completed == sessions.len() {
        "COMPLETED"
    } else if completed == 0 {
        "FAILED"
    } else {
        "PARTIAL"
    }
}

/// What a session's accounts, as notified, call for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// Some account is still pending: wait for the next notification.
    Wait,
    /// Every account is settled and some are ready: fetch.
    Fetch,
    /// Every account was denied: nothing to fetch.
    AllDenied,
    /// Nothing will come: the reason.
    Fail(String),
}

/// Whether an FI status means the data can be fetched.
pub fn is_fetchable(status: FiStatus) -> bool {
    matches!(status, FiStatus::Ready | FiStatus::Delivered)
}

/// What to do once a notification listed `accounts`; `session_over` is true when the AA
/// says the session itself is `FAILED` or `EXPIRED`: then nothing is fetched, even accounts
/// notified `READY` (the AA ended the session; its data is no longer to be had).
pub fn settle(accounts: &[FiStatus], session_over: bool) -> Settle {
    let all_denied = !accounts.is_empty() && accounts.iter().all(|s| *s == FiStatus::Denied);
    if session_over {
        return if all_denied {
            Settle::AllDenied
        } else {
            Settle::Fail("the AA ended the session (FAILED or EXPIRED); nothing is fetched".into())
        };
    }
    if accounts.is_empty() || accounts.contains(&FiStatus::Pending) {
        return Settle::Wait;
    }
    if accounts.iter().any(|s| is_fetchable(*s)) {
        return Settle::Fetch;
    }
    if all_denied {
        return Settle::AllDenied;
    }
    Settle::Fail("no account became ready (denied, timed out, or the session ended)".into())
}

/// An account a consent covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentAccount {
    pub link_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
}

/// What one session asks for: read from a verified artefact's ConsentDetail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPlan {
    pub fip_id: String,
    /// RFC 3339, inside the consent's `FIDataRange`.
    pub from: String,
    pub to: String,
    pub accounts: Vec<ConsentAccount>,
    /// Until when the session may be kept before its data arrives (the consent's expiry).
    pub keep_until: Option<(OffsetDateTime, PurgeRule)>,
}

/// Why a session cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the stored consent detail is unreadable: {0}")]
    Detail(String),
    #[error("the range asked for is not within the consent's FIDataRange {from} .. {to}")]
    OutsideConsent { from: String, to: String },
    #[error("from and to must be RFC 3339 date-times with from before to")]
    BadRange,
}

/// A range asked for by the app: both ends, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

impl Range {
    /// Parses RFC 3339 ends; `from` must come before `to`.
    pub fn parse(from: &str, to: &str) -> Result<Self, PlanError> {
        let from = timefmt::parse(from).ok_or(PlanError::BadRange)?;
        let to = timefmt::parse(to).ok_or(PlanError::BadRange)?;
        if from >= to {
            return Err(PlanError::BadRange);
        }
        Ok(Self { from, to })
    }
}

/// The session for an artefact whose signed ConsentDetail is `detail`: its FIP, the range
/// (`asked`, which must lie within the consent's range, or the consent's whole range), and
/// the accounts it covers.
pub fn plan_session(
    detail: &serde_json::Value,
    asked: Option<Range>,
) -> Result<SessionPlan, PlanError> {
    let detail: SignedConsentDetail =
        serde_json::from_value(detail.clone()).map_err(|e| PlanError::Detail(e.to_string()))?;
    let range = &detail.fi_data_range;
    let (from, to) = match asked {
        None => (range.from.clone(), range.to.clone()),
        Some(asked) => {
            let outside = || PlanError::OutsideConsent {
                from: range.from.clone(),
                to: range.to.clone(),
            };
            let start = timefmt::parse(&range.from).ok_or_else(outside)?;
            let end = timefmt::parse(&range.to).ok_or_else(outside)?;
            if asked.from < start || asked.to > end {
                return Err(outside());
            }
            (
                timefmt::format_millis(asked.from),
                timefmt::format_millis(asked.to),
            )
        }
    };
    let accounts = detail
        .accounts
        .iter()
        .map(|a| ConsentAccount {
            link_ref_number: a.link_ref_number.clone(),
            masked_acc_number: a.masked_acc_number.clone(),
            fi_type: a.fi_type.as_str().to_owned(),
        })
        .collect();
    Ok(SessionPlan {
        keep_until: Retention::of(&detail).before_fetch(),
        fip_id: detail.data_provider.id,
        from,
        to,
        accounts,
    })
}

/// The `digitalSignature` of `POST /FI/request`: the third segment of the signed consent.
pub fn digital_signature(signed_consent: &str) -> Option<&str> {
    let mut parts = signed_consent.trim().split('.');
    let (_, _, signature) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && !signature.is_empty()).then_some(signature)
}

#[cfg(test)]
mod tests {
    use super::SessionState::*;
    use super::*;

    #[test]
    fn a_request_is_as_done_as_its_sessions() {
        assert_eq!(request_status(&[]), "PENDING");
        assert_eq!(request_status(&[Completed, Pending]), "PENDING");
        assert_eq!(request_status(&[Completed, Ready]), "PENDING");
        assert_eq!(request_status(&[Completed, Completed]), "COMPLETED");
        assert_eq!(request_status(&[Completed, Failed]), "PARTIAL");
        assert_eq!(request_status(&[Failed, Failed]), "FAILED");
    }

    #[test]
    fn a_session_is_fetched_once_no_account_is_pending() {
        use FiStatus::*;
        assert_eq!(settle(&[Ready, Pending], false), Settle::Wait);
        assert_eq!(settle(&[Ready, Denied], false), Settle::Fetch);
        assert!(matches!(settle(&[Ready, Pending], true), Settle::Fail(_)));
        assert!(matches!(settle(&[Ready], true), Settle::Fail(_)));
        assert_eq!(settle(&[Denied], true), Settle::AllDenied);
        assert_eq!(settle(&[Denied, Denied], false), Settle::AllDenied);
        assert!(matches!(settle(&[Denied, Timeout], false), Settle::Fail(_)));
        assert_eq!(settle(&[], false), Settle::Wait);
        assert!(matches!(settle(&[], true), Settle::Fail(_)));
    }

    #[test]
    fn the_digital_signature_is_the_third_segment() {
        assert_eq!(digital_signature("a.b.c"), Some("c"));
        assert_eq!(digital_signature("a.b."), None);
        assert_eq!(digital_signature("a.b"), None);
        assert_eq!(digital_signature("a.b.c.d"), None);
    }

    fn detail() -> serde_json::Value {
        serde_json::json!({
            "consentStart": "2025-01-01T00:00:00.000Z", "consentExpiry": "2026-01-01T00:00:00.000Z",
            "consentMode": "STORE", "fetchType": "ONETIME", "consentTypes": ["TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"], "DataConsumer": {"id": "FIU-1", "type": "FIU"},
            "DataProvider": {"id": "FIP-1", "type": "FIP"}, "Customer": {"id": "c@AA-1"},
            "Accounts": [{"fiType": "DEPOSIT", "fipId": "FIP-1", "accType": "SAVINGS",
                          "linkRefNumber": "l-1", "maskedAccNumber": "XX1"}],
            "Purpose": {"code": "101", "refUri": "https://api.rebit.org.in/aa/purpose/101.xml",
                        "text": "t", "Category": {"type": "c"}},
            "FIDataRange": {"from": "2024-01-01T00:00:00.000Z", "to": "2025-01-01T00:00:00.000Z"},
            "DataLife": {"unit": "MONTH", "value": 1}, "Frequency": {"unit": "DAY", "value": 1}
        })
    }

    #[test]
    fn a_session_asks_for_the_consents_range_or_a_range_inside_it() {
        let whole = plan_session(&detail(), None).unwrap();
        assert_eq!(whole.fip_id, "FIP-1");
        assert_eq!(whole.from, "2024-01-01T00:00:00.000Z");
        assert_eq!(whole.accounts[0].fi_type, "DEPOSIT");
        assert_eq!(
            whole.keep_until,
            Some((
                time::macros::datetime!(2026-01-01 00:00:00 UTC),
                PurgeRule::ConsentExpiry
            ))
        );
        let inside = Range::parse("2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z").unwrap();
        let part = plan_session(&detail(), Some(inside)).unwrap();
        assert_eq!(part.from, "2024-03-01T00:00:00.000Z");
        let outside = Range::parse("2023-03-01T00:00:00Z", "2024-04-01T00:00:00Z").unwrap();
        assert!(matches!(
            plan_session(&detail(), Some(outside)),
            Err(PlanError::OutsideConsent { .. })
        ));
        assert_eq!(
            Range::parse("2024-04-01T00:00:00Z", "2024-03-01T00:00:00Z"),
            Err(PlanError::BadRange)
        );
    }
}

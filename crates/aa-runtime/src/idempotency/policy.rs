//! What each ReBIT endpoint counts as "the same request", and what a repeat of it gets: data on
//! [`Endpoint`], so that the rules of the three roles are read in one place.

use aa_core::registry::Role;
use serde_json::Value;

/// How long a key is kept: a day, far beyond the envelope's 15-minute window in which the same
/// request can arrive again unchanged.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// A claim older than this with no answer belongs to a request that died; a repeat takes it over.
pub const STALE_CLAIM_MS: i64 = 60_000;

/// The signed ReBIT `POST` endpoints served once per (caller, endpoint, txnid), in any role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    AccountsDiscover,
    AccountsLink,
    AccountsLinkVerify,
    AccountsDelink,
    AccountLinkNotification,
    Consent,
    ConsentNotification,
    FiRequest,
    FiFetch,
    FiNotification,
}

/// What must match for a repeat under a used txnid to be the same request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Same {
    /// The body, less its top-level `timestamp` (a retry is re-signed with a fresh one).
    Body,
    /// Only the subject (`consentId`, `sessionId`): the AA reuses its flow's txnid for every
    /// notification of a consent or session, so another status of the same subject is the next
    /// notification, applied afresh; only another subject is a conflict.
    Subject,
}

/// What a repeat gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// The stored first answer, byte for byte.
    Stored,
    /// The answer computed again: the work must be free of second effects (a stored answer
    /// would hold financial data, or the repeat is the next notification of a flow).
    Recompute,
}

/// The idempotency rules of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub same: Same,
    pub replay: Replay,
    /// How long the key is kept, in milliseconds.
    pub keep_ms: i64,
}

impl Endpoint {
    /// The ReBIT path, as the key stores it.
    pub fn path(self) -> &'static str {
        match self {
            Self::AccountsDiscover => "/Accounts/discover",
            Self::AccountsLink => "/Accounts/link",
            Self::AccountsLinkVerify => "/Accounts/link/verify",
            Self::AccountsDelink => "/Accounts/delink",
            Self::AccountLinkNotification => "/Account/link/Notification",
            Self::Consent => "/Consent",
            Self::ConsentNotification => "/Consent/Notification",
            Self::FiRequest => "/FI/request",
            Self::FiFetch => "/FI/fetch",
            Self::FiNotification => "/FI/Notification",
        }
    }

    /// The rules for a request from a caller of role `caller`: notifications from the AA carry
    /// the txnid of their flow (compared by subject), those from an FIP or FIU one txnid each.
    pub fn policy(self, caller: Role) -> Policy {
        let (same, replay) = match self {
            Self::ConsentNotification | Self::FiNotification if caller == Role::Aa => {
                (Same::Subject, Replay::Recompute)
            }
            Self::FiFetch => (Same::Body, Replay::Recompute),
            _ => (Same::Body, Replay::Stored),
        };
        Policy {
            same,
            replay,
            keep_ms: KEEP_MS,
        }
    }
}

/// The body as compared: `timestamp` removed, object keys sorted; not JSON: the bytes as text.
pub fn canonical(raw: &[u8]) -> String {
    fn sorted(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(mut value) => {
            if let Some(map) = value.as_object_mut() {
                map.remove("timestamp");
            }
            sorted(value).to_string()
        }
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_compare_without_their_timestamp_and_key_order() {
        let a =
            br#"{"ver":"2.0.0","timestamp":"2024-01-01T00:00:00Z","txnid":"t","B":{"y":1,"x":2}}"#;
        let b =
            br#"{"txnid":"t","B":{"x":2,"y":1},"ver":"2.0.0","timestamp":"2025-01-01T00:00:00Z"}"#;
        assert_eq!(canonical(a), canonical(b));
        let c = br#"{"txnid":"t","B":{"x":3,"y":1},"ver":"2.0.0"}"#;
        assert_ne!(canonical(a), canonical(c));
    }

    #[test]
    fn notifications_from_the_aa_compare_their_subject_and_are_recomputed() {
        for endpoint in [Endpoint::ConsentNotification, Endpoint::FiNotification] {
            let policy = endpoint.policy(Role::Aa);
            assert_eq!(
                (policy.same, policy.replay),
                (Same::Subject, Replay::Recompute)
            );
            let policy = endpoint.policy(Role::Fip);
            assert_eq!((policy.same, policy.replay), (Same::Body, Replay::Stored));
        }
    }

    #[test]
    fn fetched_data_is_never_stored_and_every_key_is_kept_a_day() {
        assert_eq!(Endpoint::FiFetch.policy(Role::Aa).replay, Replay::Recompute);
        assert_eq!(Endpoint::FiRequest.policy(Role::Aa).replay, Replay::Stored);
        assert_eq!(Endpoint::Consent.policy(Role::Aa).keep_ms, 86_400_000);
    }
}

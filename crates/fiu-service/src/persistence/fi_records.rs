//! The plain records of FI data requests, their sessions and accounts, as the rest of the FIU
//! sees them (never the entities).

use time::OffsetDateTime;

use super::entities::{data_request, fi_account, fi_session};
use super::StoreError;
use crate::domain::data_request::{SessionPlan, SessionState};
use crate::domain::retention::PurgeRule;
use aa_runtime::clock::instant;

/// Who asked for data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The consent's automatic request, once its artefacts were `ACTIVE` and verified.
    Auto,
    /// `POST /app/consents/{handle}/data-requests`.
    App,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "AUTO",
            Self::App => "APP",
        }
    }
}

/// A stored data request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRequestRecord {
    pub id: String,
    pub handle: String,
    pub aa_id: String,
    pub trigger: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub request_id: String,
    pub handle: String,
    pub consent_id: String,
    pub aa_id: String,
    pub fip_id: String,
    pub session_id: Option<String>,
    pub status: SessionState,
    pub error: Option<String>,
    pub data_from: String,
    pub data_to: String,
    pub sealed_key: Option<Vec<u8>>,
    pub updated_at: OffsetDateTime,
    /// Until when its data may be kept, and the rule that says so.
    pub keep_until: Option<(OffsetDateTime, PurgeRule)>,
    /// When its data was purged, and why.
    pub purged: Option<(OffsetDateTime, PurgeRule)>,
}

/// A stored account of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: String,
    pub session_row: String,
    pub link_ref_number: String,
    pub masked_acc_number: Option<String>,
    pub fi_type: Option<String>,
    pub fi_status: String,
    pub error: Option<String>,
    pub sealed_data: Option<Vec<u8>>,
}

/// A session to create: the artefact and what it asks for.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub consent_id: String,
    pub plan: SessionPlan,
}

/// What applying a notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Whether anything changed.
    pub changed: bool,
    /// Whether a job (artefact fetch, FI fetch) was queued: the worker is to be woken.
    pub fetch_queued: bool,
}

impl From<data_request::Model> for DataRequestRecord {
    fn from(m: data_request::Model) -> Self {
        Self {
            id: m.id,
            handle: m.handle,
            aa_id: m.aa_id,
            trigger: m.trigger,
            created_at: instant(m.created_at),
            updated_at: instant(m.updated_at),
        }
    }
}

impl TryFrom<fi_session::Model> for SessionRecord {
    type Error = StoreError;

    fn try_from(m: fi_session::Model) -> Result<Self, StoreError> {
        let rule = m
            .purge_rule
            .as_deref()
            .map(|text| {
                PurgeRule::parse(text)
                    .ok_or_else(|| StoreError::Corrupt(format!("purge rule {text:?}")))
            })
            .transpose()?;
        let with_rule = |at: Option<i64>| match (at, rule) {
            (Some(at), Some(rule)) => Ok(Some((instant(at), rule))),
            (None, _) => Ok(None),
            (Some(_), None) => Err(StoreError::Corrupt(format!(
                "session {} has a purge time without a rule",
                m.id
            ))),
        };
        let keep_until = with_rule(m.purge_at)?;
        let purged = with_rule(m.purged_at)?;
        Ok(Self {
            keep_until,
            purged,
            status: SessionState::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("session state {:?}", m.status)))?,
            id: m.id,
            request_id: m.request_id,
            handle: m.handle,
            consent_id: m.consent_id,
            aa_id: m.aa_id,
            fip_id: m.fip_id,
            session_id: m.session_id,
            error: m.error,
            data_from: m.data_from,
            data_to: m.data_to,
            sealed_key: m.sealed_key,
            updated_at: instant(m.updated_at),
        })
    }
}

impl From<fi_account::Model> for AccountRecord {
    fn from(m: fi_account::Model) -> Self {
        Self {
            id: m.id,
            session_row: m.session_row,
            link_ref_number: m.link_ref_number,
            masked_acc_number: m.masked_acc_number,
            fi_type: m.fi_type,
            fi_status: m.fi_status,
            error: m.error,
            sealed_data: m.sealed_data,
        }
    }
}

//! Consent requests and their artefacts: writing a new request, and reading requests and
//! artefacts as records (never as entities).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use time::OffsetDateTime;

use super::entities::{artefact, consent_request};
use super::{Store, StoreError};
use crate::domain::status::{ConsentState, FetchState};
use crate::domain::terms::ConsentTerms;
use aa_runtime::clock::{instant, millis};

/// A consent request to write, right after the AA returned its handle.
#[derive(Debug, Clone)]
pub struct NewConsentRequest {
    pub handle: String,
    pub aa_id: String,
    pub customer: String,
    pub template: String,
    pub txnid: String,
    pub terms: ConsentTerms,
}

/// A stored consent request.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRequestRecord {
    pub handle: String,
    pub aa_id: String,
    pub customer: String,
    pub template: String,
    pub txnid: String,
    pub status: ConsentState,
    pub terms: ConsentTerms,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub checked_at: OffsetDateTime,
    /// Why the last status poll failed, if it did.
    pub poll_error: Option<String>,
}

/// A stored artefact.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtefactRecord {
    pub consent_id: String,
    pub handle: String,
    pub aa_id: String,
    pub status: ConsentState,
    pub fetch: FetchState,
    pub fip_id: Option<String>,
    pub signer_kid: Option<String>,
    pub signed_consent: Option<String>,
    pub detail: Option<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

pub(super) fn consent_state(text: &str) -> Result<ConsentState, StoreError> {
    ConsentState::parse(text).ok_or_else(|| corrupt("consent state", text))
}

impl TryFrom<consent_request::Model> for ConsentRequestRecord {
    type Error = StoreError;

    fn try_from(m: consent_request::Model) -> Result<Self, StoreError> {
        Ok(Self {
            status: consent_state(&m.status)?,
            terms: serde_json::from_str(&m.terms)
                .map_err(|e| StoreError::Corrupt(format!("terms of {}: {e}", m.handle)))?,
            handle: m.handle,
            aa_id: m.aa_id,
            customer: m.customer,
            template: m.template,
            txnid: m.txnid,
            created_at: instant(m.created_at),
            updated_at: instant(m.updated_at),
            checked_at: instant(m.checked_at),
            poll_error: m.poll_error,
        })
    }
}

impl TryFrom<artefact::Model> for ArtefactRecord {
    type Error = StoreError;

    fn try_from(m: artefact::Model) -> Result<Self, StoreError> {
        let detail = m
            .consent_detail
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("detail of {}: {e}", m.consent_id)))?;
        Ok(Self {
            status: consent_state(&m.status)?,
            fetch: FetchState::parse(&m.fetch_state)
                .ok_or_else(|| corrupt("fetch state", &m.fetch_state))?,
            consent_id: m.consent_id,
            handle: m.handle,
            aa_id: m.aa_id,
            fip_id: m.fip_id,
            signer_kid: m.signer_kid,
            signed_consent: m.signed_consent,
            detail,
            error: m.error,
            created_at: instant(m.created_at),
            updated_at: instant(m.updated_at),
        })
    }
}

pub(super) async fn find_request<C: ConnectionTrait>(
    db: &C,
    handle: &str,
) -> Result<Option<ConsentRequestRecord>, StoreError> {
    consent_request::Entity::find_by_id(handle.to_owned())
        .one(db)
        .await?
        .map(TryInto::try_into)
        .transpose()
}

pub(super) async fn find_artefacts<C: ConnectionTrait>(
    db: &C,
    handle: &str,
) -> Result<Vec<ArtefactRecord>, StoreError> {
    artefact::Entity::find()
        .filter(artefact::Column::Handle.eq(handle))
        .order_by_asc(artefact::Column::CreatedAt)
        .order_by_asc(artefact::Column::ConsentId)
        .all(db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

impl Store {
    pub async fn insert_consent_request(
        &self,
        new: &NewConsentRequest,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let terms = serde_json::to_string(&new.terms)
            .map_err(|e| StoreError::Corrupt(format!("terms: {e}")))?;
        consent_request::ActiveModel {
            handle: Set(new.handle.clone()),
            aa_id: Set(new.aa_id.clone()),
            customer: Set(new.customer.clone()),
            template: Set(new.template.clone()),
            txnid: Set(new.txnid.clone()),
            status: Set(ConsentState::Pending.as_str().to_owned()),
            terms: Set(terms),
            created_at: Set(millis(now)),
            updated_at: Set(millis(now)),
            checked_at: Set(millis(now)),
            poll_error: Set(None),
        }
        .insert(self.db())
        .await?;
        Ok(())
    }

    pub async fn consent_request(
        &self,
        handle: &str,
    ) -> Result<Option<ConsentRequestRecord>, StoreError> {
        find_request(self.db(), handle).await
    }

    /// The request an artefact belongs to.
    pub async fn consent_request_of_artefact(
        &self,
        consent_id: &str,
    ) -> Result<Option<ConsentRequestRecord>, StoreError> {
        let Some(artefact) = artefact::Entity::find_by_id(consent_id.to_owned())
            .one(self.db())
            .await?
        else {
            return Ok(None);
        };
        find_request(self.db(), &artefact.handle).await
    }

    /// The request whose `POST /Consent` carried `txnid`, sent to `aa_id`.
    pub async fn consent_request_by_txnid(
        &self,
        aa_id: &str,
        txnid: &str,
    ) -> Result<Option<ConsentRequestRecord>, StoreError> {
        consent_request::Entity::find()
            .filter(consent_request::Column::AaId.eq(aa_id))
            .filter(consent_request::Column::Txnid.eq(txnid))
            .one(self.db())
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// The most recent requests, newest first.
    pub async fn consent_requests(
        &self,
        limit: u64,
    ) -> Result<Vec<ConsentRequestRecord>, StoreError> {
        consent_request::Entity::find()
            .order_by_desc(consent_request::Column::CreatedAt)
            .limit(limit)
            .all(self.db())
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// A request's artefacts, oldest first.
    pub async fn artefacts(&self, handle: &str) -> Result<Vec<ArtefactRecord>, StoreError> {
        find_artefacts(self.db(), handle).await
    }

    /// Records that the AA was asked for the request's status at `now` (and forgets why the
    /// previous poll failed).
    pub async fn mark_checked(&self, handle: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        consent_request::Entity::update_many()
            .col_expr(
                consent_request::Column::CheckedAt,
                sea_orm::sea_query::Expr::value(millis(now)),
            )
            .col_expr(
                consent_request::Column::PollError,
                sea_orm::sea_query::Expr::value(Option::<String>::None),
            )
            .filter(consent_request::Column::Handle.eq(handle))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Records why the status poll of `handle` failed.
    pub async fn poll_failed(&self, handle: &str, error: &str) -> Result<(), StoreError> {
        consent_request::Entity::update_many()
            .col_expr(
                consent_request::Column::PollError,
                sea_orm::sea_query::Expr::value(Some(super::jobs::clip(error))),
            )
            .filter(consent_request::Column::Handle.eq(handle))
            .exec(self.db())
            .await?;
        Ok(())
    }
}

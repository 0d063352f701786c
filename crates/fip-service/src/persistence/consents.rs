//! Consent artefacts and their status.

use std::str::FromStr;

use aa_core::rebit::ConsentStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TryInsertResult,
};

use super::entities::{consent, consent_account};
use super::{Store, StoreError};
use crate::domain::consent::ConsentTerms;
use aa_runtime::clock::millis;

/// A consent to store.
#[derive(Debug, Clone)]
pub struct NewConsent {
    pub consent_id: String,
    pub aa_id: String,
    pub status: ConsentStatus,
    pub signed_consent: String,
    pub signature: String,
    pub detail: serde_json::Value,
    pub create_timestamp: String,
    pub txnid: String,
    pub terms: ConsentTerms,
}

/// A stored consent, as the notification and idempotency checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConsent {
    pub consent_id: String,
    pub aa_id: String,
    pub status: ConsentStatus,
    pub signed_consent: String,
}

/// A stored consent with everything the FI data flow checks: the JWS as received, its
/// signature segment, and the verified detail.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRecord {
    pub consent_id: String,
    pub aa_id: String,
    /// The customer's AA address (`Customer.id` of the detail).
    pub customer_address: String,
    pub status: ConsentStatus,
    pub signed_consent: String,
    pub signature: String,
    pub detail: serde_json::Value,
    pub start: time::OffsetDateTime,
    pub expiry: time::OffsetDateTime,
}

/// What became of a consent sent to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    New,
    /// A consent with this id was there already.
    Existing(StoredConsent),
}

fn to_stored(row: consent::Model) -> Result<StoredConsent, StoreError> {
    Ok(StoredConsent {
        status: ConsentStatus::from_str(&row.status)
            .map_err(|e| StoreError::Corrupt(format!("consent {}: {e}", row.consent_id)))?,
        consent_id: row.consent_id,
        aa_id: row.aa_id,
        signed_consent: row.signed_consent,
    })
}

impl Store {
    /// Stores a consent and the links it covers, unless its id is taken, in `txn` (the
    /// idempotency claim's transaction: the consent and the answer commit together).
    pub async fn store_consent_in(
        &self,
        txn: &impl ConnectionTrait,
        new: NewConsent,
    ) -> Result<Stored, StoreError> {
        let now = self.clock.now_millis();
        let consent_id = new.consent_id.clone();
        let inserted = consent::Entity::insert(consent::ActiveModel {
            consent_id: Set(new.consent_id.clone()),
            aa_id: Set(new.aa_id),
            customer_address: Set(new.terms.customer_address.clone()),
            status: Set(new.status.as_str().to_owned()),
            signed_consent: Set(new.signed_consent),
            signature: Set(new.signature),
            detail: Set(new.detail),
            consent_start_ms: Set(millis(new.terms.start)),
            consent_expiry_ms: Set(millis(new.terms.expiry)),
            create_timestamp: Set(new.create_timestamp),
            txnid: Set(new.txnid),
            received_at_ms: Set(now),
            updated_at_ms: Set(now),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(txn)
        .await?;
        if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            let existing = consent::Entity::find_by_id(consent_id.clone())
                .one(txn)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("consent {consent_id} vanished")))?;
            return Ok(Stored::Existing(to_stored(existing)?));
        }
        let rows: Vec<consent_account::ActiveModel> = new
            .terms
            .link_refs
            .iter()
            .map(|link| consent_account::ActiveModel {
                consent_id: Set(consent_id.clone()),
                link_ref_number: Set(link.clone()),
            })
            .collect();
        if !rows.is_empty() {
            consent_account::Entity::insert_many(rows)
                .exec_without_returning(txn)
                .await?;
        }
        Ok(Stored::New)
    }

    /// The consent `consent_id`.
    pub async fn consent(&self, consent_id: &str) -> Result<Option<StoredConsent>, StoreError> {
        self.consent_in(&self.db, consent_id).await
    }

    /// [`Store::consent`] read through `conn`.
    pub async fn consent_in(
        &self,
        conn: &impl ConnectionTrait,
        consent_id: &str,
    ) -> Result<Option<StoredConsent>, StoreError> {
        consent::Entity::find_by_id(consent_id.to_owned())
            .one(conn)
            .await?
            .map(to_stored)
            .transpose()
    }

    /// The consent `consent_id`, in full.
    pub async fn consent_record(
        &self,
        consent_id: &str,
    ) -> Result<Option<ConsentRecord>, StoreError> {
        let Some(row) = consent::Entity::find_by_id(consent_id.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(ConsentRecord {
            status: ConsentStatus::from_str(&row.status)
                .map_err(|e| StoreError::Corrupt(format!("consent {}: {e}", row.consent_id)))?,
            start: aa_runtime::clock::instant(row.consent_start_ms),
            expiry: aa_runtime::clock::instant(row.consent_expiry_ms),
            consent_id: row.consent_id,
            aa_id: row.aa_id,
            customer_address: row.customer_address,
            signed_consent: row.signed_consent,
            signature: row.signature,
            detail: row.detail,
        }))
    }

    /// Moves a consent from `from` to `to`, in `conn`; false when its status was no longer
    /// `from`.
    pub async fn set_consent_status_in(
        &self,
        conn: &impl ConnectionTrait,
        consent_id: &str,
        from: ConsentStatus,
        to: ConsentStatus,
    ) -> Result<bool, StoreError> {
        let result = consent::Entity::update_many()
            .col_expr(consent::Column::Status, Expr::value(to.as_str()))
            .col_expr(
                consent::Column::UpdatedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(consent::Column::ConsentId.eq(consent_id))
            .filter(consent::Column::Status.eq(from.as_str()))
            .exec(conn)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

//! Links to AAs' consent managers (Sahamati redirection) and the outcome each came back with.

use aa_runtime::clock;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use super::entities::redirect;
use super::{Store, StoreError};

/// One link, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRecord {
    pub txnid: String,
    pub handle: String,
    pub aa_id: String,
    pub customer: String,
    pub session_id: String,
    pub return_to: Option<String>,
    pub created_at: OffsetDateTime,
    /// (`approved` | `rejected` | `failed`, the `errorcode`, when), once returned.
    pub outcome: Option<(String, i32, OffsetDateTime)>,
}

/// A link about to be handed out.
#[derive(Debug, Clone)]
pub struct NewRedirect<'a> {
    pub txnid: &'a str,
    pub handle: &'a str,
    pub aa_id: &'a str,
    pub customer: &'a str,
    pub session_id: &'a str,
    pub return_to: Option<&'a str>,
}

impl From<redirect::Model> for RedirectRecord {
    fn from(m: redirect::Model) -> Self {
        let outcome = match (m.outcome, m.error_code, m.returned_at) {
            (Some(outcome), Some(code), Some(at)) => Some((outcome, code, clock::instant(at))),
            _ => None,
        };
        Self {
            txnid: m.txnid,
            handle: m.handle,
            aa_id: m.aa_id,
            customer: m.customer,
            session_id: m.session_id,
            return_to: m.return_to,
            created_at: clock::instant(m.created_at),
            outcome,
        }
    }
}

impl Store {
    pub async fn insert_redirect(
        &self,
        new: &NewRedirect<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        redirect::Entity::insert(redirect::ActiveModel {
            txnid: Set(new.txnid.to_owned()),
            handle: Set(new.handle.to_owned()),
            aa_id: Set(new.aa_id.to_owned()),
            customer: Set(new.customer.to_owned()),
            session_id: Set(new.session_id.to_owned()),
            return_to: Set(new.return_to.map(str::to_owned)),
            created_at: Set(clock::millis(now)),
            outcome: Set(None),
            error_code: Set(None),
            returned_at: Set(None),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    pub async fn redirect(&self, txnid: &str) -> Result<Option<RedirectRecord>, StoreError> {
        Ok(redirect::Entity::find_by_id(txnid.to_owned())
            .one(&self.db)
            .await?
            .map(Into::into))
    }

    /// The newest link of `handle`.
    pub async fn latest_redirect(
        &self,
        handle: &str,
    ) -> Result<Option<RedirectRecord>, StoreError> {
        Ok(redirect::Entity::find()
            .filter(redirect::Column::Handle.eq(handle))
            .order_by_desc(redirect::Column::CreatedAt)
            .one(&self.db)
            .await?
            .map(Into::into))
    }

    /// Records the outcome of `txnid` unless one is recorded already; returns the link as it
    /// then stands (with the first outcome, which a later one never replaces).
    pub async fn record_redirect_outcome(
        &self,
        txnid: &str,
        outcome: &str,
        error_code: i32,
        now: OffsetDateTime,
    ) -> Result<Option<RedirectRecord>, StoreError> {
        redirect::Entity::update_many()
            .col_expr(redirect::Column::Outcome, Expr::value(outcome))
            .col_expr(redirect::Column::ErrorCode, Expr::value(error_code))
            .col_expr(
                redirect::Column::ReturnedAt,
                Expr::value(clock::millis(now)),
            )
            .filter(redirect::Column::Txnid.eq(txnid))
            .filter(redirect::Column::Outcome.is_null())
            .exec(&self.db)
            .await?;
        self.redirect(txnid).await
    }
}

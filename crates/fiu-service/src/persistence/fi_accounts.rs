//! What an FI fetch stores: each account's sealed document (or why it could not be had), then
//! the session's end, until when its data may be kept, and its job closed.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use time::OffsetDateTime;

use super::entities::{fi_account, fi_session};
use super::fi_requests::{insert_account, set_session};
use super::jobs::{clip, finish_job, Job, DONE};
use super::{Store, StoreError};
use crate::domain::data_request::SessionState;
use crate::domain::retention::PurgeRule;
use aa_runtime::clock::millis;

impl Store {
    /// The account `link_ref_number` of a session (recorded now if the fetch brought an account
    /// no notification named); returns its row id, for sealing its data.
    pub async fn account_row(
        &self,
        session_row: &str,
        link_ref_number: &str,
        masked: &str,
        now: OffsetDateTime,
    ) -> Result<String, StoreError> {
        let existing = fi_account::Entity::find()
            .filter(fi_account::Column::SessionRow.eq(session_row))
            .filter(fi_account::Column::LinkRefNumber.eq(link_ref_number))
            .one(self.db())
            .await?;
        match existing {
            Some(row) => Ok(row.id),
            None => {
                let (db, now) = (self.db(), millis(now));
                insert_account(db, session_row, link_ref_number, Some(masked), None, now).await
            }
        }
    }

    /// Stores an account's sealed document (and what the document says of the account).
    pub async fn account_fetched(
        &self,
        account_row: &str,
        masked: &str,
        fi_type: &str,
        sealed: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let columns = [
            (
                fi_account::Column::SealedData,
                Expr::value(Some(sealed.to_vec())),
            ),
            (
                fi_account::Column::MaskedAccNumber,
                Expr::value(Some(masked.to_owned())),
            ),
            (
                fi_account::Column::FiType,
                Expr::value(Some(fi_type.to_owned())),
            ),
            (
                fi_account::Column::Error,
                Expr::value(Option::<String>::None),
            ),
        ];
        self.set_account(account_row, columns, now).await
    }

    /// Records why an account's data could not be had.
    pub async fn account_failed(
        &self,
        account_row: &str,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let columns = [(fi_account::Column::Error, Expr::value(Some(clip(error))))];
        self.set_account(account_row, columns, now).await
    }

    async fn set_account(
        &self,
        account_row: &str,
        columns: impl IntoIterator<Item = (fi_account::Column, SimpleExpr)>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut update = fi_account::Entity::update_many()
            .col_expr(fi_account::Column::UpdatedAt, Expr::value(millis(now)));
        for (column, value) in columns {
            update = update.col_expr(column, value);
        }
        update
            .filter(fi_account::Column::Id.eq(account_row))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// The fetch is over: the session's final state, until when its data may be kept
    /// (`keep_until`; `None` keeps the bound it had), its ephemeral key forgotten, the job
    /// closed. A session purged while its fetch ran keeps nothing of what the fetch stored.
    pub async fn session_fetched(
        &self,
        job: &Job,
        session_row: &str,
        state: SessionState,
        error: Option<&str>,
        keep_until: Option<(OffsetDateTime, PurgeRule)>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        let purged = fi_session::Entity::find_by_id(session_row.to_owned())
            .lock_exclusive()
            .one(&txn)
            .await?
            .is_some_and(|row| row.purged_at.is_some());
        if purged {
            fi_account::Entity::delete_many()
                .filter(fi_account::Column::SessionRow.eq(session_row))
                .exec(&txn)
                .await?;
            finish_job(&txn, job, DONE, Some("the session's data was purged"), now).await?;
            txn.commit().await?;
            return Ok(());
        }
        set_session(&txn, session_row, state, error, now).await?;
        let mut forget = fi_session::Entity::update_many().col_expr(
            fi_session::Column::SealedKey,
            Expr::value(Option::<Vec<u8>>::None),
        );
        if let Some((at, rule)) = keep_until {
            forget = forget
                .col_expr(fi_session::Column::PurgeAt, Expr::value(Some(millis(at))))
                .col_expr(
                    fi_session::Column::PurgeRule,
                    Expr::value(Some(rule.as_str().to_owned())),
                );
        }
        forget
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(&txn)
            .await?;
        finish_job(&txn, job, DONE, error, now).await?;
        txn.commit().await?;
        Ok(())
    }
}

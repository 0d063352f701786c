//! Link requests and account links.
//!
//! Every change that races is a conditional update whose row count says who won: a try is
//! spent only while the request is `PENDING` and under its budget, a request completes only
//! once, a link is delinked only once (and only that winner writes the outbox entry).

use std::str::FromStr;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};

use super::entities::{account, account_link, link_request, link_request_account};
use super::{Store, StoreError};
use crate::domain::link::{AccountLink, LinkRequest, LinkRequestStatus};
use aa_runtime::outbox::Notification;
use aa_runtime::queue::NewJob;

const LINKED: &str = "LINKED";
const DELINKED: &str = "DELINKED";
const TOKEN: &str = "TOKEN";
const DIRECT: &str = "DIRECT";

/// A link request to store.
#[derive(Debug, Clone)]
pub struct NewLinkRequest {
    pub ref_number: String,
    pub aa_id: String,
    pub customer_address: String,
    pub customer_id: String,
    pub otp_hash: String,
    pub expires_at_ms: i64,
    pub txnid: String,
    pub account_ids: Vec<String>,
    /// The customer confirms with the bank itself (`DIRECT`): no OTP.
    pub direct: bool,
}

/// What became of a delink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delinked {
    /// No such link for this AA and customer.
    Unknown,
    /// Delinked now.
    Now(AccountLink),
    /// It was delinked before (a repeated request).
    Already(AccountLink),
}

pub(super) fn to_request(row: link_request::Model) -> Result<LinkRequest, StoreError> {
    Ok(LinkRequest {
        status: LinkRequestStatus::from_str(&row.status).map_err(StoreError::Corrupt)?,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        ref_number: row.ref_number,
        aa_id: row.aa_id,
        customer_address: row.customer_address,
        customer_id: row.customer_id,
        otp_hash: row.otp_hash,
        expires_at_ms: row.expires_at_ms,
        direct: row.authenticator == DIRECT,
    })
}

pub(super) async fn to_links<C: ConnectionTrait>(
    db: &C,
    rows: Vec<account_link::Model>,
) -> Result<Vec<AccountLink>, StoreError> {
    let ids: Vec<String> = rows.iter().map(|r| r.account_id.clone()).collect();
    let accounts = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let acc_ref_number = accounts
                .iter()
                .find(|a| a.id == row.account_id)
                .map(|a| a.acc_ref_number.clone())
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("link {} has no account", row.link_ref_number))
                })?;
            Ok(AccountLink {
                linked: row.status == LINKED,
                link_ref_number: row.link_ref_number,
                acc_ref_number,
                account_id: row.account_id,
                aa_id: row.aa_id,
                customer_address: row.customer_address,
            })
        })
        .collect()
}

impl Store {
    /// Stores a new `PENDING` link request, the accounts it names and, when the OTP goes
    /// through the queue, its delivery job, in `conn` (the idempotency claim's transaction:
    /// the request, its OTP job and the answer commit together).
    pub async fn create_link_request_in(
        &self,
        conn: &impl ConnectionTrait,
        new: NewLinkRequest,
        otp_job: Option<NewJob>,
    ) -> Result<(), StoreError> {
        link_request::Entity::insert(link_request::ActiveModel {
            ref_number: Set(new.ref_number.clone()),
            aa_id: Set(new.aa_id),
            customer_address: Set(new.customer_address),
            customer_id: Set(new.customer_id),
            otp_hash: Set(new.otp_hash),
            expires_at_ms: Set(new.expires_at_ms),
            attempts: Set(0),
            status: Set(LinkRequestStatus::Pending.as_str().to_owned()),
            txnid: Set(new.txnid),
            created_at_ms: Set(self.clock.now_millis()),
            completed_at_ms: Set(None),
            authenticator: Set(if new.direct { DIRECT } else { TOKEN }.to_owned()),
        })
        .exec_without_returning(conn)
        .await?;
        let rows: Vec<link_request_account::ActiveModel> = new
            .account_ids
            .into_iter()
            .map(|account_id| link_request_account::ActiveModel {
                ref_number: Set(new.ref_number.clone()),
                account_id: Set(account_id),
            })
            .collect();
        if !rows.is_empty() {
            link_request_account::Entity::insert_many(rows)
                .exec_without_returning(conn)
                .await?;
        }
        if let Some(job) = otp_job {
            aa_runtime::queue::enqueue(conn, job).await?;
        }
        Ok(())
    }

    /// The link request `ref_number` made by `aa_id`.
    pub async fn link_request(
        &self,
        ref_number: &str,
        aa_id: &str,
    ) -> Result<Option<LinkRequest>, StoreError> {
        link_request::Entity::find_by_id(ref_number.to_owned())
            .filter(link_request::Column::AaId.eq(aa_id))
            .one(&self.db)
            .await?
            .map(to_request)
            .transpose()
    }

    /// Spends one try of a pending request under its budget; returns the tries spent so far,
    /// or `None` when no try is left (or the request is no longer pending).
    pub async fn spend_try(
        &self,
        ref_number: &str,
        max_attempts: u32,
    ) -> Result<Option<u32>, StoreError> {
        let max = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        let result = link_request::Entity::update_many()
            .col_expr(
                link_request::Column::Attempts,
                Expr::col(link_request::Column::Attempts).add(1),
            )
            .filter(link_request::Column::RefNumber.eq(ref_number))
            .filter(link_request::Column::Status.eq(LinkRequestStatus::Pending.as_str()))
            .filter(link_request::Column::Attempts.lt(max))
            .exec(&self.db)
            .await?;
        if result.rows_affected == 0 {
            return Ok(None);
        }
        let row = link_request::Entity::find_by_id(ref_number.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("link request {ref_number} vanished")))?;
        Ok(Some(u32::try_from(row.attempts).unwrap_or(max_attempts)))
    }

    /// Locks a pending request (its last try was wrong).
    pub async fn lock_link_request(&self, ref_number: &str) -> Result<(), StoreError> {
        link_request::Entity::update_many()
            .col_expr(
                link_request::Column::Status,
                Expr::value(LinkRequestStatus::Locked.as_str()),
            )
            .col_expr(
                link_request::Column::CompletedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(link_request::Column::RefNumber.eq(ref_number))
            .filter(link_request::Column::Status.eq(LinkRequestStatus::Pending.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Completes a request: links each of its accounts (an account already linked to the same
    /// customer through the same AA keeps its `linkRefNumber`) and returns the links. Safe to
    /// repeat: a completed request answers with its links.
    pub async fn complete_link_request(
        &self,
        request: &LinkRequest,
    ) -> Result<Vec<AccountLink>, StoreError> {
        let txn = self.db.begin().await?;
        let links = self.complete_link_request_in(&txn, request).await?;
        txn.commit().await?;
        Ok(links)
    }

    /// [`Store::complete_link_request`] in `conn` (the idempotency claim's transaction).
    pub async fn complete_link_request_in(
        &self,
        txn: &impl ConnectionTrait,
        request: &LinkRequest,
    ) -> Result<Vec<AccountLink>, StoreError> {
        let now = self.clock.now_millis();
        let won = link_request::Entity::update_many()
            .col_expr(
                link_request::Column::Status,
                Expr::value(LinkRequestStatus::Linked.as_str()),
            )
            .col_expr(link_request::Column::CompletedAtMs, Expr::value(now))
            .filter(link_request::Column::RefNumber.eq(&request.ref_number))
            .filter(link_request::Column::Status.eq(LinkRequestStatus::Pending.as_str()))
            .exec(txn)
            .await?
            .rows_affected
            == 1;
        let account_ids: Vec<String> = link_request_account::Entity::find()
            .filter(link_request_account::Column::RefNumber.eq(&request.ref_number))
            .all(txn)
            .await?
            .into_iter()
            .map(|r| r.account_id)
            .collect();
        let mut links = Vec::with_capacity(account_ids.len());
        for account_id in account_ids {
            let live = account_link::Entity::find()
                .filter(account_link::Column::AccountId.eq(&account_id))
                .filter(account_link::Column::AaId.eq(&request.aa_id))
                .filter(account_link::Column::CustomerAddress.eq(&request.customer_address))
                .filter(account_link::Column::Status.eq(LINKED))
                .one(txn)
                .await?;
            let row = match live {
                Some(row) => row,
                None if won => {
                    let row = account_link::Model {
                        link_ref_number: uuid::Uuid::new_v4().to_string(),
                        account_id,
                        aa_id: request.aa_id.clone(),
                        customer_address: request.customer_address.clone(),
                        link_request_ref: request.ref_number.clone(),
                        status: LINKED.to_owned(),
                        linked_at_ms: now,
                        delinked_at_ms: None,
                    };
                    account_link::Entity::insert(account_link::ActiveModel::from(row.clone()))
                        .exec_without_returning(txn)
                        .await?;
                    row
                }
                // Completed before, and this account's link has been delinked since.
                None => continue,
            };
            links.push(row);
        }
        to_links(txn, links).await
    }

    /// The stored links among `refs` (unknown ones are absent).
    pub async fn links_by_ref(&self, refs: &[String]) -> Result<Vec<AccountLink>, StoreError> {
        self.links_by_ref_in(&self.db, refs).await
    }

    /// [`Store::links_by_ref`] read through `conn`.
    pub async fn links_by_ref_in(
        &self,
        conn: &impl ConnectionTrait,
        refs: &[String],
    ) -> Result<Vec<AccountLink>, StoreError> {
        let rows = account_link::Entity::find()
            .filter(account_link::Column::LinkRefNumber.is_in(refs.iter().cloned()))
            .all(conn)
            .await?;
        to_links(conn, rows).await
    }

    /// Delinks `link_ref_number` at the request of `aa_id` for `customer_address`, in `conn`
    /// (the idempotency claim's transaction); the account's prepared data is denied and the
    /// AA told, as from `fip_id` (`super::delinked_sessions`).
    pub async fn delink_in(
        &self,
        conn: &impl ConnectionTrait,
        link_ref_number: &str,
        aa_id: &str,
        customer_address: &str,
        fip_id: &str,
    ) -> Result<Delinked, StoreError> {
        let Some(row) = account_link::Entity::find_by_id(link_ref_number.to_owned())
            .filter(account_link::Column::AaId.eq(aa_id))
            .filter(account_link::Column::CustomerAddress.eq(customer_address))
            .one(conn)
            .await?
        else {
            return Ok(Delinked::Unknown);
        };
        let changed = self.mark_delinked(conn, link_ref_number, fip_id).await?;
        let mut link = to_links(conn, vec![row]).await?;
        let Some(mut link) = link.pop() else {
            return Ok(Delinked::Unknown);
        };
        link.linked = false;
        Ok(if changed {
            Delinked::Now(link)
        } else {
            Delinked::Already(link)
        })
    }

    /// Delinks at the bank's own initiative (this FIP being `fip_id`) and, in the same
    /// transaction, queues the AA's `POST /Account/link/Notification` built by `notice` (and
    /// denies the account's prepared data, telling the AA: `super::delinked_sessions`).
    /// Returns the link, or `None` when there is no such link. A link already delinked is
    /// returned unchanged and notifies no one.
    pub async fn delink_by_bank(
        &self,
        link_ref_number: &str,
        fip_id: &str,
        notice: impl FnOnce(&AccountLink) -> Result<Notification, StoreError>,
    ) -> Result<Option<(AccountLink, bool)>, StoreError> {
        let Some(row) = account_link::Entity::find_by_id(link_ref_number.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let Some(mut link) = to_links(&self.db, vec![row]).await?.pop() else {
            return Ok(None);
        };
        link.linked = false;
        let message = notice(&link)?;
        let txn = self.db.begin().await?;
        let changed = self.mark_delinked(&txn, link_ref_number, fip_id).await?;
        if changed {
            aa_runtime::queue::enqueue(&txn, message.job()).await?;
        }
        txn.commit().await?;
        Ok(Some((link, changed)))
    }

    /// Marks the link delinked (true when this call did) and, when it did, denies its data in
    /// prepared sessions.
    async fn mark_delinked<C: ConnectionTrait>(
        &self,
        db: &C,
        link_ref_number: &str,
        fip_id: &str,
    ) -> Result<bool, StoreError> {
        let result = account_link::Entity::update_many()
            .col_expr(account_link::Column::Status, Expr::value(DELINKED))
            .col_expr(
                account_link::Column::DelinkedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(account_link::Column::LinkRefNumber.eq(link_ref_number))
            .filter(account_link::Column::Status.eq(LINKED))
            .exec(db)
            .await?;
        let changed = result.rows_affected == 1;
        if changed {
            self.deny_delinked_in(db, link_ref_number, fip_id).await?;
        }
        Ok(changed)
    }
}

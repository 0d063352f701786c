//! Accounts and linking: discovered accounts, link requests, link results, delinks.

use aa_core::rebit::AuthenticatorType;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::super::entities::{account, link_request};
use super::super::records::{AccountRecord, DiscoveredAccount, LinkRequestRecord};
use super::super::{Store, StoreError};
use crate::domain::status::AccountState;

fn account_record(m: account::Model) -> AccountRecord {
    AccountRecord {
        fip_id: m.fip_id,
        acc_ref_number: m.acc_ref_number,
        masked_acc_number: m.masked_acc_number,
        fi_type: m.fi_type,
        acc_type: m.acc_type,
        link_ref_number: m.link_ref_number,
        state: AccountState::parse(&m.status),
    }
}

/// A stored link request as a record; an unreadable account list or authenticator is corrupt.
pub(super) fn link_request_record(
    row: link_request::Model,
) -> Result<LinkRequestRecord, StoreError> {
    let acc_ref_numbers = serde_json::from_str(&row.acc_ref_numbers)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let authenticator = row.authenticator.parse().map_err(|_| {
        StoreError::Corrupt(format!("link request authenticator {}", row.authenticator))
    })?;
    Ok(LinkRequestRecord {
        id: row.id,
        fip_id: row.fip_id,
        ref_number: row.ref_number,
        acc_ref_numbers,
        completed: row.completed,
        authenticator,
    })
}

impl Store {
    /// Records what discovery found; accounts already known keep their link state.
    pub async fn save_discovered(
        &self,
        customer_id: &str,
        fip_id: &str,
        accounts: &[DiscoveredAccount],
        now: i64,
    ) -> Result<(), StoreError> {
        for found in accounts {
            let existing = account::Entity::find()
                .filter(account::Column::CustomerId.eq(customer_id))
                .filter(account::Column::FipId.eq(fip_id))
                .filter(account::Column::AccRefNumber.eq(&found.acc_ref_number))
                .one(&self.db)
                .await?;
            match existing {
                Some(row) => {
                    account::Entity::update(account::ActiveModel {
                        id: Set(row.id),
                        masked_acc_number: Set(found.masked_acc_number.clone()),
                        fi_type: Set(found.fi_type.clone()),
                        acc_type: Set(found.acc_type.clone()),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .exec(&self.db)
                    .await?;
                }
                None => {
                    account::Entity::insert(account::ActiveModel {
                        id: Set(uuid::Uuid::new_v4().to_string()),
                        customer_id: Set(customer_id.to_owned()),
                        fip_id: Set(fip_id.to_owned()),
                        acc_ref_number: Set(found.acc_ref_number.clone()),
                        masked_acc_number: Set(found.masked_acc_number.clone()),
                        fi_type: Set(found.fi_type.clone()),
                        acc_type: Set(found.acc_type.clone()),
                        link_ref_number: Set(None),
                        status: Set(AccountState::Discovered.as_str().to_owned()),
                        updated_at: Set(now),
                    })
                    .exec(&self.db)
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// The customer's accounts at `fip_id` among `acc_refs`, in the order asked.
    pub async fn accounts_by_ref(
        &self,
        customer_id: &str,
        fip_id: &str,
        acc_refs: &[String],
    ) -> Result<Vec<AccountRecord>, StoreError> {
        let rows = account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::FipId.eq(fip_id))
            .filter(account::Column::AccRefNumber.is_in(acc_refs.iter().cloned()))
            .all(&self.db)
            .await?;
        let mut records: Vec<AccountRecord> = rows.into_iter().map(account_record).collect();
        records.sort_by_key(|r| acc_refs.iter().position(|a| *a == r.acc_ref_number));
        Ok(records)
    }

    /// The customer's linked accounts, by FIP then link reference.
    pub async fn linked_accounts(
        &self,
        customer_id: &str,
    ) -> Result<Vec<AccountRecord>, StoreError> {
        Ok(account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::Status.eq(AccountState::Linked.as_str()))
            .order_by_asc(account::Column::FipId)
            .order_by_asc(account::Column::LinkRefNumber)
            .all(&self.db)
            .await?
            .into_iter()
            .map(account_record)
            .collect())
    }

    /// The customer's accounts at `fip_id` that discovery found and that are not linked.
    pub async fn discovered_at(
        &self,
        customer_id: &str,
        fip_id: &str,
    ) -> Result<Vec<AccountRecord>, StoreError> {
        Ok(account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::FipId.eq(fip_id))
            .filter(account::Column::Status.ne(AccountState::Linked.as_str()))
            .order_by_asc(account::Column::AccRefNumber)
            .all(&self.db)
            .await?
            .into_iter()
            .map(account_record)
            .collect())
    }

    /// The customer's account at `fip_id` with `link_ref`, whatever its state.
    pub async fn account_by_link(
        &self,
        customer_id: &str,
        fip_id: &str,
        link_ref: &str,
    ) -> Result<Option<AccountRecord>, StoreError> {
        Ok(account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::FipId.eq(fip_id))
            .filter(account::Column::LinkRefNumber.eq(link_ref))
            .one(&self.db)
            .await?
            .map(account_record))
    }

    /// Which of `link_refs` (accounts at `fip_id` of the customer `customer_handle`) are
    /// `DELINKED` now.
    pub async fn delinked_links(
        &self,
        customer_handle: &str,
        fip_id: &str,
        link_refs: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let Some(customer) = self.customer_by_handle(customer_handle).await? else {
            return Ok(Vec::new());
        };
        Ok(account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer.id))
            .filter(account::Column::FipId.eq(fip_id))
            .filter(account::Column::LinkRefNumber.is_in(link_refs.iter().cloned()))
            .filter(account::Column::Status.eq(AccountState::Delinked.as_str()))
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|a| a.link_ref_number)
            .collect())
    }

    /// Records the FIP's link request `ref_number` for `acc_refs`, confirmed as `authenticator`
    /// says (an OTP through the AA, or the customer at the bank).
    pub async fn insert_link_request(
        &self,
        customer_id: &str,
        fip_id: &str,
        ref_number: &str,
        acc_refs: &[String],
        authenticator: AuthenticatorType,
        now: i64,
    ) -> Result<(), StoreError> {
        let refs =
            serde_json::to_string(acc_refs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        link_request::Entity::insert(link_request::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            customer_id: Set(customer_id.to_owned()),
            fip_id: Set(fip_id.to_owned()),
            ref_number: Set(ref_number.to_owned()),
            acc_ref_numbers: Set(refs),
            completed: Set(false),
            authenticator: Set(authenticator.as_str().to_owned()),
            created_at: Set(now),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    pub async fn find_link_request(
        &self,
        customer_id: &str,
        fip_id: &str,
        ref_number: &str,
    ) -> Result<Option<LinkRequestRecord>, StoreError> {
        let Some(row) = link_request::Entity::find()
            .filter(link_request::Column::CustomerId.eq(customer_id))
            .filter(link_request::Column::FipId.eq(fip_id))
            .filter(link_request::Column::RefNumber.eq(ref_number))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        link_request_record(row).map(Some)
    }

    /// Records the FIP's confirmation: each `(accRefNumber, linkRefNumber)` becomes linked, and
    /// the link request is complete. Returns the linked accounts.
    pub async fn complete_link(
        &self,
        customer_id: &str,
        request: &LinkRequestRecord,
        linked: &[(String, String)],
        now: i64,
    ) -> Result<Vec<AccountRecord>, StoreError> {
        let txn = self.db.begin().await?;
        for (acc_ref, link_ref) in linked {
            account::Entity::update_many()
                .col_expr(
                    account::Column::LinkRefNumber,
                    Expr::value(link_ref.clone()),
                )
                .col_expr(
                    account::Column::Status,
                    Expr::value(AccountState::Linked.as_str()),
                )
                .col_expr(account::Column::UpdatedAt, Expr::value(now))
                .filter(account::Column::CustomerId.eq(customer_id))
                .filter(account::Column::FipId.eq(&request.fip_id))
                .filter(account::Column::AccRefNumber.eq(acc_ref))
                .exec(&txn)
                .await?;
        }
        link_request::Entity::update_many()
            .col_expr(link_request::Column::Completed, Expr::value(true))
            .filter(link_request::Column::Id.eq(&request.id))
            .exec(&txn)
            .await?;
        let refs: Vec<String> = linked.iter().map(|(a, _)| a.clone()).collect();
        let rows = account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::FipId.eq(&request.fip_id))
            .filter(account::Column::AccRefNumber.is_in(refs))
            .order_by_asc(account::Column::LinkRefNumber)
            .all(&txn)
            .await?;
        txn.commit().await?;
        Ok(rows.into_iter().map(account_record).collect())
    }

    /// The customer's account at `fip_id` with `link_ref` becomes `DELINKED`, in `conn` (the
    /// transaction of a delink and the revocations it causes). False when there is no such
    /// account; delinking a delinked account again changes nothing but its time.
    pub(super) async fn delink_in(
        &self,
        conn: &impl ConnectionTrait,
        customer_id: &str,
        fip_id: &str,
        link_ref: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let result = account::Entity::update_many()
            .col_expr(
                account::Column::Status,
                Expr::value(AccountState::Delinked.as_str()),
            )
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::FipId.eq(fip_id))
            .filter(account::Column::LinkRefNumber.eq(link_ref))
            .exec(conn)
            .await?;
        Ok(result.rows_affected > 0)
    }
}

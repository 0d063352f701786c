//! Reading the bank: customers by mobile number, their accounts, accounts by `accRefNumber`,
//! and statement lines.

use std::str::FromStr;

use aa_core::rebit::{AccType, FiType};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::entities::{account, account_transaction, customer};
use super::{Store, StoreError};
use crate::domain::account::{Account, Customer};

fn to_account(row: account::Model) -> Result<Account, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("account {}: {what}", row.id));
    Ok(Account {
        fi_type: FiType::from_str(&row.fi_type).map_err(|_| corrupt("fi_type"))?,
        acc_type: AccType::from_str(&row.acc_type).map_err(|_| corrupt("acc_type"))?,
        id: row.id,
        customer_id: row.customer_id,
        acc_ref_number: row.acc_ref_number,
        masked_acc_number: row.masked_acc_number,
    })
}

/// A statement line, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub txn_id: String,
    pub kind: String,
    pub mode: String,
    pub amount_paise: i64,
    pub balance_paise: i64,
    pub at_ms: i64,
    pub value_date: String,
    pub narration: String,
    pub reference: String,
}

impl Store {
    /// The customer with this mobile number.
    pub async fn customer_by_mobile(&self, mobile: &str) -> Result<Option<Customer>, StoreError> {
        Ok(customer::Entity::find()
            .filter(customer::Column::Mobile.eq(mobile))
            .one(&self.db)
            .await?
            .map(|c| Customer {
                id: c.id,
                pan: c.pan,
            }))
    }

    /// The registered mobile number of a customer (where their OTPs go).
    pub async fn customer_mobile(&self, customer_id: &str) -> Result<Option<String>, StoreError> {
        Ok(customer::Entity::find_by_id(customer_id.to_owned())
            .one(&self.db)
            .await?
            .map(|c| c.mobile))
    }

    /// A customer's accounts, oldest first.
    pub async fn accounts_of(&self, customer_id: &str) -> Result<Vec<Account>, StoreError> {
        account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .order_by_asc(account::Column::OpeningDate)
            .order_by_asc(account::Column::AccRefNumber)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_account)
            .collect()
    }

    /// The accounts with these `accRefNumber`s (unknown ones are absent).
    pub async fn accounts_by_ref(&self, refs: &[String]) -> Result<Vec<Account>, StoreError> {
        account::Entity::find()
            .filter(account::Column::AccRefNumber.is_in(refs.iter().cloned()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_account)
            .collect()
    }

    /// An account's statement, oldest first.
    pub async fn statement(&self, account_id: &str) -> Result<Vec<StatementLine>, StoreError> {
        Ok(account_transaction::Entity::find()
            .filter(account_transaction::Column::AccountId.eq(account_id))
            .order_by_asc(account_transaction::Column::Seq)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| StatementLine {
                txn_id: t.txn_id,
                kind: t.txn_type,
                mode: t.mode,
                amount_paise: t.amount_paise,
                balance_paise: t.balance_paise,
                at_ms: t.at_ms,
                value_date: t.value_date,
                narration: t.narration,
                reference: t.reference,
            })
            .collect())
    }

    /// How many accounts and statement lines the bank holds.
    pub async fn bank_size(&self) -> Result<(u64, u64), StoreError> {
        let accounts = account::Entity::find().count(&self.db).await?;
        let lines = account_transaction::Entity::find().count(&self.db).await?;
        Ok((accounts, lines))
    }
}

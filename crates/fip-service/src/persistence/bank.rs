//! Reading the bank: customers by mobile number, their accounts, accounts by `accRefNumber`,
//! statement lines, and what an FI document of an account needs.

use std::str::FromStr;

use aa_core::rebit::{AccType, FiType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::entities::{account, account_transaction, customer};
use super::{Store, StoreError};
use crate::domain::account::{Account, Customer};
use crate::domain::account::{AccountFacts, Holder};

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

pub use crate::domain::account::StatementLine;

fn to_line(t: account_transaction::Model) -> StatementLine {
    StatementLine {
        txn_id: t.txn_id,
        kind: t.txn_type,
        mode: t.mode,
        amount_paise: t.amount_paise,
        balance_paise: t.balance_paise,
        at_ms: t.at_ms,
        value_date: t.value_date,
        narration: t.narration,
        reference: t.reference,
    }
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

    /// The accounts with these ids (unknown ones are absent), read through `conn`.
    pub async fn accounts_by_id_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[String],
    ) -> Result<Vec<Account>, StoreError> {
        account::Entity::find()
            .filter(account::Column::Id.is_in(ids.iter().cloned()))
            .all(conn)
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
            .map(to_line)
            .collect())
    }

    /// The lines of an account's statement from `from_ms` to `to_ms` (both included), oldest
    /// first.
    pub async fn statement_between(
        &self,
        account_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<StatementLine>, StoreError> {
        Ok(account_transaction::Entity::find()
            .filter(account_transaction::Column::AccountId.eq(account_id))
            .filter(account_transaction::Column::AtMs.gte(from_ms))
            .filter(account_transaction::Column::AtMs.lte(to_ms))
            .order_by_asc(account_transaction::Column::Seq)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_line)
            .collect())
    }

    /// What an FI document of the account needs besides its statement: the account's facts
    /// and its holder.
    pub async fn account_facts(
        &self,
        account_id: &str,
    ) -> Result<Option<(AccountFacts, Holder)>, StoreError> {
        let Some(row) = account::Entity::find_by_id(account_id.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let holder = customer::Entity::find_by_id(row.customer_id.clone())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("account {}: no customer", row.id)))?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("account {}: {what}", row.id));
        let facts = AccountFacts {
            fi_type: FiType::from_str(&row.fi_type).map_err(|_| corrupt("fi_type"))?,
            acc_type: AccType::from_str(&row.acc_type).map_err(|_| corrupt("acc_type"))?,
            account_id: row.id,
            masked_acc_number: row.masked_acc_number,
            currency: row.currency,
            branch: row.branch,
            ifsc: row.ifsc,
            micr: row.micr,
            opening_date: row.opening_date,
            status: row.status,
            nominee: row.nominee,
            summary: row.summary,
        };
        let holder = Holder {
            name: holder.name,
            dob: holder.dob,
            mobile: holder.mobile,
            email: holder.email,
            address: holder.address,
            landline: holder.landline,
            pan: holder.pan,
            ckyc_compliance: holder.ckyc_compliance,
        };
        Ok(Some((facts, holder)))
    }

    /// How many accounts and statement lines the bank holds.
    pub async fn bank_size(&self) -> Result<(u64, u64), StoreError> {
        let accounts = account::Entity::find().count(&self.db).await?;
        let lines = account_transaction::Entity::find().count(&self.db).await?;
        Ok((accounts, lines))
    }
}

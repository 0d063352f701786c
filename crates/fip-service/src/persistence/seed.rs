//! Loads the seed file into the database at start-up, idempotently: a customer is added when
//! no customer has its mobile number, an account (with its generated history) when no account
//! has its number. Nothing already stored is changed, so a restart keeps every `accRefNumber`,
//! link and consent, and an account added to the file later is added with its history.
//! Inserts are `ON CONFLICT DO NOTHING`, so replicas starting together on one PostgreSQL
//! database do not trip over each other.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, TryInsertResult,
};
use time::Date;

use super::entities::{account, account_transaction, customer};
use super::{Store, StoreError};
use crate::bank::dates;
use crate::bank::history;
use crate::bank::ledger::AccountHistory;
use crate::bank::seed::{SeedAccount, SeedCustomer, SeedFile};
use crate::domain::account::mask;
use aa_runtime::clock::millis;

/// What a load added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub customers_added: usize,
    pub accounts_added: usize,
    pub transactions_added: usize,
}

/// Rows per multi-row insert (well below SQLite's bound-parameter limit).
const CHUNK: usize = 400;

impl Store {
    /// Adds what the seed file has and the database does not. `today` is the last day of
    /// history when the file does not fix one.
    pub async fn load_seed(&self, file: &SeedFile, today: Date) -> Result<SeedReport, StoreError> {
        let until = file.history_until.map(|d| d.0).unwrap_or(today);
        let txn = self.db.begin().await?;
        let mut report = SeedReport::default();
        for seed_customer in &file.customers {
            let (customer_id, added) =
                ensure_customer(&txn, seed_customer, self.clock.now_millis()).await?;
            if added {
                report.customers_added += 1;
            }
            for seed_account in &seed_customer.accounts {
                let history = history::generate(file.seed, seed_account, until);
                if let Some(count) = add_account(
                    &txn,
                    &customer_id,
                    seed_account,
                    &history,
                    until,
                    self.clock.now_millis(),
                )
                .await?
                {
                    report.accounts_added += 1;
                    report.transactions_added += count;
                }
            }
        }
        txn.commit().await?;
        Ok(report)
    }
}

async fn ensure_customer<C: sea_orm::ConnectionTrait>(
    db: &C,
    seed: &SeedCustomer,
    now: i64,
) -> Result<(String, bool), StoreError> {
    let row = customer::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        mobile: Set(seed.mobile.clone()),
        pan: Set(seed.pan.clone()),
        name: Set(seed.name.clone()),
        dob: Set(dates::format_date(seed.dob.0)),
        email: Set(seed.email.clone()),
        address: Set(seed.address.clone()),
        landline: Set(seed.landline.clone()),
        ckyc_compliance: Set(seed.ckyc_compliance),
        created_at_ms: Set(now),
    };
    let inserted = customer::Entity::insert(row)
        .on_conflict(
            OnConflict::column(customer::Column::Mobile)
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec_without_returning(db)
        .await?;
    let added = matches!(inserted, TryInsertResult::Inserted(n) if n > 0);
    let stored = customer::Entity::find()
        .filter(customer::Column::Mobile.eq(&seed.mobile))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("customer {} vanished", seed.mobile)))?;
    Ok((stored.id, added))
}

/// Adds an account and its history unless its number is already stored; returns the number
/// of transactions added, or `None` when the account was there.
async fn add_account<C: sea_orm::ConnectionTrait>(
    db: &C,
    customer_id: &str,
    seed: &SeedAccount,
    history: &AccountHistory,
    until: Date,
    now: i64,
) -> Result<Option<usize>, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let summary = serde_json::to_value(&history.summary)
        .map_err(|e| StoreError::Corrupt(format!("summary: {e}")))?;
    let row = account::ActiveModel {
        id: Set(id.clone()),
        customer_id: Set(customer_id.to_owned()),
        account_number: Set(seed.number.clone()),
        acc_ref_number: Set(uuid::Uuid::new_v4().to_string()),
        masked_acc_number: Set(mask(&seed.number)),
        fi_type: Set(seed.fi_type.as_str().to_owned()),
        acc_type: Set(seed.acc_type().as_str().to_owned()),
        currency: Set(seed.currency.clone()),
        branch: Set(seed.branch.clone()),
        ifsc: Set(seed.ifsc.clone()),
        micr: Set(seed.micr.clone()),
        opening_date: Set(dates::format_date(history.opened)),
        status: Set("ACTIVE".to_owned()),
        nominee: Set(seed.nominee.as_str().to_owned()),
        summary: Set(summary),
        history_until: Set(dates::format_date(until)),
        created_at_ms: Set(now),
    };
    let inserted = account::Entity::insert(row)
        .on_conflict(
            OnConflict::column(account::Column::AccountNumber)
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec_without_returning(db)
        .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Ok(None);
    }
    let rows: Vec<account_transaction::ActiveModel> = history
        .postings
        .iter()
        .enumerate()
        .map(|(seq, p)| account_transaction::ActiveModel {
            account_id: Set(id.clone()),
            seq: Set(i32::try_from(seq + 1).unwrap_or(i32::MAX)),
            txn_id: Set(p.txn_id.clone()),
            txn_type: Set(p.kind.to_owned()),
            mode: Set(p.mode.to_owned()),
            amount_paise: Set(p.amount.0),
            balance_paise: Set(p.balance.0),
            at_ms: Set(millis(p.at)),
            value_date: Set(dates::format_date(p.value_date)),
            narration: Set(p.narration.clone()),
            reference: Set(p.reference.clone()),
        })
        .collect();
    let count = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        account_transaction::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(Some(count))
}

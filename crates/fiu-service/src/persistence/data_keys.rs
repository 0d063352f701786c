//! `fiu_data_keys`: the wrapped data key of each consent artefact (see [`crate::vault`]), with
//! the id of the master key that wraps it, and what `aa_runtime::sealed_keys` needs to check
//! the key ring against them and move them to the newest master key.

use aa_runtime::sealed_keys::{WrappedKey, WrappedKeys};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::data_key;
use super::{Store, StoreError};
use aa_runtime::clock::millis;

impl Store {
    /// The wrapped data key of `consent_id`, if one was made.
    pub async fn wrapped_data_key(&self, consent_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(data_key::Entity::find_by_id(consent_id.to_owned())
            .one(self.db())
            .await?
            .map(|row| row.wrapped))
    }

    /// Stores a data key wrapped under the master key `master_key_id` unless `consent_id`
    /// already has one (the first one stands).
    pub async fn insert_data_key(
        &self,
        consent_id: &str,
        key_id: &str,
        master_key_id: &str,
        wrapped: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let row = data_key::ActiveModel {
            consent_id: Set(consent_id.to_owned()),
            key_id: Set(key_id.to_owned()),
            master_key_id: Set(master_key_id.to_owned()),
            wrapped: Set(wrapped.to_vec()),
            created_at: Set(millis(now)),
        };
        data_key::Entity::insert(row)
            .on_conflict(
                OnConflict::column(data_key::Column::ConsentId)
                    .do_nothing()
                    .to_owned(),
            )
            .do_nothing()
            .exec_without_returning(self.db())
            .await?;
        Ok(())
    }
}

fn wrapped_key(row: data_key::Model) -> WrappedKey {
    WrappedKey {
        row: row.consent_id,
        id: row.key_id,
        wrapped: row.wrapped,
    }
}

#[derive(FromQueryResult)]
struct FirstUnder {
    master_key_id: String,
    consent_id: String,
}

impl WrappedKeys for Store {
    async fn one_per_master_key(&self) -> Result<Vec<(String, WrappedKey)>, StoreError> {
        let firsts = data_key::Entity::find()
            .select_only()
            .column(data_key::Column::MasterKeyId)
            .column_as(data_key::Column::ConsentId.min(), "consent_id")
            .group_by(data_key::Column::MasterKeyId)
            .into_model::<FirstUnder>()
            .all(self.db())
            .await?;
        let mut samples = Vec::with_capacity(firsts.len());
        for first in firsts {
            if let Some(row) = data_key::Entity::find_by_id(first.consent_id)
                .one(self.db())
                .await?
            {
                samples.push((first.master_key_id, wrapped_key(row)));
            }
        }
        Ok(samples)
    }

    async fn not_under(
        &self,
        master_id: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<WrappedKey>, StoreError> {
        let mut query =
            data_key::Entity::find().filter(data_key::Column::MasterKeyId.ne(master_id));
        if let Some(after) = after {
            query = query.filter(data_key::Column::ConsentId.gt(after));
        }
        Ok(query
            .order_by_asc(data_key::Column::ConsentId)
            .limit(limit)
            .all(self.db())
            .await?
            .into_iter()
            .map(wrapped_key)
            .collect())
    }

    async fn replace(
        &self,
        master_id: &str,
        batch: &[(WrappedKey, Vec<u8>)],
    ) -> Result<u64, StoreError> {
        let txn = self.db().begin().await?;
        let mut changed = 0;
        for (old, new) in batch {
            changed += data_key::Entity::update_many()
                .col_expr(data_key::Column::Wrapped, Expr::value(new.clone()))
                .col_expr(data_key::Column::MasterKeyId, Expr::value(master_id))
                .filter(data_key::Column::ConsentId.eq(old.row.as_str()))
                .filter(data_key::Column::Wrapped.eq(old.wrapped.clone()))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(changed)
    }
}

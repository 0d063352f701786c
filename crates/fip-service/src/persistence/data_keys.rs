//! Per-consent data keys (`consent:<consent id>`) for sealing prepared FI data at rest: created
//! on first use, stored only wrapped under the newest master key of the ring (its id recorded
//! beside it), unwrapped with whichever key of the ring wrapped them, deleted when the
//! consent's last session expires ([`Store::expire_fi_sessions`]). What
//! `aa_runtime::sealed_keys` needs to check the ring against them and move them to the newest
//! master key (`fip-service rewrap`) is here too.

use aa_core::key_ring::KeyRing;
use aa_core::seal::DataKey;
use aa_runtime::sealed_keys::{WrappedKey, WrappedKeys};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use super::entities::data_key;
use super::{Store, StoreError};

fn unwrap(ring: &KeyRing, row: &data_key::Model) -> Result<DataKey, StoreError> {
    ring.unwrap(&row.key_id, &row.wrapped)
        .map_err(|e| StoreError::Corrupt(format!("data key {} does not open: {e}", row.key_id)))
}

impl Store {
    /// Whether `consent_id` has a data key (it is deleted once none of its data is kept).
    pub async fn has_consent_data_key(&self, consent_id: &str) -> Result<bool, StoreError> {
        Ok(
            data_key::Entity::find_by_id(format!("consent:{consent_id}"))
                .one(&self.db)
                .await?
                .is_some(),
        )
    }

    /// The data key of `consent_id`, created (and stored wrapped under the newest key of
    /// `ring`) if it has none.
    pub async fn consent_data_key(
        &self,
        consent_id: &str,
        ring: &KeyRing,
    ) -> Result<DataKey, StoreError> {
        let key_id = format!("consent:{consent_id}");
        if let Some(row) = data_key::Entity::find_by_id(key_id.clone())
            .one(&self.db)
            .await?
        {
            return unwrap(ring, &row);
        }
        let fresh = DataKey::generate(&key_id)?;
        // Two preparations of one consent may race: the first key stored wins.
        data_key::Entity::insert(data_key::ActiveModel {
            key_id: Set(key_id.clone()),
            consent_id: Set(consent_id.to_owned()),
            master_key_id: Set(ring.newest().id().to_owned()),
            wrapped: Set(ring.wrap(&fresh)?),
            created_at_ms: Set(self.clock.now_millis()),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&self.db)
        .await?;
        let row = data_key::Entity::find_by_id(key_id.clone())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("data key {key_id} vanished")))?;
        unwrap(ring, &row)
    }
}

fn wrapped_key(row: data_key::Model) -> WrappedKey {
    WrappedKey {
        id: row.key_id.clone(),
        row: row.key_id,
        wrapped: row.wrapped,
    }
}

#[derive(FromQueryResult)]
struct FirstUnder {
    master_key_id: String,
    key_id: String,
}

impl WrappedKeys for Store {
    async fn one_per_master_key(&self) -> Result<Vec<(String, WrappedKey)>, StoreError> {
        let firsts = data_key::Entity::find()
            .select_only()
            .column(data_key::Column::MasterKeyId)
            .column_as(data_key::Column::KeyId.min(), "key_id")
            .group_by(data_key::Column::MasterKeyId)
            .into_model::<FirstUnder>()
            .all(&self.db)
            .await?;
        let mut samples = Vec::with_capacity(firsts.len());
        for first in firsts {
            if let Some(row) = data_key::Entity::find_by_id(first.key_id)
                .one(&self.db)
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
            query = query.filter(data_key::Column::KeyId.gt(after));
        }
        Ok(query
            .order_by_asc(data_key::Column::KeyId)
            .limit(limit)
            .all(&self.db)
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
        let txn = self.db.begin().await?;
        let mut changed = 0;
        for (old, new) in batch {
            changed += data_key::Entity::update_many()
                .col_expr(data_key::Column::Wrapped, Expr::value(new.clone()))
                .col_expr(data_key::Column::MasterKeyId, Expr::value(master_id))
                .filter(data_key::Column::KeyId.eq(old.row.as_str()))
                .filter(data_key::Column::Wrapped.eq(old.wrapped.clone()))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(changed)
    }
}

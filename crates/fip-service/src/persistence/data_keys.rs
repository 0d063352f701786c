//! Per-consent data keys (`consent:<consent id>`) for sealing prepared FI data at rest: created
//! on first use, stored only wrapped under the newest master key of the ring (its id recorded
//! beside it), unwrapped with whichever key of the ring wrapped them, deleted when the
//! consent's last session expires ([`Store::expire_fi_sessions`]). [`Store::key_table`] lets
//! `aa_runtime::sealed_keys` check the ring against them and move them to the newest master key
//! (`fip-service rewrap`).

use aa_core::key_ring::KeyRing;
use aa_core::seal::DataKey;
use aa_runtime::store::KeyTable;
use sea_orm::{ActiveValue::Set, EntityTrait};

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

impl Store {
    /// The data keys as `aa_runtime::sealed_keys` checks and rewraps them.
    pub fn key_table(&self) -> KeyTable<'_, data_key::Entity> {
        KeyTable {
            db: &self.db,
            row: data_key::Column::KeyId,
            id: data_key::Column::KeyId,
            master: data_key::Column::MasterKeyId,
            wrapped: data_key::Column::Wrapped,
        }
    }
}

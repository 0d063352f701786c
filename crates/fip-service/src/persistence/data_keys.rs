//! Per-consent data keys (`consent:<consent id>`) for sealing prepared FI data at rest: created
//! on first use, stored only wrapped under the master key, unwrapped when needed, deleted when
//! the consent's last session expires ([`Store::expire_fi_sessions`]).

use aa_core::seal::DataKey;
use sea_orm::{ActiveValue::Set, EntityTrait};

use super::entities::data_key;
use super::{Store, StoreError};

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

    /// The data key of `consent_id`, created (and stored wrapped under `master`) if it has none.
    pub async fn consent_data_key(
        &self,
        consent_id: &str,
        master: &DataKey,
    ) -> Result<DataKey, StoreError> {
        let key_id = format!("consent:{consent_id}");
        if let Some(row) = data_key::Entity::find_by_id(key_id.clone())
            .one(&self.db)
            .await?
        {
            return Ok(DataKey::unwrap_with(master, &key_id, &row.wrapped)?);
        }
        let fresh = DataKey::generate(&key_id)?;
        // Two preparations of one consent may race: the first key stored wins.
        data_key::Entity::insert(data_key::ActiveModel {
            key_id: Set(key_id.clone()),
            consent_id: Set(consent_id.to_owned()),
            master_key_id: Set(master.id().to_owned()),
            wrapped: Set(fresh.wrap(master)?),
            created_at_ms: Set(self.clock.now_millis()),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&self.db)
        .await?;
        let row = data_key::Entity::find_by_id(key_id.clone())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("data key {key_id} vanished")))?;
        Ok(DataKey::unwrap_with(master, &key_id, &row.wrapped)?)
    }
}

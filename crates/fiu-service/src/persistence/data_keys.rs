//! `fiu_data_keys`: the wrapped data key of each consent artefact (see [`crate::vault`]), with
//! the id of the master key that wraps it; [`Store::key_table`] lets `aa_runtime::sealed_keys`
//! check the key ring against them and move them to the newest master key.

use aa_runtime::store::KeyTable;
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};
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

impl Store {
    /// The data keys as `aa_runtime::sealed_keys` checks and rewraps them.
    pub fn key_table(&self) -> KeyTable<'_, data_key::Entity> {
        KeyTable {
            db: self.db(),
            row: data_key::Column::ConsentId,
            id: data_key::Column::KeyId,
            master: data_key::Column::MasterKeyId,
            wrapped: data_key::Column::Wrapped,
        }
    }
}

//! Which customer an AA's discovery found for a customer address ([`crate::domain::discovery`]:
//! linking binds an address only to the accounts of the customer its discovery named), kept
//! for `linking.discovery_lifetime_seconds` and then purged (`crate::jobs::sweeps`).

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::entities::account_discovery;
use super::{Store, StoreError};

impl Store {
    /// Records, in `conn`, that `aa_id`'s discovery for `customer_address` found `customer_id`
    /// now (a later discovery refreshes the time).
    pub async fn record_discovery_in(
        &self,
        conn: &impl ConnectionTrait,
        aa_id: &str,
        customer_address: &str,
        customer_id: &str,
    ) -> Result<(), StoreError> {
        account_discovery::Entity::insert(account_discovery::ActiveModel {
            aa_id: Set(aa_id.to_owned()),
            customer_address: Set(customer_address.to_owned()),
            customer_id: Set(customer_id.to_owned()),
            discovered_at_ms: Set(self.clock.now_millis()),
        })
        .on_conflict(
            OnConflict::columns([
                account_discovery::Column::AaId,
                account_discovery::Column::CustomerAddress,
                account_discovery::Column::CustomerId,
            ])
            .update_column(account_discovery::Column::DiscoveredAtMs)
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
        Ok(())
    }

    /// Whether `aa_id` discovered `customer_id` for `customer_address` at or after `since_ms`.
    pub async fn discovered(
        &self,
        aa_id: &str,
        customer_address: &str,
        customer_id: &str,
        since_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(account_discovery::Entity::find()
            .filter(account_discovery::Column::AaId.eq(aa_id))
            .filter(account_discovery::Column::CustomerAddress.eq(customer_address))
            .filter(account_discovery::Column::CustomerId.eq(customer_id))
            .filter(account_discovery::Column::DiscoveredAtMs.gte(since_ms))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Forgets the discoveries made before `before_ms` (they allow no linking any more);
    /// returns how many.
    pub async fn purge_discoveries(&self, before_ms: i64) -> Result<u64, StoreError> {
        Ok(account_discovery::Entity::delete_many()
            .filter(account_discovery::Column::DiscoveredAtMs.lt(before_ms))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// How many discoveries are recorded (tests and operators watch the table's size).
    pub async fn discovery_count(&self) -> Result<u64, StoreError> {
        Ok(account_discovery::Entity::find().count(&self.db).await?)
    }
}

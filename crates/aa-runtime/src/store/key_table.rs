//! A table of wrapped data keys, as `crate::sealed_keys` reads and rewrites it: each role's
//! store names its entity and four text/blob columns ([`KeyTable`]), and the queries are here
//! once.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::StoreError;
use crate::sealed_keys::{WrappedKey, WrappedKeys};

/// The table `E` of wrapped data keys on `db`: `row` its primary key, `id` the data key id
/// bound into the envelope, `master` the master key id recorded beside it, `wrapped` the
/// envelope.
pub struct KeyTable<'a, E: EntityTrait> {
    pub db: &'a DatabaseConnection,
    pub row: E::Column,
    pub id: E::Column,
    pub master: E::Column,
    pub wrapped: E::Column,
}

impl<E: EntityTrait> KeyTable<'_, E> {
    fn keys(&self) -> sea_orm::Select<E> {
        E::find()
            .select_only()
            .columns([self.row, self.id, self.wrapped])
    }
}

fn wrapped_key((row, id, wrapped): (String, String, Vec<u8>)) -> WrappedKey {
    WrappedKey { row, id, wrapped }
}

impl<E: EntityTrait> WrappedKeys for KeyTable<'_, E> {
    async fn one_per_master_key(&self) -> Result<Vec<(String, WrappedKey)>, StoreError> {
        let firsts: Vec<(String, String)> = E::find()
            .select_only()
            .column(self.master)
            .column_as(self.row.min(), "row")
            .group_by(self.master)
            .into_tuple()
            .all(self.db)
            .await?;
        let mut samples = Vec::with_capacity(firsts.len());
        for (master, row) in firsts {
            let key: Option<(String, String, Vec<u8>)> = self
                .keys()
                .filter(self.row.eq(row))
                .into_tuple()
                .one(self.db)
                .await?;
            if let Some(key) = key {
                samples.push((master, wrapped_key(key)));
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
        let mut query = self.keys().filter(self.master.ne(master_id));
        if let Some(after) = after {
            query = query.filter(self.row.gt(after));
        }
        let keys: Vec<(String, String, Vec<u8>)> = query
            .order_by_asc(self.row)
            .limit(limit)
            .into_tuple()
            .all(self.db)
            .await?;
        Ok(keys.into_iter().map(wrapped_key).collect())
    }

    async fn replace(
        &self,
        master_id: &str,
        batch: &[(WrappedKey, Vec<u8>)],
    ) -> Result<u64, StoreError> {
        let txn = self.db.begin().await?;
        let mut changed = 0;
        for (old, new) in batch {
            changed += E::update_many()
                .col_expr(self.wrapped, Expr::value(new.clone()))
                .col_expr(self.master, Expr::value(master_id))
                .filter(self.row.eq(old.row.as_str()))
                .filter(self.wrapped.eq(old.wrapped.clone()))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(changed)
    }
}

//! Answered ReBIT notifications, for idempotent replays (`routes::rebit::idempotency`).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::super::entities::rebit_request;
use super::super::records::AnsweredRequest;
use super::super::{Store, StoreError};

impl Store {
    /// What the AA answered `caller` on `endpoint` under `txnid` since `forget_before`, if it
    /// did.
    pub async fn answered_request(
        &self,
        caller: &str,
        endpoint: &str,
        txnid: &str,
        forget_before: i64,
    ) -> Result<Option<AnsweredRequest>, StoreError> {
        Ok(rebit_request::Entity::find()
            .filter(rebit_request::Column::Caller.eq(caller))
            .filter(rebit_request::Column::Endpoint.eq(endpoint))
            .filter(rebit_request::Column::Txnid.eq(txnid))
            .filter(rebit_request::Column::CreatedAt.gte(forget_before))
            .one(&self.db)
            .await?
            .map(|m| AnsweredRequest {
                request: m.request,
                answer: m.answer,
            }))
    }

    /// Remembers an answer; a concurrent twin that was remembered first is kept. Answers older
    /// than `forget_before` are dropped on the way (a request that old could not pass the
    /// envelope's 15-minute timestamp check unless re-stamped, and its effect is idempotent).
    pub async fn remember_answer(
        &self,
        caller: &str,
        endpoint: &str,
        txnid: &str,
        answered: &AnsweredRequest,
        now: i64,
        forget_before: i64,
    ) -> Result<(), StoreError> {
        rebit_request::Entity::delete_many()
            .filter(rebit_request::Column::CreatedAt.lt(forget_before))
            .exec(&self.db)
            .await?;
        rebit_request::Entity::insert(rebit_request::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            caller: Set(caller.to_owned()),
            endpoint: Set(endpoint.to_owned()),
            txnid: Set(txnid.to_owned()),
            request: Set(answered.request.clone()),
            answer: Set(answered.answer.clone()),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                rebit_request::Column::Caller,
                rebit_request::Column::Endpoint,
                rebit_request::Column::Txnid,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }
}

//! Customer log-in: OTPs, customers (registered on first log-in) and sessions.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::super::entities::{customer, otp, session};
use super::super::records::{CustomerRecord, NewOtpRecord, OtpRecord, SessionRecord};
use super::super::{Store, StoreError};

fn customer_record(m: customer::Model) -> CustomerRecord {
    CustomerRecord {
        id: m.id,
        handle: m.handle,
        mobile: m.mobile,
    }
}

impl Store {
    pub async fn insert_otp(&self, new: NewOtpRecord) -> Result<(), StoreError> {
        otp::Entity::insert(otp::ActiveModel {
            otp_ref: Set(new.otp_ref),
            handle: Set(new.handle),
            code_hash: Set(new.code_hash),
            sandbox_code: Set(new.sandbox_code),
            attempts: Set(0),
            consumed: Set(false),
            created_at: Set(new.created_at),
            expires_at: Set(new.expires_at),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    pub async fn find_otp(&self, otp_ref: &str) -> Result<Option<OtpRecord>, StoreError> {
        Ok(otp::Entity::find_by_id(otp_ref.to_owned())
            .one(&self.db)
            .await?
            .map(|m| OtpRecord {
                otp_ref: m.otp_ref,
                handle: m.handle,
                code_hash: m.code_hash,
                attempts: u32::try_from(m.attempts).unwrap_or(u32::MAX),
                consumed: m.consumed,
                expires_at: m.expires_at,
            }))
    }

    /// The clear code kept for the sandbox endpoint, if any.
    pub async fn sandbox_code(&self, otp_ref: &str) -> Result<Option<String>, StoreError> {
        Ok(otp::Entity::find_by_id(otp_ref.to_owned())
            .one(&self.db)
            .await?
            .and_then(|m| m.sandbox_code))
    }

    /// Counts one try, atomically, unless `max` tries were made already or the OTP was used.
    /// Returns whether the try may proceed.
    pub async fn count_otp_attempt(&self, otp_ref: &str, max: u32) -> Result<bool, StoreError> {
        let max = i32::try_from(max).unwrap_or(i32::MAX);
        let result = otp::Entity::update_many()
            .col_expr(
                otp::Column::Attempts,
                Expr::col(otp::Column::Attempts).add(1),
            )
            .filter(otp::Column::OtpRef.eq(otp_ref))
            .filter(otp::Column::Attempts.lt(max))
            .filter(otp::Column::Consumed.eq(false))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Marks the OTP used (once); the clear sandbox copy goes with it.
    pub async fn consume_otp(&self, otp_ref: &str) -> Result<bool, StoreError> {
        let result = otp::Entity::update_many()
            .col_expr(otp::Column::Consumed, Expr::value(true))
            .col_expr(
                otp::Column::SandboxCode,
                Expr::value(Option::<String>::None),
            )
            .filter(otp::Column::OtpRef.eq(otp_ref))
            .filter(otp::Column::Consumed.eq(false))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// The customer with `handle`, registered now if new.
    pub async fn register_customer(
        &self,
        handle: &str,
        mobile: &str,
        now: i64,
    ) -> Result<CustomerRecord, StoreError> {
        if let Some(found) = self.customer_by_handle(handle).await? {
            return Ok(found);
        }
        let inserted = customer::Entity::insert(customer::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            handle: Set(handle.to_owned()),
            mobile: Set(mobile.to_owned()),
            created_at: Set(now),
        })
        .exec(&self.db)
        .await;
        // A concurrent first log-in may have registered the handle meanwhile (unique index).
        if let Some(found) = self.customer_by_handle(handle).await? {
            return Ok(found);
        }
        inserted?;
        Err(StoreError::Corrupt(format!(
            "customer {handle} vanished after insert"
        )))
    }

    pub async fn customer_by_handle(
        &self,
        handle: &str,
    ) -> Result<Option<CustomerRecord>, StoreError> {
        Ok(customer::Entity::find()
            .filter(customer::Column::Handle.eq(handle))
            .one(&self.db)
            .await?
            .map(customer_record))
    }

    pub async fn insert_session(
        &self,
        id: &str,
        customer_id: &str,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        session::Entity::insert(session::ActiveModel {
            id: Set(id.to_owned()),
            customer_id: Set(customer_id.to_owned()),
            token_hash: Set(token_hash.to_owned()),
            created_at: Set(now),
            expires_at: Set(expires_at),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    pub async fn find_session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let Some(found) = session::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let Some(customer) = customer::Entity::find_by_id(found.customer_id.clone())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            id: found.id,
            token_hash: found.token_hash,
            expires_at: found.expires_at,
            customer: customer_record(customer),
        }))
    }
}

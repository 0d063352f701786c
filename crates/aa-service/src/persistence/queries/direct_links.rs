//! DIRECT linking (ReBIT `AuthenticatorType` DIRECT): the customer confirms a link request with
//! the bank itself, and the FIP's `POST /Account/link/Notification` LINKED links the account
//! with the linkRefNumber it carries, provided a pending DIRECT link request of that customer
//! at that FIP holds the account.

use aa_core::rebit::AuthenticatorType;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::entities::{account, link_request};
use super::super::records::{BankConfirmed, DirectLinkOutcome};
use super::super::{Store, StoreError};
use super::accounts::link_request_record;
use crate::domain::status::AccountState;

impl Store {
    /// Applies `confirmed` in `conn` (the notification's idempotency claim): the account
    /// becomes `LINKED` with the notified linkRefNumber, and the newest pending DIRECT link
    /// request holding it is complete once every account of it is linked. An account already
    /// linked with that linkRefNumber is a repeat (nothing written); an account no pending
    /// DIRECT request of the customer at that FIP holds (a TOKEN request, another FIP's, another
    /// customer's, a completed one), or a linkRefNumber another of the customer's accounts at
    /// that FIP holds, is refused with nothing written.
    pub async fn link_confirmed_at_bank_in(
        &self,
        conn: &impl ConnectionTrait,
        confirmed: BankConfirmed<'_>,
        now: i64,
    ) -> Result<DirectLinkOutcome, StoreError> {
        let BankConfirmed {
            customer_id,
            fip_id,
            acc_ref,
            link_ref,
        } = confirmed;
        let at_fip = || {
            account::Entity::find()
                .filter(account::Column::CustomerId.eq(customer_id))
                .filter(account::Column::FipId.eq(fip_id))
        };
        let Some(target) = at_fip()
            .filter(account::Column::AccRefNumber.eq(acc_ref))
            .one(conn)
            .await?
        else {
            return Ok(DirectLinkOutcome::NoPendingRequest);
        };
        if target.status == AccountState::Linked.as_str()
            && target.link_ref_number.as_deref() == Some(link_ref)
        {
            return Ok(DirectLinkOutcome::Linked { changed: false });
        }
        let taken = at_fip()
            .filter(account::Column::LinkRefNumber.eq(link_ref))
            .filter(account::Column::AccRefNumber.ne(acc_ref))
            .one(conn)
            .await?;
        if taken.is_some() {
            return Ok(DirectLinkOutcome::LinkRefTaken);
        }
        let pending = link_request::Entity::find()
            .filter(link_request::Column::CustomerId.eq(customer_id))
            .filter(link_request::Column::FipId.eq(fip_id))
            .filter(link_request::Column::Authenticator.eq(AuthenticatorType::Direct.as_str()))
            .filter(link_request::Column::Completed.eq(false))
            .order_by_desc(link_request::Column::CreatedAt)
            .all(conn)
            .await?;
        let mut holding = None;
        for row in pending {
            let request = link_request_record(row)?;
            if request.acc_ref_numbers.iter().any(|a| a == acc_ref) {
                holding = Some(request);
                break;
            }
        }
        let Some(request) = holding else {
            return Ok(DirectLinkOutcome::NoPendingRequest);
        };
        account::Entity::update_many()
            .col_expr(account::Column::LinkRefNumber, Expr::value(link_ref))
            .col_expr(
                account::Column::Status,
                Expr::value(AccountState::Linked.as_str()),
            )
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(&target.id))
            .exec(conn)
            .await?;
        let linked = at_fip()
            .filter(account::Column::AccRefNumber.is_in(request.acc_ref_numbers.iter().cloned()))
            .filter(account::Column::Status.eq(AccountState::Linked.as_str()))
            .all(conn)
            .await?
            .len();
        if linked == request.acc_ref_numbers.len() {
            link_request::Entity::update_many()
                .col_expr(link_request::Column::Completed, Expr::value(true))
                .filter(link_request::Column::Id.eq(&request.id))
                .exec(conn)
                .await?;
        }
        Ok(DirectLinkOutcome::Linked { changed: true })
    }
}

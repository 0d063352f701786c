//! DIRECT linking: the customer confirms a link request with the bank itself (the back
//! office's `POST /bank/link-requests/{refNumber}/confirm` stands in for the bank's own
//! channel), and the AA is told with `POST /Account/link/Notification`, one per account,
//! queued in the transaction that links them.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::entities::link_request;
use super::links::to_request;
use super::{Store, StoreError};
use crate::domain::link::{AccountLink, LinkRequest, LinkRequestStatus};
use aa_runtime::outbox::Notification;

/// What became of a confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// No DIRECT link request with this reference.
    Unknown,
    /// It can no longer be confirmed (expired or locked); start linking again.
    Closed(LinkRequest),
    /// Linked now (`true`: the AA notifications were queued) or before (`false`).
    Linked(Vec<AccountLink>, bool),
}

impl Store {
    /// Confirms the DIRECT link request `ref_number`: links its accounts and queues, in the
    /// same transaction, the AA's notification of each link built by `notice`. Confirming a
    /// linked request again answers its links and notifies no one.
    pub async fn confirm_direct_link(
        &self,
        ref_number: &str,
        notice: impl Fn(&AccountLink, &str) -> Result<Notification, StoreError>,
    ) -> Result<Confirmed, StoreError> {
        let Some(row) = link_request::Entity::find_by_id(ref_number.to_owned())
            .filter(link_request::Column::Authenticator.eq("DIRECT"))
            .one(&self.db)
            .await?
        else {
            return Ok(Confirmed::Unknown);
        };
        let request = to_request(row)?;
        let fresh = match request.status {
            LinkRequestStatus::Linked => false,
            LinkRequestStatus::Pending if self.clock.now_millis() < request.expires_at_ms => true,
            _ => return Ok(Confirmed::Closed(request)),
        };
        let txn = self.db.begin().await?;
        let links = self.complete_link_request_in(&txn, &request).await?;
        if fresh {
            for link in &links {
                let message = notice(link, &request.aa_id)?;
                aa_runtime::queue::enqueue(&txn, message.job()).await?;
            }
        }
        txn.commit().await?;
        Ok(Confirmed::Linked(links, fresh))
    }
}

//! `GET /customer/accounts` -> `[{"fipId","linkRefNumber","maskedAccNumber","fiType",
//! "accType"}]`: the customer's linked accounts.

use actix_web::{web, HttpResponse};

use super::auth::Session;
use super::error::CustomerError;
use super::views::AccountView;
use crate::state::AppState;

pub async fn list(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, CustomerError> {
    let accounts: Vec<AccountView> = state
        .store
        .linked_accounts(&session.customer.id)
        .await?
        .iter()
        .filter_map(AccountView::linked)
        .collect();
    Ok(HttpResponse::Ok().json(accounts))
}

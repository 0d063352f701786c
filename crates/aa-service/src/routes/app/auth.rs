//! The bearer-session extractor: `Authorization: Bearer <session id>.<secret>`, checked against
//! the stored hash and the expiry. Anything wrong is 401 `unauthorized`, with no detail that
//! would help guess tokens.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::error::CustomerError;
use crate::domain::session_token;
use crate::persistence::records::CustomerRecord;
use crate::state::AppState;

/// A logged-in customer.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub customer: CustomerRecord,
}

fn unauthorized() -> CustomerError {
    CustomerError::unauthorized(
        "unauthorized",
        "log in first: POST /customer/session, then send Authorization: Bearer <token>",
    )
}

impl FromRequest for Session {
    type Error = CustomerError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| CustomerError::internal(&"AppState is missing"))?;
            let header = header.ok_or_else(unauthorized)?;
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .ok_or_else(unauthorized)?;
            session_of(&state, token).await
        })
    }
}

/// The session a token (`<session id>.<secret>`, as `POST /customer/session` issued it) opens:
/// the bearer header's and the consent manager's cookie's one check.
pub async fn session_of(state: &AppState, token: &str) -> Result<Session, CustomerError> {
    let (id, secret) = session_token::parse(token).ok_or_else(unauthorized)?;
    let found = state
        .store
        .find_session(id)
        .await?
        .ok_or_else(unauthorized)?;
    let now = state.now_millis();
    if found.expires_at <= now
        || !session_token::verify(
            state.auth.pepper.expose().as_bytes(),
            &found.token_hash,
            secret,
        )
    {
        return Err(unauthorized());
    }
    Ok(Session {
        id: found.id,
        customer: found.customer,
    })
}

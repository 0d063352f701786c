//! `GET /redirect/return?fi=&resdate=&ecres=`: where an AA's consent manager sends the customer's
//! browser back (Sahamati redirection; [`crate::flows::redirection::returned`]). Public: the
//! sealed parameters are the proof. Answers 303 to the lender's `returnTo` with
//! `consentHandle` and `outcome` added, or, without one, a page telling the customer the outcome.
//! Refused parameters get a 400 page naming what is wrong, never a value; a 5xx says only
//! "internal error".

use aa_runtime::http::pages::{escape, html, page, see_other};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::flows::redirection::{self, ReturnRefused};
use crate::state::AppState;

pub async fn returned(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    match redirection::returned(&state, req.query_string()).await {
        Ok(back) => match &back.link.return_to {
            Some(to) => {
                let sep = if to.contains('?') { '&' } else { '?' };
                see_other(&format!(
                    "{to}{sep}consentHandle={}&outcome={}",
                    back.link.handle, back.outcome
                ))
            }
            None => {
                let said = match back.outcome.as_str() {
                    "approved" => "You approved the request",
                    "rejected" => "You rejected the request",
                    _ => "The request was not decided",
                };
                html(
                    StatusCode::OK,
                    page(
                        "Back at the lender",
                        &format!(
                            "<main><h1>{}</h1><p>{}. The lender has your answer; you may close \
                             this window.</p></main>",
                            escape("Back at the lender"),
                            escape(said)
                        ),
                    ),
                )
            }
        },
        Err(refused) => {
            let status = match refused {
                ReturnRefused::Store(ref e) => {
                    tracing::error!(error = %e, "a redirection return could not be read");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                _ => {
                    tracing::warn!(reason = %refused, "a redirection return was refused");
                    StatusCode::BAD_REQUEST
                }
            };
            html(
                status,
                page(
                    "This link cannot be used",
                    &format!(
                        "<main><h1>This link cannot be used</h1><p>{}.</p><p>Go back to the \
                         lender and start again.</p></main>",
                        escape(&refused.to_string())
                    ),
                ),
            )
        }
    }
}

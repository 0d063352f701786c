//! The AA side of Sahamati's redirection (`aa_core::redirection`). `GET /cm/webview?fi=&
//! reqdate=&ecreq=` opens the request with the passphrase of the FIU that `fi` names, within the
//! 180 s window, and checks it: the FIU registered, the handle (`userid`) this AA's, every
//! `srcref` consent handle known, of that FIU and that customer, and pending; the `redirect` URL
//! http or https. It then hands the browser a ticket (`/cm/webview/continue`: the query, an
//! expiry and a peppered HMAC over both) that survives the log-in, which may take longer than the
//! window. The continue page shows exactly those requests; `POST /cm/webview/decide` approves or
//! rejects them (`app::approve::approve_request`, `app::reject::reject_request`) and sends the
//! browser back (303) to the FIU's `redirect` with `ecres` sealed with the same passphrase.
//! Wrong, stale or tampered parameters get a 400 page naming what is wrong.

use aa_core::redirection::{self, RedirectRequest, RedirectResponse, ResponseCode};
use aa_core::registry::Role;
use aa_runtime::http::pages::{self, escape};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::requests::decision_card;
use super::shell::{encode, Customer, Form, PageError, Visitor};
use crate::domain::handle::CustomerHandle;
use crate::domain::status::RequestStatus;
use crate::persistence::records::ConsentRequestRecord;
use crate::routes::app::approve::approve_request;
use crate::routes::app::reject::reject_request;
use crate::state::AppState;

/// How long a ticket lets the customer log in and decide.
const TICKET_SECONDS: i64 = 15 * 60;

/// `/cm/webview/continue`'s query and the decision form's hidden fields.
#[derive(Debug, Deserialize)]
pub struct Ticket {
    pub q: String,
    pub exp: i64,
    pub tag: String,
}

fn ticket_message(query: &str, exp: i64) -> String {
    format!("cm-webview\n{exp}\n{query}")
}

impl Ticket {
    fn issue(state: &AppState, query: &str) -> Result<Self, PageError> {
        let exp = state.now().unix_timestamp() + TICKET_SECONDS;
        let pepper = state.auth.pepper.expose().as_bytes();
        let tag = aa_core::otp::hash(pepper, &ticket_message(query, exp))
            .map_err(|e| crate::routes::app::error::CustomerError::internal(&e))?;
        Ok(Self {
            q: query.to_owned(),
            exp,
            tag,
        })
    }

    fn url(&self) -> String {
        format!(
            "/cm/webview/continue?q={}&exp={}&tag={}",
            encode(&self.q),
            self.exp,
            encode(&self.tag)
        )
    }

    fn fields(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"q\" value=\"{}\"><input type=\"hidden\" name=\"exp\" \
             value=\"{}\"><input type=\"hidden\" name=\"tag\" value=\"{}\">",
            escape(&self.q),
            self.exp,
            escape(&self.tag)
        )
    }

    /// The FIU and the request of a ticket this AA issued and that has not expired.
    fn open(&self, state: &AppState) -> Result<(String, RedirectRequest), PageError> {
        let pepper = state.auth.pepper.expose().as_bytes();
        let message = ticket_message(&self.q, self.exp);
        if self.exp <= state.now().unix_timestamp()
            || !aa_core::otp::verify(pepper, &self.tag, &message)
        {
            return Err(PageError::bad_request(
                "this consent link has expired or was changed; go back to the app that sent \
                 you here and start again",
            ));
        }
        // The window was checked when the ticket was issued; read the request as of its date.
        let reqdate = form_urlencoded::parse(self.q.as_bytes())
            .find(|(k, _)| k == "reqdate")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let at = redirection::parse_date(&reqdate, "reqdate").map_err(refused)?;
        RedirectRequest::open(&self.q, at, |id| state.passphrases.of(id)).map_err(refused)
    }
}

fn refused(e: redirection::RedirectError) -> PageError {
    PageError::bad_request(format!("this consent link cannot be used: {e}"))
}

/// The checks of the request beyond its sealing; the pending requests it names.
async fn checked(
    state: &AppState,
    fiu: &str,
    request: &RedirectRequest,
) -> Result<Vec<ConsentRequestRecord>, PageError> {
    let registered = state
        .identity
        .registry
        .current()
        .entity(fiu)
        .is_some_and(|e| e.role == Role::Fiu);
    if !registered {
        return Err(PageError::bad_request(format!(
            "this consent link names {fiu}, which is not a registered FIU"
        )));
    }
    let handle = CustomerHandle::parse(&request.userid, state.aa_id()).map_err(|_| {
        PageError::bad_request("this consent link's userid is not a handle of this AA")
    })?;
    let scheme_ok = ["https://", "http://"]
        .iter()
        .any(|s| request.redirect.to_ascii_lowercase().starts_with(s))
        && !request
            .redirect
            .chars()
            .any(|c| c.is_whitespace() || c.is_control());
    if !scheme_ok {
        return Err(PageError::bad_request(
            "this consent link's return address (redirect) is not an http or https URL; \
             you cannot be sent back to the app",
        ));
    }
    let mut records = Vec::with_capacity(request.srcref.len());
    for consent_handle in &request.srcref {
        let record = state
            .store
            .consent_request(consent_handle)
            .await?
            .filter(|r| r.fiu_id == fiu && r.customer_handle == handle.to_string())
            .ok_or_else(|| {
                PageError::bad_request(
                    "this consent link names a consent request (srcref) that is not this \
                     FIU's request to this customer",
                )
            })?;
        if record.status != RequestStatus::Pending {
            return Err(PageError::bad_request(format!(
                "a consent request of this link is {} already",
                record.status.as_str()
            )));
        }
        records.push(record);
    }
    Ok(records)
}

/// `GET /cm/webview?fi=&reqdate=&ecreq=`.
pub async fn enter(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let query = req.query_string();
    let (fiu, request) = RedirectRequest::open(query, state.now(), |id| state.passphrases.of(id))
        .map_err(refused)?;
    checked(&state, &fiu, &request).await?;
    tracing::info!(peer.id = %fiu, txn.id = %request.txnid, "redirection opened");
    Ok(pages::see_other(&Ticket::issue(&state, query)?.url()))
}

/// `GET /cm/webview/continue?q=&exp=&tag=`: log-in first (as the request's handle), then
/// the requests to decide.
pub async fn resume(
    state: web::Data<AppState>,
    visitor: Visitor,
    ticket: web::Query<Ticket>,
) -> Result<HttpResponse, PageError> {
    let (fiu, request) = ticket.open(&state)?;
    let records = checked(&state, &fiu, &request).await?;
    let customer = match visitor.session.clone() {
        Some(session) if session.customer.handle == request.userid => Customer { visitor, session },
        _ => {
            return Ok(pages::see_other(&format!(
                "/cm/login?handle={}&next={}",
                encode(&request.userid),
                encode(&ticket.url())
            )))
        }
    };
    let mut cards = String::new();
    for record in &records {
        cards.push_str(&decision_card(&state, &customer, record, true).await?);
    }
    let body = format!(
        "<p>You came here from {}. Decide on its request; you are then sent back.</p>\
         <form method=\"post\" action=\"/cm/webview/decide\">{}{}{cards}\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"decision\" value=\"reject\" class=\"danger\">Reject\
         </button></form>",
        escape(&super::terms::entity_name(&state, &fiu)),
        customer.csrf_field(),
        ticket.fields()
    );
    Ok(customer.page("Consent request", &body))
}

/// `POST /cm/webview/decide` (q, exp, tag, decision, account:<handle>...): the decision, then
/// back to the FIU.
pub async fn decide(
    state: web::Data<AppState>,
    customer: Customer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &customer.visitor)?;
    let ticket = Ticket {
        q: form.get("q").to_owned(),
        exp: form.get("exp").parse().unwrap_or(0),
        tag: form.get("tag").to_owned(),
    };
    let (fiu, request) = ticket.open(&state)?;
    if customer.session.customer.handle != request.userid {
        return Err(PageError::bad_request(
            "you are logged in as someone other than the customer this request is for",
        ));
    }
    let records = checked(&state, &fiu, &request).await?;
    let mut accepted = Vec::new();
    let code = match form.get("decision") {
        "approve" => {
            for record in &records {
                let chosen = form.all(&format!("account:{}", record.handle));
                approve_request(&state, &customer.session, &record.handle, &chosen).await?;
                accepted.push(record.handle.clone());
            }
            ResponseCode::Success
        }
        "reject" => {
            for record in &records {
                reject_request(&state, &customer.session, &record.handle).await?;
            }
            ResponseCode::Rejected
        }
        _ => return Err(PageError::bad_request("choose approve or reject")),
    };
    let passphrase = state
        .passphrases
        .of(&fiu)
        .ok_or_else(|| PageError::bad_request("this FIU has no redirection passphrase"))?;
    let response = RedirectResponse {
        txnid: request.txnid.clone(),
        sessionid: request.sessionid.clone(),
        userid: request.userid.clone(),
        code,
        srcref: accepted,
    };
    tracing::info!(peer.id = %fiu, txn.id = %request.txnid, outcome = ?code, "redirection decided");
    let url = response.to_url(&request.redirect, state.aa_id(), &passphrase, state.now());
    Ok(pages::see_other(&url))
}

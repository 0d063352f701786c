//! `GET /cm`: the customer's pending consent requests, their consents (active, paused and
//! ended) and their linked accounts with a delink button each. `GET|POST /cm/deregister`:
//! leaving the AA, after a confirm step (`flows::deregister`, as `POST /customer/deregister`).

use aa_runtime::http::pages::{self, escape};
use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::shell::{encode, notice, Customer, Done, Form, PageError, SESSION_COOKIE};
use super::terms::{day, entity_name};
use crate::domain::status::RequestStatus;
use crate::flows;
use crate::routes::app::views::{terms_of, AccountView};
use crate::state::AppState;

/// `GET /cm[?done=]`.
pub async fn home(
    state: web::Data<AppState>,
    customer: Customer,
    done: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let session = &customer.session;
    let requests = state
        .store
        .consent_requests_for(&session.customer.handle, None)
        .await?;
    let mut pending = String::new();
    let mut consents = String::new();
    for record in &requests {
        let terms = terms_of(record)?;
        let purpose = terms.purpose.text.as_deref().unwrap_or(&terms.purpose.code);
        let fiu = entity_name(&state, &record.fiu_id);
        if record.status == RequestStatus::Pending {
            pending.push_str(&format!(
                "<li class=\"card\"><h3>{}</h3><p>{}</p><p><a class=\"button\" \
                 href=\"/cm/requests/{}\">Review this request</a></p></li>",
                escape(&fiu),
                escape(purpose),
                encode(&record.handle)
            ));
        }
        if record.status != RequestStatus::Active {
            continue;
        }
        for artefact in state.store.artefacts_for(&record.handle).await? {
            consents.push_str(&format!(
                "<li class=\"card\"><h3>{} <span class=\"status {}\">{}</span></h3><p>{} \
                 &middot; data from {} &middot; until {}</p><p><a href=\"/cm/consents/{}\">\
                 Details, data fetches, pause or revoke<span class=\"visually-hidden\"> \
                 ({})</span></a></p></li>",
                escape(&fiu),
                escape(&artefact.status),
                escape(&artefact.status),
                escape(purpose),
                escape(&entity_name(&state, &artefact.fip_id)),
                escape(&day(&terms.consent_expiry)),
                encode(&artefact.consent_id),
                escape(&artefact.consent_id),
            ));
        }
    }
    let accounts: Vec<AccountView> = state
        .store
        .linked_accounts(&session.customer.id)
        .await?
        .iter()
        .filter_map(AccountView::linked)
        .collect();
    let mut linked = String::new();
    for a in &accounts {
        linked.push_str(&format!(
            "<li class=\"card\"><h3>{} {}</h3><p>{} at {}</p>\
             <form method=\"post\" action=\"/cm/accounts/delink\">{}\
             <input type=\"hidden\" name=\"fip\" value=\"{}\">\
             <input type=\"hidden\" name=\"link\" value=\"{}\">\
             <button type=\"submit\" class=\"secondary\">Delink {}</button></form></li>",
            escape(&a.acc_type.to_lowercase()),
            escape(&a.masked_acc_number),
            escape(&a.fi_type.replace('_', " ").to_lowercase()),
            escape(&entity_name(&state, &a.fip_id)),
            customer.csrf_field(),
            escape(&a.fip_id),
            escape(&a.link_ref_number),
            escape(&a.masked_acc_number),
        ));
    }
    let list = |items: &str, empty: &str| {
        if items.is_empty() {
            format!("<p class=\"muted\">{empty}</p>")
        } else {
            format!("<ul class=\"plain\">{items}</ul>")
        }
    };
    let body = format!(
        "{}<h2>Waiting for your decision</h2>{}<h2>Your consents</h2>{}\
         <h2>Your linked accounts</h2>{}<p><a class=\"button secondary\" href=\"/cm/fips\">\
         Find and link accounts</a></p><h2>Leave this AA</h2><p><a href=\"/cm/deregister\">\
         Deregister</a></p>",
        notice(done.done.as_deref()),
        list(&pending, "No consent requests are waiting."),
        list(&consents, "You have no consents yet."),
        list(&linked, "No accounts are linked yet.")
    );
    Ok(customer.page("Your consents", &body))
}

/// `GET /cm/deregister`: what leaving means, and the confirm button.
pub async fn confirm(customer: Customer) -> HttpResponse {
    let body = format!(
        "<p class=\"error\">Deregistering revokes every consent you gave, rejects the requests \
         waiting for you, delinks every account and deletes what this AA holds about you. It \
         cannot be undone.</p><form method=\"post\" action=\"/cm/deregister\">{}\
         <button type=\"submit\" class=\"danger\">Yes, deregister me</button>\
         <a class=\"button secondary\" href=\"/cm\">No, go back</a></form>",
        customer.csrf_field()
    );
    customer.page("Deregister", &body)
}

/// `POST /cm/deregister`: the customer leaves; the session cookie goes with them.
pub async fn deregister(
    state: web::Data<AppState>,
    customer: Customer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &customer.visitor)?;
    if flows::deregister::deregister(&state, &customer.session.customer)
        .await?
        .is_none()
    {
        tracing::info!("customer deregistered by a concurrent call");
    }
    let body = "<p class=\"notice\" role=\"status\">You are deregistered. This AA holds \
                nothing about you any more.</p><p><a href=\"/cm/login\">Log in again</a></p>";
    let mut answer = pages::html(
        actix_web::http::StatusCode::OK,
        pages::page(
            "Deregistered",
            &format!("<main><h1>Deregistered</h1>{body}</main>"),
        ),
    );
    if let Ok(value) = header::HeaderValue::from_str(&pages::cleared_cookie(SESSION_COOKIE)) {
        answer.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(answer)
}

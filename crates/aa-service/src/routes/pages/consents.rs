//! One consent (artefact) of the customer: `GET /cm/consents/{id}` shows its terms, its status
//! with the buttons it allows, and the data fetches done under it (its FI sessions: which FIU,
//! when, for which period, which accounts and how each went). `POST .../pause` and `.../resume`
//! change it at once; revoking asks first (`GET .../revoke`, then `POST .../revoke`), all
//! through `app::consent_status::change`, as the customer API does.

use aa_core::rebit::ConsentStatus;
use aa_runtime::http::pages::{self, escape};
use actix_web::{web, HttpResponse};

use super::shell::{encode, notice, Customer, Done, Form, PageError};
use super::terms::{entity_name, facts};
use crate::domain::lifecycle::CustomerAction;
use crate::routes::app::consent_status::change;
use crate::routes::app::views::terms_of;
use crate::state::AppState;

fn when(millis: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map(|at| aa_core::timefmt::format_millis(at).replace('T', " "))
        .unwrap_or_default()
}

/// `GET /cm/consents/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    customer: Customer,
    consent_id: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let artefact = state
        .store
        .artefact(consent_id.trim())
        .await?
        .filter(|a| a.customer_handle == customer.session.customer.handle)
        .ok_or_else(|| {
            PageError::Page(
                actix_web::http::StatusCode::NOT_FOUND,
                "no consent with this id".into(),
            )
        })?;
    let request = state
        .store
        .consent_request(&artefact.consent_handle)
        .await?
        .ok_or_else(|| {
            PageError::Page(
                actix_web::http::StatusCode::NOT_FOUND,
                "no consent with this id".into(),
            )
        })?;
    let terms = terms_of(&request)?;
    let action = format!("/cm/consents/{}", encode(&artefact.consent_id));
    let csrf = customer.csrf_field();
    let mut buttons = String::new();
    match artefact.status.parse::<ConsentStatus>() {
        Ok(ConsentStatus::Active) => buttons.push_str(&format!(
            "<form class=\"inline\" method=\"post\" action=\"{action}/pause\">{csrf}<button \
             type=\"submit\" class=\"secondary\">Pause</button></form>"
        )),
        Ok(ConsentStatus::Paused) => buttons.push_str(&format!(
            "<form class=\"inline\" method=\"post\" action=\"{action}/resume\">{csrf}<button \
             type=\"submit\">Resume</button></form>"
        )),
        _ => {}
    }
    if matches!(
        artefact.status.parse::<ConsentStatus>(),
        Ok(ConsentStatus::Active | ConsentStatus::Paused)
    ) {
        buttons.push_str(&format!(
            "<a class=\"button danger\" href=\"{action}/revoke\">Revoke</a>"
        ));
    }
    let mut rows = String::new();
    for (session, accounts) in state.store.fi_sessions_of(&artefact.consent_id).await? {
        let list: Vec<String> = accounts
            .iter()
            .map(|a| format!("{} ({})", a.masked_acc_number, a.fi_status.as_str()))
            .collect();
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{} to {}</td><td>{}</td><td>{}</td></tr>",
            escape(&when(session.created_at)),
            escape(&entity_name(&state, &session.fiu_id)),
            escape(&super::terms::day(&session.data_from)),
            escape(&super::terms::day(&session.data_to)),
            escape(&list.join(", ")),
            escape(session.status.as_str()),
        ));
    }
    let fetches = if rows.is_empty() {
        "<p class=\"muted\">No data has been fetched under this consent.</p>".to_owned()
    } else {
        format!(
            "<div class=\"scroll\"><table><caption>Data fetches, newest first</caption><thead>\
             <tr><th scope=\"col\">When (UTC)</th><th scope=\"col\">Who</th><th scope=\"col\">\
             Period</th><th scope=\"col\">Accounts</th><th scope=\"col\">State</th></tr>\
             </thead><tbody>{rows}</tbody></table></div>"
        )
    };
    let body = format!(
        "{3}<p>Status: <span class=\"status {0}\">{0}</span> &middot; data from {1}</p>{buttons}\
         <h2>What you agreed to</h2>{2}<h2>Data fetched</h2>{fetches}\
         <p><a href=\"/cm\">Back to your consents</a></p>",
        escape(&artefact.status),
        escape(&entity_name(&state, &artefact.fip_id)),
        facts(&state, &artefact.fiu_id, &terms),
        notice(done.done.as_deref()),
    );
    Ok(customer.page("Consent", &body))
}

/// `GET /cm/consents/{id}/revoke`: the confirm step.
pub async fn confirm_revoke(customer: Customer, consent_id: web::Path<String>) -> HttpResponse {
    let action = format!("/cm/consents/{}", encode(&consent_id));
    let body = format!(
        "<p class=\"error\">Revoking ends this consent for good: the FIU can fetch no more data \
         under it. To stop it for a while, pause it instead.</p><form method=\"post\" \
         action=\"{action}/revoke\">{}<button type=\"submit\" class=\"danger\">Yes, revoke\
         </button><a class=\"button secondary\" href=\"{action}\">No, go back</a></form>",
        customer.csrf_field()
    );
    customer.page("Revoke this consent?", &body)
}

async fn apply(
    state: &AppState,
    customer: &Customer,
    consent_id: &str,
    action: CustomerAction,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &customer.visitor)?;
    let (artefact, _) = change(state, &customer.session, consent_id, action).await?;
    let done = match action {
        CustomerAction::Pause => "paused",
        CustomerAction::Resume => "resumed",
        CustomerAction::Revoke => "revoked",
    };
    Ok(pages::see_other(&format!(
        "/cm/consents/{}?done={done}",
        encode(&artefact.consent_id)
    )))
}

pub async fn pause(
    state: web::Data<AppState>,
    customer: Customer,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &customer, &id, CustomerAction::Pause, form).await
}

pub async fn resume(
    state: web::Data<AppState>,
    customer: Customer,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &customer, &id, CustomerAction::Resume, form).await
}

pub async fn revoke(
    state: web::Data<AppState>,
    customer: Customer,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &customer, &id, CustomerAction::Revoke, form).await
}

//! `GET /dashboard/consents/{handle}`: one consent request as `GET /app/consents/{handle}`
//! shows it (refreshed from the AA first when no notification came,
//! [`crate::flows::consent_poll::current`]): its artefacts (consent id, status, FIP, fetch
//! state), its data requests with their sessions; and `POST .../data-requests`, a data request
//! over each consent's whole range by the app API's own function
//! ([`crate::flows::data_request::create`]).

use aa_core::timefmt;
use aa_runtime::http::pages::{self, escape};
use actix_web::{web, HttpResponse};

use super::shell::{encode, notice, status, Done, Form, Lender, PageError};
use crate::flows::{consent_poll, data_request, redirection};
use crate::persistence::consents::ArtefactRecord;
use crate::state::AppState;

fn artefacts_table(artefacts: &[ArtefactRecord]) -> String {
    if artefacts.is_empty() {
        return "<p class=\"card\">No consent artefact yet: the customer has not approved \
                the request at the AA.</p>"
            .to_owned();
    }
    let mut out = String::from(
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Consent artefacts\"><table><caption>Consent artefacts</caption><thead><tr>\
         <th scope=\"col\">Consent id</th><th scope=\"col\">Status</th>\
         <th scope=\"col\">FIP</th><th scope=\"col\">Fetch</th><th scope=\"col\">Note</th>\
         </tr></thead><tbody>",
    );
    for a in artefacts {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.consent_id),
            status(a.status.as_str()),
            escape(a.fip_id.as_deref().unwrap_or("not known yet")),
            status(a.fetch.as_str()),
            escape(a.error.as_deref().unwrap_or("")),
        ));
    }
    out.push_str("</tbody></table></div>");
    out
}

/// `GET /dashboard/consents/{handle}`.
pub async fn show(
    lender: Lender,
    state: web::Data<AppState>,
    handle: web::Path<String>,
    query: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let (request, artefacts) = consent_poll::current(&state, &handle).await?;
    let requests = state
        .store
        .data_requests(&request.handle)
        .await
        .map_err(|e| PageError::internal(&e))?;
    let mut body = notice(query.done.as_deref());
    body.push_str(&format!(
        "<section class=\"card\"><h2>Request</h2><dl class=\"facts\">\
         <dt>Handle</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd><dt>Customer</dt><dd>{}</dd>\
         <dt>AA</dt><dd>{}</dd><dt>Template</dt><dd>{}</dd><dt>Data from</dt><dd>{}</dd>\
         <dt>Data to</dt><dd>{}</dd><dt>Consent expiry</dt><dd>{}</dd><dt>Created</dt>\
         <dd>{}</dd></dl>{}</section>",
        escape(&request.handle),
        status(request.status.as_str()),
        escape(&request.customer),
        escape(&request.aa_id),
        escape(&request.template),
        escape(&request.terms.data_from),
        escape(&request.terms.data_to),
        escape(&request.terms.consent_expiry),
        escape(&timefmt::format_millis(request.created_at)),
        match &request.poll_error {
            Some(e) => format!(
                "<p class=\"error\">The last status check at the AA failed: {}</p>",
                escape(e)
            ),
            None => String::new(),
        },
    ));
    if request.status == crate::domain::status::ConsentState::Pending
        && state.redirection.target(&request.aa_id).is_some()
    {
        body.push_str(&format!(
            "<form method=\"post\" action=\"/dashboard/consents/{}/redirect\">{}\
             <button type=\"submit\">Open the customer's consent page at {}</button> \
             <span class=\"muted\">Sahamati redirection: a fresh link, valid for 180 seconds, \
             that brings the browser back here</span></form>",
            encode(&request.handle),
            lender.csrf_field(),
            escape(&request.aa_id)
        ));
    }
    body.push_str("<h2>Artefacts</h2>");
    body.push_str(&artefacts_table(&artefacts));
    body.push_str(&format!(
        "<form method=\"post\" action=\"/dashboard/consents/{}/data-requests\">{}\
         <button type=\"submit\">Start a data request</button> <span class=\"muted\">over \
         each consent's whole data range</span></form>",
        encode(&request.handle),
        lender.csrf_field()
    ));
    body.push_str("<h2>Data requests</h2>");
    if requests.is_empty() {
        body.push_str("<p class=\"card\">No data request yet.</p>");
    }
    for (data_request, _) in &requests {
        let sessions = state
            .store
            .sessions_of(&data_request.id)
            .await
            .map_err(|e| PageError::internal(&e))?;
        let states: Vec<_> = sessions.iter().map(|s| s.status).collect();
        body.push_str(&format!(
            "<section class=\"card\"><h3><a href=\"/dashboard/data-requests/{}\">Data request \
             {}</a></h3><p>{} <span class=\"muted\">({}, {})</span></p><ul class=\"plain\">",
            encode(&data_request.id),
            escape(&data_request.id),
            status(crate::domain::data_request::request_status(&states)),
            escape(&data_request.trigger),
            escape(&timefmt::format_millis(data_request.created_at)),
        ));
        for s in &sessions {
            body.push_str(&format!(
                "<li>{}: session {} {}{}</li>",
                escape(&s.fip_id),
                escape(s.session_id.as_deref().unwrap_or("(not yet opened)")),
                status(s.status.as_str()),
                match &s.error {
                    Some(e) => format!(" <span class=\"muted\">{}</span>", escape(e)),
                    None => String::new(),
                }
            ));
        }
        body.push_str("</ul></section>");
    }
    Ok(lender.page("Consent request", &body))
}

/// `POST /dashboard/consents/{handle}/redirect`: a fresh redirection link to the customer's AA
/// (the browser comes back to this consent's page), and the browser sent there.
pub async fn redirect_customer(
    lender: Lender,
    state: web::Data<AppState>,
    handle: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &lender.visitor)?;
    let request = crate::flows::known_consent(&state, &handle).await?;
    let back = state
        .redirection
        .public_url(&format!("/dashboard/consents/{}", encode(&request.handle)));
    let link = redirection::link(
        &state,
        &request.handle,
        &request.aa_id,
        &request.customer,
        Some(&back),
    )
    .await?
    .ok_or_else(|| {
        PageError::from(crate::routes::app::error::AppError::conflict(format!(
            "redirection to {} is not set up (redirection.urls and passphrases)",
            request.aa_id
        )))
    })?;
    Ok(pages::see_other(&link))
}

/// `POST /dashboard/consents/{handle}/data-requests`: then the new request's page.
pub async fn request_data(
    lender: Lender,
    state: web::Data<AppState>,
    handle: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &lender.visitor)?;
    let queued = data_request::create(&state, &handle, None).await?;
    Ok(pages::see_other(&format!(
        "/dashboard/data-requests/{}?done=requested",
        encode(&queued.id)
    )))
}

//! `GET /dashboard`: the latest consent requests with their status, newest first (what
//! `GET /app/consents` lists); `GET /dashboard/consents/new` and `POST /dashboard/consents`: a
//! consent request from a template, made by the app API's own function
//! ([`crate::flows::consent_request::request`]).

use aa_core::registry::Role;
use aa_core::timefmt;
use aa_runtime::http::pages::{self, escape};
use actix_web::{web, HttpResponse};

use super::shell::{encode, notice, status, Done, Form, Lender, PageError};
use crate::flows::consent_request;
use crate::state::AppState;

/// How many requests the list shows (as `GET /app/consents`).
const LATEST: u64 = 100;

/// `GET /dashboard`.
pub async fn home(
    lender: Lender,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let requests = state
        .store
        .consent_requests(LATEST)
        .await
        .map_err(|e| PageError::internal(&e))?;
    let mut body = notice(query.done.as_deref());
    body.push_str(
        "<p><a class=\"button\" href=\"/dashboard/consents/new\">New consent request</a></p>",
    );
    if requests.is_empty() {
        body.push_str("<p class=\"card\">No consent requests yet.</p>");
    } else {
        body.push_str(
            "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Consent requests\"><table><caption>Latest consent requests, newest first\
             </caption><thead><tr><th scope=\"col\">Handle</th><th scope=\"col\">Customer</th>\
             <th scope=\"col\">Template</th><th scope=\"col\">AA</th>\
             <th scope=\"col\">Status</th><th scope=\"col\">Created</th></tr></thead><tbody>",
        );
        for r in &requests {
            body.push_str(&format!(
                "<tr><td><a href=\"/dashboard/consents/{}\">{}</a></td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td></tr>",
                encode(&r.handle),
                escape(&r.handle),
                escape(&r.customer),
                escape(&r.template),
                escape(&r.aa_id),
                status(r.status.as_str()),
                escape(&timefmt::format_millis(r.created_at)),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    Ok(lender.page("Consent requests", &body))
}

/// The AAs of the registry, by id.
fn aas(state: &AppState) -> Vec<(String, String)> {
    state
        .registry
        .current()
        .entities()
        .iter()
        .filter(|e| e.role == Role::Aa)
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect()
}

/// A value as the wire spells it (`ONETIME`, `STORE`).
fn wire(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// `GET /dashboard/consents/new`.
pub async fn new_form(lender: Lender, state: web::Data<AppState>) -> HttpResponse {
    let mut templates = String::new();
    for (i, t) in state.templates.iter().enumerate() {
        let s = t.settings();
        let id = format!("template-{i}");
        let purpose = s.purpose.text.as_deref().unwrap_or("");
        templates.push_str(&format!(
            "<label class=\"check\" for=\"{id}\"><input type=\"radio\" id=\"{id}\" \
             name=\"template\" value=\"{}\"{} required><span><strong>{}</strong>: {} \
             <span class=\"muted\">(purpose {} {}; {}; {} data)</span></span></label>",
            escape(t.name()),
            if i == 0 { " checked" } else { "" },
            escape(t.name()),
            escape(s.description.as_deref().unwrap_or("")),
            escape(&s.purpose.code),
            escape(purpose),
            escape(&wire(&s.fetch_type)),
            escape(&wire(&s.consent_mode)),
        ));
    }
    let options: String = aas(&state)
        .iter()
        .map(|(id, name)| {
            format!(
                "<option value=\"{}\">{} ({})</option>",
                escape(id),
                escape(id),
                escape(name)
            )
        })
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"/dashboard/consents\" class=\"card\">{}\
         <fieldset><legend>Template</legend>{templates}</fieldset>\
         <label for=\"customer\">Customer handle</label>\
         <input type=\"text\" id=\"customer\" name=\"customer\" required \
         placeholder=\"9999999999@AA-1\" aria-describedby=\"customer-help\">\
         <p class=\"muted\" id=\"customer-help\">The customer's id at their AA, e.g. \
         9999999999@AA-1 (or only 9999999999: the AA chosen below is added).</p>\
         <label for=\"aa\">Account Aggregator</label>\
         <select id=\"aa\" name=\"aa\" required>{options}</select>\
         <button type=\"submit\">Send the consent request</button></form>",
        lender.csrf_field()
    );
    lender.page("New consent request", &body)
}

/// The customer handle at `aa`: `customer` as given when it names that AA, with `@aa` added
/// when it names none; a handle naming another AA is refused.
fn handle_at(customer: &str, aa: &str) -> Result<String, PageError> {
    let customer = customer.trim();
    if aa.is_empty() {
        return Err(PageError::bad_request("choose the customer's AA"));
    }
    match customer.rsplit_once('@') {
        None if !customer.is_empty() => Ok(format!("{customer}@{aa}")),
        Some((_, named)) if named != aa => Err(PageError::bad_request(format!(
            "the customer handle names the AA {named:?}, not the chosen {aa:?}"
        ))),
        _ => Ok(customer.to_owned()),
    }
}

/// `POST /dashboard/consents`: `template`, `customer`, `aa`; then the request's page.
pub async fn create(
    lender: Lender,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &lender.visitor)?;
    let customer = handle_at(form.get("customer"), form.get("aa"))?;
    let handle = consent_request::request(&state, &customer, form.get("template")).await?;
    Ok(pages::see_other(&format!(
        "/dashboard/consents/{}?done=created",
        encode(&handle)
    )))
}

#[cfg(test)]
mod tests {
    use super::handle_at;

    #[test]
    fn the_chosen_aa_completes_or_must_match_the_handle() {
        assert_eq!(handle_at("9999999999", "AA-1").unwrap(), "9999999999@AA-1");
        assert_eq!(
            handle_at(" 9999999999@AA-1 ", "AA-1").unwrap(),
            "9999999999@AA-1"
        );
        assert!(handle_at("9999999999@AA-2", "AA-1").is_err());
        assert!(handle_at("9999999999", "").is_err());
        // An empty handle is left to the flow, which says what a handle looks like.
        assert_eq!(handle_at("", "AA-1").unwrap(), "");
    }
}

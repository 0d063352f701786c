//! A pending consent request, in plain language, with its decision: `GET /cm/requests/{handle}`
//! shows the terms and the linked accounts that hold the data asked for (checkboxes); `POST
//! .../approve` (`app::approve::approve_request`) and `POST .../reject`
//! (`app::reject::reject_request`) decide it, as the customer API does. The redirection page
//! ([`super::webview`]) shows the same [`decision_card`].

use aa_runtime::http::pages::{self, escape};
use actix_web::{web, HttpResponse};

use super::shell::{encode, Customer, Form, PageError};
use super::terms::{entity_name, facts};
use crate::persistence::records::ConsentRequestRecord;
use crate::routes::app::approve::approve_request;
use crate::routes::app::reject::reject_request;
use crate::routes::app::views::{pending_request, terms_of, AccountView};
use crate::state::AppState;

/// The terms of `request` and the checkboxes (field `account`, or `account:<handle>` when
/// `per_request`) of the customer's linked accounts holding a data type it asks for.
pub async fn decision_card(
    state: &AppState,
    customer: &Customer,
    request: &ConsentRequestRecord,
    per_request: bool,
) -> Result<String, PageError> {
    let terms = terms_of(request)?;
    let accounts: Vec<AccountView> = state
        .store
        .linked_accounts(&customer.session.customer.id)
        .await?
        .iter()
        .filter_map(AccountView::linked)
        .filter(|a| terms.fi_types.iter().any(|t| t.as_str() == a.fi_type))
        .collect();
    let field = if per_request {
        format!("account:{}", request.handle)
    } else {
        "account".to_owned()
    };
    let mut boxes = String::new();
    for (i, a) in accounts.iter().enumerate() {
        let id = format!("acc-{}-{i}", encode(&request.handle).replace('%', "_"));
        boxes.push_str(&format!(
            "<label class=\"check\" for=\"{id}\"><input type=\"checkbox\" id=\"{id}\" \
             name=\"{}\" value=\"{}\" checked> {} {} at {}</label>",
            escape(&field),
            escape(&a.link_ref_number),
            escape(&a.acc_type.to_lowercase()),
            escape(&a.masked_acc_number),
            escape(&entity_name(state, &a.fip_id)),
        ));
    }
    let choose = if boxes.is_empty() {
        "<p class=\"error\">None of your linked accounts holds the data asked for. \
         <a href=\"/cm/fips\">Link an account</a> first, or reject.</p>"
            .to_owned()
    } else {
        format!("<fieldset><legend>Share data from these accounts</legend>{boxes}</fieldset>")
    };
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"h-{0}\"><h2 id=\"h-{0}\">{1} asks for your \
         data</h2>{2}{choose}</section>",
        encode(&request.handle).replace('%', "_"),
        escape(&entity_name(state, &request.fiu_id)),
        facts(state, &request.fiu_id, &terms),
    ))
}

/// `GET /cm/requests/{handle}`.
pub async fn show(
    state: web::Data<AppState>,
    customer: Customer,
    handle: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let request = pending_request(&state, &customer.session, &handle).await?;
    let card = decision_card(&state, &customer, &request, false).await?;
    let action = format!("/cm/requests/{}", encode(&request.handle));
    let body = format!(
        "<form method=\"post\" action=\"{action}/approve\">{}{card}\
         <button type=\"submit\">Approve</button></form>\
         <form method=\"post\" action=\"{action}/reject\">{}\
         <button type=\"submit\" class=\"danger\">Reject</button></form>",
        customer.csrf_field(),
        customer.csrf_field()
    );
    Ok(customer.page("Consent request", &body))
}

/// `POST /cm/requests/{handle}/approve` (account...).
pub async fn approve(
    state: web::Data<AppState>,
    customer: Customer,
    handle: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &customer.visitor)?;
    approve_request(&state, &customer.session, &handle, &form.all("account")).await?;
    Ok(pages::see_other("/cm?done=approved"))
}

/// `POST /cm/requests/{handle}/reject`.
pub async fn reject(
    state: web::Data<AppState>,
    customer: Customer,
    handle: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &customer.visitor)?;
    reject_request(&state, &customer.session, &handle).await?;
    Ok(pages::see_other("/cm?done=rejected"))
}

//! Finding and linking accounts, through the customer API's functions: `GET /cm/fips` (choose a
//! FIP), `POST /cm/discover` (`app::discover::discover_at_fips`), `GET /cm/fips/{fip}` (the
//! accounts found there, to choose), `POST /cm/link` (`app::link::start_link`), `GET|POST
//! /cm/link/{fip}/{ref}` (the FIP's OTP, `app::link_verify::verify_link`) and `POST
//! /cm/accounts/delink` (`app::delink::delink_account`).

use aa_core::rebit::AuthenticatorType;
use aa_core::registry::Role;
use aa_runtime::http::pages::{self, escape};
use actix_web::{web, HttpResponse};

use super::shell::{encode, Customer, Form, PageError};
use super::terms::entity_name;
use crate::routes::app::delink::delink_account;
use crate::routes::app::discover::{discover_at_fips, DiscoverRequest};
use crate::routes::app::link::start_link;
use crate::routes::app::link_verify::{verify_link, VerifyRequest};
use crate::state::AppState;

/// `GET /cm/fips`.
pub async fn fips(state: web::Data<AppState>, customer: Customer) -> HttpResponse {
    let registry = state.identity.registry.current();
    let mut options = String::new();
    for (i, fip) in registry.with_role(Role::Fip).enumerate() {
        options.push_str(&format!(
            "<label class=\"check\" for=\"fip-{i}\"><input type=\"radio\" id=\"fip-{i}\" \
             name=\"fip\" value=\"{}\"{}> {}</label>",
            escape(&fip.id),
            if i == 0 { " required" } else { "" },
            escape(&format!("{} ({})", fip.name, fip.id))
        ));
    }
    let body = format!(
        "<p>Choose your bank or other financial information provider (FIP). We ask it for the \
         accounts held under your mobile number.</p><form method=\"post\" \
         action=\"/cm/discover\">{}<fieldset><legend>Financial information providers\
         </legend>{options}</fieldset><label for=\"pan\">PAN (optional, helps the FIP find \
         your accounts)</label><input type=\"text\" id=\"pan\" name=\"pan\" \
         autocomplete=\"off\"><button type=\"submit\">Find my accounts</button></form>",
        customer.csrf_field()
    );
    customer.page("Link accounts", &body)
}

/// `POST /cm/discover` (fip, pan): discovery at that FIP, then its accounts.
pub async fn discover(
    state: web::Data<AppState>,
    customer: Customer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &customer.visitor)?;
    let fip = form.get("fip").to_owned();
    if fip.is_empty() {
        return Err(PageError::bad_request("choose a FIP first"));
    }
    let pan = Some(form.get("pan").to_owned()).filter(|p| !p.is_empty());
    let request = DiscoverRequest {
        fip_ids: vec![fip.clone()],
        pan,
        fi_types: None,
    };
    let results = discover_at_fips(&state, &customer.session, request).await?;
    if let Some(error) = results.iter().find_map(|r| r.error.clone()) {
        return Err(PageError::Page(
            actix_web::http::StatusCode::BAD_GATEWAY,
            format!("the FIP could not find your accounts now ({error}); try again later"),
        ));
    }
    Ok(pages::see_other(&format!("/cm/fips/{}", encode(&fip))))
}

/// `GET /cm/fips/{fip}`: the accounts discovery found there and not yet linked.
pub async fn discovered(
    state: web::Data<AppState>,
    customer: Customer,
    fip: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = state
        .store
        .discovered_at(&customer.session.customer.id, &fip)
        .await?;
    let name = entity_name(&state, &fip);
    if found.is_empty() {
        let body = format!(
            "<p>{} has no accounts to link for you: none were found, or all are linked.</p>\
             <p><a href=\"/cm/fips\">Choose another FIP</a> or <a href=\"/cm\">go home</a>.</p>",
            escape(&name)
        );
        return Ok(customer.page("No accounts to link", &body));
    }
    let mut boxes = String::new();
    for (i, a) in found.iter().enumerate() {
        boxes.push_str(&format!(
            "<label class=\"check\" for=\"acc-{i}\"><input type=\"checkbox\" id=\"acc-{i}\" \
             name=\"account\" value=\"{}\" checked> {} {} ({})</label>",
            escape(&a.acc_ref_number),
            escape(&a.acc_type.to_lowercase()),
            escape(&a.masked_acc_number),
            escape(&a.fi_type.replace('_', " ").to_lowercase())
        ));
    }
    let body = format!(
        "<p>{} holds these accounts for you. Choose the ones to link.</p>\
         <form method=\"post\" action=\"/cm/link\">{}<input type=\"hidden\" name=\"fip\" \
         value=\"{}\"><fieldset><legend>Accounts</legend>{boxes}</fieldset>\
         <button type=\"submit\">Link the chosen accounts</button></form>",
        escape(&name),
        customer.csrf_field(),
        escape(&fip)
    );
    Ok(customer.page("Accounts found", &body))
}

/// `POST /cm/link` (fip, account...): the FIP asked to link; then its OTP form.
pub async fn link(
    state: web::Data<AppState>,
    customer: Customer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &customer.visitor)?;
    let fip = form.get("fip").to_owned();
    let (ref_number, authenticator) =
        start_link(&state, &customer.session, &fip, form.all("account")).await?;
    if authenticator == AuthenticatorType::Direct {
        return Ok(pages::see_other("/cm?done=direct"));
    }
    Ok(pages::see_other(&format!(
        "/cm/link/{}/{}",
        encode(&fip),
        encode(&ref_number)
    )))
}

/// `GET /cm/link/{fip}/{ref}`: the FIP's OTP.
pub async fn otp_form(
    state: web::Data<AppState>,
    customer: Customer,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (fip, ref_number) = path.into_inner();
    let body = format!(
        "<p>{} sent a one-time password to your mobile to confirm the link.</p>\
         <form method=\"post\" action=\"/cm/link/{}/{}\">{}<label for=\"otp\">OTP from your \
         bank</label><input type=\"text\" id=\"otp\" name=\"otp\" inputmode=\"numeric\" \
         autocomplete=\"one-time-code\" required><button type=\"submit\">Confirm</button></form>",
        escape(&entity_name(&state, &fip)),
        encode(&fip),
        encode(&ref_number),
        customer.csrf_field()
    );
    customer.page("Confirm the link", &body)
}

/// `POST /cm/link/{fip}/{ref}` (otp).
pub async fn verify(
    state: web::Data<AppState>,
    customer: Customer,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &customer.visitor)?;
    let (fip_id, ref_number) = path.into_inner();
    let request = VerifyRequest {
        fip_id,
        ref_number,
        otp: form.get("otp").to_owned(),
    };
    verify_link(&state, &customer.session, &request).await?;
    Ok(pages::see_other("/cm?done=linked"))
}

/// `POST /cm/accounts/delink` (fip, link).
pub async fn delink(
    state: web::Data<AppState>,
    customer: Customer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &customer.visitor)?;
    delink_account(&state, &customer.session, form.get("fip"), form.get("link")).await?;
    Ok(pages::see_other("/cm?done=delinked"))
}

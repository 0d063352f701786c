//! `GET /dashboard/data-requests/{id}`: a data request's sessions and their decrypted accounts
//! (read by the app API's own [`crate::flows::fi_data::open`]): per account its profile, its
//! summary, a balance chart ([`super::chart`]) and its transactions, filtered by a GET form
//! ([`super::accounts::Filter`]); export links; and per session when its data will be purged,
//! or that it was.

use aa_core::timefmt;
use aa_runtime::http::pages::escape;
use actix_web::{web, HttpResponse};

use super::accounts::{self, Filter, FilterQuery};
use super::chart;
use super::shell::{encode, notice, status, Lender, PageError};
use crate::domain::retention::PurgeRule;
use crate::flows::fi_data::{self, OpenedAccount, OpenedSession};
use crate::state::AppState;

/// When a rule will purge the data, in words.
fn until(rule: PurgeRule) -> &'static str {
    match rule {
        PurgeRule::DataLife => "the consent's DataLife ends",
        PurgeRule::ViewEnded => "its view session ends (the consent does not allow storing data)",
        PurgeRule::ConsentExpiry => "the consent expires",
        PurgeRule::Revoked => "the consent is revoked",
        PurgeRule::Expired => "the consent expires",
    }
}

fn retention(s: &OpenedSession) -> String {
    let s = &s.session;
    match (s.purged, s.keep_until) {
        (Some((at, rule)), _) => format!(
            "<p class=\"notice retention\">Purged at {} ({}): {}. Its accounts are gone.</p>",
            escape(&timefmt::format_millis(at)),
            escape(rule.as_str()),
            escape(rule.describe())
        ),
        (None, Some((at, rule))) => format!(
            "<p class=\"retention\">The data will be purged at {} ({}), when {}.</p>",
            escape(&timefmt::format_millis(at)),
            escape(rule.as_str()),
            escape(until(rule))
        ),
        (None, None) => "<p class=\"retention muted\">No purge time yet: it is set when the \
                         data arrives.</p>"
            .into(),
    }
}

fn account(n: usize, a: &OpenedAccount, filter: &Filter) -> String {
    let label = format!(
        "{} {}",
        a.record.fi_type.as_deref().unwrap_or("account"),
        a.record
            .masked_acc_number
            .as_deref()
            .unwrap_or(&a.record.link_ref_number)
    );
    let mut out = format!(
        "<section class=\"card account\"><h3>{}</h3><p>FI status {}</p>",
        escape(&label),
        status(&a.record.fi_status)
    );
    if let Some(error) = &a.error {
        out.push_str(&format!("<p class=\"error\">{}</p>", escape(error)));
    }
    match a.data.as_ref().map(accounts::read) {
        None => {}
        Some(None) => out.push_str("<p class=\"error\">The stored document cannot be read.</p>"),
        Some(Some(doc)) => {
            out.push_str(&accounts::profile_and_summary(&doc));
            if let Some(txns) = &doc.transactions {
                out.push_str("<h4>Balance over time</h4>");
                out.push_str(&chart::svg(
                    &format!("chart-{n}"),
                    &label,
                    &chart::points(&txns.list),
                ));
            }
            out.push_str("<h4>Transactions</h4>");
            out.push_str(&accounts::transactions(&doc, filter));
        }
    }
    out.push_str("</section>");
    out
}

fn filter_form(id: &str, f: &Filter) -> String {
    let value = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
    let selected = |k: &str| {
        if f.kind == Some(k) {
            " selected"
        } else {
            ""
        }
    };
    format!(
        "<form method=\"get\" action=\"/dashboard/data-requests/{}\" class=\"card filters\">\
         <fieldset><legend>Filter transactions</legend>\
         <label for=\"from\">From date</label><input type=\"date\" id=\"from\" name=\"from\" \
         value=\"{}\"><label for=\"to\">To date</label><input type=\"date\" id=\"to\" \
         name=\"to\" value=\"{}\"><label for=\"type\">Type</label><select id=\"type\" \
         name=\"type\"><option value=\"\">Credit and debit</option>\
         <option value=\"CREDIT\"{}>Credit</option><option value=\"DEBIT\"{}>Debit</option>\
         </select><label for=\"min\">Minimum amount</label><input type=\"number\" id=\"min\" \
         name=\"min\" min=\"0\" step=\"0.01\" value=\"{}\"></fieldset>\
         <button type=\"submit\">Apply</button>\
         <a class=\"button secondary\" href=\"/dashboard/data-requests/{}\">Clear</a></form>",
        encode(id),
        value(&f.from),
        value(&f.to),
        selected("CREDIT"),
        selected("DEBIT"),
        f.min.map(|m| m.to_string()).unwrap_or_default(),
        encode(id),
    )
}

/// `GET /dashboard/data-requests/{id}[?from=&to=&type=&min=]`.
pub async fn show(
    lender: Lender,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, PageError> {
    let filter = Filter::parse(&query)?;
    let opened = fi_data::open(&state, &id).await?;
    let r = &opened.request;
    let mut body = notice(query.done.as_deref());
    body.push_str(&format!(
        "<section class=\"card\"><dl class=\"facts\"><dt>Request</dt><dd>{}</dd>\
         <dt>Status</dt><dd>{}</dd><dt>Consent request</dt><dd><a \
         href=\"/dashboard/consents/{}\">{}</a></dd><dt>Asked by</dt><dd>{}</dd>\
         <dt>Created</dt><dd>{}</dd></dl></section>",
        escape(&r.id),
        status(opened.status()),
        encode(&r.handle),
        escape(&r.handle),
        escape(&r.trigger),
        escape(&timefmt::format_millis(r.created_at)),
    ));
    if let Some(gone) = opened.all_purged() {
        body.push_str(&format!(
            "<p class=\"notice\" role=\"status\">{}</p>",
            escape(&gone)
        ));
    }
    let export = format!("/dashboard/data-requests/{}/export", encode(&r.id));
    body.push_str(&filter_form(&r.id, &filter));
    body.push_str(&format!(
        "<p>Export: <a href=\"{export}.csv{}\" download>transactions (CSV, as filtered)</a> \
         · <a href=\"{export}.json\" download>the whole request (JSON)</a></p>",
        filter.query()
    ));
    let mut n = 0;
    for s in &opened.sessions {
        let session = &s.session;
        body.push_str(&format!(
            "<h2>{} {}</h2><p>Session {} · consent {} · data {} to {}</p>{}",
            escape(&session.fip_id),
            status(session.status.as_str()),
            escape(session.session_id.as_deref().unwrap_or("(not yet opened)")),
            escape(&session.consent_id),
            escape(&session.data_from),
            escape(&session.data_to),
            retention(s),
        ));
        if let Some(error) = &session.error {
            body.push_str(&format!("<p class=\"error\">{}</p>", escape(error)));
        }
        for a in &s.accounts {
            n += 1;
            body.push_str(&account(n, a, &filter));
        }
    }
    Ok(lender.page("Data request", &body))
}

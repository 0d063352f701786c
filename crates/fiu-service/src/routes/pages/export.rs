//! `GET /dashboard/data-requests/{id}/export.csv[?from=&to=&type=&min=]`: the transactions of
//! every account, filtered as on the page, one row each (RFC 4180 quoting; a text cell that a
//! spreadsheet would run as a formula is prefixed with `'`); and `.../export.json`: the request
//! exactly as `GET /app/data-requests/{id}` answers it ([`crate::flows::fi_data::json`]).
//! Both are attachments, never cached.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::accounts::{self, Filter, FilterQuery};
use super::shell::{Lender, PageError};
use crate::flows::fi_data::{self, OpenedRequest};
use crate::state::AppState;

const COLUMNS: [&str; 9] = [
    "txnId",
    "type",
    "mode",
    "amount",
    "currentBalance",
    "transactionTimestamp",
    "valueDate",
    "narration",
    "reference",
];

/// One CSV cell: quoted when it holds a comma, a quote or a line break (quotes doubled); a
/// cell starting with `= + - @`, a tab or a carriage return that is not a number gets a `'`
/// first, so a spreadsheet shows it as text.
pub fn cell(value: &str) -> String {
    let formula =
        value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.trim().parse::<f64>().is_err();
    let value = if formula {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The CSV of `opened`'s transactions that pass `filter`.
pub fn csv(opened: &OpenedRequest, filter: &Filter) -> String {
    let mut out = String::from("fipId,maskedAccNumber,linkRefNumber");
    for c in COLUMNS {
        out.push(',');
        out.push_str(c);
    }
    out.push_str("\r\n");
    for s in &opened.sessions {
        for a in &s.accounts {
            let Some(doc) = a.data.as_ref().and_then(accounts::read) else {
                continue;
            };
            let Some(txns) = &doc.transactions else {
                continue;
            };
            for t in txns.list.iter().filter(|t| filter.keeps(t)) {
                let mut row = vec![
                    cell(&s.session.fip_id),
                    cell(&doc.masked_acc_number),
                    cell(&a.record.link_ref_number),
                ];
                row.extend(COLUMNS.iter().map(|c| cell(t.get(c).unwrap_or(""))));
                out.push_str(&row.join(","));
                out.push_str("\r\n");
            }
        }
    }
    out
}

fn attachment(content_type: &str, id: &str, extension: &str, body: String) -> HttpResponse {
    let name: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"data-request-{name}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body)
}

/// `GET /dashboard/data-requests/{id}/export.csv`.
pub async fn export_csv(
    _: Lender,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, PageError> {
    let filter = Filter::parse(&query)?;
    let opened = fi_data::open(&state, &id).await?;
    tracing::info!(request.id = %opened.request.id, "data request exported as CSV");
    Ok(attachment(
        "text/csv; charset=utf-8",
        &opened.request.id,
        "csv",
        csv(&opened, &filter),
    ))
}

/// `GET /dashboard/data-requests/{id}/export.json`.
pub async fn export_json(
    _: Lender,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let opened = fi_data::open(&state, &id).await?;
    let body = serde_json::to_string_pretty(&fi_data::json(&opened))
        .map_err(|e| PageError::internal(&e))?;
    tracing::info!(request.id = %opened.request.id, "data request exported as JSON");
    Ok(attachment(
        "application/json",
        &opened.request.id,
        "json",
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("Chai & Snacks, 2"), "\"Chai & Snacks, 2\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-250.00"), "-250.00");
        assert_eq!(cell(""), "");
    }
}

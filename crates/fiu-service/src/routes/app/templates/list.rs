//! `GET /app/templates`: every configured consent template, with its terms.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use crate::domain::template::{ConsentTemplate, DataRangeSettings};
use crate::routes::app::auth::AppCaller;
use crate::state::AppState;

/// A template as the app API shows it.
fn view(template: &ConsentTemplate) -> Value {
    let s = template.settings();
    let data_range = match &s.data_range {
        DataRangeSettings::Last { last } => json!({ "last": last }),
        DataRangeSettings::Fixed { from, to } => json!({ "from": from, "to": to }),
    };
    json!({
        "name": template.name(),
        "description": s.description,
        "purpose": {
            "code": s.purpose.code,
            "text": s.purpose.text,
            "refUri": template.purpose_ref_uri(),
            "category": s.purpose.category,
        },
        "fiTypes": s.fi_types,
        "consentTypes": s.consent_types,
        "consentMode": s.consent_mode,
        "fetchType": s.fetch_type,
        "frequency": s.frequency,
        "dataLife": s.data_life,
        "dataRange": data_range,
        "consentValidity": s.consent_validity,
        "dataFilter": s.data_filter,
    })
}

pub async fn list(_: AppCaller, state: web::Data<AppState>) -> HttpResponse {
    let templates: Vec<Value> = state.templates.iter().map(view).collect();
    HttpResponse::Ok().json(templates)
}

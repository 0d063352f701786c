//! How the app API shows a consent request and its artefacts.

use aa_core::timefmt;
use serde_json::{json, Value};

use crate::domain::status::FetchState;
use crate::persistence::consents::{ArtefactRecord, ConsentRequestRecord};
use crate::persistence::redirects::RedirectRecord;

/// One artefact: `verified` is true only once the AA's signature and the terms were checked;
/// `consentDetail` is the signed ConsentDetail, present only then; `error` says why an artefact
/// was refused or could not be fetched.
pub fn artefact(a: &ArtefactRecord) -> Value {
    json!({
        "consentId": a.consent_id,
        "status": a.status.as_str(),
        "fipId": a.fip_id,
        "verified": a.fetch == FetchState::Verified,
        "fetch": a.fetch.as_str(),
        "error": a.error,
        "signerKid": a.signer_kid,
        "consentDetail": a.detail,
        "updatedAt": timefmt::format_millis(a.updated_at),
    })
}

/// A request in a list.
pub fn summary(r: &ConsentRequestRecord) -> Value {
    json!({
        "consentHandle": r.handle,
        "customer": r.customer,
        "aaId": r.aa_id,
        "template": r.template,
        "status": r.status.as_str(),
        "createdAt": timefmt::format_millis(r.created_at),
        "updatedAt": timefmt::format_millis(r.updated_at),
    })
}

/// The newest redirection link of a request: when it was handed out and, once the browser came
/// back, the outcome the AA sealed (`approved`, `rejected`, `failed`) and when.
pub fn redirect(link: &RedirectRecord) -> Value {
    json!({
        "createdAt": timefmt::format_millis(link.created_at),
        "outcome": link.outcome.as_ref().map(|(outcome, _, _)| outcome),
        "returnedAt": link.outcome.as_ref().map(|(_, _, at)| timefmt::format_millis(*at)),
    })
}

/// A request with its terms and artefacts, and its newest redirection link.
pub fn consent(
    r: &ConsentRequestRecord,
    artefacts: &[ArtefactRecord],
    link: Option<&RedirectRecord>,
) -> Value {
    let mut value = summary(r);
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "fiDataRange".into(),
            json!({ "from": r.terms.data_from, "to": r.terms.data_to }),
        );
        object.insert("consentStart".into(), json!(r.terms.consent_start));
        object.insert("consentExpiry".into(), json!(r.terms.consent_expiry));
        object.insert("pollError".into(), json!(r.poll_error));
        object.insert("redirect".into(), link.map(redirect).unwrap_or(Value::Null));
        object.insert(
            "artefacts".into(),
            Value::Array(artefacts.iter().map(artefact).collect()),
        );
    }
    value
}

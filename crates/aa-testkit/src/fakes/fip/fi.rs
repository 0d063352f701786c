//! The fake FIP's FI routes: `POST /FI/request` opens a session with one small document per
//! account encrypted for the FIU's key, `POST /FI/fetch` answers its ciphertexts.

use std::sync::atomic::Ordering;
use std::sync::Mutex;

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::jws::compact;
use aa_core::rebit::{
    EncryptedFi, ErrorCode, FiFetchRequest, FiFetchResponse, FiRequest, FiResponse, FipFi,
};
use aa_core::timefmt;
use aa_runtime::http::{RebitError, Verified};
use actix_web::{web, HttpResponse};

use super::super::from_aa;
use super::{FakeFip, FipSession, Tamper};

/// The answer as JSON, changed by `tamper` when one is set.
fn answer(mut value: serde_json::Value, tamper: &Mutex<Option<Tamper>>) -> HttpResponse {
    let tamper = tamper.lock().unwrap().clone();
    if let Some(tamper) = tamper {
        tamper(&mut value);
    }
    HttpResponse::Ok().json(value)
}

/// Opens a session: checks the artefact it holds, encrypts one small document per account for
/// the FIU's key (a fresh key of the FIU's curve), and answers the session id.
pub(crate) async fn fi_request(
    fip: web::Data<FakeFip>,
    request: Verified<FiRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let echo = |e: RebitError| e.echo(Some(&body.ver), Some(&body.txnid));
    fip.log.lock().unwrap().fi_requests.push(body.clone());
    if fip.fi_broken.load(Ordering::SeqCst) {
        return Err(echo(RebitError::new(ErrorCode::InternalError, "down")));
    }
    if fip.refuse_fi.load(Ordering::SeqCst) {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidConsentId,
            "refused by the fake FIP",
        )));
    }
    let Some((artefact, detail)) = fip
        .consents()
        .into_iter()
        .find(|(a, _)| a.consent_id == body.consent.id)
    else {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidConsentId,
            "unknown consent",
        )));
    };
    if compact::signature_segment(&artefact.signed_consent)
        != Some(body.consent.digital_signature.as_str())
    {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidRequest,
            "digitalSignature",
        )));
    }
    let now = time::OffsetDateTime::now_utc();
    let fiu_key = key_material::read(&body.key_material, now)
        .map_err(|e| echo(RebitError::new(ErrorCode::InvalidKey, e.to_string())))?;
    let curve: Curve = body.key_material.curve.as_str().parse().unwrap();
    let ours = key_material::generate(curve, now + time::Duration::hours(1)).unwrap();
    let accounts = detail
        .accounts
        .iter()
        .map(|a| {
            let plain = format!(
                "<Account linkedAccRef=\"{}\" marker=\"PLAINTEXT-{}\"/>",
                a.link_ref_number,
                uuid::Uuid::new_v4()
            );
            let cipher = ours.encrypt_for(&fiu_key, plain.as_bytes()).unwrap();
            (
                a.link_ref_number.clone(),
                a.masked_acc_number.clone(),
                plain,
                cipher,
            )
        })
        .collect();
    let session_id = uuid::Uuid::new_v4().to_string();
    fip.fi_sessions.lock().unwrap().insert(
        session_id.clone(),
        FipSession {
            consent_id: artefact.consent_id.clone(),
            accounts,
            key_material: ours.key_material,
        },
    );
    let gate = fip.hold_fi.lock().unwrap().take();
    if let Some(gate) = gate {
        let _ = gate.await;
    }
    let response = FiResponse {
        ver: body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: body.txnid.clone(),
        consent_id: artefact.consent_id,
        session_id,
    };
    Ok(answer(
        serde_json::to_value(&response).unwrap(),
        &fip.tamper_fi_request,
    ))
}

pub(crate) async fn fi_fetch(
    fip: web::Data<FakeFip>,
    request: Verified<FiFetchRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let echo = |e: RebitError| e.echo(Some(&body.ver), Some(&body.txnid));
    fip.log.lock().unwrap().fi_fetches.push(body.clone());
    if fip.fi_broken.load(Ordering::SeqCst) {
        return Err(echo(RebitError::new(ErrorCode::InternalError, "down")));
    }
    let Some(session) = fip
        .fi_sessions
        .lock()
        .unwrap()
        .get(&body.session_id)
        .cloned()
    else {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidSessionId,
            "unknown session",
        )));
    };
    let wanted: Option<Vec<String>> = body
        .link_ref_number
        .as_ref()
        .map(|l| l.iter().map(|l| l.id.clone()).collect());
    let data = session
        .accounts
        .iter()
        .filter(|(link, ..)| wanted.as_ref().is_none_or(|w| w.contains(link)))
        .map(|(link, masked, _, cipher)| EncryptedFi {
            link_ref_number: link.clone(),
            masked_acc_number: masked.clone(),
            encrypted_fi: cipher.clone(),
        })
        .collect();
    let response = FiFetchResponse {
        ver: body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: body.txnid.clone(),
        fi: vec![FipFi {
            fip_id: fip.id.clone(),
            data,
            key_material: session.key_material,
        }],
    };
    Ok(answer(
        serde_json::to_value(&response).unwrap(),
        &fip.tamper_fi_fetch,
    ))
}

//! Checking a consent artefact fetched from an AA before the FIU relies on it: `signedConsent`
//! must be a compact JWS signed with a key the registry publishes for the AA the consent was
//! requested through (not merely any registered key), and the ConsentDetail it signs must be
//! what the FIU asked for: the same customer, this FIU as data consumer, FI and consent types
//! among those requested, the same purpose, consent mode and fetch type, and a data range
//! within the one requested.

use aa_core::jws::{compact, JwsError};
use aa_core::rebit::{ConsentArtefact, DataConsumerType, SignedConsentDetail};
use aa_core::registry::Registry;
use aa_core::timefmt;

use super::status::ConsentState;
use super::terms::ConsentTerms;

/// An artefact that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedArtefact {
    pub consent_id: String,
    pub status: ConsentState,
    /// `DataProvider.id`.
    pub fip_id: String,
    /// The key that signed it.
    pub signer_kid: String,
    /// The compact JWS, kept as received (its signature is what `FI/request` presents).
    pub signed_consent: String,
    /// The signed ConsentDetail, as JSON.
    pub detail: serde_json::Value,
}

/// Why an artefact was refused. Messages are safe to store and show: they never quote the JWS.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the AA answered with consent {found:?} instead of the one asked for")]
    WrongConsentId { found: String },
    #[error("signedConsent is signed with key {kid:?}, which the registry does not list")]
    UnknownKey { kid: String },
    #[error("signedConsent is signed with key {kid:?} of {owner}, not with a key of {aa}")]
    NotTheAasKey {
        kid: String,
        owner: String,
        aa: String,
    },
    #[error("signedConsent does not verify: {0}")]
    Signature(JwsError),
    #[error("the signed consent is not a ConsentDetail: {0}")]
    Payload(String),
    #[error("the signed consent does not match the request: {0}")]
    Mismatch(String),
}

/// What the artefact must match.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The AA the consent was requested through.
    pub aa_id: &'a str,
    /// This FIU.
    pub fiu_id: &'a str,
    pub consent_id: &'a str,
    /// The customer handle the request named.
    pub customer: &'a str,
    pub terms: &'a ConsentTerms,
}

/// Verifies `artefact` against the registry and the request.
pub fn verify(
    registry: &Registry,
    expected: Expected<'_>,
    artefact: &ConsentArtefact,
) -> Result<VerifiedArtefact, Refusal> {
    if artefact.consent_id != expected.consent_id {
        return Err(Refusal::WrongConsentId {
            found: artefact.consent_id.clone(),
        });
    }
    let jws = artefact.signed_consent.trim();
    let kid = compact::kid(jws).map_err(Refusal::Signature)?;
    match registry.by_kid(&kid) {
        None => return Err(Refusal::UnknownKey { kid }),
        Some((owner, _)) if owner.id != expected.aa_id => {
            return Err(Refusal::NotTheAasKey {
                kid,
                owner: owner.id.clone(),
                aa: expected.aa_id.to_owned(),
            })
        }
        Some(_) => {}
    }
    let verified = compact::verify(jws, |kid| {
        registry
            .by_kid(kid)
            .filter(|(owner, _)| owner.id == expected.aa_id)
            .map(|(_, key)| key)
    })
    .map_err(Refusal::Signature)?;
    let detail: SignedConsentDetail =
        serde_json::from_slice(&verified.payload).map_err(|e| Refusal::Payload(e.to_string()))?;
    let json: serde_json::Value =
        serde_json::from_slice(&verified.payload).map_err(|e| Refusal::Payload(e.to_string()))?;
    check_terms(&detail, expected).map_err(Refusal::Mismatch)?;
    Ok(VerifiedArtefact {
        consent_id: artefact.consent_id.clone(),
        status: artefact.status.into(),
        fip_id: detail.data_provider.id.clone(),
        signer_kid: kid,
        signed_consent: jws.to_owned(),
        detail: json,
    })
}

fn subset<T: PartialEq>(signed: &[T], requested: &[T]) -> bool {
    !signed.is_empty() && signed.iter().all(|item| requested.contains(item))
}

/// The signed terms against the requested ones; the error names the first difference.
fn check_terms(detail: &SignedConsentDetail, expected: Expected<'_>) -> Result<(), String> {
    let terms = expected.terms;
    if detail.customer.id != expected.customer {
        return Err("Customer.id is not the customer asked".into());
    }
    if detail.data_consumer.id != expected.fiu_id
        || detail
            .data_consumer
            .kind
            .is_some_and(|kind| kind != DataConsumerType::Fiu)
    {
        return Err(format!("DataConsumer is not FIU {}", expected.fiu_id));
    }
    if !subset(&detail.fi_types, &terms.fi_types) {
        return Err("fiTypes are not among those requested".into());
    }
    if !subset(&detail.consent_types, &terms.consent_types) {
        return Err("consentTypes are not among those requested".into());
    }
    if detail.purpose.code != terms.purpose.code {
        return Err(format!(
            "Purpose.code is {:?}, not {:?}",
            detail.purpose.code, terms.purpose.code
        ));
    }
    if detail.consent_mode != terms.consent_mode {
        return Err("consentMode differs from the request".into());
    }
    if detail.fetch_type != terms.fetch_type {
        return Err("fetchType differs from the request".into());
    }
    let instant = |text: &str, field: &str| {
        timefmt::parse(text).ok_or_else(|| format!("{field} is not an RFC 3339 date-time"))
    };
    let from = instant(&detail.fi_data_range.from, "FIDataRange.from")?;
    let to = instant(&detail.fi_data_range.to, "FIDataRange.to")?;
    let asked_from = instant(&terms.data_from, "the requested range start")?;
    let asked_to = instant(&terms.data_to, "the requested range end")?;
    if from > to || from < asked_from || to > asked_to {
        return Err("FIDataRange is not within the range requested".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use aa_core::jws::SigningKey;
    use aa_core::rebit::{ConsentStatus, ConsentUse, FiType};

    use super::*;
    use crate::domain::customer::CustomerHandle;
    use crate::domain::template::{tests::wealth, ConsentTemplate};

    const AA_KEY: &str = include_str!("../../../aa-core/tests/fixtures/keys/aa-1.pem");
    const FIP_KEY: &str = include_str!("../../../aa-core/tests/fixtures/keys/fip-1.pem");
    const OTHER_KEY: &str = include_str!("../../../aa-core/tests/fixtures/keys/other-rsa.pem");

    fn key(pem: &str, kid: &str) -> SigningKey {
        SigningKey::from_pem(pem, kid).unwrap()
    }

    fn registry() -> Registry {
        let entity = |id: &str, role: &str, pem: &str, kid: &str| {
            let public = key(pem, kid).verifying_key().to_pem();
            format!(
                "  - id: {id}\n    role: {role}\n    base_url: http://127.0.0.1:1\n    keys:\n      - kid: {kid}\n        pem: |\n          {}\n",
                public.trim_end().replace('\n', "\n          ")
            )
        };
        let yaml = format!(
            "entities:\n{}{}",
            entity("AA-1", "AA", AA_KEY, "aa-1-sig"),
            entity("FIP-1", "FIP", FIP_KEY, "fip-1-sig")
        );
        Registry::from_text(&yaml, false, Path::new(".")).unwrap()
    }

    fn terms() -> ConsentTerms {
        let template = ConsentTemplate::parse("wealth-monthly", wealth()).unwrap();
        ConsentTerms::from_template(&template, time::OffsetDateTime::now_utc()).unwrap()
    }

    fn signed_detail(terms: &ConsentTerms) -> serde_json::Value {
        let customer = CustomerHandle::parse("9999999999@AA-1").unwrap();
        let mut json = serde_json::to_value(terms.to_consent_detail(&customer, "FIU-1")).unwrap();
        json["Customer"] = serde_json::json!({"id": "9999999999@AA-1"});
        json["DataProvider"] = serde_json::json!({"id": "FIP-1", "type": "FIP"});
        json["Accounts"] = serde_json::json!([{
            "fiType": "DEPOSIT", "fipId": "FIP-1", "accType": "SAVINGS",
            "linkRefNumber": "link-1", "maskedAccNumber": "XXXXXX1234"
        }]);
        json
    }

    fn artefact(signer: &SigningKey, detail: &serde_json::Value) -> ConsentArtefact {
        ConsentArtefact {
            ver: "2.0.0".into(),
            txnid: uuid::Uuid::new_v4().to_string(),
            consent_id: "c-1".into(),
            status: ConsentStatus::Active,
            create_timestamp: timefmt::now_millis(),
            signed_consent: compact::sign(signer, &serde_json::to_vec(detail).unwrap()),
            consent_use: ConsentUse {
                log_uri: "mailto:log@aa".into(),
                count: 0,
                last_use_date_time: timefmt::now_millis(),
            },
        }
    }

    fn expected(terms: &ConsentTerms) -> Expected<'_> {
        Expected {
            aa_id: "AA-1",
            fiu_id: "FIU-1",
            consent_id: "c-1",
            customer: "9999999999@AA-1",
            terms,
        }
    }

    #[test]
    fn an_artefact_signed_by_the_aa_with_the_requested_terms_is_accepted() {
        let terms = terms();
        let detail = signed_detail(&terms);
        let artefact = artefact(&key(AA_KEY, "aa-1-sig"), &detail);
        let verified = verify(&registry(), expected(&terms), &artefact).unwrap();
        assert_eq!(verified.fip_id, "FIP-1");
        assert_eq!(verified.signer_kid, "aa-1-sig");
        assert_eq!(verified.status, ConsentState::Active);
        assert_eq!(verified.detail, detail);
    }

    #[test]
    fn an_artefact_signed_by_another_registered_entity_is_refused() {
        let terms = terms();
        let artefact = artefact(&key(FIP_KEY, "fip-1-sig"), &signed_detail(&terms));
        let refusal = verify(&registry(), expected(&terms), &artefact).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "signedConsent is signed with key \"fip-1-sig\" of FIP-1, not with a key of AA-1"
        );
    }

    #[test]
    fn an_artefact_claiming_the_aas_kid_with_another_key_fails_verification() {
        let terms = terms();
        let artefact = artefact(&key(OTHER_KEY, "aa-1-sig"), &signed_detail(&terms));
        assert_eq!(
            verify(&registry(), expected(&terms), &artefact).unwrap_err(),
            Refusal::Signature(JwsError::BadSignature)
        );
        let artefact = self::artefact(&key(OTHER_KEY, "nobody"), &signed_detail(&terms));
        assert!(matches!(
            verify(&registry(), expected(&terms), &artefact),
            Err(Refusal::UnknownKey { .. })
        ));
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let terms = terms();
        let mut artefact = artefact(&key(AA_KEY, "aa-1-sig"), &signed_detail(&terms));
        let parts: Vec<&str> = artefact.signed_consent.split('.').collect();
        let mut other = signed_detail(&terms);
        other["Customer"]["id"] = "8888888888@AA-1".into();
        let forged = base64_url(&serde_json::to_vec(&other).unwrap());
        artefact.signed_consent = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert_eq!(
            verify(&registry(), expected(&terms), &artefact).unwrap_err(),
            Refusal::Signature(JwsError::BadSignature)
        );
    }

    fn base64_url(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn terms_that_differ_from_the_request_are_refused_with_the_field_named() {
        let terms = terms();
        let aa = key(AA_KEY, "aa-1-sig");
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            ("/Customer/id", "1111111111@AA-1".into(), "Customer.id"),
            ("/DataConsumer/id", "FIU-2".into(), "DataConsumer"),
            ("/fiTypes", serde_json::json!(["EQUITIES"]), "fiTypes"),
            ("/Purpose/code", "102".into(), "Purpose.code"),
            ("/fetchType", "ONETIME".into(), "fetchType"),
            (
                "/FIDataRange/from",
                "2000-01-01T00:00:00.000Z".into(),
                "FIDataRange",
            ),
        ];
        for (pointer, value, field) in cases {
            let mut detail = signed_detail(&terms);
            *detail.pointer_mut(pointer).unwrap() = value;
            let refusal = verify(&registry(), expected(&terms), &artefact(&aa, &detail))
                .unwrap_err()
                .to_string();
            assert!(refusal.contains(field), "{pointer}: {refusal}");
        }
    }

    #[test]
    fn fewer_fi_types_than_requested_are_accepted() {
        let terms = terms();
        let mut detail = signed_detail(&terms);
        detail["fiTypes"] = serde_json::json!([FiType::Deposit.as_str()]);
        let artefact = artefact(&key(AA_KEY, "aa-1-sig"), &detail);
        assert!(verify(&registry(), expected(&terms), &artefact).is_ok());
    }

    #[test]
    fn an_artefact_for_another_consent_id_is_refused() {
        let terms = terms();
        let mut artefact = artefact(&key(AA_KEY, "aa-1-sig"), &signed_detail(&terms));
        artefact.consent_id = "c-2".into();
        assert!(matches!(
            verify(&registry(), expected(&terms), &artefact),
            Err(Refusal::WrongConsentId { .. })
        ));
    }
}

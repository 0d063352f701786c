//! The checks of an FIU's `POST /FI/request` against the consent artefact it names: the
//! artefact's signature segment, the consent's status and validity, the requested data range,
//! and the FIU's KeyMaterial. No HTTP, no SQL.

use aa_core::fi_crypto::key_material;
use aa_core::jws::{compact, VerifyingKey};
use aa_core::rebit::{
    ConsentStatus, ErrorCode, FiDataRange, FiStatus, KeyMaterial, SignedConsentDetail,
};
use aa_core::timefmt;
use aa_core::validate::Invalid;
use time::OffsetDateTime;

fn invalid(code: ErrorCode, message: impl Into<String>) -> Invalid {
    Invalid::new(code, message)
}

/// The consent terms of one of our artefacts (verified with our own key: a row edited behind
/// our back does not pass).
pub fn signed_terms(
    signed_consent: &str,
    our_key: &VerifyingKey,
) -> Result<SignedConsentDetail, String> {
    let verified = compact::verify(signed_consent, |_| Some(our_key))
        .map_err(|e| format!("stored artefact does not verify: {e}"))?;
    serde_json::from_slice(&verified.payload)
        .map_err(|e| format!("stored artefact does not parse: {e}"))
}

/// `Consent.digitalSignature` must be the third segment of the artefact's JWS; a tampered one
/// is `SignatureDoesNotMatch`, the code both the AA's and the FIP's `400` lists carry for it.
pub fn check_signature(signed_consent: &str, digital_signature: &str) -> Result<(), Invalid> {
    match compact::signature_segment(signed_consent) {
        Some(segment) if segment == digital_signature.trim() => Ok(()),
        _ => Err(invalid(
            ErrorCode::SignatureDoesNotMatch,
            "Consent.digitalSignature does not match the consent artefact",
        )),
    }
}

/// Why a consent that is not usable now cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    Paused,
    Revoked,
    Expired,
    NotStarted,
}

impl Unusable {
    pub fn describe(self) -> &'static str {
        match self {
            Unusable::Paused => "the consent is PAUSED",
            Unusable::Revoked => "the consent is REVOKED",
            Unusable::Expired => "the consent has EXPIRED",
            Unusable::NotStarted => "the consent has not started yet",
        }
    }

    /// The code of `POST /FI/request`: always 400 `InvalidConsentStatus`. The AA's 2.0.0
    /// `/FI/request` lists no 403 (`BadRequestFIRequest` has `InvalidConsentStatus`); the FIP's
    /// `ForbiddenFIRequest` codes are the FIP's own list, not the AA's.
    pub fn request_code(self) -> ErrorCode {
        ErrorCode::InvalidConsentStatus
    }

    /// The 403 code of `POST /FI/fetch` (`ForbiddenFIFetch`).
    pub fn fetch_code(self) -> ErrorCode {
        match self {
            Unusable::Paused => ErrorCode::ConsentPaused,
            Unusable::Revoked => ErrorCode::ConsentRevoked,
            Unusable::Expired | Unusable::NotStarted => ErrorCode::ConsentExpired,
        }
    }
}

/// A consent is usable when ACTIVE and `now` lies between `consentStart` and `consentExpiry`.
pub fn usable(
    status: ConsentStatus,
    terms: &SignedConsentDetail,
    now: OffsetDateTime,
) -> Result<(), Unusable> {
    match status {
        ConsentStatus::Active => {}
        ConsentStatus::Paused => return Err(Unusable::Paused),
        ConsentStatus::Revoked => return Err(Unusable::Revoked),
        ConsentStatus::Expired => return Err(Unusable::Expired),
    }
    if timefmt::parse(&terms.consent_expiry).is_none_or(|expiry| expiry <= now) {
        return Err(Unusable::Expired);
    }
    if timefmt::parse(&terms.consent_start).is_some_and(|start| start > now) {
        return Err(Unusable::NotStarted);
    }
    Ok(())
}

/// The accounts of a new session: every account of the consent, `PENDING`, except those the
/// customer delinked since, which are `DENIED` from the start (never fetchable; an FIP report
/// about them changes nothing). `None` when every account is delinked: nothing can be asked
/// for (400 `InvalidConsentDetail`: the consent's `Accounts` no longer hold).
pub fn session_accounts(
    terms: &SignedConsentDetail,
    delinked: &[String],
) -> Option<Vec<SessionAccount>> {
    let accounts: Vec<SessionAccount> = terms
        .accounts
        .iter()
        .map(|a| {
            let gone = delinked.contains(&a.link_ref_number);
            SessionAccount {
                link_ref_number: a.link_ref_number.clone(),
                masked_acc_number: a.masked_acc_number.clone(),
                fi_status: if gone {
                    FiStatus::Denied
                } else {
                    FiStatus::Pending
                },
                description: gone.then(|| "the account was delinked".to_owned()),
            }
        })
        .collect();
    accounts
        .iter()
        .any(|a| a.fi_status == FiStatus::Pending)
        .then_some(accounts)
}

/// An account of a new session and the status it starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAccount {
    pub link_ref_number: String,
    pub masked_acc_number: String,
    pub fi_status: FiStatus,
    pub description: Option<String>,
}

/// The requested range must be well-formed and lie inside the consent's `FIDataRange`.
pub fn check_range(requested: &FiDataRange, consent: &FiDataRange) -> Result<(), Invalid> {
    let bad = |m: &str| invalid(ErrorCode::InvalidDateRange, m);
    let from = timefmt::parse(&requested.from)
        .ok_or_else(|| bad("FIDataRange.from is not a date-time"))?;
    let to =
        timefmt::parse(&requested.to).ok_or_else(|| bad("FIDataRange.to is not a date-time"))?;
    if from > to {
        return Err(bad("FIDataRange.from is after FIDataRange.to"));
    }
    let (Some(c_from), Some(c_to)) = (timefmt::parse(&consent.from), timefmt::parse(&consent.to))
    else {
        return Err(bad("the consent's FIDataRange is unreadable"));
    };
    if from < c_from || to > c_to {
        return Err(bad("FIDataRange lies outside the consent's FIDataRange"));
    }
    Ok(())
}

/// The FIU's KeyMaterial must be readable and unexpired (`InvalidKey`). The AA never uses it:
/// it goes to the FIP as sent.
pub fn check_key(key: &KeyMaterial, now: OffsetDateTime) -> Result<(), Invalid> {
    key_material::read(key, now)
        .map(|_| ())
        .map_err(|e| invalid(ErrorCode::InvalidKey, format!("KeyMaterial: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: &str, to: &str) -> FiDataRange {
        FiDataRange {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn ranges_inside_pass_and_outside_or_inverted_fail() {
        let consent = range("2023-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z");
        assert!(check_range(&consent.clone(), &consent).is_ok());
        assert!(check_range(
            &range("2023-03-01T00:00:00+05:30", "2023-06-01T00:00:00.000Z"),
            &consent
        )
        .is_ok());
        for (from, to) in [
            ("2022-12-31T23:59:59.999Z", "2023-06-01T00:00:00.000Z"),
            ("2023-03-01T00:00:00.000Z", "2024-01-01T00:00:00.001Z"),
            ("2023-06-01T00:00:00.000Z", "2023-03-01T00:00:00.000Z"),
            ("yesterday", "2023-03-01T00:00:00.000Z"),
        ] {
            let e = check_range(&range(from, to), &consent).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidDateRange, "{from} {to}");
        }
    }

    fn two_accounts() -> SignedConsentDetail {
        let mut terms: SignedConsentDetail = serde_json::from_value(serde_json::json!({
            "consentStart": "2024-01-01T00:00:00.000Z",
            "consentExpiry": "2099-01-01T00:00:00.000Z",
            "consentMode": "STORE",
            "fetchType": "PERIODIC",
            "consentTypes": ["TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"],
            "DataConsumer": { "id": "FIU-1", "type": "FIU" },
            "DataProvider": { "id": "FIP-1", "type": "FIP" },
            "Customer": { "id": "9999999999@AA-1" },
            "Accounts": [{
                "fiType": "DEPOSIT", "fipId": "FIP-1", "accType": "SAVINGS",
                "linkRefNumber": "L1", "maskedAccNumber": "XX1"
            }],
            "Purpose": { "code": "101", "text": "Wealth management service" },
            "FIDataRange": { "from": "2023-01-01T00:00:00.000Z", "to": "2024-01-01T00:00:00.000Z" },
            "DataLife": { "unit": "MONTH", "value": 1 },
            "Frequency": { "unit": "MONTH", "value": 4 }
        }))
        .unwrap();
        let mut second = terms.accounts[0].clone();
        second.link_ref_number = "L2".into();
        terms.accounts.push(second);
        terms
    }

    #[test]
    fn delinked_accounts_start_denied_and_a_consent_with_none_left_opens_nothing() {
        let terms = two_accounts();
        let all = session_accounts(&terms, &[]).unwrap();
        assert!(all.iter().all(|a| a.fi_status == FiStatus::Pending));
        let some = session_accounts(&terms, &["L2".to_owned()]).unwrap();
        assert_eq!(some[0].fi_status, FiStatus::Pending);
        assert_eq!(some[1].fi_status, FiStatus::Denied);
        assert!(session_accounts(&terms, &["L1".to_owned(), "L2".to_owned()]).is_none());
    }

    #[test]
    fn the_digital_signature_must_be_the_third_segment() {
        assert!(check_signature("a.b.sig", "sig").is_ok());
        assert_eq!(
            check_signature("a.b.sig", "other").unwrap_err().code,
            ErrorCode::SignatureDoesNotMatch
        );
        assert!(check_signature("a.b", "b").is_err());
    }
}

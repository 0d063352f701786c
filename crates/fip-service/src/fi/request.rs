//! What an AA's `POST /FI/request` must satisfy, beyond the signature checks: the consent is
//! `ACTIVE` and not past its expiry (else 403 `ConsentPaused`, `ConsentRevoked`,
//! `ConsentExpired`) and has started (else 400 `InvalidConsentStatus`), its usage limit is not
//! reached (else 400 `InvalidConsentUse`), the requested `FIDataRange` is well-formed and lies
//! inside the consent's (else 400 `InvalidDateRange`), and the consent's `DataFilter` can be
//! applied (else 400 `InvalidConsentDetail`).

use aa_core::rebit::{ConsentStatus, ConsentType, ErrorCode, FiDataRange, SignedConsentDetail};
use aa_core::timefmt;
use aa_core::validate::Invalid;
use time::OffsetDateTime;

use super::document::Wanted;
use super::filter;

/// The consent may be used now.
pub fn check_status(
    status: ConsentStatus,
    expiry: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), Invalid> {
    let code = match status {
        ConsentStatus::Active if now < expiry => return Ok(()),
        ConsentStatus::Active | ConsentStatus::Expired => ErrorCode::ConsentExpired,
        ConsentStatus::Paused => ErrorCode::ConsentPaused,
        ConsentStatus::Revoked => ErrorCode::ConsentRevoked,
    };
    Err(Invalid::new(
        code,
        format!(
            "the consent is {}",
            match code {
                ErrorCode::ConsentPaused => "paused",
                ErrorCode::ConsentRevoked => "revoked",
                _ => "expired",
            }
        ),
    ))
}

/// The consent is in force: its `consentStart` has come. None of the FIP's 403 codes says "not
/// yet"; the 400 list of `FI/request` has `InvalidConsentStatus`, which the AA uses too.
pub fn check_started(start: OffsetDateTime, now: OffsetDateTime) -> Result<(), Invalid> {
    if now < start {
        return Err(Invalid::new(
            ErrorCode::InvalidConsentStatus,
            "the consent has not started yet",
        ));
    }
    Ok(())
}

fn bad_range(message: impl Into<String>) -> Invalid {
    Invalid::new(ErrorCode::InvalidDateRange, message)
}

fn instant(field: &str, text: &str) -> Result<OffsetDateTime, Invalid> {
    timefmt::parse(text).ok_or_else(|| bad_range(format!("{field} is not a date-time")))
}

/// The requested range, checked against the consent's.
pub fn check_range(
    requested: &FiDataRange,
    consented: &FiDataRange,
) -> Result<(OffsetDateTime, OffsetDateTime), Invalid> {
    let from = instant("FIDataRange.from", &requested.from)?;
    let to = instant("FIDataRange.to", &requested.to)?;
    if from > to {
        return Err(bad_range("FIDataRange.from is after FIDataRange.to"));
    }
    let consent_from = instant("the consent's FIDataRange.from", &consented.from)?;
    let consent_to = instant("the consent's FIDataRange.to", &consented.to)?;
    if from < consent_from || to > consent_to {
        return Err(bad_range(
            "FIDataRange lies outside the consent's FIDataRange",
        ));
    }
    Ok((from, to))
}

/// What to prepare for `from..=to` under `detail`.
pub fn wanted(
    detail: &SignedConsentDetail,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Wanted, Invalid> {
    let has = |t: ConsentType| detail.consent_types.contains(&t);
    Ok(Wanted {
        profile: has(ConsentType::Profile),
        summary: has(ConsentType::Summary),
        transactions: has(ConsentType::Transactions),
        from,
        to,
        rules: filter::rules(detail.data_filter.as_deref().unwrap_or_default())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn range(from: &str, to: &str) -> FiDataRange {
        FiDataRange {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn only_an_active_unexpired_consent_may_be_used() {
        let now = OffsetDateTime::now_utc();
        let later = now + Duration::hours(1);
        assert!(check_status(ConsentStatus::Active, later, now).is_ok());
        let code = |s, e| check_status(s, e, now).unwrap_err().code;
        assert_eq!(code(ConsentStatus::Active, now), ErrorCode::ConsentExpired);
        assert_eq!(
            code(ConsentStatus::Expired, later),
            ErrorCode::ConsentExpired
        );
        assert_eq!(code(ConsentStatus::Paused, later), ErrorCode::ConsentPaused);
        assert_eq!(
            code(ConsentStatus::Revoked, later),
            ErrorCode::ConsentRevoked
        );
    }

    #[test]
    fn a_consent_is_used_only_from_its_start() {
        let now = OffsetDateTime::now_utc();
        assert!(check_started(now, now).is_ok());
        let err = check_started(now + Duration::seconds(1), now).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConsentStatus);
    }

    #[test]
    fn the_range_must_be_ordered_and_inside_the_consents() {
        let consent = range("2024-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z");
        assert!(check_range(
            &range("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
            &consent
        )
        .is_ok());
        assert!(check_range(&consent, &consent).is_ok());
        for bad in [
            range("2023-12-31T23:59:59Z", "2024-03-01T00:00:00Z"),
            range("2024-02-01T00:00:00Z", "2025-01-01T00:00:01Z"),
            range("2024-03-01T00:00:00Z", "2024-02-01T00:00:00Z"),
            range("yesterday", "2024-02-01T00:00:00Z"),
        ] {
            let err = check_range(&bad, &consent).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidDateRange);
        }
    }
}

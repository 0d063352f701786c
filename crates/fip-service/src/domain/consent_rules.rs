//! What `POST /Consent` refuses in a verified artefact before the accounts are looked at
//! (issue 13), in this order: a `createTimestamp` in the future (beyond the 15 minutes of clock
//! skew every ReBIT timestamp is allowed); a consent whose `consentExpiry` has passed; a
//! `DataConsumer` that is not an FIU of the registry (when the registry lists FIUs: a Central
//! Registry shows a FIP none); a `Frequency` of 0; a purpose code that
//! is not one of the AA technical specification's, or a `refUri` other than the one the
//! specification gives for it; an `FIDataRange` whose `from` is after its `to`.
//!
//! Code: 400 `InvalidRequest` for each. The FIP 2.0.0 YAML's `POST /Consent` answers 400 with
//! `BadRequestConsentNotification`, whose `errorCode` is one of `InvalidRequest`, `InvalidURI`,
//! `InvalidSecurity`, `SignatureDoesNotMatch`, `InvalidNotifier`: of those only
//! `InvalidRequest` fits, and Sahamati's general guidelines answer `InvalidRequest` "when a
//! specific error can not be determined" (`InvalidConsentPurpose`, `InvalidDateRange` are in
//! other endpoints' lists, not this one's).

use aa_core::rebit::{ErrorCode, SignedConsentDetail};
use aa_core::registry::{Registry, Role};
use aa_core::validate::{self, Invalid, MAX_CLOCK_SKEW};
use time::OffsetDateTime;

fn refused(message: impl Into<String>) -> Invalid {
    Invalid::new(ErrorCode::InvalidRequest, message)
}

/// The purpose codes of the AA technical specification (the ReBIT purpose list, 101-105).
pub const PURPOSE_CODES: [&str; 5] = ["101", "102", "103", "104", "105"];

/// Where the specification defines a purpose code (`Purpose.refUri`, when present).
pub fn purpose_uri(code: &str) -> String {
    format!("https://api.rebit.org.in/aa/purpose/{code}.xml")
}

/// The checks of the module documentation; `created` is the artefact's `createTimestamp` and
/// `expiry` its `consentExpiry`, both parsed.
pub fn check_artefact(
    detail: &SignedConsentDetail,
    created: OffsetDateTime,
    expiry: OffsetDateTime,
    now: OffsetDateTime,
    registry: &Registry,
) -> Result<(), Invalid> {
    if created > now + MAX_CLOCK_SKEW {
        return Err(refused(
            "createTimestamp is in the future, beyond 15 minutes of clock skew",
        ));
    }
    if expiry <= now {
        return Err(refused("the consent has expired: consentExpiry has passed"));
    }
    let consumer = detail.data_consumer.id.trim();
    // A Central Registry shows a FIP the AAs only (Sahamati's CR API): a registry that lists no
    // FIU cannot tell, and the artefact's AA signature vouches for its consumer. One that lists
    // FIUs (a registry file) must list this one.
    let knows_fius = registry.with_role(Role::Fiu).next().is_some();
    if consumer.is_empty()
        || (knows_fius
            && !registry
                .entity(consumer)
                .is_some_and(|entity| entity.role == Role::Fiu))
    {
        return Err(refused(format!(
            "DataConsumer {consumer:?} is not an FIU of the registry"
        )));
    }
    if detail.frequency.value == 0 {
        return Err(refused("Frequency.value must be at least 1"));
    }
    let code = detail.purpose.code.trim();
    if !PURPOSE_CODES.contains(&code) {
        return Err(refused(format!(
            "Purpose.code must be one of {} (AA technical specification)",
            PURPOSE_CODES.join(", ")
        )));
    }
    if let Some(uri) = detail.purpose.ref_uri.as_deref() {
        if !uri.trim().is_empty() && uri.trim() != purpose_uri(code) {
            return Err(refused(format!(
                "Purpose.refUri must be {} for purpose {code}",
                purpose_uri(code)
            )));
        }
    }
    let from = validate::timestamp("FIDataRange.from", Some(&detail.fi_data_range.from))?;
    let to = validate::timestamp("FIDataRange.to", Some(&detail.fi_data_range.to))?;
    if from > to {
        return Err(refused("FIDataRange.from is after FIDataRange.to"));
    }
    Ok(())
}

//! Parse, don't validate: a `ConsentDetail` from an FIU becomes [`ConsentTerms`] only if it is
//! a consent this AA can put before its customer. Each refusal carries the code the AA spec
//! lists for `POST /Consent` (`InvalidCustomerAddress`, `InvalidConsentPurpose`, else
//! `InvalidRequest`) and a message that says which field.

use aa_core::rebit::{
    ConsentDetail, ConsentMode, CustomerIdentifierType, DataConsumerType, DataLifeUnit, ErrorCode,
    FrequencyUnit,
};
use aa_core::validate::{self, Invalid};
use time::OffsetDateTime;

use super::handle::CustomerHandle;

/// Purpose codes defined by the AA technical specification (ReBIT purpose list, 101-105).
pub const PURPOSE_CODES: [&str; 5] = ["101", "102", "103", "104", "105"];

/// A validated consent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    pub customer: CustomerHandle,
    /// The detail as requested, with `DataConsumer.type` filled in (`FIU`) when a 1.1.x
    /// sender left it out.
    pub detail: ConsentDetail,
}

fn request(message: impl Into<String>) -> Invalid {
    Invalid::new(ErrorCode::InvalidRequest, message)
}

impl ConsentTerms {
    /// Validates `detail` as asked by the FIU `caller` of the AA `aa_id`, at `now`.
    pub fn parse(
        mut detail: ConsentDetail,
        caller: &str,
        aa_id: &str,
        now: OffsetDateTime,
    ) -> Result<Self, Invalid> {
        let customer = customer(&detail, aa_id)?;
        purpose(&detail)?;
        if detail.data_consumer.id.trim() != caller {
            return Err(request(format!(
                "DataConsumer.id must be the calling FIU ({caller})"
            )));
        }
        match detail.data_consumer.kind {
            None => detail.data_consumer.kind = Some(DataConsumerType::Fiu),
            Some(DataConsumerType::Fiu) => {}
            Some(other) => {
                return Err(request(format!(
                    "DataConsumer.type must be FIU, not {other}"
                )))
            }
        }
        let start = validate::timestamp("consentStart", Some(&detail.consent_start))?;
        let expiry = validate::timestamp("consentExpiry", Some(&detail.consent_expiry))?;
        if expiry <= start {
            return Err(request("consentExpiry must be after consentStart"));
        }
        if expiry <= now {
            return Err(request("consentExpiry is in the past"));
        }
        let from = validate::timestamp("FIDataRange.from", Some(&detail.fi_data_range.from))?;
        let to = validate::timestamp("FIDataRange.to", Some(&detail.fi_data_range.to))?;
        if to < from {
            return Err(request("FIDataRange.from must not be after FIDataRange.to"));
        }
        if detail.fi_types.is_empty() {
            return Err(request("fiTypes must list at least one FI type"));
        }
        if detail.consent_types.is_empty() {
            return Err(request("consentTypes must list at least one consent type"));
        }
        data_life(&detail)?;
        if detail.frequency.unit != FrequencyUnit::Inf && detail.frequency.value == 0 {
            return Err(request("Frequency.value must be at least 1"));
        }
        if let Some(filters) = &detail.data_filter {
            if filters.iter().any(|f| f.value.trim().is_empty()) {
                return Err(request("DataFilter.value is missing"));
            }
        }
        Ok(Self { customer, detail })
    }
}

/// `DataLife`: with `INF` the value is 0; otherwise 0 means the FIU keeps nothing once used,
/// which is what VIEW, QUERY and STREAM consents ask for, so 0 is refused only for a STORE
/// consent, whose data is kept for `value` units.
fn data_life(detail: &ConsentDetail) -> Result<(), Invalid> {
    match (detail.data_life.unit, detail.data_life.value) {
        (DataLifeUnit::Inf, 0) => Ok(()),
        (DataLifeUnit::Inf, _) => Err(request("DataLife.value must be 0 with INF")),
        (_, 0) if detail.consent_mode == ConsentMode::Store => Err(request(
            "DataLife.value must be at least 1 for a STORE consent",
        )),
        _ => Ok(()),
    }
}

fn customer(detail: &ConsentDetail, aa_id: &str) -> Result<CustomerHandle, Invalid> {
    let address = |m: String| Invalid::new(ErrorCode::InvalidCustomerAddress, m);
    let id = validate::required("Customer.id", detail.customer.id.as_deref())
        .map_err(|e| address(e.message))?;
    let handle = CustomerHandle::parse(id, aa_id).map_err(|e| address(e.to_string()))?;
    // A verified MOBILE identifier, when the FIU sends one, must be the handle's number
    // (compared on the last ten digits, so a leading 91 country code is fine).
    for identifier in detail.customer.identifiers.iter().flatten() {
        if identifier.kind == CustomerIdentifierType::Mobile {
            let digits: String = identifier
                .value
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if !digits.ends_with(handle.mobile()) {
                return Err(address(
                    "Customer.Identifiers MOBILE does not match Customer.id".into(),
                ));
            }
        }
    }
    Ok(handle)
}

fn purpose(detail: &ConsentDetail) -> Result<(), Invalid> {
    let code = detail.purpose.code.trim();
    if PURPOSE_CODES.contains(&code) {
        Ok(())
    } else {
        Err(Invalid::new(
            ErrorCode::InvalidConsentPurpose,
            format!(
                "Purpose.code must be one of {} (AA technical specification)",
                PURPOSE_CODES.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail() -> ConsentDetail {
        serde_json::from_value(serde_json::json!({
            "consentStart": "2024-01-01T00:00:00.000Z",
            "consentExpiry": "2099-01-01T00:00:00.000Z",
            "consentMode": "STORE",
            "fetchType": "PERIODIC",
            "consentTypes": ["TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"],
            "DataConsumer": {"id": "FIU-1"},
            "Customer": {"id": "9999999999@AA-1", "Identifiers": [{"type": "MOBILE", "value": "919999999999"}]},
            "Purpose": {"code": "101", "text": "Wealth management service"},
            "FIDataRange": {"from": "2023-01-01T00:00:00.000Z", "to": "2024-01-01T00:00:00.000Z"},
            "DataLife": {"unit": "MONTH", "value": 1},
            "Frequency": {"unit": "MONTH", "value": 4}
        }))
        .unwrap()
    }

    fn now() -> OffsetDateTime {
        aa_core::timefmt::parse("2024-06-01T00:00:00.000Z").unwrap()
    }

    fn code(detail: ConsentDetail) -> ErrorCode {
        ConsentTerms::parse(detail, "FIU-1", "AA-1", now())
            .unwrap_err()
            .code
    }

    #[test]
    fn a_well_formed_request_parses_and_names_the_consumer_type() {
        let terms = ConsentTerms::parse(detail(), "FIU-1", "AA-1", now()).unwrap();
        assert_eq!(terms.customer.to_string(), "9999999999@AA-1");
        assert_eq!(terms.detail.data_consumer.kind, Some(DataConsumerType::Fiu));
    }

    #[test]
    fn the_customer_must_be_ours_and_match_its_identifiers() {
        let mut d = detail();
        d.customer.id = Some("9999999999@OTHER-AA".into());
        assert_eq!(code(d), ErrorCode::InvalidCustomerAddress);
        let mut d = detail();
        d.customer.id = None;
        assert_eq!(code(d), ErrorCode::InvalidCustomerAddress);
        let mut d = detail();
        d.customer.identifiers.as_mut().unwrap()[0].value = "8888888888".into();
        assert_eq!(code(d), ErrorCode::InvalidCustomerAddress);
    }

    #[test]
    fn an_unknown_purpose_is_invalid_consent_purpose() {
        let mut d = detail();
        d.purpose.code = "999".into();
        assert_eq!(code(d), ErrorCode::InvalidConsentPurpose);
    }

    #[test]
    fn dates_consumer_and_lists_are_checked() {
        let mut d = detail();
        d.data_consumer.id = "FIU-2".into();
        assert_eq!(code(d), ErrorCode::InvalidRequest);
        let mut d = detail();
        d.consent_expiry = "2023-01-01T00:00:00.000Z".into();
        assert_eq!(code(d), ErrorCode::InvalidRequest);
        let mut d = detail();
        d.consent_expiry = "2024-05-01T00:00:00.000Z".into();
        let err = ConsentTerms::parse(d, "FIU-1", "AA-1", now()).unwrap_err();
        assert_eq!(err.message, "consentExpiry is in the past");
        let mut d = detail();
        d.fi_data_range.from = "2025-01-01T00:00:00.000Z".into();
        assert_eq!(code(d), ErrorCode::InvalidRequest);
        let mut d = detail();
        d.fi_types.clear();
        assert_eq!(code(d), ErrorCode::InvalidRequest);
        let mut d = detail();
        d.consent_start = "yesterday".into();
        assert_eq!(code(d), ErrorCode::InvalidRequest);
        let mut d = detail();
        d.data_life.unit = DataLifeUnit::Inf;
        assert_eq!(code(d), ErrorCode::InvalidRequest);
    }

    #[test]
    fn data_life_zero_is_valid_for_view_query_and_stream_and_invalid_request_for_store() {
        for mode in [ConsentMode::View, ConsentMode::Query, ConsentMode::Stream] {
            let mut d = detail();
            d.consent_mode = mode;
            d.data_life.value = 0;
            let terms = ConsentTerms::parse(d, "FIU-1", "AA-1", now());
            assert_eq!(terms.unwrap().detail.data_life.value, 0, "{mode}");
        }
        let mut d = detail();
        d.data_life.value = 0;
        let err = ConsentTerms::parse(d, "FIU-1", "AA-1", now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert!(err.message.contains("STORE"), "{}", err.message);
    }
}

//! A consent's usage limit (`fetchType`, `Frequency`): how many data requests it allows, counted
//! since when. One rule for every role, so that the AA and the FIP never disagree on whether a
//! request is one too many (400 `InvalidConsentUse`).

use time::{Duration, OffsetDateTime};

use crate::rebit::{ErrorCode, FetchType, FrequencyUnit, SignedConsentDetail};
use crate::validate::Invalid;

/// How many data requests a consent allows, counted since when (`None`: over its whole life).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseLimit {
    pub max: u32,
    pub since: Option<OffsetDateTime>,
    pub unit: Option<FrequencyUnit>,
}

impl UseLimit {
    /// The 400 `InvalidConsentUse` answer once the limit is reached.
    pub fn exceeded(&self) -> Invalid {
        let per = match self.unit {
            None => "ONETIME consent allows one data request".to_owned(),
            Some(FrequencyUnit::Inf) => "the consent allows no more data requests".to_owned(),
            Some(unit) => format!(
                "the consent allows {} data requests per {} (rolling)",
                self.max,
                unit.as_str()
            ),
        };
        Invalid::new(ErrorCode::InvalidConsentUse, per)
    }
}

/// The usage limit of a consent at `now`. `ONETIME`: one request in all. `PERIODIC`:
/// `Frequency.value` requests within a rolling window of one `Frequency.unit` ending now (HOUR
/// and DAY as 1 h and 24 h; MONTH and YEAR back to the same date and time a calendar month or
/// year earlier, clamped to the month's last day); `INF`: no limit (like `DataLife` INF, whose
/// value is 0, and the consent request check lets `Frequency` INF carry 0). A rolling window,
/// unlike a calendar one, never allows twice the count across a boundary, and needs no time
/// zone.
pub fn use_limit(terms: &SignedConsentDetail, now: OffsetDateTime) -> UseLimit {
    if terms.fetch_type == FetchType::Onetime {
        return UseLimit {
            max: 1,
            since: None,
            unit: None,
        };
    }
    let unit = terms.frequency.unit;
    let since = match unit {
        FrequencyUnit::Hour => now - Duration::hours(1),
        FrequencyUnit::Day => now - Duration::days(1),
        FrequencyUnit::Month => months_before(now, 1),
        FrequencyUnit::Year => months_before(now, 12),
        FrequencyUnit::Inf => {
            return UseLimit {
                max: u32::MAX,
                since: None,
                unit: Some(unit),
            }
        }
    };
    UseLimit {
        max: terms.frequency.value,
        since: Some(since),
        unit: Some(unit),
    }
}

/// The same date and time `months` calendar months before `at` (the day clamped to the month).
fn months_before(at: OffsetDateTime, months: u8) -> OffsetDateTime {
    crate::calendar::add_months_at(at, -i64::from(months))
        .unwrap_or(at - Duration::days(30 * i64::from(months)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::timefmt;

    fn periodic_terms() -> SignedConsentDetail {
        serde_json::from_value(serde_json::json!({
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
        .unwrap()
    }

    #[test]
    fn rolling_months_go_back_to_the_same_date_clamped_to_the_month() {
        let at = |t: &str| timefmt::parse(t).unwrap();
        assert_eq!(
            months_before(at("2024-03-31T10:00:00.000Z"), 1),
            at("2024-02-29T10:00:00.000Z")
        );
        assert_eq!(
            months_before(at("2024-01-15T00:00:00.000Z"), 1),
            at("2023-12-15T00:00:00.000Z")
        );
        assert_eq!(
            months_before(at("2024-02-29T08:00:00.000Z"), 12),
            at("2023-02-28T08:00:00.000Z")
        );
    }

    #[test]
    fn onetime_allows_one_request_periodic_its_frequency_per_rolling_unit_and_inf_any() {
        let now = timefmt::parse("2024-03-31T10:00:00.000Z").unwrap();
        let mut terms = periodic_terms();
        terms.fetch_type = FetchType::Onetime;
        let limit = use_limit(&terms, now);
        assert_eq!((limit.max, limit.since), (1, None));
        assert_eq!(limit.exceeded().code, ErrorCode::InvalidConsentUse);
        terms.fetch_type = FetchType::Periodic;
        for (unit, since) in [
            (FrequencyUnit::Hour, "2024-03-31T09:00:00.000Z"),
            (FrequencyUnit::Day, "2024-03-30T10:00:00.000Z"),
            (FrequencyUnit::Month, "2024-02-29T10:00:00.000Z"),
            (FrequencyUnit::Year, "2023-03-31T10:00:00.000Z"),
        ] {
            terms.frequency.unit = unit;
            let limit = use_limit(&terms, now);
            assert_eq!(limit.max, 4);
            assert_eq!(limit.since, timefmt::parse(since), "{unit:?}");
        }
        terms.frequency.unit = FrequencyUnit::Inf;
        terms.frequency.value = 0;
        assert_eq!(use_limit(&terms, now).max, u32::MAX);
    }
}

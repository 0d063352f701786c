//! The terms of one consent request: a template made concrete at the moment of asking (start,
//! expiry and data range as instants). They are stored with the request, turned into the ReBIT
//! `ConsentDetail` sent to the AA, and are what the signed artefact is checked against.

use aa_core::rebit::{
    ConsentCustomer, ConsentDetail, ConsentMode, ConsentType, DataConsumer, DataConsumerType,
    DataFilter, DataLife, FetchType, FiDataRange, FiType, Frequency, Purpose, PurposeCategory,
};
use aa_core::timefmt;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::customer::CustomerHandle;
use super::template::{
    ConsentTemplate, DataFilterSettings, DataLifeSettings, DataRangeSettings, FrequencySettings,
};

/// The purpose as asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedPurpose {
    pub code: String,
    pub text: Option<String>,
    pub ref_uri: String,
    pub category: Option<String>,
}

/// What one consent request asks for. Instants are `yyyy-MM-ddTHH:mm:ss.SSSZ` strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentTerms {
    pub consent_start: String,
    pub consent_expiry: String,
    pub consent_mode: ConsentMode,
    pub fetch_type: FetchType,
    pub consent_types: Vec<ConsentType>,
    pub fi_types: Vec<FiType>,
    pub purpose: RequestedPurpose,
    pub data_from: String,
    pub data_to: String,
    pub data_life: DataLifeSettings,
    pub frequency: FrequencySettings,
    #[serde(default)]
    pub data_filter: Vec<DataFilterSettings>,
}

/// A template whose periods do not fit the calendar from `now`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {0:?} gives dates outside the calendar")]
pub struct OutOfCalendar(pub String);

fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(item) {
            out.push(*item);
        }
    }
    out
}

impl ConsentTerms {
    /// The template's terms as of `now`.
    pub fn from_template(
        template: &ConsentTemplate,
        now: OffsetDateTime,
    ) -> Result<Self, OutOfCalendar> {
        let s = template.settings();
        let outside = || OutOfCalendar(template.name().to_owned());
        let expiry = s.consent_validity.after(now).ok_or_else(outside)?;
        let (from, to) = match &s.data_range {
            DataRangeSettings::Last { last } => (last.before(now).ok_or_else(outside)?, now),
            DataRangeSettings::Fixed { from, to } => (
                timefmt::parse(from).ok_or_else(outside)?,
                timefmt::parse(to).ok_or_else(outside)?,
            ),
        };
        Ok(Self {
            consent_start: timefmt::format_millis(now),
            consent_expiry: timefmt::format_millis(expiry),
            consent_mode: s.consent_mode,
            fetch_type: s.fetch_type,
            consent_types: dedup(&s.consent_types),
            fi_types: dedup(&s.fi_types),
            purpose: RequestedPurpose {
                code: s.purpose.code.trim().to_owned(),
                text: s.purpose.text.clone(),
                ref_uri: template.purpose_ref_uri(),
                category: s.purpose.category.clone(),
            },
            data_from: timefmt::format_millis(from),
            data_to: timefmt::format_millis(to),
            data_life: s.data_life,
            frequency: s.frequency,
            data_filter: s.data_filter.clone(),
        })
    }

    /// The ReBIT `ConsentDetail` asking `customer` for these terms on behalf of FIU `fiu_id`.
    pub fn to_consent_detail(&self, customer: &CustomerHandle, fiu_id: &str) -> ConsentDetail {
        ConsentDetail {
            consent_start: self.consent_start.clone(),
            consent_expiry: self.consent_expiry.clone(),
            consent_mode: self.consent_mode,
            fetch_type: self.fetch_type,
            consent_types: self.consent_types.clone(),
            fi_types: self.fi_types.clone(),
            data_consumer: DataConsumer {
                id: fiu_id.to_owned(),
                kind: Some(DataConsumerType::Fiu),
            },
            customer: ConsentCustomer {
                id: Some(customer.as_str().to_owned()),
                identifiers: None,
            },
            purpose: Purpose {
                code: self.purpose.code.clone(),
                ref_uri: Some(self.purpose.ref_uri.clone()),
                text: self.purpose.text.clone(),
                category: self.purpose.category.as_ref().map(|c| PurposeCategory {
                    kind: Some(c.clone()),
                }),
            },
            fi_data_range: FiDataRange {
                from: self.data_from.clone(),
                to: self.data_to.clone(),
            },
            data_life: DataLife {
                unit: self.data_life.unit,
                value: self.data_life.value,
            },
            frequency: Frequency {
                unit: self.frequency.unit,
                value: self.frequency.value,
            },
            data_filter: (!self.data_filter.is_empty()).then(|| {
                self.data_filter
                    .iter()
                    .map(|f| DataFilter {
                        kind: f.kind,
                        operator: f.operator,
                        value: f.value.clone(),
                    })
                    .collect()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::tests::wealth;
    use time::macros::datetime;

    #[test]
    fn a_relative_range_ends_now_and_starts_twelve_months_back() {
        let template = ConsentTemplate::parse("wealth-monthly", wealth()).unwrap();
        let terms =
            ConsentTerms::from_template(&template, datetime!(2024-05-15 10:30:00 UTC)).unwrap();
        assert_eq!(terms.data_from, "2023-05-15T10:30:00.000Z");
        assert_eq!(terms.data_to, "2024-05-15T10:30:00.000Z");
        assert_eq!(terms.consent_start, "2024-05-15T10:30:00.000Z");
        assert_eq!(terms.consent_expiry, "2025-05-15T10:30:00.000Z");
    }

    #[test]
    fn the_consent_detail_names_the_customer_and_the_fiu_as_data_consumer() {
        let template = ConsentTemplate::parse("wealth-monthly", wealth()).unwrap();
        let terms =
            ConsentTerms::from_template(&template, datetime!(2024-05-15 10:30:00 UTC)).unwrap();
        let customer = CustomerHandle::parse("9999999999@AA-1").unwrap();
        let detail = terms.to_consent_detail(&customer, "FIU-1");
        let json = serde_json::to_value(&detail).unwrap();
        assert_eq!(json["Customer"]["id"], "9999999999@AA-1");
        assert_eq!(
            json["DataConsumer"],
            serde_json::json!({"id": "FIU-1", "type": "FIU"})
        );
        assert_eq!(
            json["fiTypes"],
            serde_json::json!(["DEPOSIT", "MUTUAL_FUNDS"])
        );
        assert_eq!(json["Purpose"]["code"], "101");
        assert_eq!(json["Purpose"]["Category"]["type"], "Personal Finance");
        assert_eq!(json["FIDataRange"]["from"], "2023-05-15T10:30:00.000Z");
        assert_eq!(
            json["Frequency"],
            serde_json::json!({"unit": "MONTH", "value": 1})
        );
        assert!(json.get("DataFilter").is_none());
    }

    #[test]
    fn terms_survive_a_round_trip_through_storage() {
        let template = ConsentTemplate::parse("wealth-monthly", wealth()).unwrap();
        let terms = ConsentTerms::from_template(&template, OffsetDateTime::now_utc()).unwrap();
        let stored = serde_json::to_string(&terms).unwrap();
        assert_eq!(
            serde_json::from_str::<ConsentTerms>(&stored).unwrap(),
            terms
        );
    }
}

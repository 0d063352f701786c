//! Consent templates: the named sets of terms (purpose, FI types, consent types, data range,
//! fetch type, frequency, data life, consent mode, validity) a lender asks customers for.
//! They come from configuration as [`TemplateSettings`] and are checked once, at start-up, by
//! [`ConsentTemplate::parse`]: a template the AA would refuse never gets to run.

use std::collections::BTreeMap;

use aa_core::rebit::{
    ConsentMode, ConsentType, DataFilterOperator, DataFilterType, DataLifeUnit, FetchType, FiType,
    FrequencyUnit,
};
use serde::{Deserialize, Serialize};

use super::period::Period;

/// A template as written in configuration (`templates.<name>`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    #[serde(default)]
    pub description: Option<String>,
    pub purpose: PurposeSettings,
    pub fi_types: Vec<FiType>,
    pub consent_types: Vec<ConsentType>,
    pub consent_mode: ConsentMode,
    pub fetch_type: FetchType,
    pub frequency: FrequencySettings,
    pub data_life: DataLifeSettings,
    pub data_range: DataRangeSettings,
    /// How long the consent stays valid from the moment it is requested.
    pub consent_validity: Period,
    #[serde(default)]
    pub data_filter: Vec<DataFilterSettings>,
}

/// `Purpose`: a code of the AA technical specification and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeSettings {
    pub code: String,
    #[serde(default)]
    pub text: Option<String>,
    /// Defaults to `https://api.rebit.org.in/aa/purpose/<code>.xml`.
    #[serde(default)]
    pub ref_uri: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencySettings {
    pub unit: FrequencyUnit,
    pub value: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataLifeSettings {
    pub unit: DataLifeUnit,
    pub value: u32,
}

/// The period of financial information asked for: relative to the request (`last: {unit:
/// MONTH, value: 12}`) or fixed (`from`, `to`, RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum DataRangeSettings {
    Last { last: Period },
    Fixed { from: String, to: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFilterSettings {
    #[serde(rename = "type")]
    pub kind: DataFilterType,
    pub operator: DataFilterOperator,
    pub value: String,
}

/// A template that passed every check; only [`ConsentTemplate::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTemplate {
    name: String,
    settings: TemplateSettings,
}

/// Why a template cannot be used; names the template and the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {name:?}: {problem}")]
pub struct TemplateError {
    pub name: String,
    pub problem: String,
}

/// The most fetches a `Frequency` unit allows: one per hour at most (ReBIT `Frequency`).
fn max_fetches(unit: FrequencyUnit) -> Option<u32> {
    match unit {
        FrequencyUnit::Hour => Some(1),
        FrequencyUnit::Day => Some(24),
        FrequencyUnit::Month => Some(24 * 31),
        FrequencyUnit::Year => Some(24 * 366),
        FrequencyUnit::Inf => None,
    }
}

impl ConsentTemplate {
    pub fn parse(name: &str, settings: TemplateSettings) -> Result<Self, TemplateError> {
        let fail = |problem: &str| TemplateError {
            name: name.to_owned(),
            problem: problem.to_owned(),
        };
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !name_ok {
            return Err(fail("names are 1 to 64 of a-z, 0-9, '-' and '_'"));
        }
        if settings.purpose.code.trim().is_empty() {
            return Err(fail("purpose.code is missing"));
        }
        if settings.fi_types.is_empty() {
            return Err(fail("fi_types needs at least one FI type"));
        }
        if settings.consent_types.is_empty() {
            return Err(fail("consent_types needs at least one consent type"));
        }
        match (settings.data_life.unit, settings.data_life.value) {
            (DataLifeUnit::Inf, 0) => {}
            (DataLifeUnit::Inf, _) => {
                return Err(fail("data_life with unit INF must have value 0"))
            }
            (_, 0) => return Err(fail("data_life.value must be at least 1")),
            _ => {}
        }
        let frequency = settings.frequency;
        if let Some(max) = max_fetches(frequency.unit) {
            if frequency.value == 0 || frequency.value > max {
                return Err(fail(&format!(
                    "frequency.value must be 1 to {max} per {} (at most one fetch an hour)",
                    frequency.unit
                )));
            }
        }
        if settings.consent_validity.value == 0 {
            return Err(fail("consent_validity.value must be at least 1"));
        }
        match &settings.data_range {
            DataRangeSettings::Last { last } if last.value == 0 => {
                return Err(fail("data_range.last.value must be at least 1"))
            }
            DataRangeSettings::Last { .. } => {}
            DataRangeSettings::Fixed { from, to } => {
                let (Some(from), Some(to)) =
                    (aa_core::timefmt::parse(from), aa_core::timefmt::parse(to))
                else {
                    return Err(fail(
                        "data_range.from and data_range.to must be RFC 3339 date-times",
                    ));
                };
                if from >= to {
                    return Err(fail("data_range.from must be before data_range.to"));
                }
            }
        }
        Ok(Self {
            name: name.to_owned(),
            settings,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn settings(&self) -> &TemplateSettings {
        &self.settings
    }

    /// The purpose's reference URI, defaulted from its code.
    pub fn purpose_ref_uri(&self) -> String {
        self.settings.purpose.ref_uri.clone().unwrap_or_else(|| {
            format!(
                "https://api.rebit.org.in/aa/purpose/{}.xml",
                self.settings.purpose.code.trim()
            )
        })
    }
}

/// Every configured template, by name.
#[derive(Debug, Clone, Default)]
pub struct Templates(BTreeMap<String, ConsentTemplate>);

impl Templates {
    /// Checks every template of the configuration.
    pub fn parse(settings: &BTreeMap<String, TemplateSettings>) -> Result<Self, TemplateError> {
        settings
            .iter()
            .map(|(name, s)| Ok((name.clone(), ConsentTemplate::parse(name, s.clone())?)))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn get(&self, name: &str) -> Option<&ConsentTemplate> {
        self.0.get(name)
    }

    /// Templates in name order.
    pub fn iter(&self) -> impl Iterator<Item = &ConsentTemplate> {
        self.0.values()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::period::PeriodUnit;

    pub(crate) fn wealth() -> TemplateSettings {
        TemplateSettings {
            description: Some("monthly wealth review".into()),
            purpose: PurposeSettings {
                code: "101".into(),
                text: Some("Wealth management service".into()),
                ref_uri: None,
                category: Some("Personal Finance".into()),
            },
            fi_types: vec![FiType::Deposit, FiType::MutualFunds],
            consent_types: vec![ConsentType::Profile, ConsentType::Transactions],
            consent_mode: ConsentMode::Store,
            fetch_type: FetchType::Periodic,
            frequency: FrequencySettings {
                unit: FrequencyUnit::Month,
                value: 1,
            },
            data_life: DataLifeSettings {
                unit: DataLifeUnit::Month,
                value: 3,
            },
            data_range: DataRangeSettings::Last {
                last: Period {
                    unit: PeriodUnit::Month,
                    value: 12,
                },
            },
            consent_validity: Period {
                unit: PeriodUnit::Year,
                value: 1,
            },
            data_filter: vec![],
        }
    }

    #[test]
    fn a_sound_template_parses_and_defaults_its_purpose_uri() {
        let template = ConsentTemplate::parse("wealth-monthly", wealth()).unwrap();
        assert_eq!(template.name(), "wealth-monthly");
        assert_eq!(
            template.purpose_ref_uri(),
            "https://api.rebit.org.in/aa/purpose/101.xml"
        );
    }

    #[test]
    fn templates_without_fi_types_or_consent_types_are_refused() {
        let mut s = wealth();
        s.fi_types.clear();
        let err = ConsentTemplate::parse("t", s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template \"t\": fi_types needs at least one FI type"
        );
        let mut s = wealth();
        s.consent_types.clear();
        assert!(ConsentTemplate::parse("t", s).is_err());
    }

    #[test]
    fn a_frequency_above_one_fetch_an_hour_is_refused() {
        let mut s = wealth();
        s.frequency = FrequencySettings {
            unit: FrequencyUnit::Hour,
            value: 2,
        };
        assert!(ConsentTemplate::parse("t", s.clone()).is_err());
        s.frequency.unit = FrequencyUnit::Day;
        s.frequency.value = 24;
        assert!(ConsentTemplate::parse("t", s).is_ok());
    }

    #[test]
    fn data_life_inf_needs_value_zero() {
        let mut s = wealth();
        s.data_life = DataLifeSettings {
            unit: DataLifeUnit::Inf,
            value: 3,
        };
        assert!(ConsentTemplate::parse("t", s.clone()).is_err());
        s.data_life.value = 0;
        assert!(ConsentTemplate::parse("t", s).is_ok());
    }

    #[test]
    fn a_fixed_range_must_be_ordered_rfc3339() {
        let mut s = wealth();
        s.data_range = DataRangeSettings::Fixed {
            from: "2024-06-01T00:00:00Z".into(),
            to: "2024-01-01T00:00:00Z".into(),
        };
        assert!(ConsentTemplate::parse("t", s.clone()).is_err());
        s.data_range = DataRangeSettings::Fixed {
            from: "2024-01-01".into(),
            to: "2024-06-01T00:00:00Z".into(),
        };
        assert!(ConsentTemplate::parse("t", s).is_err());
    }

    #[test]
    fn template_names_are_plain_words() {
        assert!(ConsentTemplate::parse("Wealth Monthly", wealth()).is_err());
        assert!(ConsentTemplate::parse("", wealth()).is_err());
        assert!(ConsentTemplate::parse("loan_underwriting-2", wealth()).is_ok());
    }
}

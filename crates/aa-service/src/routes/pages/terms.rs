//! A consent's terms in plain language: who asks (the FIU's name from the registry), why (the
//! purpose's text and code), which data, the period it covers, how often and until when it may
//! be fetched, how long the FIU may keep it, and the filters on transactions. Every value is
//! escaped here.

use aa_core::rebit::{ConsentDetail, DataLifeUnit, FetchType, FrequencyUnit};
use aa_runtime::http::pages::escape;

use crate::state::AppState;

/// The registered name of `id` with the id, or the id alone.
pub fn entity_name(state: &AppState, id: &str) -> String {
    match state.identity.registry.current().entity(id) {
        Some(e) if !e.name.is_empty() => format!("{} ({})", e.name, e.id),
        _ => id.to_owned(),
    }
}

/// A ReBIT timestamp as a day (`2026-12-07`), or as given when it does not read.
pub fn day(timestamp: &str) -> String {
    match aa_core::timefmt::parse(timestamp) {
        Some(at) => format!("{}", at.date()),
        None => timestamp.to_owned(),
    }
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// "up to 10 times a month", "once" ...
pub fn frequency(detail: &ConsentDetail) -> String {
    let f = detail.frequency;
    if detail.fetch_type == FetchType::Onetime {
        return "once".to_owned();
    }
    let per = match f.unit {
        FrequencyUnit::Hour => "an hour",
        FrequencyUnit::Day => "a day",
        FrequencyUnit::Month => "a month",
        FrequencyUnit::Year => "a year",
        FrequencyUnit::Inf => "in all",
    };
    let times = if f.value == 1 {
        "once".to_owned()
    } else {
        format!("up to {} times", f.value)
    };
    format!("{times} {per}")
}

/// "for 3 months", "for as long as it wants".
pub fn data_life(detail: &ConsentDetail) -> String {
    let d = &detail.data_life;
    match d.unit {
        DataLifeUnit::Day => format!("for {}", plural(d.value, "day")),
        DataLifeUnit::Month => format!("for {}", plural(d.value, "month")),
        DataLifeUnit::Year => format!("for {}", plural(d.value, "year")),
        DataLifeUnit::Inf => "with no time limit".to_owned(),
    }
}

fn fi_types(detail: &ConsentDetail) -> String {
    let names: Vec<String> = detail
        .fi_types
        .iter()
        .map(|t| t.as_str().replace('_', " ").to_lowercase())
        .collect();
    names.join(", ")
}

fn filters(detail: &ConsentDetail) -> String {
    match detail.data_filter.as_deref() {
        None | Some([]) => "none: every transaction of the period".to_owned(),
        Some(list) => list
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f.kind.as_str().to_lowercase(),
                    f.operator.as_str(),
                    f.value
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The terms as a definition list.
pub fn facts(state: &AppState, fiu_id: &str, detail: &ConsentDetail) -> String {
    let purpose = detail.purpose.text.as_deref().unwrap_or("(no text given)");
    let rows = [
        ("Who asks", entity_name(state, fiu_id)),
        (
            "Why",
            format!("{purpose} (purpose code {})", detail.purpose.code),
        ),
        ("Which data", fi_types(detail)),
        (
            "Period covered",
            format!(
                "from {} to {}",
                day(&detail.fi_data_range.from),
                day(&detail.fi_data_range.to)
            ),
        ),
        ("How often", frequency(detail)),
        (
            "Consent valid",
            format!(
                "from {} until {}",
                day(&detail.consent_start),
                day(&detail.consent_expiry)
            ),
        ),
        ("The FIU may keep the data", data_life(detail)),
        ("Filters", filters(detail)),
    ];
    let mut out = String::from("<dl class=\"facts\">");
    for (term, value) in rows {
        out.push_str(&format!("<dt>{term}</dt><dd>{}</dd>", escape(&value)));
    }
    out.push_str("</dl>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(fetch: &str, unit: &str, value: u32) -> ConsentDetail {
        serde_json::from_value(serde_json::json!({
            "consentStart": "2026-12-01T00:00:00.000Z",
            "consentExpiry": "2027-12-01T00:00:00.000Z",
            "consentMode": "STORE", "fetchType": fetch, "consentTypes": ["TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"], "DataConsumer": {"id": "FIU-1", "type": "FIU"},
            "Customer": {"id": "9999999999@AA-1"},
            "Purpose": {"code": "101", "text": "Wealth management"},
            "FIDataRange": {"from": "2026-01-01T00:00:00.000Z", "to": "2026-12-01T00:00:00.000Z"},
            "DataLife": {"unit": "MONTH", "value": 3},
            "Frequency": {"unit": unit, "value": value}
        }))
        .unwrap()
    }

    #[test]
    fn frequency_and_data_life_read_as_sentences() {
        assert_eq!(
            frequency(&detail("PERIODIC", "MONTH", 10)),
            "up to 10 times a month"
        );
        assert_eq!(frequency(&detail("PERIODIC", "DAY", 1)), "once a day");
        assert_eq!(frequency(&detail("ONETIME", "MONTH", 10)), "once");
        assert_eq!(data_life(&detail("ONETIME", "DAY", 1)), "for 3 months");
        assert_eq!(day("2026-12-01T00:00:00.000Z"), "2026-12-01");
    }
}

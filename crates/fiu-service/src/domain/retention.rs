//! How long the FIU may keep a consent's FI data, free of HTTP and SQL.
//!
//! - `STORE`: until the consent's `DataLife` ends, counted from when the data was fetched
//!   (`INF`: no end of its own).
//! - `VIEW` (and `QUERY`, `STREAM`, which do not allow storing either): only for the FIU's
//!   *view session*: `fi.view_seconds` after the data was fetched, and never beyond `DataLife`.
//! - Whatever the mode, never beyond the consent's `consentExpiry`; and everything goes at once
//!   when the AA says the consent is `REVOKED` or `EXPIRED` ([`PurgeRule::Revoked`],
//!   [`PurgeRule::Expired`]).
//!
//! The earliest bound wins; the rule that set it is kept with the data, so the answer to a read
//! of purged data can say why it is gone.

use aa_core::rebit::{ConsentMode, DataLifeUnit, SignedConsentDetail};
use aa_core::timefmt;
use time::{Duration, OffsetDateTime};

use super::period::{Period, PeriodUnit};

/// Why data is (to be) purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PurgeRule {
    /// A `STORE` consent's `DataLife` ended.
    DataLife,
    /// The view session of non-`STORE` data ended.
    ViewEnded,
    /// The consent's `consentExpiry` passed.
    ConsentExpiry,
    /// The AA notified `REVOKED`.
    Revoked,
    /// The AA notified `EXPIRED`.
    Expired,
}

impl PurgeRule {
    pub const ALL: [PurgeRule; 5] = [
        Self::DataLife,
        Self::ViewEnded,
        Self::ConsentExpiry,
        Self::Revoked,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DataLife => "DATA_LIFE",
            Self::ViewEnded => "VIEW_ENDED",
            Self::ConsentExpiry => "CONSENT_EXPIRY",
            Self::Revoked => "REVOKED",
            Self::Expired => "EXPIRED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// A sentence for the app API.
    pub fn describe(self) -> &'static str {
        match self {
            Self::DataLife => "the consent's DataLife ended",
            Self::ViewEnded => "the consent does not allow storing data and its view session ended",
            Self::ConsentExpiry => "the consent's expiry passed",
            Self::Revoked => "the consent was revoked",
            Self::Expired => "the consent expired",
        }
    }
}

/// The retention terms of one consent artefact, read from its signed ConsentDetail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    store: bool,
    /// `None`: `INF`.
    data_life: Option<Period>,
    consent_expiry: Option<OffsetDateTime>,
}

impl Retention {
    pub fn of(detail: &SignedConsentDetail) -> Self {
        let data_life = |unit| Period {
            unit,
            value: detail.data_life.value,
        };
        Self {
            store: detail.consent_mode == ConsentMode::Store,
            data_life: match detail.data_life.unit {
                DataLifeUnit::Day => Some(data_life(PeriodUnit::Day)),
                DataLifeUnit::Month => Some(data_life(PeriodUnit::Month)),
                DataLifeUnit::Year => Some(data_life(PeriodUnit::Year)),
                DataLifeUnit::Inf => None,
            },
            consent_expiry: timefmt::parse(&detail.consent_expiry),
        }
    }

    /// The retention of a stored (verified) ConsentDetail, as JSON.
    pub fn from_json(detail: &serde_json::Value) -> Result<Self, String> {
        let detail: SignedConsentDetail =
            serde_json::from_value(detail.clone()).map_err(|e| e.to_string())?;
        Ok(Self::of(&detail))
    }

    /// Before any data arrives, a session's data (none yet, and its sealed key) may be kept until
    /// the consent expires.
    pub fn before_fetch(&self) -> Option<(OffsetDateTime, PurgeRule)> {
        self.consent_expiry.map(|at| (at, PurgeRule::ConsentExpiry))
    }

    /// Until when data fetched at `fetched_at` may be kept, and the rule that says so; `None`:
    /// no bound (a `STORE` consent with `DataLife` `INF` and no readable expiry).
    pub fn keep_until(
        &self,
        fetched_at: OffsetDateTime,
        view: Duration,
    ) -> Option<(OffsetDateTime, PurgeRule)> {
        // A DataLife beyond the calendar bounds nothing.
        let life_end = self.data_life.and_then(|life| life.after(fetched_at));
        let mut bounds = vec![];
        if let Some(at) = life_end {
            bounds.push((at, PurgeRule::DataLife));
        }
        if !self.store {
            bounds.push((fetched_at.saturating_add(view), PurgeRule::ViewEnded));
        }
        bounds.extend(self.before_fetch());
        bounds.into_iter().min_by_key(|(at, _)| *at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn retention(mode: &str, life: (&str, u32), expiry: &str) -> Retention {
        let detail = serde_json::json!({
            "consentStart": "2025-01-01T00:00:00.000Z", "consentExpiry": expiry,
            "consentMode": mode, "fetchType": "ONETIME", "consentTypes": ["TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"], "DataConsumer": {"id": "FIU-1", "type": "FIU"},
            "DataProvider": {"id": "FIP-1", "type": "FIP"}, "Customer": {"id": "c@AA-1"},
            "Accounts": [], "Purpose": {"code": "101", "refUri": "https://api.rebit.org.in/aa/purpose/101.xml",
                        "text": "t", "Category": {"type": "c"}},
            "FIDataRange": {"from": "2024-01-01T00:00:00.000Z", "to": "2025-01-01T00:00:00.000Z"},
            "DataLife": {"unit": life.0, "value": life.1}, "Frequency": {"unit": "DAY", "value": 1}
        });
        Retention::from_json(&detail).unwrap()
    }

    const FETCHED: OffsetDateTime = datetime!(2025-03-31 10:00:00 UTC);
    const HOUR: Duration = Duration::hours(1);

    #[test]
    fn stored_data_is_kept_for_its_data_life_from_the_fetch() {
        let r = retention("STORE", ("MONTH", 1), "2026-01-01T00:00:00.000Z");
        assert_eq!(
            r.keep_until(FETCHED, HOUR),
            Some((datetime!(2025-04-30 10:00:00 UTC), PurgeRule::DataLife))
        );
    }

    #[test]
    fn the_consents_expiry_bounds_every_mode() {
        let r = retention("STORE", ("YEAR", 1), "2025-04-01T00:00:00.000Z");
        let expiry = datetime!(2025-04-01 00:00:00 UTC);
        assert_eq!(
            r.keep_until(FETCHED, HOUR),
            Some((expiry, PurgeRule::ConsentExpiry))
        );
        assert_eq!(r.before_fetch(), Some((expiry, PurgeRule::ConsentExpiry)));
        let infinite = retention("STORE", ("INF", 0), "2025-04-01T00:00:00.000Z");
        assert_eq!(
            infinite.keep_until(FETCHED, HOUR),
            Some((expiry, PurgeRule::ConsentExpiry))
        );
    }

    #[test]
    fn view_data_is_kept_for_the_view_session_only() {
        for mode in ["VIEW", "QUERY", "STREAM"] {
            let r = retention(mode, ("DAY", 1), "2026-01-01T00:00:00.000Z");
            assert_eq!(
                r.keep_until(FETCHED, HOUR),
                Some((FETCHED + HOUR, PurgeRule::ViewEnded)),
                "{mode}"
            );
            assert_eq!(
                r.keep_until(FETCHED, Duration::days(3)),
                Some((datetime!(2025-04-01 10:00:00 UTC), PurgeRule::DataLife)),
                "{mode}: DataLife bounds the view too"
            );
        }
    }

    #[test]
    fn purge_rules_round_trip_through_their_names() {
        for rule in PurgeRule::ALL {
            assert_eq!(PurgeRule::parse(rule.as_str()), Some(rule));
        }
        assert_eq!(PurgeRule::parse("data_life"), None);
    }
}

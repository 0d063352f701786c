//! Amounts of money in paise (1/100 rupee), so that running balances add up exactly. Written
//! as decimal rupees with two places (`"1234.50"`), as the FI schemas carry them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount in paise; negative for an overdrawn balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Paise(pub i64);

impl Paise {
    pub const ZERO: Paise = Paise(0);

    pub fn from_rupees(rupees: i64) -> Self {
        Paise(rupees.saturating_mul(100))
    }

    /// From a decimal rupee amount, rounded to the nearest paisa. `None` when not finite or
    /// out of range (above ten thousand crore rupees).
    pub fn from_rupees_f64(rupees: f64) -> Option<Self> {
        let paise = (rupees * 100.0).round();
        (paise.is_finite() && paise.abs() < 1e14).then_some(Paise(paise as i64))
    }

    /// `self * rate`, rounded to the nearest paisa (interest, TDS, variations).
    pub fn scale(self, factor: f64) -> Self {
        Paise((self.0 as f64 * factor).round() as i64)
    }

    /// Rounded down to whole rupees.
    pub fn whole_rupees(self) -> Self {
        Paise(self.0 - self.0.rem_euclid(100))
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl std::ops::Add for Paise {
    type Output = Paise;
    fn add(self, rhs: Paise) -> Paise {
        Paise(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::Sub for Paise {
    type Output = Paise;
    fn sub(self, rhs: Paise) -> Paise {
        Paise(self.0.saturating_sub(rhs.0))
    }
}

impl std::ops::AddAssign for Paise {
    fn add_assign(&mut self, rhs: Paise) {
        *self = *self + rhs;
    }
}

impl std::ops::SubAssign for Paise {
    fn sub_assign(&mut self, rhs: Paise) {
        *self = *self - rhs;
    }
}

impl fmt::Display for Paise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Written as the decimal text (`"1234.50"`), so JSON keeps it exact.
impl Serialize for Paise {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read from a number (`85000`, `1234.5`) or decimal text (`"1234.50"`), in rupees.
impl<'de> Deserialize<'de> for Paise {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        let rupees = match Raw::deserialize(deserializer)? {
            Raw::Number(n) => n,
            Raw::Text(t) => t
                .trim()
                .replace(',', "")
                .parse::<f64>()
                .map_err(|_| serde::de::Error::custom(format!("{t:?} is not an amount")))?,
        };
        Paise::from_rupees_f64(rupees)
            .ok_or_else(|| serde::de::Error::custom(format!("{rupees} is not a usable amount")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_as_rupees_with_two_decimals() {
        assert_eq!(Paise(123450).to_string(), "1234.50");
        assert_eq!(Paise(5).to_string(), "0.05");
        assert_eq!(Paise(-250).to_string(), "-2.50");
        assert_eq!(Paise::ZERO.to_string(), "0.00");
    }

    #[test]
    fn amounts_read_from_numbers_and_text() {
        let p: Paise = serde_yaml::from_str("85000.75").unwrap();
        assert_eq!(p, Paise(8_500_075));
        let p: Paise = serde_yaml::from_str("\"1,25,000\"").unwrap();
        assert_eq!(p, Paise::from_rupees(125_000));
        assert!(serde_yaml::from_str::<Paise>("\"lots\"").is_err());
    }

    #[test]
    fn whole_rupees_round_down_and_scaling_rounds_to_the_paisa() {
        assert_eq!(Paise(123456).whole_rupees(), Paise(123400));
        assert_eq!(Paise(10000).scale(0.0725), Paise(725));
    }
}

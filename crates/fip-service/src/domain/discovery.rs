//! Which customer a discovery request names, and which of their accounts it asks for.
//!
//! Only STRONG identifiers are used. A STRONG `MOBILE` is required (it is how this bank knows
//! its customers); a STRONG `PAN`, when given, must match too. Other STRONG types (Aadhaar,
//! account number, ...) are not held here and are ignored; WEAK and ANCILLARY identifiers are
//! ignored. An unknown customer is "no accounts found", which reveals nothing more.

use std::collections::BTreeSet;

use aa_core::rebit::{DiscoveryIdentifier, ErrorCode, FiType, IdentifierCategory, IdentifierType};
use aa_core::validate::Invalid;

use crate::bank::seed_rules::{is_mobile, is_pan};

// How long a discovery binds its customer address to the customer its identifiers named is
// `linking.discovery_lifetime_seconds` (a day by default: an AA links soon after discovering,
// the accounts it shows the customer come from it). `POST /Accounts/link` binds an address
// only to the accounts of a customer that this AA's discovery found for that address in this
// time, else 404 `AccountNotFound` (the link request's 404 code; it tells the caller nothing of
// whose the accounts are). Older discoveries are purged by `crate::jobs::sweeps`.

/// The FI types this bank holds.
pub const OFFERED: [FiType; 3] = [
    FiType::Deposit,
    FiType::TermDeposit,
    FiType::RecurringDeposit,
];

/// A ten-digit Indian mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mobile(String);

impl Mobile {
    /// Accepts `9999999999`, `+91 99999 99999`, `919999999999` and `09999999999`.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let digits: String = text
            .trim()
            .trim_start_matches('+')
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let national = match digits.len() {
            12 if digits.starts_with("91") => &digits[2..],
            11 if digits.starts_with('0') => &digits[1..],
            _ => digits.as_str(),
        };
        if is_mobile(national) {
            Ok(Mobile(national.to_owned()))
        } else {
            Err(Invalid::new(
                ErrorCode::InvalidRequest,
                "MOBILE must be a ten-digit mobile number",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A PAN, upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pan(String);

impl Pan {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let pan = text.trim().to_ascii_uppercase();
        if is_pan(&pan) {
            Ok(Pan(pan))
        } else {
            Err(Invalid::new(
                ErrorCode::InvalidRequest,
                "PAN must look like ABCDE1234F",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The customer a discovery request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryQuery {
    pub mobile: Mobile,
    pub pan: Option<Pan>,
}

impl DiscoveryQuery {
    /// Reads the STRONG identifiers of a discovery request.
    pub fn from_identifiers(identifiers: &[DiscoveryIdentifier]) -> Result<Self, Invalid> {
        let strong: Vec<&DiscoveryIdentifier> = identifiers
            .iter()
            .filter(|i| i.category == IdentifierCategory::Strong)
            .collect();
        if strong.is_empty() {
            return Err(Invalid::new(
                ErrorCode::InvalidRequest,
                "at least one STRONG identifier is required",
            ));
        }
        let one = |kind: IdentifierType| -> Result<Option<&str>, Invalid> {
            let mut values = strong
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| i.value.as_str());
            let first = values.next();
            if values.any(|v| Some(v) != first) {
                return Err(Invalid::new(
                    ErrorCode::InvalidRequest,
                    format!("more than one STRONG {kind} identifier"),
                ));
            }
            Ok(first)
        };
        let mobile = one(IdentifierType::Mobile)?.ok_or_else(|| {
            Invalid::new(
                ErrorCode::CannotIdentifyCustomer,
                "this FIP identifies customers by a STRONG MOBILE identifier",
            )
        })?;
        let pan = one(IdentifierType::Pan)?.map(Pan::parse).transpose()?;
        Ok(Self {
            mobile: Mobile::parse(mobile)?,
            pan,
        })
    }

    /// True when a customer with `pan` on file fits this query.
    pub fn pan_matches(&self, pan_on_file: Option<&str>) -> bool {
        match (&self.pan, pan_on_file) {
            (None, _) => true,
            (Some(asked), Some(held)) => asked.as_str().eq_ignore_ascii_case(held),
            (Some(_), None) => false,
        }
    }
}

/// The requested FI types this bank holds; none at all is `UnsupportedFIType`.
pub fn wanted_types(requested: &[FiType]) -> Result<BTreeSet<FiType>, Invalid> {
    if requested.is_empty() {
        return Err(Invalid::new(ErrorCode::InvalidRequest, "FITypes is empty"));
    }
    let wanted: BTreeSet<FiType> = requested
        .iter()
        .copied()
        .filter(|t| OFFERED.contains(t))
        .collect();
    if wanted.is_empty() {
        return Err(Invalid::new(
            ErrorCode::UnsupportedFIType,
            "this FIP holds only DEPOSIT, TERM_DEPOSIT and RECURRING_DEPOSIT accounts",
        ));
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(category: IdentifierCategory, kind: IdentifierType, value: &str) -> DiscoveryIdentifier {
        DiscoveryIdentifier {
            category,
            kind,
            value: value.to_owned(),
        }
    }

    #[test]
    fn a_strong_mobile_is_required_and_weak_identifiers_do_not_count() {
        let weak = [id(
            IdentifierCategory::Weak,
            IdentifierType::Mobile,
            "9999999999",
        )];
        let err = DiscoveryQuery::from_identifiers(&weak).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        let pan_only = [id(
            IdentifierCategory::Strong,
            IdentifierType::Pan,
            "ABCPS1234K",
        )];
        let err = DiscoveryQuery::from_identifiers(&pan_only).unwrap_err();
        assert_eq!(err.code, ErrorCode::CannotIdentifyCustomer);
    }

    #[test]
    fn mobile_numbers_are_normalised_and_pan_must_match_when_given() {
        let ids = [
            id(
                IdentifierCategory::Strong,
                IdentifierType::Mobile,
                "+91 99999-99999",
            ),
            id(
                IdentifierCategory::Strong,
                IdentifierType::Pan,
                "abcps1234k",
            ),
        ];
        let query = DiscoveryQuery::from_identifiers(&ids).unwrap();
        assert_eq!(query.mobile.as_str(), "9999999999");
        assert!(query.pan_matches(Some("ABCPS1234K")));
        assert!(!query.pan_matches(Some("ZZZPS1234K")));
        assert!(!query.pan_matches(None));
    }

    #[test]
    fn two_different_strong_mobiles_are_refused() {
        let ids = [
            id(
                IdentifierCategory::Strong,
                IdentifierType::Mobile,
                "9999999999",
            ),
            id(
                IdentifierCategory::Strong,
                IdentifierType::Mobile,
                "9876543210",
            ),
        ];
        assert!(DiscoveryQuery::from_identifiers(&ids).is_err());
    }

    #[test]
    fn only_held_fi_types_are_looked_for() {
        let wanted = wanted_types(&[FiType::Deposit, FiType::Equities]).unwrap();
        assert_eq!(wanted.into_iter().collect::<Vec<_>>(), [FiType::Deposit]);
        let err = wanted_types(&[FiType::Equities]).unwrap_err();
        assert_eq!(err.code, ErrorCode::UnsupportedFIType);
    }
}

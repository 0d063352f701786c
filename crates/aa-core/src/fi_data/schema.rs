//! The three deposit FI schemas (`deposit.xsd`, `term_deposit.xsd`, `recurring_deposit.xsd`,
//! ReBIT FI schema 1.1) as tables: for each element, its attributes in schema order, whether
//! each is required, and the simple type its value must have. Writer and reader check every
//! document against these tables, so what we emit is valid against the XSD and what we accept
//! is what the XSD accepts (for the facets listed here).

use crate::rebit::FiType;

/// The value space of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `xs:string`: anything, including empty.
    Text,
    /// `xs:date`: `yyyy-mm-dd`, optionally with a zone.
    Date,
    /// `xs:dateTime`.
    DateTime,
    /// `xs:float`.
    Float,
    /// `xs:integer`.
    Integer,
    /// `xs:boolean`.
    Boolean,
    /// The schema's `version` type: a float in `[0.0, 2.0]`.
    Version,
    /// `[^@]+@[^\.]+\..+`.
    Email,
    /// Five letters, four digits, one letter.
    Pan,
    /// One of an enumeration.
    OneOf(&'static [&'static str]),
}

/// One attribute of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrSpec {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
}

const fn req(name: &'static str, kind: Kind) -> AttrSpec {
    AttrSpec {
        name,
        required: true,
        kind,
    }
}

const fn opt(name: &'static str, kind: Kind) -> AttrSpec {
    AttrSpec {
        name,
        required: false,
        kind,
    }
}

/// The tables of one FI type's schema.
#[derive(Debug)]
pub struct Schema {
    pub fi_type: FiType,
    /// The fixed value of `Account/@type`.
    pub account_type: &'static str,
    pub namespace: &'static str,
    pub holder: &'static [AttrSpec],
    pub summary: &'static [AttrSpec],
    /// `Summary/Pending` (deposit only; empty otherwise).
    pub pending: &'static [AttrSpec],
    pub transaction: &'static [AttrSpec],
}

pub const HOLDERS_TYPES: &[&str] = &["SINGLE", "JOINT"];

const HOLDER: &[AttrSpec] = &[
    req("name", Kind::Text),
    req("dob", Kind::Date),
    req("mobile", Kind::Integer),
    req("nominee", Kind::OneOf(&["REGISTERED", "NOT-REGISTERED"])),
    opt("landline", Kind::Text),
    opt("address", Kind::Text),
    opt("email", Kind::Email),
    opt("pan", Kind::Pan),
    opt("ckycCompliance", Kind::Boolean),
];

const DEPOSIT_SUMMARY: &[AttrSpec] = &[
    req("currentBalance", Kind::Text),
    opt("currency", Kind::Text),
    opt("exchgeRate", Kind::Text),
    req("balanceDateTime", Kind::DateTime),
    req("type", Kind::OneOf(&["SAVINGS", "CURRENT"])),
    req("branch", Kind::Text),
    opt("facility", Kind::OneOf(&["OD", "CC"])),
    req("ifscCode", Kind::Text),
    req("micrCode", Kind::Text),
    req("openingDate", Kind::Date),
    opt("currentODLimit", Kind::Text),
    opt("drawingLimit", Kind::Text),
    req("status", Kind::OneOf(&["ACTIVE", "INACTIVE"])),
];

const DEPOSIT_PENDING: &[AttrSpec] = &[
    opt("transactionType", Kind::OneOf(&["CREDIT", "DEBIT"])),
    req("amount", Kind::Float),
];

const DEPOSIT_TRANSACTION: &[AttrSpec] = &[
    req("txnId", Kind::Text),
    req("type", Kind::OneOf(&["CREDIT", "DEBIT"])),
    req(
        "mode",
        Kind::OneOf(&["CASH", "ATM", "CARD", "UPI", "FT", "OTHERS"]),
    ),
    req("amount", Kind::Float),
    req("currentBalance", Kind::Text),
    req("transactionTimestamp", Kind::DateTime),
    req("valueDate", Kind::Date),
    req("narration", Kind::Text),
    req("reference", Kind::Text),
];

const INTEREST_PAYOUT: Kind = Kind::OneOf(&[
    "MONTHLY",
    "QUARTERLY",
    "HALF-YEARLY",
    "YEARLY",
    "OnMaturity",
]);
const INTEREST_COMPUTATION: Kind = Kind::OneOf(&["SIMPLE", "COMPOUND"]);
const COMPOUNDING: Kind = Kind::OneOf(&["MONTHLY", "QUARTERLY", "HALF-YEARLY", "YEARLY"]);

const TERM_SUMMARY: &[AttrSpec] = &[
    req(
        "accountType",
        Kind::OneOf(&[
            "FIXED",
            "SWEEP",
            "RECURRING",
            "FLEXIBLE",
            "TAX-SAVING",
            "FCNR",
            "OTHERS",
        ]),
    ),
    req("branch", Kind::Text),
    req("openingDate", Kind::Date),
    opt("ifsc", Kind::Text),
    req("maturityAmount", Kind::Float),
    req("maturityDate", Kind::Date),
    req("description", Kind::Text),
    req("interestPayout", INTEREST_PAYOUT),
    req("interestRate", Kind::Text),
    req("principalAmount", Kind::Text),
    req("tenureDays", Kind::Text),
    req("tenureMonths", Kind::Text),
    req("tenureYears", Kind::Text),
    req("interestComputation", INTEREST_COMPUTATION),
    req("compoundingFrequency", COMPOUNDING),
    req("interestPeriodicPayoutAmount", Kind::Text),
    req("interestOnMaturity", Kind::Text),
    req("currentValue", Kind::Text),
];

const RECURRING_SUMMARY: &[AttrSpec] = &[
    req(
        "accountType",
        Kind::OneOf(&["FIXED", "RECURRING", "SWEEP", "FLEXIBLE"]),
    ),
    req("branch", Kind::Text),
    req("openingDate", Kind::Date),
    opt("ifsc", Kind::Text),
    req("maturityAmount", Kind::Float),
    req("maturityDate", Kind::Date),
    req("description", Kind::Text),
    req("interestPayout", INTEREST_PAYOUT),
    req("interestRate", Kind::Text),
    req("principalAmount", Kind::Text),
    req("tenureDays", Kind::Text),
    req("tenureMonths", Kind::Text),
    req("tenureYears", Kind::Text),
    req("recurringAmount", Kind::Text),
    req("recurringDepositDay", Kind::Text),
    req("interestComputation", INTEREST_COMPUTATION),
    req("compoundingFrequency", COMPOUNDING),
    req("interestPeriodicPayoutAmount", Kind::Text),
    req("interestOnMaturity", Kind::Text),
    req("currentValue", Kind::Text),
];

/// Term and recurring deposits share their `Transaction`.
const TERM_TRANSACTION: &[AttrSpec] = &[
    req("txnId", Kind::Text),
    req("amount", Kind::Text),
    req("narration", Kind::Text),
    req(
        "type",
        Kind::OneOf(&[
            "OPENING",
            "INTEREST",
            "TDS",
            "INSTALLMENT",
            "CLOSING",
            "OTHERS",
        ]),
    ),
    req(
        "mode",
        Kind::OneOf(&["CASH", "ATM", "CARD_PAYMENT", "UPI", "FT", "OTHERS"]),
    ),
    req("balance", Kind::Text),
    req("transactionDateTime", Kind::DateTime),
    req("valueDate", Kind::Date),
    req("reference", Kind::Text),
];

pub static DEPOSIT: Schema = Schema {
    fi_type: FiType::Deposit,
    account_type: "deposit",
    namespace: "http://api.rebit.org.in/FISchema/deposit",
    holder: HOLDER,
    summary: DEPOSIT_SUMMARY,
    pending: DEPOSIT_PENDING,
    transaction: DEPOSIT_TRANSACTION,
};

pub static TERM_DEPOSIT: Schema = Schema {
    fi_type: FiType::TermDeposit,
    account_type: "term_deposit",
    namespace: "http://api.rebit.org.in/FISchema/term_deposit",
    holder: HOLDER,
    summary: TERM_SUMMARY,
    pending: &[],
    transaction: TERM_TRANSACTION,
};

pub static RECURRING_DEPOSIT: Schema = Schema {
    fi_type: FiType::RecurringDeposit,
    account_type: "recurring_deposit",
    namespace: "http://api.rebit.org.in/FISchema/recurring_deposit",
    holder: HOLDER,
    summary: RECURRING_SUMMARY,
    pending: &[],
    transaction: TERM_TRANSACTION,
};

/// The schema of an FI type, if it is one of the three deposit types.
pub fn for_fi_type(fi_type: FiType) -> Option<&'static Schema> {
    match fi_type {
        FiType::Deposit => Some(&DEPOSIT),
        FiType::TermDeposit => Some(&TERM_DEPOSIT),
        FiType::RecurringDeposit => Some(&RECURRING_DEPOSIT),
        _ => None,
    }
}

/// The schema whose `Account/@type` is `value`.
pub fn for_account_type(value: &str) -> Option<&'static Schema> {
    [&DEPOSIT, &TERM_DEPOSIT, &RECURRING_DEPOSIT]
        .into_iter()
        .find(|s| s.account_type == value)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_deposit_type_has_a_schema() {
        for t in [
            FiType::Deposit,
            FiType::TermDeposit,
            FiType::RecurringDeposit,
        ] {
            let schema = for_fi_type(t).unwrap();
            assert_eq!(for_account_type(schema.account_type).unwrap().fi_type, t);
        }
        assert!(for_fi_type(FiType::Equities).is_none());
    }
}

//! The enumerated values of the FI schemas that a seed file uses: deposit transaction modes,
//! nominee registration, term deposit kinds, interest payout, compounding and computation.

use serde::Deserialize;

/// Declares a string enum read from (and written as) its wire spellings.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }
    };
}

text_enum! {
    /// `Transaction.mode` of a deposit account (deposit XSD).
    DepositMode { Cash = "CASH", Atm = "ATM", Card = "CARD", Upi = "UPI", Ft = "FT", Others = "OTHERS" }
    default Ft
}

text_enum! {
    /// `Holder.nominee`.
    Nominee { Registered = "REGISTERED", NotRegistered = "NOT-REGISTERED" }
    default Registered
}

text_enum! {
    /// `Summary.accountType` of a term deposit (term deposit XSD).
    TermKind {
        Fixed = "FIXED", Sweep = "SWEEP", Flexible = "FLEXIBLE", TaxSaving = "TAX-SAVING",
        Fcnr = "FCNR", Others = "OTHERS",
    }
    default Fixed
}

text_enum! {
    /// `Summary.interestPayout`.
    Payout {
        Monthly = "MONTHLY", Quarterly = "QUARTERLY", HalfYearly = "HALF-YEARLY",
        Yearly = "YEARLY", OnMaturity = "OnMaturity",
    }
    default OnMaturity
}

text_enum! {
    /// `Summary.compoundingFrequency`.
    Compounding { Monthly = "MONTHLY", Quarterly = "QUARTERLY", HalfYearly = "HALF-YEARLY", Yearly = "YEARLY" }
    default Quarterly
}

text_enum! {
    /// `Summary.interestComputation`.
    Computation { Simple = "SIMPLE", Compound = "COMPOUND" }
    default Compound
}

impl Payout {
    /// Months between payouts; `None` when interest is paid at maturity.
    pub fn months(self) -> Option<u8> {
        match self {
            Payout::Monthly => Some(1),
            Payout::Quarterly => Some(3),
            Payout::HalfYearly => Some(6),
            Payout::Yearly => Some(12),
            Payout::OnMaturity => None,
        }
    }
}

impl Compounding {
    pub fn months(self) -> u8 {
        match self {
            Compounding::Monthly => 1,
            Compounding::Quarterly => 3,
            Compounding::HalfYearly => 6,
            Compounding::Yearly => 12,
        }
    }
}

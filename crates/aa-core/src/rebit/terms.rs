//! Enumerated terms of a consent and of the accounts it covers: FI types, account types,
//! consent mode/type, fetch type, data consumer/provider types, `DataLife` and `Frequency`
//! units, and `DataFilter` types and operators.

use super::wire::wire_enum;
use crate::validate::ApiVersion;

wire_enum! {
    /// Financial information type (`FITypes`, `Account.FIType`, `Accounts[].fiType`).
    /// 1.1.x FIP specs spell the term deposit `TERM-DEPOSIT`; both are accepted and
    /// `TERM_DEPOSIT` is written.
    pub enum FiType {
        Deposit = "DEPOSIT",
        TermDeposit = "TERM_DEPOSIT" | "TERM-DEPOSIT",
        RecurringDeposit = "RECURRING_DEPOSIT",
        Sip = "SIP",
        Cp = "CP",
        GovtSecurities = "GOVT_SECURITIES",
        Equities = "EQUITIES",
        Bonds = "BONDS",
        Debentures = "DEBENTURES",
        MutualFunds = "MUTUAL_FUNDS",
        Etf = "ETF",
        Idr = "IDR",
        Cis = "CIS",
        Aif = "AIF",
        InsurancePolicies = "INSURANCE_POLICIES",
        Nps = "NPS",
        Invit = "INVIT",
        Reit = "REIT",
        /// New in 2.0.0.
        Gstr13b = "GSTR1_3B",
        /// New in 2.1.0 (the SahamatiNet Router's files).
        LifeInsurance = "LIFE_INSURANCE",
        /// New in 2.1.0.
        GeneralInsurance = "GENERAL_INSURANCE",
        Other = "OTHER",
    }
}

impl FiType {
    /// Whether `version`'s files list this type: `LIFE_INSURANCE` and `GENERAL_INSURANCE` only
    /// from 2.1.0 (the router's files) on, so a 2.0.0 request must not name them.
    pub fn listed_in(self, version: ApiVersion) -> bool {
        match self {
            Self::LifeInsurance | Self::GeneralInsurance => version == ApiVersion::V2_1_0,
            _ => true,
        }
    }
}

wire_enum! {
    /// Account type or sub-FI type (`Account.accType`).
    pub enum AccType {
        Savings = "SAVINGS",
        Current = "CURRENT",
        Default = "DEFAULT",
        Nre = "NRE",
        Nro = "NRO",
    }
}

wire_enum! {
    /// `consentMode`.
    pub enum ConsentMode {
        View = "VIEW",
        Store = "STORE",
        Query = "QUERY",
        Stream = "STREAM",
    }
}

wire_enum! {
    /// `fetchType`.
    pub enum FetchType {
        Onetime = "ONETIME",
        Periodic = "PERIODIC",
    }
}

wire_enum! {
    /// An entry of `consentTypes`.
    pub enum ConsentType {
        Profile = "PROFILE",
        Summary = "SUMMARY",
        Transactions = "TRANSACTIONS",
    }
}

wire_enum! {
    /// `DataConsumer.type`. A consent between FIP and AA names `AA`; one between FIU/AA
    /// client and AA names `FIU` (or `USER`).
    pub enum DataConsumerType {
        Fiu = "FIU",
        User = "USER",
        Aa = "AA",
    }
}

wire_enum! {
    /// `DataProvider.type`.
    pub enum DataProviderType {
        Fip = "FIP",
        Aa = "AA",
    }
}

wire_enum! {
    /// `DataLife.unit`. With `INF`, `value` must be 0.
    pub enum DataLifeUnit {
        Day = "DAY",
        Month = "MONTH",
        Year = "YEAR",
        Inf = "INF",
    }
}

wire_enum! {
    /// `Frequency.unit`. `INF` appears only in the AA's `ConsentsRequest` schema; the
    /// signed consent lists `HOUR`, `DAY`, `MONTH`, `YEAR`.
    pub enum FrequencyUnit {
        Hour = "HOUR",
        Day = "DAY",
        Month = "MONTH",
        Year = "YEAR",
        Inf = "INF",
    }
}

wire_enum! {
    /// `DataFilter[].type`.
    pub enum DataFilterType {
        TransactionType = "TRANSACTIONTYPE",
        TransactionAmount = "TRANSACTIONAMOUNT",
    }
}

wire_enum! {
    /// `DataFilter[].operator`.
    pub enum DataFilterOperator {
        Eq = "=",
        Ne = "!=",
        Gt = ">",
        Lt = "<",
        Ge = ">=",
        Le = "<=",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2_1_0_fi_types_are_not_listed_in_earlier_versions() {
        let listed = |v| FiType::ALL.iter().filter(|t| t.listed_in(v)).count();
        assert_eq!(listed(ApiVersion::V2_1_0), FiType::ALL.len());
        assert_eq!(listed(ApiVersion::V2_0_0), FiType::ALL.len() - 2);
        assert!(!FiType::LifeInsurance.listed_in(ApiVersion::V1_1_2));
        assert!(FiType::Deposit.listed_in(ApiVersion::V2_0_0));
    }
}

//! The consent's `DataFilter`: rules on transactions, all of which a transaction must meet.
//! `TRANSACTIONAMOUNT` compares the amount (rupees, a decimal) with any operator;
//! `TRANSACTIONTYPE` compares the type (`CREDIT`, `DEBIT`, `INTEREST`, ...) with `=` or `!=`.
//! A rule that cannot be applied is refused when the data is requested
//! (`InvalidConsentDetail`), never silently ignored.

use aa_core::rebit::{DataFilter, DataFilterOperator, DataFilterType, ErrorCode};
use aa_core::validate::Invalid;

use crate::domain::account::StatementLine;

/// One usable rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Amount(DataFilterOperator, i64),
    Type { equal: bool, value: String },
}

/// Parses a decimal amount of rupees (`1500`, `1500.5`, `1500.50`) into paise.
pub fn parse_paise(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2 && fraction[2..].bytes().any(|b| b != b'0')
        || whole.len() > 15
    {
        return None;
    }
    let rupees: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut cents = fraction.chars().take(2).collect::<String>();
    while cents.len() < 2 {
        cents.push('0');
    }
    let paise = rupees
        .checked_mul(100)?
        .checked_add(cents.parse::<i64>().ok()?)?;
    Some(if negative { -paise } else { paise })
}

/// Reads the consent's filters.
pub fn rules(filters: &[DataFilter]) -> Result<Vec<Rule>, Invalid> {
    filters
        .iter()
        .map(|f| match f.kind {
            DataFilterType::TransactionAmount => parse_paise(&f.value)
                .map(|paise| Rule::Amount(f.operator, paise))
                .ok_or_else(|| {
                    Invalid::new(
                        ErrorCode::InvalidConsentDetail,
                        format!(
                            "DataFilter TRANSACTIONAMOUNT value {:?} is not an amount",
                            f.value
                        ),
                    )
                }),
            DataFilterType::TransactionType => match f.operator {
                DataFilterOperator::Eq | DataFilterOperator::Ne => Ok(Rule::Type {
                    equal: f.operator == DataFilterOperator::Eq,
                    value: f.value.trim().to_ascii_uppercase(),
                }),
                other => Err(Invalid::new(
                    ErrorCode::InvalidConsentDetail,
                    format!("DataFilter TRANSACTIONTYPE takes = or !=, not {other}"),
                )),
            },
        })
        .collect()
}

/// Whether `line` meets every rule.
pub fn keeps(rules: &[Rule], line: &StatementLine) -> bool {
    rules.iter().all(|rule| match rule {
        Rule::Amount(op, value) => {
            let amount = line.amount_paise;
            match op {
                DataFilterOperator::Eq => amount == *value,
                DataFilterOperator::Ne => amount != *value,
                DataFilterOperator::Gt => amount > *value,
                DataFilterOperator::Lt => amount < *value,
                DataFilterOperator::Ge => amount >= *value,
                DataFilterOperator::Le => amount <= *value,
            }
        }
        Rule::Type { equal, value } => line.kind.eq_ignore_ascii_case(value) == *equal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kind: &str, amount_paise: i64) -> StatementLine {
        StatementLine {
            txn_id: "T1".into(),
            kind: kind.into(),
            mode: "UPI".into(),
            amount_paise,
            balance_paise: 0,
            at_ms: 0,
            value_date: "2024-01-01".into(),
            narration: "n".into(),
            reference: "r".into(),
        }
    }

    fn filter(kind: &str, operator: &str, value: &str) -> DataFilter {
        serde_json::from_value(
            serde_json::json!({"type": kind, "operator": operator, "value": value}),
        )
        .unwrap()
    }

    #[test]
    fn amounts_are_read_as_exact_paise() {
        assert_eq!(parse_paise("1500"), Some(150_000));
        assert_eq!(parse_paise("1500.5"), Some(150_050));
        assert_eq!(parse_paise("0.05"), Some(5));
        assert_eq!(parse_paise("12.340"), Some(1234));
        assert_eq!(parse_paise("12.345"), None);
        assert_eq!(parse_paise("abc"), None);
        assert_eq!(parse_paise(""), None);
    }

    #[test]
    fn every_rule_must_hold() {
        let rules = rules(&[
            filter("TRANSACTIONAMOUNT", ">=", "1000"),
            filter("TRANSACTIONTYPE", "=", "debit"),
        ])
        .unwrap();
        assert!(keeps(&rules, &line("DEBIT", 100_000)));
        assert!(!keeps(&rules, &line("DEBIT", 99_999)));
        assert!(!keeps(&rules, &line("CREDIT", 200_000)));
        let rules = super::rules(&[filter("TRANSACTIONTYPE", "!=", "CREDIT")]).unwrap();
        assert!(keeps(&rules, &line("DEBIT", 1)));
        assert!(!keeps(&rules, &line("CREDIT", 1)));
    }

    #[test]
    fn unusable_rules_are_refused() {
        let err = rules(&[filter("TRANSACTIONAMOUNT", ">", "lots")]).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConsentDetail);
        let err = rules(&[filter("TRANSACTIONTYPE", ">", "CREDIT")]).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConsentDetail);
    }
}

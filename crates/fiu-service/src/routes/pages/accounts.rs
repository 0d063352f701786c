//! One decrypted account on the data-request page: its profile (holders), its summary, and its
//! transactions, filtered by the page's [`Filter`] (from/to date, type, minimum amount), which
//! the CSV export applies too. Every value is escaped; nothing here is logged.

use aa_core::fi_data::{Account, Attrs};
use aa_runtime::http::pages::escape;
use serde::Deserialize;

use super::shell::PageError;

/// The transaction filters of the page and the CSV export (a GET form).
#[derive(Debug, Default, Deserialize)]
pub struct FilterQuery {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub min: Option<String>,
    #[serde(default)]
    pub done: Option<String>,
}

/// The filters once checked: dates `yyyy-mm-dd`, `CREDIT`/`DEBIT`, a non-negative amount.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Filter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<&'static str>,
    pub min: Option<f64>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn date(value: &str, name: &str) -> Result<String, PageError> {
    let bad = || PageError::bad_request(format!("{name} must be a date like 2025-01-31"));
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| bad())?,
        m.parse::<u8>().map_err(|_| bad())?,
        d.parse::<u8>().map_err(|_| bad())?,
    );
    let month = time::Month::try_from(m).map_err(|_| bad())?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| bad())?;
    Ok(value.to_owned())
}

impl Filter {
    /// The filters of a query; 400 naming the one that is malformed.
    pub fn parse(q: &FilterQuery) -> Result<Self, PageError> {
        let from = given(&q.from).map(|v| date(v, "from")).transpose()?;
        let to = given(&q.to).map(|v| date(v, "to")).transpose()?;
        let kind = match given(&q.kind) {
            None => None,
            Some("CREDIT") => Some("CREDIT"),
            Some("DEBIT") => Some("DEBIT"),
            Some(_) => return Err(PageError::bad_request("type must be CREDIT or DEBIT")),
        };
        let min = match given(&q.min) {
            None => None,
            Some(v) => Some(
                v.parse::<f64>()
                    .ok()
                    .filter(|m| m.is_finite() && *m >= 0.0)
                    .ok_or_else(|| {
                        PageError::bad_request("min amount must be a number like 1000.50")
                    })?,
            ),
        };
        Ok(Self {
            from,
            to,
            kind,
            min,
        })
    }

    /// The filters as a query string (for the export links), empty when none.
    pub fn query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(v) = &self.from {
            pairs.push(format!("from={}", super::shell::encode(v)));
        }
        if let Some(v) = &self.to {
            pairs.push(format!("to={}", super::shell::encode(v)));
        }
        if let Some(v) = self.kind {
            pairs.push(format!("type={v}"));
        }
        if let Some(v) = self.min {
            pairs.push(format!("min={v}"));
        }
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    /// Whether a transaction passes every filter.
    pub fn keeps(&self, txn: &Attrs) -> bool {
        let day = day_of(txn);
        let after = self.from.as_deref().is_none_or(|f| day >= f);
        let before = self.to.as_deref().is_none_or(|t| day <= t);
        let kind = self.kind.is_none_or(|k| txn.get("type") == Some(k));
        let amount = self.min.is_none_or(|m| {
            txn.get("amount")
                .and_then(|a| a.trim().parse::<f64>().ok())
                .is_some_and(|a| a >= m)
        });
        after && before && kind && amount
    }
}

/// A transaction's day: its `valueDate`, else the date of its `transactionTimestamp`.
pub fn day_of(txn: &Attrs) -> &str {
    txn.get("valueDate")
        .or_else(|| txn.get("transactionTimestamp").and_then(|t| t.get(..10)))
        .unwrap_or("")
}

/// The account's document, read from its stored JSON form.
pub fn read(data: &serde_json::Value) -> Option<Account> {
    let bytes = serde_json::to_vec(data).ok()?;
    Account::from_json(&bytes).ok()
}

fn facts(attrs: &Attrs, names: &[(&str, &str)]) -> String {
    let mut out = String::from("<dl class=\"facts\">");
    for (name, label) in names {
        if let Some(value) = attrs.get(name) {
            out.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                escape(label),
                escape(value)
            ));
        }
    }
    out.push_str("</dl>");
    out
}

/// The profile and summary of an account.
pub fn profile_and_summary(account: &Account) -> String {
    let mut out = String::new();
    if let Some(profile) = &account.profile {
        out.push_str(&format!(
            "<h4>Holders ({})</h4>",
            escape(&profile.holders_type)
        ));
        for holder in &profile.holders {
            out.push_str(&facts(
                holder,
                &[
                    ("name", "Name"),
                    ("dob", "Date of birth"),
                    ("mobile", "Mobile"),
                    ("email", "Email"),
                    ("pan", "PAN"),
                    ("address", "Address"),
                    ("nominee", "Nominee"),
                    ("ckycCompliance", "CKYC compliant"),
                ],
            ));
        }
    }
    if let Some(summary) = &account.summary {
        out.push_str("<h4>Summary</h4>");
        out.push_str(&facts(
            &summary.attrs,
            &[
                ("currentBalance", "Balance"),
                ("currency", "Currency"),
                ("balanceDateTime", "Balance at"),
                ("type", "Type"),
                ("status", "Status"),
                ("branch", "Branch"),
                ("ifscCode", "IFSC"),
                ("openingDate", "Opened"),
                ("principalAmount", "Principal"),
                ("maturityAmount", "Maturity amount"),
                ("maturityDate", "Maturity date"),
                ("interestRate", "Interest rate"),
            ],
        ));
    }
    out
}

/// The account's transactions that pass `filter`, as a table.
pub fn transactions(account: &Account, filter: &Filter) -> String {
    let Some(txns) = &account.transactions else {
        return "<p class=\"muted\">No transactions were shared for this account.</p>".into();
    };
    let kept: Vec<&Attrs> = txns.list.iter().filter(|t| filter.keeps(t)).collect();
    let mut out = format!(
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Transactions\"><table><caption>Transactions {} to {}: {} of {} shown\
         </caption><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Type</th>\
         <th scope=\"col\">Mode</th><th scope=\"col\" class=\"num\">Amount</th>\
         <th scope=\"col\" class=\"num\">Balance</th><th scope=\"col\">Narration</th>\
         <th scope=\"col\">Reference</th></tr></thead><tbody>",
        escape(&txns.start_date),
        escape(&txns.end_date),
        kept.len(),
        txns.list.len()
    );
    for t in &kept {
        let cell = |name: &str| escape(t.get(name).unwrap_or(""));
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(day_of(t)),
            cell("type"),
            cell("mode"),
            cell("amount"),
            cell("currentBalance"),
            cell("narration"),
            cell("reference"),
        ));
    }
    out.push_str("</tbody></table></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: &str, to: &str, kind: &str, min: &str) -> FilterQuery {
        let some = |v: &str| Some(v.to_owned());
        FilterQuery {
            from: some(from),
            to: some(to),
            kind: some(kind),
            min: some(min),
            done: None,
        }
    }

    #[test]
    fn filters_keep_only_matching_transactions() {
        let txn = Attrs::new()
            .with("type", "CREDIT")
            .with("amount", "1000.00")
            .with("valueDate", "2025-01-06");
        let keeps = |q: FilterQuery| Filter::parse(&q).unwrap().keeps(&txn);
        assert!(keeps(query("", "", "", "")));
        assert!(keeps(query("2025-01-06", "2025-01-06", "CREDIT", "1000")));
        assert!(!keeps(query("2025-01-07", "", "", "")));
        assert!(!keeps(query("", "2025-01-05", "", "")));
        assert!(!keeps(query("", "", "DEBIT", "")));
        assert!(!keeps(query("", "", "", "1000.01")));
    }

    #[test]
    fn malformed_filters_are_refused_by_name() {
        for (q, name) in [
            (query("2025-02-30", "", "", ""), "from"),
            (query("", "31/01/2025", "", ""), "to"),
            (query("", "", "BOTH", ""), "type"),
            (query("", "", "", "-1"), "min"),
            (query("", "", "", "NaN"), "min"),
        ] {
            match Filter::parse(&q) {
                Err(PageError::Page(status, message)) => {
                    assert_eq!(status.as_u16(), 400);
                    assert!(message.starts_with(name), "{message}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_filters_go_back_into_the_export_links() {
        let f = Filter::parse(&query("2025-01-01", "", "DEBIT", "5")).unwrap();
        assert_eq!(f.query(), "?from=2025-01-01&type=DEBIT&min=5");
        assert_eq!(Filter::default().query(), "");
    }
}

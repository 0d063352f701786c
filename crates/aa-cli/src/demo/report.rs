//! What the demo prints at the end: a table of the FIU's decrypted accounts, or (`--json`) one
//! JSON object. Both read the FIU's data request (`GET /app/data-requests/{id}`), whose
//! accounts carry the decrypted FI document in the JSON form of `aa_core::fi_data`.

use serde_json::{json, Value};

/// One decrypted account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub fip_id: String,
    pub consent_id: String,
    pub session_id: String,
    pub link_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
    /// Deposit `currentBalance`, or term/recurring `currentValue`.
    pub balance: String,
    pub transactions: usize,
    pub first_txn_id: String,
    pub first_narration: String,
}

fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The decrypted accounts of a data request, FIP by FIP (ordered by FIP id, accounts in the
/// FIU's order); fails unless every FIP in `expected` sent data.
pub fn rows(data_request: &Value, expected: &[&str]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for fip in data_request["fips"].as_array().into_iter().flatten() {
        for account in fip["accounts"].as_array().into_iter().flatten() {
            let data = &account["data"];
            if !data.is_object() {
                continue;
            }
            let list = data["transactions"]["transaction"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let summary = &data["summary"];
            let balance = summary["currentBalance"]
                .as_str()
                .or_else(|| summary["currentValue"].as_str())
                .unwrap_or("-")
                .to_owned();
            rows.push(Row {
                fip_id: str_of(&fip["fipId"]),
                consent_id: str_of(&fip["consentId"]),
                session_id: str_of(&fip["sessionId"]),
                link_ref_number: str_of(&account["linkRefNumber"]),
                masked_acc_number: str_of(&account["maskedAccNumber"]),
                fi_type: str_of(&account["fiType"]),
                balance,
                transactions: list.len(),
                first_txn_id: list
                    .first()
                    .map(|t| str_of(&t["txnId"]))
                    .unwrap_or_default(),
                first_narration: list
                    .first()
                    .map(|t| str_of(&t["narration"]))
                    .unwrap_or_default(),
            });
        }
    }
    rows.sort_by(|a, b| a.fip_id.cmp(&b.fip_id));
    for fip in expected {
        if !rows.iter().any(|r| r.fip_id == *fip) {
            return Err(format!("the FIU holds no decrypted data from {fip}"));
        }
    }
    Ok(rows)
}

/// The table: FIP, account (masked), type, balance, transactions.
pub fn table(rows: &[Row]) -> String {
    let header = ["FIP", "Account", "Type", "Balance (INR)", "Transactions"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                r.fip_id.clone(),
                r.masked_acc_number.clone(),
                r.fi_type.clone(),
                r.balance.clone(),
                r.transactions.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // Numbers right-aligned, text left-aligned.
                if i >= 3 {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = line(&header.map(str::to_owned));
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for row in &cells {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// The `--json` object. The AA signs one consent per FIP, so each FIP has its own consent and
/// session id; the top-level `consentId` and `sessionId` are the first FIP's.
pub fn json(consent_handle: &str, rows: &[Row]) -> Value {
    let mut fips: Vec<Value> = Vec::new();
    for row in rows {
        let account = json!({
            "linkRefNumber": row.link_ref_number,
            "maskedAccNumber": row.masked_acc_number,
            "fiType": row.fi_type,
            "transactions": row.transactions,
            "firstTxnId": row.first_txn_id,
            "firstNarration": row.first_narration,
        });
        match fips.iter_mut().find(|f| f["fipId"] == row.fip_id.as_str()) {
            Some(fip) => {
                if let Some(list) = fip["accounts"].as_array_mut() {
                    list.push(account);
                }
            }
            None => fips.push(json!({
                "fipId": row.fip_id,
                "consentId": row.consent_id,
                "sessionId": row.session_id,
                "accounts": [account],
            })),
        }
    }
    json!({
        "consentHandle": consent_handle,
        "consentId": rows.first().map(|r| r.consent_id.clone()),
        "sessionId": rows.first().map(|r| r.session_id.clone()),
        "fips": fips,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Value {
        json!({"status": "COMPLETED", "fips": [
            {"fipId": "FIP-1", "consentId": "c1", "sessionId": "s1", "accounts": [
                {"linkRefNumber": "l1", "maskedAccNumber": "XXXX1111", "fiType": "DEPOSIT",
                 "data": {"summary": {"currentBalance": "1520.50"},
                          "transactions": {"transaction": [
                              {"txnId": "T1", "narration": "UPI/Chai"},
                              {"txnId": "T2", "narration": "NEFT/Salary"}]}}},
                {"linkRefNumber": "l2", "maskedAccNumber": "XXXX2222", "fiType": "TERM_DEPOSIT",
                 "data": {"summary": {"currentValue": "100000.00"}}}]},
            {"fipId": "FIP-2", "consentId": "c2", "sessionId": "s2", "accounts": [
                {"linkRefNumber": "l3", "maskedAccNumber": "XXXX3333", "fiType": "DEPOSIT",
                 "data": null}]}]})
    }

    #[test]
    fn rows_need_decrypted_data_from_every_expected_fip() {
        let rows = rows(&request(), &["FIP-1"]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].balance, "1520.50");
        assert_eq!(rows[1].balance, "100000.00");
        assert_eq!(rows[0].first_txn_id, "T1");
        let err = super::rows(&request(), &["FIP-1", "FIP-2"]).unwrap_err();
        assert!(err.contains("FIP-2"), "{err}");
    }

    #[test]
    fn the_table_aligns_columns_and_right_aligns_numbers() {
        let rows = rows(&request(), &["FIP-1"]).unwrap();
        let table = table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "FIP    Account   Type          Balance (INR)  Transactions"
        );
        assert_eq!(
            lines[2],
            "FIP-1  XXXX1111  DEPOSIT             1520.50             2"
        );
        assert_eq!(
            lines[3],
            "FIP-1  XXXX2222  TERM_DEPOSIT      100000.00             0"
        );
    }

    #[test]
    fn rows_are_ordered_by_fip_whatever_order_the_fiu_answers_in() {
        let mut request = request();
        let fips = request["fips"].as_array_mut().unwrap();
        fips.reverse();
        fips[0]["accounts"][0]["data"] = json!({"summary": {"currentBalance": "7.00"}});
        let rows = rows(&request, &["FIP-1", "FIP-2"]).unwrap();
        let order: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.fip_id.as_str(), r.link_ref_number.as_str()))
            .collect();
        assert_eq!(order, [("FIP-1", "l1"), ("FIP-1", "l2"), ("FIP-2", "l3")]);
        let value = json("h1", &rows);
        assert_eq!(value["consentId"], "c1");
        assert_eq!(value["fips"][1]["sessionId"], "s2");
        assert_eq!(value["fips"][1]["accounts"][0]["firstTxnId"], "");
    }

    #[test]
    fn an_account_without_a_balance_or_statement_shows_a_dash_and_zero() {
        let request = json!({"fips": [{"fipId": "FIP-1", "accounts": [
            {"maskedAccNumber": "XXXX9", "fiType": "DEPOSIT", "data": {"profile": {}}}]}]});
        let table = table(&rows(&request, &["FIP-1"]).unwrap());
        assert_eq!(
            table.lines().nth(2).unwrap(),
            "FIP-1  XXXX9    DEPOSIT              -             0"
        );
    }

    #[test]
    fn the_json_groups_accounts_by_fip() {
        let rows = rows(&request(), &["FIP-1"]).unwrap();
        let value = json("h1", &rows);
        assert_eq!(value["consentHandle"], "h1");
        assert_eq!(value["consentId"], "c1");
        assert_eq!(value["sessionId"], "s1");
        assert_eq!(value["fips"].as_array().unwrap().len(), 1);
        assert_eq!(
            value["fips"][0]["accounts"][0]["firstNarration"],
            "UPI/Chai"
        );
        assert_eq!(value["fips"][0]["accounts"][1]["transactions"], 0);
    }
}

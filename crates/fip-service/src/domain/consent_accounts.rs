//! What `POST /Consent` refuses in the artefact's accounts once their links are known to be
//! the customer's through this AA (issue 13): each listed account must be what the bank holds
//! under its `linkRefNumber`, as the artefact states it. In this order, per account: its
//! `fiType` and `accType` must be the bank's for that account, its `maskedAccNumber` the one the
//! bank showed at discovery, and its FI type one of the artefact's `fiTypes` (else the consent
//! covers an account it grants no data of).
//!
//! Code: 400 `InvalidRequest`, for the reason `crate::domain::consent_rules` gives: it is the
//! only code of the FIP 2.0.0 YAML's `POST /Consent` 400 list (`BadRequestConsentNotification`)
//! that fits.

use aa_core::rebit::{ErrorCode, SignedConsentDetail};
use aa_core::validate::Invalid;

use super::account::Account;
use super::link::AccountLink;

fn refused(message: impl Into<String>) -> Invalid {
    Invalid::new(ErrorCode::InvalidRequest, message)
}

/// Holds every account of `detail` to the bank's: `links` are the live links of the artefact's
/// `linkRefNumber`s (`crate::domain::consent::check_links` has passed) and `accounts` the bank's
/// accounts they point to.
pub fn check_accounts(
    detail: &SignedConsentDetail,
    links: &[AccountLink],
    accounts: &[Account],
) -> Result<(), Invalid> {
    for listed in &detail.accounts {
        let reference = listed.link_ref_number.trim();
        let held = links
            .iter()
            .find(|l| l.link_ref_number == reference && l.linked)
            .and_then(|l| accounts.iter().find(|a| a.id == l.account_id))
            .ok_or_else(|| {
                Invalid::new(
                    ErrorCode::InvalidRequest,
                    format!("linkRefNumber {reference} is not an account linked here"),
                )
            })?;
        if listed.fi_type.known() != Some(&held.fi_type) {
            return Err(refused(format!(
                "account {reference}: the bank does not hold it as fiType {}",
                listed.fi_type
            )));
        }
        if listed.acc_type.known() != Some(&held.acc_type) {
            return Err(refused(format!(
                "account {reference}: the bank does not hold it as accType {}",
                listed.acc_type
            )));
        }
        if listed.masked_acc_number.trim() != held.masked_acc_number {
            return Err(refused(format!(
                "account {reference}: maskedAccNumber is not the account's"
            )));
        }
        if !detail.fi_types.contains(&held.fi_type) {
            return Err(refused(format!(
                "account {reference} is {}, which the consent's fiTypes do not include",
                held.fi_type
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aa_core::rebit::{AccType, FiType, Open};

    fn detail() -> SignedConsentDetail {
        serde_json::from_value(serde_json::json!({
            "consentStart": "2025-01-01T00:00:00.000Z",
            "consentExpiry": "2099-01-01T00:00:00.000Z",
            "consentMode": "STORE",
            "fetchType": "ONETIME",
            "consentTypes": ["SUMMARY"],
            "fiTypes": ["DEPOSIT"],
            "DataConsumer": {"id": "FIU-1", "type": "FIU"},
            "DataProvider": {"id": "FIP-1", "type": "FIP"},
            "Customer": {"id": "c@AA-1"},
            "Accounts": [{"fiType": "DEPOSIT", "fipId": "FIP-1", "accType": "SAVINGS",
                          "linkRefNumber": "L1", "maskedAccNumber": "XXXX1234"}],
            "Purpose": {"code": "101", "text": "t", "Category": {"type": "string"}},
            "FIDataRange": {"from": "2024-01-01T00:00:00.000Z", "to": "2025-01-01T00:00:00.000Z"},
            "DataLife": {"unit": "MONTH", "value": 1},
            "Frequency": {"unit": "MONTH", "value": 1},
        }))
        .unwrap()
    }

    fn held(fi_type: FiType, acc_type: AccType) -> (Vec<AccountLink>, Vec<Account>) {
        let link = AccountLink {
            link_ref_number: "L1".into(),
            acc_ref_number: "R1".into(),
            account_id: "A1".into(),
            aa_id: "AA-1".into(),
            customer_address: "c@AA-1".into(),
            linked: true,
        };
        let account = Account {
            id: "A1".into(),
            customer_id: "C1".into(),
            acc_ref_number: "R1".into(),
            masked_acc_number: "XXXX1234".into(),
            fi_type,
            acc_type,
        };
        (vec![link], vec![account])
    }

    #[test]
    fn an_account_listed_as_the_bank_holds_it_passes() {
        let (links, accounts) = held(FiType::Deposit, AccType::Savings);
        assert!(check_accounts(&detail(), &links, &accounts).is_ok());
    }

    #[test]
    fn a_wrong_fi_type_acc_type_or_mask_is_invalid_request() {
        let (links, accounts) = held(FiType::TermDeposit, AccType::Savings);
        let err = check_accounts(&detail(), &links, &accounts).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert!(err.message.contains("fiType"), "{}", err.message);

        let (links, accounts) = held(FiType::Deposit, AccType::Current);
        let err = check_accounts(&detail(), &links, &accounts).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert!(err.message.contains("accType"), "{}", err.message);

        let mut listed = detail();
        listed.accounts[0].acc_type = Open::Other("SAVING".into());
        let (links, accounts) = held(FiType::Deposit, AccType::Savings);
        let err = check_accounts(&listed, &links, &accounts).unwrap_err();
        assert!(err.message.contains("accType"), "{}", err.message);

        let mut listed = detail();
        listed.accounts[0].masked_acc_number = "XXXX9999".into();
        let err = check_accounts(&listed, &links, &accounts).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert!(err.message.contains("maskedAccNumber"), "{}", err.message);
    }

    #[test]
    fn an_account_of_a_type_outside_fi_types_is_invalid_request() {
        let mut listed = detail();
        listed.fi_types = vec![FiType::TermDeposit];
        let (links, accounts) = held(FiType::Deposit, AccType::Savings);
        let err = check_accounts(&listed, &links, &accounts).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert!(err.message.contains("fiTypes"), "{}", err.message);
    }
}

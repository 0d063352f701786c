//! Approval: the consent terms and the accounts the customer chose become one signed
//! `SignedConsentDetail` per FIP (the spec requires a consent between AA and FIP to carry only
//! that FIP's accounts), each a compact JWS by the AA under a new consent id.

use std::collections::BTreeMap;

use aa_core::jws::{compact, SigningKey};
use aa_core::rebit::{
    AccType, ConsentAccount, ConsentDetail, CustomerRef, DataProvider, DataProviderType, FiType,
    Open, SignedConsentDetail,
};
use aa_core::timefmt;
use time::OffsetDateTime;

/// A linked account the customer chose to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAccount {
    pub fip_id: String,
    pub link_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
    pub acc_type: String,
}

/// One signed consent artefact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedArtefact {
    pub consent_id: String,
    pub fip_id: String,
    /// Compact JWS over the SignedConsentDetail JSON.
    pub signed_consent: String,
    /// `createTimestamp`, `yyyy-MM-ddTHH:mm:ss.SSSZ`.
    pub create_timestamp: String,
}

fn open<T: std::str::FromStr>(text: &str) -> Open<T> {
    text.parse()
        .map(Open::Known)
        .unwrap_or_else(|_| Open::Other(text.to_owned()))
}

/// The consent as signed for one FIP.
pub fn signed_detail(
    terms: &ConsentDetail,
    customer_handle: &str,
    fip_id: &str,
    accounts: &[&SharedAccount],
) -> SignedConsentDetail {
    SignedConsentDetail {
        consent_start: terms.consent_start.clone(),
        consent_expiry: terms.consent_expiry.clone(),
        consent_mode: terms.consent_mode,
        fetch_type: terms.fetch_type,
        consent_types: terms.consent_types.clone(),
        fi_types: terms.fi_types.clone(),
        data_consumer: terms.data_consumer.clone(),
        data_provider: DataProvider {
            id: fip_id.to_owned(),
            kind: DataProviderType::Fip,
        },
        customer: CustomerRef {
            id: customer_handle.to_owned(),
        },
        accounts: accounts
            .iter()
            .map(|a| ConsentAccount {
                fi_type: open::<FiType>(&a.fi_type),
                fip_id: a.fip_id.clone(),
                acc_type: open::<AccType>(&a.acc_type),
                link_ref_number: a.link_ref_number.clone(),
                masked_acc_number: a.masked_acc_number.clone(),
            })
            .collect(),
        purpose: terms.purpose.clone(),
        fi_data_range: terms.fi_data_range.clone(),
        data_life: terms.data_life,
        frequency: terms.frequency,
        data_filter: terms.data_filter.clone(),
    }
}

/// Signs one artefact per FIP among `accounts`, in FIP-id order.
pub fn sign_artefacts(
    signer: &SigningKey,
    terms: &ConsentDetail,
    customer_handle: &str,
    accounts: &[SharedAccount],
    now: OffsetDateTime,
) -> Result<Vec<SignedArtefact>, serde_json::Error> {
    let mut by_fip: BTreeMap<&str, Vec<&SharedAccount>> = BTreeMap::new();
    for account in accounts {
        by_fip.entry(&account.fip_id).or_default().push(account);
    }
    let create_timestamp = timefmt::format_millis(now);
    by_fip
        .into_iter()
        .map(|(fip_id, accounts)| {
            let detail = signed_detail(terms, customer_handle, fip_id, &accounts);
            let payload = serde_json::to_vec(&detail)?;
            Ok(SignedArtefact {
                consent_id: uuid::Uuid::new_v4().to_string(),
                fip_id: fip_id.to_owned(),
                signed_consent: compact::sign(signer, &payload),
                create_timestamp: create_timestamp.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> ConsentDetail {
        serde_json::from_value(serde_json::json!({
            "consentStart": "2024-01-01T00:00:00.000Z",
            "consentExpiry": "2099-01-01T00:00:00.000Z",
            "consentMode": "STORE",
            "fetchType": "ONETIME",
            "consentTypes": ["PROFILE", "TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"],
            "DataConsumer": {"id": "FIU-1", "type": "FIU"},
            "Customer": {"id": "9999999999@AA-1"},
            "Purpose": {"code": "101"},
            "FIDataRange": {"from": "2023-01-01T00:00:00.000Z", "to": "2024-01-01T00:00:00.000Z"},
            "DataLife": {"unit": "MONTH", "value": 1},
            "Frequency": {"unit": "MONTH", "value": 4}
        }))
        .unwrap()
    }

    fn account(fip: &str, link: &str) -> SharedAccount {
        SharedAccount {
            fip_id: fip.into(),
            link_ref_number: link.into(),
            masked_acc_number: "XXXXXX1234".into(),
            fi_type: "DEPOSIT".into(),
            acc_type: "SAVINGS".into(),
        }
    }

    #[test]
    fn one_artefact_per_fip_each_verifying_with_the_aa_key_and_holding_only_its_accounts() {
        let signer = SigningKey::from_pem(aa_testkit::keys::AA_1, "aa-1-sig").unwrap();
        let accounts = [
            account("FIP-2", "L3"),
            account("FIP-1", "L1"),
            account("FIP-1", "L2"),
        ];
        let now = timefmt::parse("2024-06-01T10:00:00.000Z").unwrap();
        let artefacts =
            sign_artefacts(&signer, &terms(), "9999999999@AA-1", &accounts, now).unwrap();
        assert_eq!(artefacts.len(), 2);
        assert_eq!(artefacts[0].fip_id, "FIP-1");
        assert_eq!(artefacts[0].create_timestamp, "2024-06-01T10:00:00.000Z");
        let key = signer.verifying_key();
        for artefact in &artefacts {
            let verified = compact::verify(&artefact.signed_consent, |_| Some(&key)).unwrap();
            let detail: SignedConsentDetail = serde_json::from_slice(&verified.payload).unwrap();
            assert_eq!(detail.data_provider.id, artefact.fip_id);
            assert!(detail.accounts.iter().all(|a| a.fip_id == artefact.fip_id));
            assert_eq!(detail.customer.id, "9999999999@AA-1");
        }
        let mut tampered = artefacts[0].signed_consent.clone().into_bytes();
        let middle = tampered.len() / 2;
        tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(compact::verify(&tampered, |_| Some(&key)).is_err());
    }
}

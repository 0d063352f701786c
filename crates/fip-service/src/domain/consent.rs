//! What a consent artefact must say before this FIP keeps it, and how a consent's status may
//! change afterwards.
//!
//! An artefact is kept when its signed detail names this FIP as the data provider, every
//! account in it belongs to this FIP, and every `linkRefNumber` is linked, through the AA that
//! sent it, to the customer the consent is for. Status changes: `ACTIVE` and `PAUSED` move
//! between each other; `REVOKED` and `EXPIRED` are final. A repeated status changes nothing.

use std::collections::BTreeSet;

use aa_core::rebit::{ConsentNotificationStatus, ConsentStatus, ErrorCode, SignedConsentDetail};
use aa_core::validate::{self, Invalid};

use super::link::AccountLink;

/// The parts of a verified consent this FIP acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    pub customer_address: String,
    /// The `linkRefNumber`s the consent covers, without repeats.
    pub link_refs: Vec<String>,
    pub start: time::OffsetDateTime,
    pub expiry: time::OffsetDateTime,
}

/// The FIP's `POST /Consent` lists no `InvalidConsentDetail` (its 400 body is
/// `BadRequestConsentNotification`): `InvalidRequest` is the code that fits.
fn detail_error(message: impl Into<String>) -> Invalid {
    Invalid::new(ErrorCode::InvalidRequest, message)
}

/// Reads and checks the signed detail of a consent sent to FIP `fip_id`.
pub fn terms_of(detail: &SignedConsentDetail, fip_id: &str) -> Result<ConsentTerms, Invalid> {
    if detail.data_provider.id != fip_id {
        return Err(detail_error(format!(
            "the consent's DataProvider is {:?}, not this FIP",
            detail.data_provider.id
        )));
    }
    let customer_address = validate::required("Customer.id", Some(&detail.customer.id))
        .map_err(|e| detail_error(e.message))?
        .to_owned();
    if detail.accounts.is_empty() {
        return Err(detail_error("the consent names no accounts"));
    }
    let mut refs = BTreeSet::new();
    for account in &detail.accounts {
        if account.fip_id != fip_id {
            return Err(detail_error(format!(
                "account {} is held at {:?}, not at this FIP",
                account.masked_acc_number, account.fip_id
            )));
        }
        let link = validate::required("Accounts[].linkRefNumber", Some(&account.link_ref_number))
            .map_err(|e| detail_error(e.message))?;
        refs.insert(link.to_owned());
    }
    let start = validate::timestamp("consentStart", Some(&detail.consent_start))
        .map_err(|e| detail_error(e.message))?;
    let expiry = validate::timestamp("consentExpiry", Some(&detail.consent_expiry))
        .map_err(|e| detail_error(e.message))?;
    if expiry <= start {
        return Err(detail_error("consentExpiry is not after consentStart"));
    }
    Ok(ConsentTerms {
        customer_address,
        link_refs: refs.into_iter().collect(),
        start,
        expiry,
    })
}

/// Every link the consent names must be live, through `aa_id`, for the consent's customer.
/// `links` are the stored links among `terms.link_refs` (unknown ones are simply absent).
pub fn check_links(
    terms: &ConsentTerms,
    links: &[AccountLink],
    aa_id: &str,
) -> Result<(), Invalid> {
    for reference in &terms.link_refs {
        let ok = links.iter().any(|l| {
            &l.link_ref_number == reference
                && l.linked
                && l.aa_id == aa_id
                && l.customer_address == terms.customer_address
        });
        if !ok {
            return Err(detail_error(format!(
                "linkRefNumber {reference} is not an account linked to {} through {aa_id}",
                terms.customer_address
            )));
        }
    }
    Ok(())
}

/// The status a notification asks for, from `current`: `None` when it is already so.
pub fn transition(
    current: ConsentStatus,
    requested: ConsentNotificationStatus,
) -> Result<Option<ConsentStatus>, Invalid> {
    let next = match requested {
        ConsentNotificationStatus::Active => ConsentStatus::Active,
        ConsentNotificationStatus::Paused => ConsentStatus::Paused,
        ConsentNotificationStatus::Revoked => ConsentStatus::Revoked,
        ConsentNotificationStatus::Expired => ConsentStatus::Expired,
        other => {
            return Err(Invalid::new(
                ErrorCode::InvalidConsentStatus,
                format!("{other} is not a status an FIP is notified of"),
            ))
        }
    };
    if next == current {
        return Ok(None);
    }
    if matches!(current, ConsentStatus::Revoked | ConsentStatus::Expired) {
        return Err(Invalid::new(
            ErrorCode::InvalidConsentStatus,
            format!("the consent is {current}; it cannot become {next}"),
        ));
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_and_paused_alternate_and_final_states_stay_final() {
        use ConsentNotificationStatus as N;
        use ConsentStatus as S;
        assert_eq!(transition(S::Active, N::Paused).unwrap(), Some(S::Paused));
        assert_eq!(transition(S::Paused, N::Active).unwrap(), Some(S::Active));
        assert_eq!(transition(S::Active, N::Active).unwrap(), None);
        assert_eq!(transition(S::Revoked, N::Revoked).unwrap(), None);
        assert_eq!(transition(S::Active, N::Revoked).unwrap(), Some(S::Revoked));
        let err = transition(S::Revoked, N::Active).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConsentStatus);
        let err = transition(S::Active, N::Rejected).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConsentStatus);
    }

    fn link(reference: &str, address: &str, aa: &str, linked: bool) -> AccountLink {
        AccountLink {
            link_ref_number: reference.into(),
            acc_ref_number: "acc".into(),
            account_id: "id".into(),
            aa_id: aa.into(),
            customer_address: address.into(),
            linked,
        }
    }

    #[test]
    fn every_named_link_must_be_live_for_the_customer_through_the_aa() {
        let terms = ConsentTerms {
            customer_address: "c@AA-1".into(),
            link_refs: vec!["L1".into()],
            start: time::OffsetDateTime::UNIX_EPOCH,
            expiry: time::OffsetDateTime::UNIX_EPOCH,
        };
        assert!(check_links(&terms, &[link("L1", "c@AA-1", "AA-1", true)], "AA-1").is_ok());
        for links in [
            vec![],
            vec![link("L1", "c@AA-1", "AA-1", false)],
            vec![link("L1", "d@AA-1", "AA-1", true)],
            vec![link("L1", "c@AA-1", "AA-2", true)],
        ] {
            let err = check_links(&terms, &links, "AA-1").unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidRequest);
        }
    }
}

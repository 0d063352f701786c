//! The ReBIT bodies the AA sends and answers with about consents: the artefact (to the FIP's
//! `POST /Consent`, and as `POST /Consent/fetch`'s answer) and the consent status
//! notification to the FIU.

use aa_core::rebit::{
    ConsentArtefact, ConsentNotificationStatus, ConsentStatus, ConsentStatusNotification,
    ConsentStatusUpdate, ConsentUse, Notifier, NotifierType, Open,
};
use aa_core::timefmt;

/// What an artefact body needs from the stored artefact.
#[derive(Debug, Clone, Copy)]
pub struct ArtefactView<'a> {
    pub consent_id: &'a str,
    pub status: ConsentStatus,
    pub create_timestamp: &'a str,
    pub signed_consent: &'a str,
    pub use_count: u32,
    pub last_used_at: Option<&'a str>,
}

/// A `ConsentArtefact` body. `ConsentUse.logUri` names the consent (`urn:uuid:<consentId>`);
/// an unused consent reports its creation time as `lastUseDateTime`, which the spec requires.
pub fn artefact(view: ArtefactView<'_>, ver: &str, txnid: &str) -> ConsentArtefact {
    ConsentArtefact {
        ver: ver.to_owned(),
        txnid: txnid.to_owned(),
        consent_id: view.consent_id.to_owned(),
        status: view.status,
        create_timestamp: view.create_timestamp.to_owned(),
        signed_consent: view.signed_consent.to_owned(),
        consent_use: ConsentUse {
            log_uri: format!("urn:uuid:{}", view.consent_id),
            count: view.use_count,
            last_use_date_time: view
                .last_used_at
                .unwrap_or(view.create_timestamp)
                .to_owned(),
        },
    }
}

/// A `ConsentStatusNotification` from this AA. `txnid` is the FIU's consent request txnid,
/// which the spec asks the AA to reuse in notifications so the FIU can correlate them.
pub fn consent_notification(
    aa_id: &str,
    txnid: &str,
    consent_handle: &str,
    consent_id: Option<&str>,
    status: ConsentNotificationStatus,
) -> ConsentStatusNotification {
    ConsentStatusNotification {
        ver: "2.0.0".to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: txnid.to_owned(),
        notifier: Notifier {
            kind: Open::Known(NotifierType::Aa),
            id: aa_id.to_owned(),
        },
        consent_status_notification: ConsentStatusUpdate {
            consent_id: consent_id.map(str::to_owned),
            consent_handle: Some(consent_handle.to_owned()),
            consent_status: status,
        },
    }
}

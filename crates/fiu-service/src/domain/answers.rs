//! The one place that checks what an AA says to the FIU against what the FIU asked and knows,
//! before anything of it is kept: the answers to the FIU's calls (`POST /Consent`,
//! `/Consent/handle`, `/Consent/fetch`, `/FI/request`, `/FI/fetch`; used by
//! [`crate::clients::aa`]) and the notifications (`POST /Consent/Notification`,
//! `/FI/Notification`; used by [`crate::routes::rebit`]). Pure: the caller passes the request
//! and the state; a refusal says why, and the caller records it and keeps nothing.
//!
//! An answer: `ver` is the request's; `timestamp` within 15 minutes of the FIU's clock; `txnid`
//! the request's; the identifiers it echoes (consent handle, consent id, customer) those asked
//! about, and those it makes up (handle, session id) usable; an artefact's `createTimestamp` a
//! date-time not in the future; every FIP's KeyMaterial of an `FI/fetch` answer readable,
//! unexpired and on the curve the FIU asked for, from the session's FIP, for the session's
//! accounts. A notification: a consent or session in a final state does not move back
//! ([`consent_status`], [`session_status`]); an FI notification names only the session's FIP
//! and accounts ([`session_accounts`]).

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::rebit::{ErrorCode, FipFi, SessionStatus};
use aa_core::timefmt;
use aa_core::validate::{ApiVersion, Invalid, MAX_CLOCK_SKEW};
use time::OffsetDateTime;

use super::data_request::SessionState;
use super::status::ConsentState;
use super::update::KnownArtefact;

/// Longest consent handle, consent id or session id the FIU accepts (they are primary keys).
pub const MAX_ID_LEN: usize = 255;

/// Why an answer of an AA was not used. Messages are safe to store and show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the answer's ver {found:?} is not the request's {sent:?}")]
    Version { found: String, sent: String },
    #[error("the answer's timestamp {0:?} is not an RFC 3339 date-time within 15 minutes")]
    Timestamp(String),
    #[error("the answer's txnid {found:?} is not the request's")]
    Txnid { found: String },
    #[error("the answer's {what} is not the one asked about")]
    NotAsked { what: &'static str },
    #[error("the answer's {what} is missing or unusable")]
    Unusable { what: &'static str },
    #[error("createTimestamp {0:?} is not a date-time or is in the future")]
    Created(String),
    #[error("FI of {0:?}, which is not the session's FIP")]
    OtherFip(String),
    #[error("FI for account {0:?}, which is not the session's")]
    OtherAccount(String),
    #[error("the KeyMaterial of {fip}: {reason}")]
    KeyMaterial { fip: String, reason: String },
}

/// A usable identifier made up by the AA: present, not blank, not absurdly long.
pub fn usable(what: &'static str, id: &str) -> Result<(), Refused> {
    if id.trim().is_empty() || id.len() > MAX_ID_LEN {
        return Err(Refused::Unusable { what });
    }
    Ok(())
}

/// An identifier the answer echoes is the one asked about.
pub fn echoed(what: &'static str, asked: &str, answered: &str) -> Result<(), Refused> {
    if asked != answered {
        return Err(Refused::NotAsked { what });
    }
    Ok(())
}

/// The envelope of an answer to a request sent with `ver` and `txnid` (`None` for the 1.1.x
/// `GET /FI/fetch`, which sends neither: any version the FIU speaks, any txnid).
pub fn envelope(
    sent: Option<(&str, &str)>,
    ver: &str,
    timestamp: &str,
    txnid: &str,
    now: OffsetDateTime,
) -> Result<(), Refused> {
    let version = |sent: &str| Refused::Version {
        found: ver.to_owned(),
        sent: sent.to_owned(),
    };
    match sent {
        Some((sent_ver, _)) if ver != sent_ver => return Err(version(sent_ver)),
        None if ApiVersion::parse(ver).is_err() => return Err(version("2.0.0, 1.1.3 or 1.1.2")),
        _ => {}
    }
    within_window(timestamp, now)?;
    if let Some((_, sent_txnid)) = sent {
        if txnid != sent_txnid {
            return Err(Refused::Txnid {
                found: txnid.to_owned(),
            });
        }
    }
    Ok(())
}

fn within_window(timestamp: &str, now: OffsetDateTime) -> Result<(), Refused> {
    match timefmt::parse(timestamp) {
        Some(at) if (at - now).abs() <= MAX_CLOCK_SKEW => Ok(()),
        _ => Err(Refused::Timestamp(timestamp.to_owned())),
    }
}

/// An artefact's `createTimestamp` is a date-time, not in the future (beyond the clock skew).
pub fn created(create_timestamp: &str, now: OffsetDateTime) -> Result<(), Refused> {
    match timefmt::parse(create_timestamp) {
        Some(at) if at - now <= MAX_CLOCK_SKEW => Ok(()),
        _ => Err(Refused::Created(create_timestamp.to_owned())),
    }
}

/// The FI of an `FI/fetch` answer: from the session's FIP, for the session's accounts, each
/// FIP's KeyMaterial readable, unexpired at `now` and on `curve`, the one the FIU sent.
pub fn fetched_fi(
    fi: &[FipFi],
    fip_id: &str,
    accounts: &[&str],
    curve: Curve,
    now: OffsetDateTime,
) -> Result<(), Refused> {
    for fip in fi {
        if fip.fip_id != fip_id {
            return Err(Refused::OtherFip(fip.fip_id.clone()));
        }
        if let Some(other) = fip
            .data
            .iter()
            .find(|d| !accounts.contains(&d.link_ref_number.as_str()))
        {
            return Err(Refused::OtherAccount(other.link_ref_number.clone()));
        }
        let reason = match (
            key_material::read(&fip.key_material, now),
            fip.key_material.curve.as_str().parse::<Curve>(),
        ) {
            (Err(e), _) => e.to_string(),
            (Ok(_), Ok(theirs)) if theirs == curve => continue,
            (Ok(_), _) => format!("curve {} is not {curve}", fip.key_material.curve.as_str()),
        };
        return Err(Refused::KeyMaterial {
            fip: fip.fip_id.clone(),
            reason,
        });
    }
    Ok(())
}

/// A consent notification's status against the state it would move: the named artefact's, or
/// the request's (for a request-level status, an unknown artefact, or none named). A consent
/// in a final state takes no other status (400 `InvalidConsentStatus`); the same status again
/// is a re-send, and a consent not final moves as [`crate::domain::update::plan`] says.
pub fn consent_status(
    request: ConsentState,
    artefacts: &[KnownArtefact],
    consent_id: Option<&str>,
    incoming: ConsentState,
) -> Result<(), Invalid> {
    let named = consent_id
        .filter(|_| !incoming.is_request_level())
        .and_then(|id| artefacts.iter().find(|a| a.consent_id == id));
    let current = match named {
        Some(artefact) => artefact.status,
        // A status for every artefact moves nothing when each is final: the request is too.
        None => request,
    };
    if current.is_final() && current != incoming {
        return Err(Invalid::new(
            ErrorCode::InvalidConsentStatus,
            format!(
                "the consent is {}; it cannot become {}",
                current.as_str(),
                incoming.as_str()
            ),
        ));
    }
    Ok(())
}

/// An FI notification about a session the FIU has ended (`COMPLETED`, `FAILED`) may only
/// repeat what it knows: every account status the same (400 `InvalidSessionStatus`).
pub fn session_status(
    current: SessionState,
    incoming: SessionStatus,
    changes: bool,
) -> Result<(), Invalid> {
    if current.is_final() && changes {
        return Err(Invalid::new(
            ErrorCode::InvalidSessionStatus,
            format!(
                "the session is {}; a {} notification cannot change it",
                current.as_str(),
                incoming.as_str()
            ),
        ));
    }
    Ok(())
}

/// Every FIP and account an FI notification names is the session's (400 `InvalidRequest`).
pub fn session_accounts<'a>(
    session_fip: &str,
    known: &[&str],
    named: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), Invalid> {
    for (fip, link) in named {
        if fip != session_fip {
            return Err(Invalid::new(
                ErrorCode::InvalidRequest,
                format!("FIStatusResponse names FIP {fip:?}, which is not the session's"),
            ));
        }
        if !known.contains(&link) {
            return Err(Invalid::new(
                ErrorCode::InvalidRequest,
                format!("FIStatusResponse names account {link:?}, which is not the session's"),
            ));
        }
    }
    Ok(())
}

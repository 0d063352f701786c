//! The one place where an FIP's answer is checked against the request it answers and the
//! session it is about, before any of it is used or passed to an FIU (issue 13). The runtime has
//! already verified the signature and the schema; here: `ver` equal to the request's,
//! `timestamp` within the 15-minute window, `txnid` echoed, and per call what the answer names
//! (the consent and a session id for `FI/request`; for `FI/fetch` only this FIP's data, only
//! accounts of the session (and of the ones asked for), each once, and a KeyMaterial that is
//! well-formed: ECDH, a supported curve, the spec's cipher parameters, a readable public key
//! that has not expired, a 32-byte nonce). A failure is a [`Misfit`] with a reason that never
//! quotes the answer (it may carry ciphertext or key material).

use std::collections::HashSet;

use aa_core::fi_crypto::key_material;
use aa_core::rebit::{FiFetchResponse, FiRequest, FiResponse, FipFi, KeyMaterial};
use aa_core::validate;
use time::OffsetDateTime;

/// Why an answer does not fit; the text names the rule, never the answer's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit(pub &'static str);

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The envelope of the request an answer answers.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub ver: &'a str,
    pub txnid: &'a str,
}

/// `ver`, `timestamp` and `txnid` of an answer to `asked`, at `now`.
pub fn envelope(
    asked: Asked<'_>,
    ver: &str,
    timestamp: &str,
    txnid: &str,
    now: OffsetDateTime,
) -> Result<(), Misfit> {
    if ver.trim() != asked.ver {
        return Err(Misfit("ver is not the request's"));
    }
    if validate::timestamp_near("timestamp", Some(timestamp), now).is_err() {
        return Err(Misfit(
            "timestamp is not within 15 minutes of the AA's clock",
        ));
    }
    if txnid.trim() != asked.txnid.trim() {
        return Err(Misfit("txnid not echoed"));
    }
    Ok(())
}

/// An FIP session id the AA can store and send back: present, no surrounding or inner
/// whitespace, printable ASCII, at most 256 characters.
fn session_id(id: &str) -> Result<&str, Misfit> {
    let ok = !id.is_empty() && id.len() <= 256 && id.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(id).ok_or(Misfit("no usable sessionId"))
}

/// The answer to `POST /FI/request` `asked`: the FIP's session id.
pub fn fi_response<'a>(
    asked: &FiRequest,
    answer: &'a FiResponse,
    now: OffsetDateTime,
) -> Result<&'a str, Misfit> {
    let sent = Asked {
        ver: &asked.ver,
        txnid: &asked.txnid,
    };
    envelope(sent, &answer.ver, &answer.timestamp, &answer.txnid, now)?;
    if answer.consent_id.trim() != asked.consent.id.trim() {
        return Err(Misfit("answered for another consent"));
    }
    session_id(&answer.session_id)
}

/// What a fetch may receive: the FIP asked, the session's accounts (link reference numbers),
/// and the ones asked for (`None`: all of them).
#[derive(Debug, Clone, Copy)]
pub struct FetchScope<'a> {
    pub fip_id: &'a str,
    pub session_links: &'a [String],
    pub asked_links: Option<&'a [String]>,
}

/// The answer to `POST /FI/fetch` `asked` (see the module documentation).
pub fn fi_fetch(
    asked: Asked<'_>,
    scope: FetchScope<'_>,
    answer: &FiFetchResponse,
    now: OffsetDateTime,
) -> Result<(), Misfit> {
    envelope(asked, &answer.ver, &answer.timestamp, &answer.txnid, now)?;
    let mut seen = HashSet::new();
    for fi in &answer.fi {
        entry(scope, fi, &mut seen, now)?;
    }
    Ok(())
}

fn entry<'a>(
    scope: FetchScope<'_>,
    fi: &'a FipFi,
    seen: &mut HashSet<&'a str>,
    now: OffsetDateTime,
) -> Result<(), Misfit> {
    if fi.fip_id.trim() != scope.fip_id {
        return Err(Misfit("data of another FIP"));
    }
    for data in &fi.data {
        let link = data.link_ref_number.trim();
        if !scope.session_links.iter().any(|l| l == link) {
            return Err(Misfit("linkRefNumber is not an account of this session"));
        }
        if scope
            .asked_links
            .is_some_and(|asked| !asked.iter().any(|l| l == link))
        {
            return Err(Misfit("linkRefNumber was not asked for"));
        }
        if !seen.insert(link) {
            return Err(Misfit("linkRefNumber answered twice"));
        }
        if data.encrypted_fi.trim().is_empty() {
            return Err(Misfit("encryptedFI is empty"));
        }
    }
    key(&fi.key_material, now)
}

/// An FIP's KeyMaterial as the FIU will need it to decrypt.
pub fn key(key: &KeyMaterial, now: OffsetDateTime) -> Result<(), Misfit> {
    match key.crypto_alg.as_deref().map(str::trim) {
        Some(alg) if alg.eq_ignore_ascii_case("ECDH") => {}
        _ => return Err(Misfit("KeyMaterial.cryptoAlg is not ECDH")),
    }
    if let Some(params) = key.params.as_deref() {
        params_fit(params)?;
    }
    match key_material::read(key, now) {
        Ok(_) => Ok(()),
        Err(aa_core::fi_crypto::FiCryptoError::Expired(_)) => {
            Err(Misfit("KeyMaterial.DHPublicKey has expired"))
        }
        Err(_) => Err(Misfit(
            "KeyMaterial is not readable (curve, DHPublicKey or Nonce)",
        )),
    }
}

/// `params` as the spec gives them: `cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH`, in any
/// order and spacing; every pair must be well-formed and name those values.
fn params_fit(params: &str) -> Result<(), Misfit> {
    let bad = Misfit("KeyMaterial.params are not the spec's cipher parameters");
    let mut cipher = false;
    let mut generator = false;
    for pair in params.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').ok_or(bad.clone())?;
        match (name.trim(), value.trim()) {
            ("cipher", "AES/GCM/NoPadding") => cipher = true,
            ("KeyPairGenerator", v) if v.eq_ignore_ascii_case("ECDH") => generator = true,
            _ => return Err(bad),
        }
    }
    if cipher && generator {
        Ok(())
    } else {
        Err(bad)
    }
}

#[cfg(test)]
#[path = "fip_answer_tests.rs"]
mod tests;

//! The FIP client: one method per ReBIT call the AA makes to an FIP (discovery, linking,
//! delinking, `FI/request`, `FI/fetch`). Each builds its request (signed by the AA through the
//! runtime's `SignedClient`, a fresh timestamp from the clock), and checks that the signed,
//! in-schema answer fits what was asked with [`super::fip_answer`], the one validator of FIP
//! answers: `ver`, `timestamp` window and `txnid` of every answer, and the call's own subject
//! (consent, session, link, FIP, accounts, KeyMaterial). An answer that does not fit is
//! [`FipError::Misfit`]; nothing of an answer's content is logged here.

use aa_core::rebit::{
    AccDeLinkRequest, AccDeLinkResponse, AccDiscoveryRequest, AccDiscoveryResponse, AccLinkRequest,
    AccLinkResponse, DelinkAccount, DiscoveryCustomer, DiscoveryIdentifier, FiFetchRequest,
    FiFetchResponse, FiRequest, FiResponse, FiType, FipAccount, FipFi, IdentifierCategory,
    IdentifierType, LinkCustomer, LinkDelinkTokenRequest, LinkDelinkTokenResponse, LinkRef,
    LinkStatus, LinkedAccount, Open,
};
use aa_core::timefmt;
use aa_runtime::clock::Clock;
use aa_runtime::http::{OutboundError, SignedClient};

use super::fip_answer::{self, Asked, FetchScope, Misfit};

/// Why a call to an FIP gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum FipError {
    /// Not reached, refused, unsigned or out of schema (the runtime's outbound error).
    #[error(transparent)]
    Call(#[from] OutboundError),
    /// Answered, signed and in schema, but not to what was asked.
    #[error("the FIP's answer does not fit the request: {0}")]
    Misfit(&'static str),
}

/// The AA's client of the FIPs' ReBIT API.
#[derive(Clone, Copy)]
pub struct FipClient<'a> {
    client: &'a SignedClient,
    clock: &'a Clock,
}

impl From<Misfit> for FipError {
    fn from(misfit: Misfit) -> Self {
        FipError::Misfit(misfit.0)
    }
}

/// The accounts a fetch is about: the session's, and those asked for (`None`: all).
#[derive(Debug, Clone, Copy)]
pub struct FetchAccounts<'a> {
    pub session: &'a [String],
    pub asked: Option<&'a [String]>,
}

fn new_txnid() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl<'a> FipClient<'a> {
    pub fn new(client: &'a SignedClient, clock: &'a Clock) -> Self {
        Self { client, clock }
    }

    /// The `ver` of the AA's requests (the signed client's), which answers must echo.
    fn ver(&self) -> &'static str {
        self.client.version().as_str()
    }

    fn timestamp(&self) -> String {
        timefmt::format_millis(self.clock.now())
    }

    /// The envelope of an answer to a request sent with our `ver` and `txnid`.
    fn envelope(
        &self,
        txnid: &str,
        ver: &str,
        timestamp: &str,
        answered: &str,
    ) -> Result<(), FipError> {
        let asked = Asked {
            ver: self.ver(),
            txnid,
        };
        Ok(fip_answer::envelope(
            asked,
            ver,
            timestamp,
            answered,
            self.clock.now(),
        )?)
    }

    /// `POST /Accounts/discover` for `handle`: MOBILE as the STRONG identifier, PAN as a WEAK
    /// one when given. Answers the accounts found.
    pub async fn discover(
        &self,
        fip_id: &str,
        handle: &str,
        mobile: &str,
        pan: Option<&str>,
        fi_types: &[FiType],
    ) -> Result<Vec<FipAccount>, FipError> {
        let mut identifiers = vec![DiscoveryIdentifier {
            category: IdentifierCategory::Strong,
            kind: IdentifierType::Mobile,
            value: mobile.to_owned(),
        }];
        identifiers.extend(pan.map(|pan| DiscoveryIdentifier {
            category: IdentifierCategory::Weak,
            kind: IdentifierType::Pan,
            value: pan.to_owned(),
        }));
        let request = AccDiscoveryRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: new_txnid(),
            customer: DiscoveryCustomer {
                id: handle.to_owned(),
                identifiers,
            },
            // Only the types our version lists: "every type" in 2.0.0 has no 2.1.0 additions.
            fi_types: fi_types
                .iter()
                .copied()
                .filter(|t| t.listed_in(self.client.version()))
                .collect(),
        };
        let answer: AccDiscoveryResponse = self
            .client
            .post(fip_id, "/Accounts/discover", &request)
            .await?;
        self.envelope(
            &request.txnid,
            &answer.ver,
            &answer.timestamp,
            &answer.txnid,
        )?;
        Ok(answer.discovered_accounts)
    }

    /// `POST /Accounts/link` of `accounts` for `handle`: the FIP's reference for the OTP.
    pub async fn link(
        &self,
        fip_id: &str,
        handle: &str,
        accounts: Vec<FipAccount>,
    ) -> Result<AccLinkResponse, FipError> {
        let request = AccLinkRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: new_txnid(),
            customer: LinkCustomer {
                id: handle.to_owned(),
                accounts,
            },
        };
        let answer: AccLinkResponse = self.client.post(fip_id, "/Accounts/link", &request).await?;
        self.envelope(
            &request.txnid,
            &answer.ver,
            &answer.timestamp,
            &answer.txnid,
        )?;
        if answer.ref_number.trim().is_empty() {
            return Err(FipError::Misfit("no RefNumber"));
        }
        Ok(answer)
    }

    /// `POST /Accounts/link/verify` with the customer's OTP: the accounts the FIP reports.
    pub async fn verify_link(
        &self,
        fip_id: &str,
        ref_number: &str,
        otp: &str,
    ) -> Result<Vec<LinkedAccount>, FipError> {
        let request = LinkDelinkTokenRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: new_txnid(),
            ref_number: ref_number.to_owned(),
            token: otp.to_owned(),
        };
        let answer: LinkDelinkTokenResponse = self
            .client
            .post(fip_id, "/Accounts/link/verify", &request)
            .await?;
        self.envelope(
            &request.txnid,
            &answer.ver,
            &answer.timestamp,
            &answer.txnid,
        )?;
        Ok(answer.acc_link_details)
    }

    /// `POST /Accounts/delink` of `link_ref`; only an answer confirming it `DELINKED` is Ok.
    pub async fn delink(&self, fip_id: &str, handle: &str, link_ref: &str) -> Result<(), FipError> {
        let request = AccDeLinkRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: new_txnid(),
            account: DelinkAccount {
                customer_address: handle.to_owned(),
                link_ref_number: link_ref.to_owned(),
            },
        };
        let answer: AccDeLinkResponse = self
            .client
            .post(fip_id, "/Accounts/delink", &request)
            .await?;
        self.envelope(
            &request.txnid,
            &answer.ver,
            &answer.timestamp,
            &answer.txnid,
        )?;
        let details = &answer.acc_link_details;
        if details.link_ref_number.trim() != link_ref
            || details.status != Open::Known(LinkStatus::Delinked)
        {
            return Err(FipError::Misfit("delink not confirmed"));
        }
        Ok(())
    }

    /// `POST /FI/request`: the FIU's request forwarded with a fresh timestamp, everything else
    /// as received (its `txnid` keeps the trail end to end; KeyMaterial and digitalSignature
    /// untouched). Answers the FIP's session id.
    pub async fn request_fi(&self, fip_id: &str, from_fiu: &FiRequest) -> Result<String, FipError> {
        let request = FiRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            ..from_fiu.clone()
        };
        let answer: FiResponse = self.client.post(fip_id, "/FI/request", &request).await?;
        let session_id = fip_answer::fi_response(&request, &answer, self.clock.now())?;
        Ok(session_id.to_owned())
    }

    /// `POST /FI/fetch` of the FIP's session, optionally for some accounts only
    /// (`accounts.asked`): the FIP's `FI` entries (ciphertext and its KeyMaterial), checked by
    /// `fip_answer::fi_fetch` to be this FIP's, about the session's accounts that were asked for.
    pub async fn fetch_fi(
        &self,
        fip_id: &str,
        txnid: &str,
        fip_session_id: &str,
        accounts: FetchAccounts<'_>,
    ) -> Result<Vec<FipFi>, FipError> {
        let link_refs = accounts.asked;
        let request = FiFetchRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.to_owned(),
            session_id: fip_session_id.to_owned(),
            fip_id: Some(fip_id.to_owned()),
            link_ref_number: link_refs
                .map(|links| links.iter().map(|id| LinkRef { id: id.clone() }).collect()),
        };
        let answer: FiFetchResponse = self.client.post(fip_id, "/FI/fetch", &request).await?;
        let asked = Asked {
            ver: &request.ver,
            txnid: &request.txnid,
        };
        let scope = FetchScope {
            fip_id,
            session_links: accounts.session,
            asked_links: link_refs,
        };
        fip_answer::fi_fetch(asked, scope, &answer, self.clock.now())?;
        Ok(answer.fi)
    }
}

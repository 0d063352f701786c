//! A fake FIP for the AA's tests: one DEPOSIT/SAVINGS account `<id>-ACC-1` for any customer,
//! linking with [`LINK_OTP`], artefacts verified against AA-1's registered key, and every call
//! recorded in a [`FipLog`]. Its FI routes are in `fip_fi`.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aa_core::jws::compact;
use aa_core::rebit::{
    AccDeLinkRequest, AccDeLinkResponse, AccDiscoveryRequest, AccDiscoveryResponse, AccLinkRequest,
    AccLinkResponse, AccType, AuthenticatorType, ConsentArtefact, ConsentStatusNotification,
    DelinkDetails, ErrorCode, FiFetchRequest, FiRequest, FiType, FipAccount, KeyMaterial,
    LinkDelinkTokenRequest, LinkDelinkTokenResponse, LinkStatus, LinkedAccount, Open,
    SignedConsentDetail,
};
use aa_core::registry::Registry;
use aa_core::timefmt;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, RebitError, Verified};
use actix_web::middleware::from_fn;
use actix_web::web::{self, post};
use actix_web::{App, HttpResponse, HttpServer};

use super::{from_aa, inbound, ok};
use crate::Ecosystem;
use fi::{fi_fetch, fi_request};

mod fi;

/// The OTP every fake FIP expects for linking.
pub const LINK_OTP: &str = "123456";

/// refNumber -> (customer address, accRefNumbers).
type PendingLinks = HashMap<String, (String, Vec<String>)>;

/// What a fake FIP received.
#[derive(Debug, Default)]
pub struct FipLog {
    pub discoveries: Vec<AccDiscoveryRequest>,
    pub link_requests: Vec<AccLinkRequest>,
    /// Artefacts received on `POST /Consent`, with their verified payloads.
    pub consents: Vec<(ConsentArtefact, SignedConsentDetail)>,
    /// `POST /FI/request` bodies as received.
    pub fi_requests: Vec<FiRequest>,
    /// `POST /FI/fetch` bodies as received.
    pub fi_fetches: Vec<FiFetchRequest>,
    /// `POST /Consent/Notification` bodies as received.
    pub notifications: Vec<ConsentStatusNotification>,
    /// `POST /Accounts/delink` bodies as received.
    pub delinks: Vec<AccDeLinkRequest>,
}

/// A session the fake FIP opened: per account (linkRefNumber, masked number, plaintext,
/// ciphertext for the FIU), and the FIP's KeyMaterial.
#[derive(Debug, Clone)]
pub struct FipSession {
    pub consent_id: String,
    pub accounts: Vec<(String, String, String, String)>,
    pub key_material: KeyMaterial,
}

/// Changes an answer the fake FIP is about to send (it is signed as changed): how tests play an
/// FIP that answers badly.
pub type Tamper = Arc<dyn Fn(&mut serde_json::Value) + Send + Sync>;

/// A fake FIP: one DEPOSIT/SAVINGS account `<id>-ACC-1` for any customer.
#[derive(Clone)]
pub struct FakeFip {
    pub id: String,
    pub log: Arc<Mutex<FipLog>>,
    /// When set, discovery answers 404 `NoAccountsFound`.
    pub refuse_discovery: Arc<AtomicBool>,
    /// When set, `POST /Accounts/link` answers `AuthenticatorType` `DIRECT` (the customer
    /// confirms at the bank; the test sends the FIP's link notification) and keeps no OTP for
    /// it, so `POST /Accounts/link/verify` on it answers 400 `InvalidRequest`.
    pub direct_links: Arc<AtomicBool>,
    /// When set, `POST /Consent` answers 500 (the AA's outbox retries); counts the attempts.
    pub refuse_consent: Arc<AtomicBool>,
    pub consent_attempts: Arc<AtomicUsize>,
    /// When set, `POST /FI/request` answers 400 `InvalidConsentId`.
    pub refuse_fi: Arc<AtomicBool>,
    /// When set, `POST /Accounts/delink` answers 400 `InvalidLinkRefNumber`.
    pub refuse_delink: Arc<AtomicBool>,
    /// While above 0, `POST /Accounts/delink` answers 500 (and counts down): an FIP that is
    /// down for that many attempts.
    pub fail_delinks: Arc<AtomicUsize>,
    /// When set, `POST /FI/request` and `POST /FI/fetch` answer 500.
    pub fi_broken: Arc<AtomicBool>,
    /// When set, `POST /FI/request` waits for this signal after opening its session.
    pub hold_fi: Arc<Mutex<Option<tokio::sync::oneshot::Receiver<()>>>>,
    /// FIP session id -> session.
    pub fi_sessions: Arc<Mutex<HashMap<String, FipSession>>>,
    /// When set, applied to every successful `POST /FI/request` answer.
    pub tamper_fi_request: Arc<Mutex<Option<Tamper>>>,
    /// When set, applied to every successful `POST /FI/fetch` answer.
    pub tamper_fi_fetch: Arc<Mutex<Option<Tamper>>>,
    pub(crate) links: Arc<Mutex<PendingLinks>>,
    pub(crate) registry: Arc<Registry>,
}

impl FakeFip {
    pub fn start(eco: &Ecosystem, id: &str, listener: TcpListener) -> Self {
        let (registry, auth) = inbound(eco);
        let fake = Self {
            id: id.to_owned(),
            log: Arc::default(),
            refuse_discovery: Arc::default(),
            direct_links: Arc::default(),
            refuse_consent: Arc::default(),
            consent_attempts: Arc::default(),
            refuse_fi: Arc::default(),
            refuse_delink: Arc::default(),
            fail_delinks: Arc::default(),
            fi_broken: Arc::default(),
            hold_fi: Arc::default(),
            fi_sessions: Arc::default(),
            tamper_fi_request: Arc::default(),
            tamper_fi_fetch: Arc::default(),
            links: Arc::default(),
            registry,
        };
        let signer = Arc::new(eco.signer(id));
        let state = fake.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(auth.clone()))
                .app_data(web::Data::new(ResponseSigner(signer.clone())))
                .app_data(web::Data::new(state.clone()))
                .service(
                    web::scope("")
                        .wrap(from_fn(sign_responses))
                        .route("/Accounts/discover", post().to(discover))
                        .route("/Accounts/link", post().to(link))
                        .route("/Accounts/link/verify", post().to(verify))
                        .route("/Accounts/delink", post().to(delink))
                        .route("/Consent", post().to(consent))
                        .route("/Consent/Notification", post().to(fip_notification))
                        .route("/FI/request", post().to(fi_request))
                        .route("/FI/fetch", post().to(fi_fetch)),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        fake
    }

    pub fn account_ref(&self) -> String {
        format!("{}-ACC-1", self.id)
    }

    pub fn consents(&self) -> Vec<(ConsentArtefact, SignedConsentDetail)> {
        self.log.lock().unwrap().consents.clone()
    }

    pub fn received(&self) -> Vec<ConsentStatusNotification> {
        self.log.lock().unwrap().notifications.clone()
    }

    pub fn fi_requests(&self) -> Vec<FiRequest> {
        self.log.lock().unwrap().fi_requests.clone()
    }

    pub fn fi_fetches(&self) -> Vec<FiFetchRequest> {
        self.log.lock().unwrap().fi_fetches.clone()
    }

    /// The only session this FIP opened.
    pub fn only_fi_session(&self) -> (String, FipSession) {
        let sessions = self.fi_sessions.lock().unwrap();
        assert_eq!(sessions.len(), 1, "sessions at {}", self.id);
        let (id, session) = sessions.iter().next().unwrap();
        (id.clone(), session.clone())
    }
}

async fn discover(
    fip: web::Data<FakeFip>,
    request: Verified<AccDiscoveryRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    fip.log.lock().unwrap().discoveries.push(body.clone());
    if fip.refuse_discovery.load(Ordering::SeqCst) {
        return Err(
            RebitError::new(ErrorCode::NoAccountsFound, "no accounts for this customer")
                .echo(Some(&body.ver), Some(&body.txnid)),
        );
    }
    Ok(HttpResponse::Ok().json(AccDiscoveryResponse {
        ver: body.ver,
        timestamp: timefmt::now_millis(),
        txnid: body.txnid,
        discovered_accounts: vec![FipAccount {
            fi_type: FiType::Deposit,
            acc_type: AccType::Savings,
            acc_ref_number: fip.account_ref(),
            masked_acc_number: format!("XXXXXXXX{}", fip.id.len()),
        }],
    }))
}

async fn link(
    fip: web::Data<FakeFip>,
    request: Verified<AccLinkRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let ref_number = uuid::Uuid::new_v4().to_string();
    let accounts = body
        .customer
        .accounts
        .iter()
        .map(|a| a.acc_ref_number.clone())
        .collect();
    let direct = fip.direct_links.load(Ordering::SeqCst);
    if !direct {
        fip.links
            .lock()
            .unwrap()
            .insert(ref_number.clone(), (body.customer.id.clone(), accounts));
    }
    fip.log.lock().unwrap().link_requests.push(body.clone());
    Ok(HttpResponse::Ok().json(AccLinkResponse {
        ver: body.ver,
        timestamp: timefmt::now_millis(),
        txnid: body.txnid,
        authenticator_type: if direct {
            AuthenticatorType::Direct
        } else {
            AuthenticatorType::Token
        },
        ref_number,
    }))
}

async fn verify(
    fip: web::Data<FakeFip>,
    request: Verified<LinkDelinkTokenRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let echo = |e: RebitError| e.echo(Some(&body.ver), Some(&body.txnid));
    let Some((customer, accounts)) = fip.links.lock().unwrap().get(&body.ref_number).cloned()
    else {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidRequest,
            "unknown refNumber",
        )));
    };
    if body.token != LINK_OTP {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidLinkToken,
            "the OTP is wrong",
        )));
    }
    Ok(HttpResponse::Ok().json(LinkDelinkTokenResponse {
        ver: body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: body.txnid.clone(),
        acc_link_details: accounts
            .into_iter()
            .map(|acc| LinkedAccount {
                customer_address: customer.clone(),
                link_ref_number: format!("{}-LINK-{acc}", fip.id),
                acc_ref_number: acc,
                status: LinkStatus::Linked,
            })
            .collect(),
    }))
}

/// Ends any link this FIP made (`<id>-LINK-...`), answering `DELINKED`.
async fn delink(
    fip: web::Data<FakeFip>,
    request: Verified<AccDeLinkRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    fip.log.lock().unwrap().delinks.push(body.clone());
    let down = fip
        .fail_delinks
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if down {
        return Err(RebitError::new(ErrorCode::InternalError, "down")
            .echo(Some(&body.ver), Some(&body.txnid)));
    }
    if fip.refuse_delink.load(Ordering::SeqCst)
        || !body
            .account
            .link_ref_number
            .starts_with(&format!("{}-LINK-", fip.id))
    {
        return Err(
            RebitError::new(ErrorCode::InvalidLinkRefNumber, "unknown link")
                .echo(Some(&body.ver), Some(&body.txnid)),
        );
    }
    Ok(HttpResponse::Ok().json(AccDeLinkResponse {
        ver: body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: body.txnid.clone(),
        acc_link_details: DelinkDetails {
            customer_address: body.account.customer_address.clone(),
            link_ref_number: body.account.link_ref_number.clone(),
            status: Open::Known(LinkStatus::Delinked),
        },
    }))
}

async fn consent(
    fip: web::Data<FakeFip>,
    request: Verified<ConsentArtefact>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    fip.consent_attempts.fetch_add(1, Ordering::SeqCst);
    if fip.refuse_consent.load(Ordering::SeqCst) {
        return Err(RebitError::new(ErrorCode::InternalError, "down"));
    }
    let artefact = request.body;
    let registry = fip.registry.clone();
    let verified = compact::verify(&artefact.signed_consent, |kid| {
        registry
            .by_kid(kid)
            .filter(|(owner, _)| owner.id == "AA-1")
            .map(|(_, key)| key)
    })
    .map_err(|e| RebitError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let detail: SignedConsentDetail = serde_json::from_slice(&verified.payload)
        .map_err(|e| RebitError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let (ver, txnid) = (artefact.ver.clone(), artefact.txnid.clone());
    fip.log.lock().unwrap().consents.push((artefact, detail));
    Ok(ok(&ver, &txnid))
}

async fn fip_notification(
    fip: web::Data<FakeFip>,
    request: Verified<ConsentStatusNotification>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let (ver, txnid) = (body.ver.clone(), body.txnid.clone());
    fip.log.lock().unwrap().notifications.push(body);
    Ok(ok(&ver, &txnid))
}

//! In-test FIP and FIU servers. They are real HTTP servers on loopback that take the AA's
//! calls through `aa_runtime::http::Verified` (API key, signature, binding), sign their answers
//! with `sign_responses`, and record what they received for the tests to assert on.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::jws::{compact, SigningKey};
use aa_core::rebit::{
    AccDeLinkRequest, AccDeLinkResponse, AccDiscoveryRequest, AccDiscoveryResponse, AccLinkRequest,
    AccLinkResponse, AccType, AuthenticatorType, ConsentArtefact, ConsentStatusNotification,
    DelinkDetails, EncryptedFi, ErrorCode, FiFetchRequest, FiFetchResponse, FiRequest, FiResponse,
    FiStatusNotification, FiType, FipAccount, FipFi, KeyMaterial, LinkDelinkTokenRequest,
    LinkDelinkTokenResponse, LinkStatus, LinkedAccount, NotificationResponse, Open,
    SignedConsentDetail,
};
use aa_core::registry::{Registry, Role};
use aa_core::timefmt;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, InboundAuth, RebitError, Verified};
use aa_testkit::Ecosystem;
use actix_web::middleware::from_fn;
use actix_web::web::{self, post};
use actix_web::{App, HttpResponse, HttpServer};

/// The OTP every fake FIP expects for linking.
pub const LINK_OTP: &str = "123456";

fn inbound(eco: &Ecosystem) -> (Arc<Registry>, InboundAuth) {
    let registry = Arc::new(Registry::load(&eco.registry_file).unwrap());
    let verifier = registry.api_key_verifier().unwrap();
    (registry.clone(), InboundAuth::new(registry, verifier))
}

fn from_aa(caller: &aa_runtime::http::Caller) -> Result<(), RebitError> {
    if caller.role == Role::Aa && caller.entity_id == "AA-1" {
        Ok(())
    } else {
        Err(RebitError::new(ErrorCode::Unauthorized, "AA-1 only"))
    }
}

fn ok(ver: &str, txnid: &str) -> HttpResponse {
    HttpResponse::Ok().json(NotificationResponse {
        ver: ver.to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: txnid.to_owned(),
        response: "OK".to_owned(),
    })
}

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

/// A fake FIP: one DEPOSIT/SAVINGS account `<id>-ACC-1` for any customer.
#[derive(Clone)]
pub struct FakeFip {
    pub id: String,
    pub log: Arc<Mutex<FipLog>>,
    /// When set, discovery answers 404 `NoAccountsFound`.
    pub refuse_discovery: Arc<AtomicBool>,
    /// When set, `POST /Consent` answers 500 (the AA's outbox retries); counts the attempts.
    pub refuse_consent: Arc<AtomicBool>,
    pub consent_attempts: Arc<AtomicUsize>,
    /// When set, `POST /FI/request` answers 400 `InvalidConsentId`.
    pub refuse_fi: Arc<AtomicBool>,
    /// When set, `POST /Accounts/delink` answers 400 `InvalidLinkRefNumber`.
    pub refuse_delink: Arc<AtomicBool>,
    /// When set, `POST /FI/request` and `POST /FI/fetch` answer 500.
    pub fi_broken: Arc<AtomicBool>,
    /// When set, `POST /FI/request` waits for this signal after opening its session.
    pub hold_fi: Arc<Mutex<Option<tokio::sync::oneshot::Receiver<()>>>>,
    /// FIP session id -> session.
    pub fi_sessions: Arc<Mutex<HashMap<String, FipSession>>>,
    links: Arc<Mutex<PendingLinks>>,
    registry: Arc<Registry>,
}

impl FakeFip {
    pub fn start(eco: &Ecosystem, id: &str, listener: TcpListener) -> Self {
        let (registry, auth) = inbound(eco);
        let fake = Self {
            id: id.to_owned(),
            log: Arc::default(),
            refuse_discovery: Arc::default(),
            refuse_consent: Arc::default(),
            consent_attempts: Arc::default(),
            refuse_fi: Arc::default(),
            refuse_delink: Arc::default(),
            fi_broken: Arc::default(),
            hold_fi: Arc::default(),
            fi_sessions: Arc::default(),
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

/// Opens a session: checks the artefact it holds, encrypts one small document per account for
/// the FIU's key (a fresh key of the FIU's curve), and answers the session id.
async fn fi_request(
    fip: web::Data<FakeFip>,
    request: Verified<FiRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let echo = |e: RebitError| e.echo(Some(&body.ver), Some(&body.txnid));
    fip.log.lock().unwrap().fi_requests.push(body.clone());
    if fip.fi_broken.load(Ordering::SeqCst) {
        return Err(echo(RebitError::new(ErrorCode::InternalError, "down")));
    }
    if fip.refuse_fi.load(Ordering::SeqCst) {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidConsentId,
            "refused by the fake FIP",
        )));
    }
    let Some((artefact, detail)) = fip
        .consents()
        .into_iter()
        .find(|(a, _)| a.consent_id == body.consent.id)
    else {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidConsentId,
            "unknown consent",
        )));
    };
    if compact::signature_segment(&artefact.signed_consent)
        != Some(body.consent.digital_signature.as_str())
    {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidRequest,
            "digitalSignature",
        )));
    }
    let now = time::OffsetDateTime::now_utc();
    let fiu_key = key_material::read(&body.key_material, now)
        .map_err(|e| echo(RebitError::new(ErrorCode::InvalidKey, e.to_string())))?;
    let curve: Curve = body.key_material.curve.as_str().parse().unwrap();
    let ours = key_material::generate(curve, now + time::Duration::hours(1)).unwrap();
    let accounts = detail
        .accounts
        .iter()
        .map(|a| {
            let plain = format!(
                "<Account linkedAccRef=\"{}\" marker=\"PLAINTEXT-{}\"/>",
                a.link_ref_number,
                uuid::Uuid::new_v4()
            );
            let cipher = ours.encrypt_for(&fiu_key, plain.as_bytes()).unwrap();
            (
                a.link_ref_number.clone(),
                a.masked_acc_number.clone(),
                plain,
                cipher,
            )
        })
        .collect();
    let session_id = format!("{}-SESSION-{}", fip.id, uuid::Uuid::new_v4());
    fip.fi_sessions.lock().unwrap().insert(
        session_id.clone(),
        FipSession {
            consent_id: artefact.consent_id.clone(),
            accounts,
            key_material: ours.key_material,
        },
    );
    let gate = fip.hold_fi.lock().unwrap().take();
    if let Some(gate) = gate {
        let _ = gate.await;
    }
    Ok(HttpResponse::Ok().json(FiResponse {
        ver: body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: body.txnid.clone(),
        consent_id: artefact.consent_id,
        session_id,
    }))
}

async fn fi_fetch(
    fip: web::Data<FakeFip>,
    request: Verified<FiFetchRequest>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let echo = |e: RebitError| e.echo(Some(&body.ver), Some(&body.txnid));
    fip.log.lock().unwrap().fi_fetches.push(body.clone());
    if fip.fi_broken.load(Ordering::SeqCst) {
        return Err(echo(RebitError::new(ErrorCode::InternalError, "down")));
    }
    let Some(session) = fip
        .fi_sessions
        .lock()
        .unwrap()
        .get(&body.session_id)
        .cloned()
    else {
        return Err(echo(RebitError::new(
            ErrorCode::InvalidSessionId,
            "unknown session",
        )));
    };
    let wanted: Option<Vec<String>> = body
        .link_ref_number
        .as_ref()
        .map(|l| l.iter().map(|l| l.id.clone()).collect());
    let data = session
        .accounts
        .iter()
        .filter(|(link, ..)| wanted.as_ref().is_none_or(|w| w.contains(link)))
        .map(|(link, masked, _, cipher)| EncryptedFi {
            link_ref_number: link.clone(),
            masked_acc_number: masked.clone(),
            encrypted_fi: cipher.clone(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(FiFetchResponse {
        ver: body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: body.txnid.clone(),
        fi: vec![FipFi {
            fip_id: fip.id.clone(),
            data,
            key_material: session.key_material,
        }],
    }))
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
    fip.links
        .lock()
        .unwrap()
        .insert(ref_number.clone(), (body.customer.id.clone(), accounts));
    fip.log.lock().unwrap().link_requests.push(body.clone());
    Ok(HttpResponse::Ok().json(AccLinkResponse {
        ver: body.ver,
        timestamp: timefmt::now_millis(),
        txnid: body.txnid,
        authenticator_type: AuthenticatorType::Token,
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

/// A fake FIU that records the consent and FI notifications it receives.
#[derive(Clone)]
pub struct FakeFiu {
    pub notifications: Arc<Mutex<Vec<ConsentStatusNotification>>>,
    pub fi_notifications: Arc<Mutex<Vec<FiStatusNotification>>>,
    auth: InboundAuth,
    signer: Arc<SigningKey>,
}

impl FakeFiu {
    pub fn new(eco: &Ecosystem, id: &str) -> Self {
        Self {
            notifications: Arc::default(),
            fi_notifications: Arc::default(),
            auth: inbound(eco).1,
            signer: Arc::new(eco.signer(id)),
        }
    }

    pub fn serve(&self, listener: TcpListener) {
        let state = self.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.auth.clone()))
                .app_data(web::Data::new(ResponseSigner(state.signer.clone())))
                .app_data(web::Data::new(state.clone()))
                .service(
                    web::scope("")
                        .wrap(from_fn(sign_responses))
                        .route("/Consent/Notification", post().to(notification))
                        .route("/FI/Notification", post().to(fi_notification)),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
    }

    pub fn received(&self) -> Vec<ConsentStatusNotification> {
        self.notifications.lock().unwrap().clone()
    }

    pub fn fi_received(&self) -> Vec<FiStatusNotification> {
        self.fi_notifications.lock().unwrap().clone()
    }
}

async fn fi_notification(
    fiu: web::Data<FakeFiu>,
    request: Verified<FiStatusNotification>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let (ver, txnid) = (body.ver.clone(), body.txnid.clone());
    fiu.fi_notifications.lock().unwrap().push(body);
    Ok(ok(&ver, &txnid))
}

async fn notification(
    fiu: web::Data<FakeFiu>,
    request: Verified<ConsentStatusNotification>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let (ver, txnid) = (body.ver.clone(), body.txnid.clone());
    fiu.notifications.lock().unwrap().push(body);
    Ok(ok(&ver, &txnid))
}

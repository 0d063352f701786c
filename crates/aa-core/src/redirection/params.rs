//! The parameters inside `ecreq` and `ecres`, and the URLs that carry them.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::{check_date, cipher, format_date, RedirectError};

/// What the FIU seals into `ecreq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRequest {
    /// A UUID naming this redirection; the AA returns it in `ecres`.
    pub txnid: String,
    /// The FIU's own state, opaque to the AA, returned as is.
    pub sessionid: String,
    /// The customer's AA handle, e.g. `9999988888@aa`.
    pub userid: String,
    /// Where the AA sends the browser back.
    pub redirect: String,
    /// The consent handles the FIU got from `POST /Consent`.
    pub srcref: Vec<String>,
}

/// The outcome codes of `ecres` (the guidelines' error-code table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseCode {
    Success = 0,
    Rejected = 1,
    NotFound = 2,
    InvalidRequest = 3,
    AuthenticationFailed = 4,
    Pending = 5,
}

impl ResponseCode {
    /// `S` for success, `F` for every failure.
    pub fn status(self) -> &'static str {
        if self == Self::Success {
            "S"
        } else {
            "F"
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "0" => Self::Success,
            "1" => Self::Rejected,
            "2" => Self::NotFound,
            "3" => Self::InvalidRequest,
            "4" => Self::AuthenticationFailed,
            "5" => Self::Pending,
            _ => return None,
        })
    }
}

/// What the AA seals into `ecres`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectResponse {
    pub txnid: String,
    pub sessionid: String,
    pub userid: String,
    pub code: ResponseCode,
    /// Accepted consent handles (the guidelines send them to an LSP; empty otherwise).
    pub srcref: Vec<String>,
}

impl RedirectRequest {
    /// The AA's consent-manager URL `base` with `fi`, `reqdate` and `ecreq` for `fiu_id`.
    pub fn to_url(&self, base: &str, fiu_id: &str, secret: &str, at: OffsetDateTime) -> String {
        let date = format_date(at);
        let form = form(&[
            ("txnid", &self.txnid),
            ("sessionid", &self.sessionid),
            ("userid", &self.userid),
            ("redirect", &self.redirect),
            ("srcref", &self.srcref.join(",")),
        ]);
        with_query(
            base,
            &[
                ("fi", &cipher::mask_id(fiu_id, &date)),
                ("reqdate", &date),
                ("ecreq", &cipher::seal(secret, &date, &form)),
            ],
        )
    }

    /// Reads the query string the AA received: the FIU it names, whose shared secret
    /// `secret_of` gives, and the parameters it sealed, all required.
    pub fn open(
        query: &str,
        now: OffsetDateTime,
        secret_of: impl Fn(&str) -> Option<String>,
    ) -> Result<(String, Self), RedirectError> {
        let (fiu, inner) = open_query(query, now, ("reqdate", "ecreq"), secret_of)?;
        let request = Self {
            txnid: required(&inner, "txnid")?,
            sessionid: required(&inner, "sessionid")?,
            userid: required(&inner, "userid")?,
            redirect: required(&inner, "redirect")?,
            srcref: list(&inner, "srcref"),
        };
        if request.srcref.is_empty() {
            return Err(RedirectError::Missing("srcref"));
        }
        Ok((fiu, request))
    }
}

impl RedirectResponse {
    /// The FIU's `redirect` URL with `fi` (the AA's id), `resdate` and `ecres`.
    pub fn to_url(&self, redirect: &str, aa_id: &str, secret: &str, at: OffsetDateTime) -> String {
        let date = format_date(at);
        let code = (self.code as u8).to_string();
        let form = form(&[
            ("txnid", &self.txnid),
            ("sessionid", &self.sessionid),
            ("userid", &self.userid),
            ("status", self.code.status()),
            ("errorcode", &code),
            ("srcref", &self.srcref.join(",")),
        ]);
        with_query(
            redirect,
            &[
                ("fi", &cipher::mask_id(aa_id, &date)),
                ("resdate", &date),
                ("ecres", &cipher::seal(secret, &date, &form)),
            ],
        )
    }

    /// Reads the query string the FIU received back: the AA it names (whose secret `secret_of`
    /// gives) and the sealed outcome.
    pub fn open(
        query: &str,
        now: OffsetDateTime,
        secret_of: impl Fn(&str) -> Option<String>,
    ) -> Result<(String, Self), RedirectError> {
        let (aa, inner) = open_query(query, now, ("resdate", "ecres"), secret_of)?;
        let code = required(&inner, "errorcode")?;
        let code = ResponseCode::parse(&code).ok_or(RedirectError::Malformed("errorcode"))?;
        if required(&inner, "status")? != code.status() {
            return Err(RedirectError::Malformed("status"));
        }
        let response = Self {
            txnid: required(&inner, "txnid")?,
            sessionid: required(&inner, "sessionid")?,
            userid: required(&inner, "userid")?,
            code,
            srcref: list(&inner, "srcref"),
        };
        Ok((aa, response))
    }
}

type Params = HashMap<String, Vec<String>>;

fn open_query(
    query: &str,
    now: OffsetDateTime,
    (date_name, sealed_name): (&'static str, &'static str),
    secret_of: impl Fn(&str) -> Option<String>,
) -> Result<(String, Params), RedirectError> {
    let outer = parse(query.trim_start_matches('?'));
    let date = required(&outer, date_name)?;
    check_date(&date, now, date_name)?;
    let sender = cipher::unmask_id(&required(&outer, "fi")?, &date, "fi")?;
    let secret =
        secret_of(&sender).ok_or_else(|| RedirectError::UnknownRequester(sender.clone()))?;
    let inner = cipher::open(&secret, &date, &required(&outer, sealed_name)?, sealed_name)?;
    Ok((sender, parse(&inner)))
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{}", form(pairs))
}

fn parse(text: &str) -> Params {
    let mut params = Params::new();
    for (name, value) in form_urlencoded::parse(text.as_bytes()) {
        params
            .entry(name.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    params
}

/// One non-empty value of `name` (a repeated parameter is malformed).
fn required(params: &Params, name: &'static str) -> Result<String, RedirectError> {
    match params.get(name).map(Vec::as_slice) {
        None | Some([]) => Err(RedirectError::Missing(name)),
        Some([value]) if value.trim().is_empty() => Err(RedirectError::Missing(name)),
        Some([value]) => Ok(value.trim().to_owned()),
        Some(_) => Err(RedirectError::Malformed(name)),
    }
}

/// Every value of `name`, repeated or comma-separated, blanks dropped.
fn list(params: &Params, name: &str) -> Vec<String> {
    params
        .get(name)
        .into_iter()
        .flatten()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect()
}

//! Why an outbound call failed ([`OutboundError`]), and for transport failures which cause
//! ([`TransportCause`]: refused, timed out, DNS, TLS, other), read from the reqwest error's
//! flags and source chain so that the message says more than "error sending request".

use std::error::Error as _;

use aa_core::rebit::error::ErrorResponse;

/// Why an outbound call failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("entity {0:?} is not in the registry")]
    UnknownEntity(String),
    #[error("no API key for {0:?}")]
    NoApiKey(String),
    /// The token service has not given us a token (yet): `cause` says why.
    #[error("no access token for the call to {entity}: {cause}")]
    NoToken { entity: String, cause: String },
    #[error("request to {entity} failed: {cause}: {message}")]
    Transport {
        entity: String,
        cause: TransportCause,
        message: String,
    },
    #[error("response from {entity} is not signed by it: {reason}")]
    ResponseSignature { entity: String, reason: String },
    #[error("{entity} answered {status} {}: {}", .error.error_code, .error.error_msg)]
    Rebit {
        entity: String,
        status: u16,
        error: Box<ErrorResponse>,
    },
    #[error("{entity} answered {status} without a ReBIT error body")]
    Status { entity: String, status: u16 },
    #[error("response from {entity} does not match the schema: {message}")]
    Schema { entity: String, message: String },
    #[error("request could not be serialised: {0}")]
    Serialise(String),
}

impl OutboundError {
    /// A transport failure talking to `entity`, its cause read from `error`.
    pub fn transport(entity: &str, error: &reqwest::Error) -> Self {
        OutboundError::Transport {
            entity: entity.to_owned(),
            cause: TransportCause::of(error),
            message: chain(error),
        }
    }

    /// True when trying again later may succeed: transport failures, 5xx and 429 answers,
    /// answers whose signature did not verify (a proxy or a key roll-over in progress), and a
    /// 401 (the client already refreshed its API key and retried once at once; the token
    /// service or the callee's registry may catch up). Any other 4xx is final.
    pub fn is_retryable(&self) -> bool {
        match self {
            OutboundError::Transport { .. }
            | OutboundError::ResponseSignature { .. }
            | OutboundError::NoToken { .. } => true,
            OutboundError::Rebit { status, .. } | OutboundError::Status { status, .. } => {
                *status >= 500 || *status == 429 || *status == 401
            }
            _ => false,
        }
    }

    /// The HTTP status the callee answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            OutboundError::Rebit { status, .. } | OutboundError::Status { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The `outcome` label of `aa_outbound_requests_total`.
    pub fn outcome(&self) -> &'static str {
        match self {
            OutboundError::Transport { cause, .. } => cause.label(),
            OutboundError::Rebit { status, .. } | OutboundError::Status { status, .. } => {
                match status / 100 {
                    1 => "1xx",
                    2 => "2xx",
                    3 => "3xx",
                    4 => "4xx",
                    _ => "5xx",
                }
            }
            OutboundError::ResponseSignature { .. } => "bad_signature",
            OutboundError::Schema { .. } => "bad_body",
            OutboundError::NoToken { .. } => "no_token",
            _ => "other",
        }
    }
}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportCause {
    /// Nothing listens at the callee's address (connection refused).
    Refused,
    /// Connecting or answering took longer than the client's timeout.
    TimedOut,
    /// The callee's host name did not resolve.
    Dns,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    Other,
}

impl TransportCause {
    /// Reads the cause from reqwest's flags and the error's source chain.
    pub fn of(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            return TransportCause::TimedOut;
        }
        let mut text = String::new();
        let mut source: Option<&(dyn std::error::Error + 'static)> = error.source();
        while let Some(e) = source {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                match io.kind() {
                    std::io::ErrorKind::ConnectionRefused => return TransportCause::Refused,
                    std::io::ErrorKind::TimedOut => return TransportCause::TimedOut,
                    _ => {}
                }
            }
            text.push_str(&e.to_string().to_lowercase());
            text.push('\n');
            source = e.source();
        }
        let any = |words: &[&str]| words.iter().any(|w| text.contains(w));
        if any(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
        ]) {
            TransportCause::Dns
        } else if any(&["certificate", "tls", "handshake", "invalidcontenttype"]) {
            TransportCause::Tls
        } else if any(&["connection refused"]) {
            TransportCause::Refused
        } else if any(&["timed out"]) {
            TransportCause::TimedOut
        } else {
            TransportCause::Other
        }
    }

    /// The metric label: `refused`, `timed_out`, `dns`, `tls`, `other`.
    pub fn label(self) -> &'static str {
        match self {
            TransportCause::Refused => "refused",
            TransportCause::TimedOut => "timed_out",
            TransportCause::Dns => "dns",
            TransportCause::Tls => "tls",
            TransportCause::Other => "other",
        }
    }
}

impl std::fmt::Display for TransportCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportCause::Refused => "connection refused",
            TransportCause::TimedOut => "timed out",
            TransportCause::Dns => "host name not resolved (DNS)",
            TransportCause::Tls => "TLS handshake failed",
            TransportCause::Other => "transport error",
        })
    }
}

/// The error and its sources, each once, without the URL (it may carry a query).
fn chain(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = error.source();
    parts.push(without_url(error));
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

fn without_url(error: &reqwest::Error) -> String {
    // `without_url` consumes; the message of a reqwest error is its kind, which Display shows
    // before " for url (...)".
    let text = error.to_string();
    match text.find(" for url (") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

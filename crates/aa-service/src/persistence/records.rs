//! Plain records the queries take and return: what the rest of the service sees of the
//! database. Statuses are the domain's enums.

use aa_core::rebit::{AuthenticatorType, FiStatus};

use crate::domain::fi_session::SessionState;
use crate::domain::status::{AccountState, RequestStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    pub id: String,
    pub handle: String,
    pub mobile: String,
}

/// A login OTP (never the clear code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpRecord {
    pub otp_ref: String,
    pub handle: String,
    pub code_hash: String,
    pub attempts: u32,
    pub consumed: bool,
    pub expires_at: i64,
}

/// A new login OTP; `sandbox_code` is set only when the sandbox endpoint is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOtpRecord {
    pub otp_ref: String,
    pub handle: String,
    pub code_hash: String,
    pub sandbox_code: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub token_hash: String,
    pub expires_at: i64,
    pub customer: CustomerRecord,
}

/// An account as an FIP described it in discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredAccount {
    pub acc_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
    pub acc_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub fip_id: String,
    pub acc_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
    pub acc_type: String,
    pub link_ref_number: Option<String>,
    pub state: AccountState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequestRecord {
    pub id: String,
    pub fip_id: String,
    pub ref_number: String,
    pub acc_ref_numbers: Vec<String>,
    pub completed: bool,
    /// How the FIP confirms it: `TOKEN` (the customer's OTP, `link/verify`) or `DIRECT` (the
    /// customer at the bank; the FIP's `Account/link/Notification` LINKED).
    pub authenticator: AuthenticatorType,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRequestRecord {
    pub handle: String,
    pub fiu_id: String,
    pub customer_handle: String,
    pub txnid: String,
    /// The requested terms as JSON text.
    pub detail: String,
    pub status: RequestStatus,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtefactRecord {
    pub consent_id: String,
    pub consent_handle: String,
    pub fiu_id: String,
    pub fip_id: String,
    pub customer_handle: String,
    pub signed_consent: String,
    pub status: String,
    pub create_timestamp: String,
    pub use_count: u32,
    pub last_used_at: Option<String>,
}

/// A notification to write to the outbox with a state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    pub callee: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// A link confirmed at the bank, as the FIP notified it.
#[derive(Debug, Clone, Copy)]
pub struct BankConfirmed<'a> {
    pub customer_id: &'a str,
    pub fip_id: &'a str,
    pub acc_ref: &'a str,
    pub link_ref: &'a str,
}

/// What an FIP's `LINKED` notification (a DIRECT link confirmed at the bank) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectLinkOutcome {
    /// The account is linked with the notified linkRefNumber (`changed` false: it was already,
    /// a repeat; nothing written).
    Linked { changed: bool },
    /// No pending DIRECT link request of this customer at this FIP holds the account (nothing
    /// written).
    NoPendingRequest,
    /// Another account of the customer at this FIP holds the linkRefNumber (nothing written).
    LinkRefTaken,
}

/// An FI session: the FIU's request, the FIP it went to, and the FIP's session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiSessionRecord {
    pub id: String,
    pub consent_id: String,
    pub fiu_id: String,
    pub fip_id: String,
    pub fiu_txnid: String,
    pub fip_session_id: Option<String>,
    pub status: SessionState,
    pub data_from: String,
    pub data_to: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An account of an FI session and its `FIStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiAccountRecord {
    pub link_ref_number: String,
    pub masked_acc_number: String,
    pub fi_status: FiStatus,
    pub description: Option<String>,
}

/// What an FIP reported about one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiStatusReport {
    pub link_ref_number: String,
    pub fi_status: FiStatus,
    pub description: String,
}

/// Which sessions a failure may end (`Store::fail_fi_session_notified`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failing {
    /// Any session not ended yet (`REQUESTED`, `ACTIVE`, `COMPLETED`).
    Open,
    /// Only a forward still under way: `REQUESTED` since `opened_at` (the attempt it was
    /// opened in; a session reopened since, or one the FIP accepted meanwhile, is left alone).
    Forward { opened_at: i64 },
}

/// What an FIP's FI notification changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiNotificationOutcome {
    /// Applied; `changed` is false for a repeat (nothing written, nothing sent).
    Applied { changed: bool },
    /// The notification names an account that is not in the session (nothing written).
    UnknownAccount(String),
    /// No such session.
    UnknownSession,
}

/// The rules a new FI session must pass to open (`Store::open_fi_session`), as epoch ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiAdmission {
    /// The session exists (failed or interrupted) and is tried again.
    pub reopen: bool,
    /// `REQUESTED` sessions created before this were interrupted.
    pub stale_before: i64,
    /// Sessions created before this have outlived their lifetime.
    pub expired_before: i64,
    /// The consent's usage limit: at most `max_uses` uses created since `uses_since` (`None`:
    /// ever).
    pub max_uses: u32,
    pub uses_since: Option<i64>,
}

/// Whether a new FI session for a consent was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FiOpening {
    /// Written `REQUESTED` (new, or a failed/interrupted one reopened).
    Opened,
    /// Another session of the consent is in progress (nothing written).
    InProgress,
    /// The consent's usage limit is reached (nothing written).
    UsedUp,
    /// The session to reopen is neither failed nor interrupted, e.g. retried concurrently.
    Busy,
}

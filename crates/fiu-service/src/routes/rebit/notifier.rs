//! The checks both ReBIT notification endpoints make of their `Notifier`: present (syntax: an
//! empty `type` or `id` is missing, 400 `InvalidRequest`), then the calling AA itself
//! (business: 400 `InvalidNotifier`).

use aa_core::rebit::{ErrorCode, Notifier, NotifierType};
use aa_core::validate::{self, Invalid};
use aa_runtime::http::RebitError;

/// `Notifier.type` and `Notifier.id` are present.
pub fn present(notifier: &Notifier) -> Result<(), Invalid> {
    validate::required("Notifier.type", Some(notifier.kind.as_str()))?;
    validate::required("Notifier.id", Some(&notifier.id))?;
    Ok(())
}

/// The notifier is `{type: AA, id: <the caller>}`.
pub fn is_calling_aa(notifier: &Notifier, caller: &str) -> Result<(), RebitError> {
    if notifier.kind.known() == Some(&NotifierType::Aa) && notifier.id == caller {
        Ok(())
    } else {
        Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "Notifier must be the AA sending the notification",
        ))
    }
}

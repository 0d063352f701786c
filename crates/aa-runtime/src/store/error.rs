//! One error for every query of every service.

use sea_orm::{DbErr, TransactionError};

/// Why a query failed. Its text is for the log (it names the cause, never a stored value
/// that is secret); callers answer "internal error". The database error is kept as the
/// source, so a log or a test can look at it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// The database could not be reached or refused the connection. `target` is the URL with
    /// its password redacted; `cause` never holds the password.
    #[error("cannot connect to the database at {target}: {cause}")]
    Connect { target: String, cause: String },
    /// A stored value the code cannot read back (a bad enum text, JSON that does not parse).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("sealing: {0}")]
    Seal(#[from] aa_core::seal::SealError),
}

impl From<TransactionError<StoreError>> for StoreError {
    fn from(error: TransactionError<StoreError>) -> Self {
        match error {
            TransactionError::Connection(e) => e.into(),
            TransactionError::Transaction(e) => e,
        }
    }
}

impl From<StoreError> for crate::http::RebitError {
    fn from(error: StoreError) -> Self {
        crate::http::RebitError::internal(&error)
    }
}

impl From<StoreError> for crate::http::AppError {
    fn from(error: StoreError) -> Self {
        crate::http::AppError::internal(&error)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn a_database_error_is_kept_as_the_source() {
        let error = StoreError::from(DbErr::Custom("relation \"x\" does not exist".into()));
        assert!(error.to_string().contains("relation \"x\" does not exist"));
        let source = error.source().and_then(|s| s.downcast_ref::<DbErr>());
        assert!(matches!(source, Some(DbErr::Custom(text)) if text.contains("relation")));
    }

    #[test]
    fn a_failed_transaction_unwraps_to_the_error_inside_it() {
        let inner = TransactionError::Transaction(StoreError::Corrupt("status \"X\"".into()));
        assert!(matches!(StoreError::from(inner), StoreError::Corrupt(_)));
        let connection = TransactionError::<StoreError>::Connection(DbErr::Custom("gone".into()));
        assert!(matches!(StoreError::from(connection), StoreError::Db(_)));
    }
}

//! The API-key verifier of inbound calls as a handle that can be swapped in place (the token
//! service's keys refreshed by `crate::token_service::jwks`).

use std::sync::{Arc, RwLock, Weak};

use aa_core::apikey::Verifier;

/// The current verifier; cloning shares it.
#[derive(Debug, Clone)]
pub struct VerifierHandle {
    inner: Arc<RwLock<Arc<Verifier>>>,
}

impl VerifierHandle {
    pub fn new(verifier: Verifier) -> Self {
        Self {
            inner: Arc::new(RwLock::new(Arc::new(verifier))),
        }
    }

    pub fn current(&self) -> Arc<Verifier> {
        match self.inner.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn replace(&self, verifier: Verifier) {
        match self.inner.write() {
            Ok(mut current) => *current = Arc::new(verifier),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(verifier),
        }
    }

    pub(crate) fn downgrade(&self) -> Weak<RwLock<Arc<Verifier>>> {
        Arc::downgrade(&self.inner)
    }

    pub(crate) fn upgrade(weak: &Weak<RwLock<Arc<Verifier>>>) -> Option<Self> {
        weak.upgrade().map(|inner| Self { inner })
    }
}

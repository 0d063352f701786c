//! A role's stored data keys against its master key ring ([`aa_core::key_ring::KeyRing`]):
//! [`check`] at start-up (every master key id that wraps a stored data key is in the ring, and
//! the ring's key under each such id opens one of them), and [`rewrap`] (`<service> rewrap`),
//! which moves every stored data key to the newest master key, a batch per transaction, so the
//! older keys can then be retired. The role's store says where the keys are ([`WrappedKeys`]).
//! Messages name key ids, never keys.

use std::fmt;
use std::future::Future;

use aa_core::key_ring::{KeyRing, KeyRingError};
use aa_core::seal::{key_id, SealError};

use crate::store::StoreError;

/// How many data keys one transaction of [`rewrap`] moves.
pub const REWRAP_BATCH: u64 = 500;

/// One stored data key: the row it is stored in, its id (`consent:<id>`, bound into the
/// envelope) and the envelope, wrapped under some master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub row: String,
    pub id: String,
    pub wrapped: Vec<u8>,
}

/// Where a role keeps its wrapped data keys. The store records beside each one the id of the
/// master key that wraps it, so finding the ids in use needs no scan.
pub trait WrappedKeys {
    /// For each master key id recorded, one data key stored under it.
    fn one_per_master_key(
        &self,
    ) -> impl Future<Output = Result<Vec<(String, WrappedKey)>, StoreError>>;

    /// Up to `limit` data keys not recorded under `master_id`, rows after `after`, in row order.
    fn not_under(
        &self,
        master_id: &str,
        after: Option<&str>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<WrappedKey>, StoreError>>;

    /// In one transaction, stores each key's new envelope, recorded under `master_id`, where
    /// the row still holds the old one (a key deleted or changed meanwhile is left alone).
    /// Returns how many rows changed.
    fn replace(
        &self,
        master_id: &str,
        batch: &[(WrappedKey, Vec<u8>)],
    ) -> impl Future<Output = Result<u64, StoreError>>;
}

/// Why the ring does not fit the stored data, or the data could not be moved.
#[derive(Debug, thiserror::Error)]
pub enum RingError {
    #[error(
        "stored data keys are wrapped under master key {id:?}, which is not in the key ring \
         ({ring}); add it to fi.master_keys"
    )]
    Missing { id: String, ring: String },
    #[error(
        "master key {0:?} does not open the data keys stored under it: it is not the key \
         they were wrapped with"
    )]
    Wrong(String),
    #[error("data key {row}: {cause}")]
    Unreadable { row: String, cause: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What [`rewrap`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewrapReport {
    /// The newest master key, which now wraps every stored data key.
    pub master_key: String,
    /// Data keys moved to it by this run.
    pub moved: u64,
}

impl fmt::Display for RewrapReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "moved {} data keys to master key {:?}; every stored data key is now wrapped under it",
            self.moved, self.master_key
        )
    }
}

fn ring_ids(ring: &KeyRing) -> String {
    ring.ids()
        .map(|id| format!("{id:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses a ring that cannot open the data present: a master key id recorded in the store
/// that the ring lacks, or a ring key that does not open a data key stored under its id.
pub async fn check(ring: &KeyRing, store: &impl WrappedKeys) -> Result<(), RingError> {
    for (master_id, sample) in store.one_per_master_key().await? {
        if ring.get(&master_id).is_none() {
            return Err(RingError::Missing {
                id: master_id,
                ring: ring_ids(ring),
            });
        }
        let named = key_id(&sample.wrapped).map_err(|e| unreadable(&sample, &e))?;
        if named != master_id {
            return Err(RingError::Unreadable {
                row: sample.row.clone(),
                cause: format!("recorded under master key {master_id:?}, sealed under {named:?}"),
            });
        }
        match ring.unwrap(&sample.id, &sample.wrapped) {
            Ok(_) => {}
            Err(KeyRingError::Seal(SealError::Open)) => return Err(RingError::Wrong(master_id)),
            Err(e) => return Err(unreadable(&sample, &e)),
        }
    }
    Ok(())
}

fn unreadable(key: &WrappedKey, cause: &dyn fmt::Display) -> RingError {
    RingError::Unreadable {
        row: key.row.clone(),
        cause: cause.to_string(),
    }
}

/// Moves every stored data key to the ring's newest master key, [`REWRAP_BATCH`] per
/// transaction, after [`check`]. Idempotent: a second run moves nothing.
pub async fn rewrap(ring: &KeyRing, store: &impl WrappedKeys) -> Result<RewrapReport, RingError> {
    check(ring, store).await?;
    let newest = ring.newest().id().to_owned();
    let mut moved = 0;
    let mut after: Option<String> = None;
    loop {
        let keys = store
            .not_under(&newest, after.as_deref(), REWRAP_BATCH)
            .await?;
        let Some(last) = keys.last() else {
            break;
        };
        after = Some(last.row.clone());
        let mut batch = Vec::with_capacity(keys.len());
        for key in keys {
            // Recorded under an older key but already sealed under the newest: only the
            // record moves.
            let new = ring
                .rewrap(&key.id, &key.wrapped)
                .map_err(|e| match e {
                    KeyRingError::Seal(SealError::Open) => {
                        RingError::Wrong(key_id(&key.wrapped).unwrap_or_default().to_owned())
                    }
                    e => unreadable(&key, &e),
                })?
                .unwrap_or_else(|| key.wrapped.clone());
            batch.push((key, new));
        }
        moved += store.replace(&newest, &batch).await?;
    }
    tracing::info!(master_key = %newest, moved, "data keys rewrapped");
    Ok(RewrapReport {
        master_key: newest,
        moved,
    })
}

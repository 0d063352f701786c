//! The simulated bank's seed at start-up: its sample customers and accounts are loaded in
//! `local` and `sandbox` only. Production never loads one (its configuration may not name one:
//! `Settings::check`), and says so in the log.

use crate::bank::dates;
use crate::bank::seed::{SeedError, SeedFile};
use crate::configuration::Settings;
use crate::persistence::{Store, StoreError};

/// Why the seed could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedingError {
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("loading the seed: {0}")]
    Store(#[from] StoreError),
}

/// Loads the seed file of `settings` into `store`, unless in production or none is named.
pub async fn load_seed(
    settings: &Settings,
    store: &Store,
    fip_id: &str,
) -> Result<(), SeedingError> {
    if settings.environment.is_production() {
        tracing::info!(fip.id = %fip_id, "no seed in production: the simulated bank's sample customers are for local and sandbox only");
        return Ok(());
    }
    let Some(path) = settings.seed_path() else {
        tracing::info!(fip.id = %fip_id, "no seed_file: the bank starts with the customers its database holds");
        return Ok(());
    };
    let seed = SeedFile::load(&path)?;
    let report = store.load_seed(&seed, dates::today_ist()).await?;
    tracing::info!(
        fip.id = %fip_id,
        customers_added = report.customers_added,
        accounts_added = report.accounts_added,
        transactions_added = report.transactions_added,
        "seed loaded"
    );
    Ok(())
}

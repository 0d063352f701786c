//! `POST /Accounts/discover`: the customer's accounts of the requested FI types, masked, each
//! with its `accRefNumber`. An unknown customer, or one without such accounts, is 404
//! `NoAccountsFound`. The customer found is recorded for the address (see
//! `linking.discovery_lifetime_seconds`, `crate::domain::discovery`), with the answer.

use aa_core::rebit::{AccDiscoveryRequest, AccDiscoveryResponse, ErrorCode};
use aa_core::validate;
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};

use crate::domain::discovery::{self, DiscoveryQuery};
use crate::routes::rebit;
use crate::state::{AppState, Claimed};

#[tracing::instrument(
    name = "accounts.discover",
    skip_all,
    fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id)
)]
pub async fn discover(
    request: Verified<AccDiscoveryRequest, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    answer(&request, &state).await
}

fn no_accounts() -> RebitError {
    RebitError::new(
        ErrorCode::NoAccountsFound,
        "no accounts found for these identifiers",
    )
}

async fn answer(
    request: &Verified<AccDiscoveryRequest, FromAa>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = rebit::envelope(state, &body.ver, &body.timestamp, &body.txnid)?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::AccountsDiscover,
        &body.txnid,
        &request.raw,
    );
    let mut claim = match state.claim(&incoming).await? {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        let address = validate::required("Customer.id", Some(&body.customer.id))?;
        let wanted = discovery::wanted_types(&body.fi_types)?;
        let query = DiscoveryQuery::from_identifiers(&body.customer.identifiers)?;
        let customer = state
            .store
            .customer_by_mobile(query.mobile.as_str())
            .await?
            .filter(|c| query.pan_matches(c.pan.as_deref()))
            .ok_or_else(no_accounts)?;
        let accounts: Vec<_> = state
            .store
            .accounts_of(&customer.id)
            .await?
            .into_iter()
            .filter(|a| wanted.contains(&a.fi_type))
            .map(|a| a.to_wire())
            .collect();
        if accounts.is_empty() {
            return Err(no_accounts());
        }
        // Which customer this address named, for the link that follows; it commits with the
        // answer (the reads above went through the shared connection before the claim's
        // transaction began).
        state
            .store
            .record_discovery_in(
                claim.transaction().await?,
                &request.caller.entity_id,
                address,
                &customer.id,
            )
            .await?;
        tracing::info!(accounts = accounts.len(), "accounts discovered");
        rebit::answer(
            version,
            &AccDiscoveryResponse {
                ver: version.as_str().to_owned(),
                timestamp: state.timestamp(),
                txnid: body.txnid.clone(),
                discovered_accounts: accounts,
            },
        )
    }
    .await;
    claim.finish(result).await
}

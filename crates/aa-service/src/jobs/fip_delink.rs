//! The delink jobs a deregistration queues (`domain::deregistration::FipLink`, kind
//! [`KIND`], keyed by the FIP): ReBIT `POST /Accounts/delink` through the FIP client, which
//! signs it and accepts only an answer confirming the link `DELINKED`. An FIP that cannot be
//! reached, answers 5xx, 429 or 401, or does not confirm is asked again with the queue's backoff;
//! an FIP that refuses (4xx) dead-letters the job, for an operator to see (`/metrics`,
//! `queue::admin`).

use aa_runtime::clock::Clock;
use aa_runtime::http::SignedClient;
use aa_runtime::queue::{Handler, Job, JobError, JobFuture};

use crate::clients::fip::{FipClient, FipError};
use crate::domain::deregistration::FipLink;

pub use crate::domain::deregistration::DELINK_KIND as KIND;

/// Runs delink jobs with the AA's signed client.
#[derive(Debug, Clone)]
pub struct DelinkAtFip {
    client: SignedClient,
    clock: Clock,
}

impl DelinkAtFip {
    pub fn new(client: SignedClient, clock: Clock) -> Self {
        Self { client, clock }
    }
}

/// Whether a failed delink may succeed later.
fn outcome(error: FipError) -> JobError {
    match error {
        FipError::Call(error) if error.is_retryable() => JobError::Retry(error.to_string()),
        FipError::Call(error) => JobError::Final(error.to_string()),
        misfit @ FipError::Misfit(_) => JobError::Retry(misfit.to_string()),
    }
}

impl Handler for DelinkAtFip {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            let link = FipLink::from_payload(&job.payload).map_err(JobError::Final)?;
            let fip = FipClient::new(&self.client, &self.clock);
            match fip
                .delink(&link.fip_id, &link.customer_address, &link.link_ref_number)
                .await
            {
                Ok(()) => {
                    tracing::info!(job.id = job.id, peer.id = %link.fip_id, job.attempts = job.attempts, "account delinked at its FIP after deregistration");
                    Ok(())
                }
                Err(error) => {
                    let outcome = outcome(error);
                    tracing::warn!(job.id = job.id, peer.id = %link.fip_id, job.attempts = job.attempts, error = %outcome, "delink at the FIP failed");
                    Err(outcome)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aa_core::rebit::{ErrorCode, ErrorResponse};
    use aa_runtime::http::OutboundError;

    fn refusal(status: u16) -> FipError {
        FipError::Call(OutboundError::Rebit {
            entity: "FIP-1".into(),
            status,
            error: Box::new(ErrorResponse {
                ver: "2.0.0".into(),
                timestamp: aa_core::timefmt::now_millis(),
                txnid: "t".into(),
                error_code: ErrorCode::InvalidLinkRefNumber,
                error_msg: "unknown link".into(),
            }),
        })
    }

    #[test]
    fn an_fip_that_refuses_is_final_and_one_that_fails_or_does_not_confirm_is_asked_again() {
        assert!(matches!(outcome(refusal(400)), JobError::Final(_)));
        assert!(matches!(outcome(refusal(503)), JobError::Retry(_)));
        assert!(matches!(outcome(refusal(429)), JobError::Retry(_)));
        assert!(matches!(
            outcome(FipError::Misfit("delink not confirmed")),
            JobError::Retry(_)
        ));
    }
}

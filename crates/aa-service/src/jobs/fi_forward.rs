//! The queue handler of FI forwards (`flows::fi_forward::KIND`): runs the forward use case
//! with the service's state. A forward still failing on its last attempt (`queue.max_attempts`)
//! fails its session and tells the FIU (`flows::fi_forward::give_up`) instead of dying in
//! silence.

use aa_runtime::queue::{Handler, Job, JobError, JobFuture};

use crate::flows::fi_forward::{forward, give_up, Forward};
use crate::state::AppState;

/// Runs `fi_forward` jobs.
pub struct ForwardFi {
    pub state: AppState,
    /// `queue.max_attempts`: a forward failing on this attempt gives up.
    pub max_attempts: u32,
}

impl Handler for ForwardFi {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            let work = Forward::from_payload(&job.payload)?;
            match forward(&self.state, &work).await {
                Err(error @ JobError::Retry(_)) if job.attempts >= self.max_attempts => {
                    give_up(&self.state, &work, &error).await
                }
                outcome => outcome,
            }
        })
    }
}

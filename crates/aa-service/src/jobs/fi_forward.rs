//! The queue handler of FI forwards (`flows::fi_forward::KIND`): runs the forward use case
//! with the service's state.

use aa_runtime::queue::{Handler, Job, JobFuture};

use crate::flows::fi_forward::{forward, Forward};
use crate::state::AppState;

/// Runs `fi_forward` jobs.
pub struct ForwardFi(pub AppState);

impl Handler for ForwardFi {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            let work = Forward::from_payload(&job.payload)?;
            forward(&self.0, &work).await
        })
    }
}

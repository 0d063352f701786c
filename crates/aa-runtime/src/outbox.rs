//! The outbox on the queue: notifications (callee, ReBIT path, exact body bytes) written with
//! [`Notification::job`] and `queue::enqueue` in the same transaction as the state change they
//! announce, and delivered by [`Deliver`], the handler of the [`KIND`] jobs: signed, with a
//! fresh timestamp, until the callee acknowledges. The ordering key is the callee, so each
//! counterparty hears about changes in the order they were made, in every role.

use serde::{Deserialize, Serialize};

use crate::http::SignedClient;
use crate::queue::{Handler, Job, JobError, JobFuture, NewJob};

/// The queue kind of notifications.
pub const KIND: &str = "notification";

/// One notification to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// The callee's entity id.
    #[serde(skip)]
    pub callee: String,
    /// The ReBIT path, e.g. `/Consent/Notification`.
    pub path: String,
    /// The exact JSON text to send.
    pub body: String,
}

impl Notification {
    /// The queue job carrying this notification, keyed by the callee.
    pub fn job(&self) -> NewJob {
        NewJob {
            kind: KIND.to_owned(),
            key: Some(self.callee.clone()),
            payload: serde_json::json!({ "path": self.path, "body": self.body }).to_string(),
        }
    }

    /// The notification a job carries.
    pub fn from_job(job: &Job) -> Result<Self, JobError> {
        let callee = job
            .key
            .clone()
            .ok_or_else(|| JobError::Final("notification without a callee".into()))?;
        let mut notification: Self = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Final(format!("notification payload: {e}")))?;
        notification.callee = callee;
        Ok(notification)
    }

    /// Reads the path and body of a pending payload (`queue::pending_payloads`) to `callee`.
    pub fn from_payload(callee: &str, payload: &str) -> Option<Self> {
        let mut notification: Self = serde_json::from_str(payload).ok()?;
        notification.callee = callee.to_owned();
        Some(notification)
    }
}

/// Delivers notification jobs with the service's signed client.
#[derive(Debug, Clone)]
pub struct Deliver(pub SignedClient);

impl Handler for Deliver {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            let n = Notification::from_job(job)?;
            match self
                .0
                .post_raw(&n.callee, &n.path, restamp(n.body.as_bytes()))
                .await
            {
                Ok(_) => {
                    tracing::info!(job.id = job.id, peer.id = %n.callee, path = %n.path, job.attempts = job.attempts, "notification delivered");
                    Ok(())
                }
                Err(error) if error.is_retryable() => Err(JobError::Retry(error.to_string())),
                Err(error) => Err(JobError::Final(error.to_string())),
            }
        })
    }
}

/// The stored body with its `timestamp` set to now: a retry long after the state change must
/// still pass the receiver's 15-minute window. Everything else is sent as stored.
fn restamp(body: &[u8]) -> Vec<u8> {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(body) else {
        return body.to_vec();
    };
    if !object.contains_key("timestamp") {
        return body.to_vec();
    }
    object.insert(
        "timestamp".to_owned(),
        serde_json::Value::String(aa_core::timefmt::now_millis()),
    );
    serde_json::to_vec(&object).unwrap_or_else(|_| body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_survives_the_queue_with_its_callee_as_key() {
        let n = Notification {
            callee: "FIU-1".into(),
            path: "/Consent/Notification".into(),
            body: r#"{"a":"x\"y"}"#.into(),
        };
        let job = n.job();
        assert_eq!(job.key.as_deref(), Some("FIU-1"));
        let claimed = Job {
            id: 1,
            kind: job.kind,
            key: job.key,
            payload: job.payload,
            attempts: 1,
            lease: 0,
        };
        assert_eq!(Notification::from_job(&claimed).unwrap(), n);
    }

    #[test]
    fn a_retried_body_gets_a_fresh_timestamp_and_nothing_else_changes() {
        let body =
            br#"{"ver":"2.0.0","timestamp":"2020-01-01T00:00:00.000Z","txnid":"t","x":[1,2]}"#;
        let sent: serde_json::Value = serde_json::from_slice(&restamp(body)).unwrap();
        assert_ne!(sent["timestamp"], "2020-01-01T00:00:00.000Z");
        assert_eq!(sent["txnid"], "t");
        assert_eq!(sent["x"], serde_json::json!([1, 2]));
        assert_eq!(restamp(b"not json"), b"not json");
    }
}

//! Monitoring: the `GET /Heartbeat` response of the AA and the FIP.

use serde::{Deserialize, Serialize};

use super::status::HeartbeatStatus;
use super::wire;

/// `GET /Heartbeat` response body (`HeartbeatResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    #[serde(rename = "Status")]
    pub status: HeartbeatStatus,
    /// Only in the AA spec.
    #[serde(rename = "Error", skip_serializing_if = "Option::is_none")]
    pub error: Option<HeartbeatError>,
}

/// `HeartbeatResponse.Error` (the spec's `Error` schema). The schema lists `errCode` and
/// `errMsg` as required but defines only `code`, `msg` and `detail`, so all three are
/// optional here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

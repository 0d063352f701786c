//! Heartbeat and health endpoints.

use serde_json::Value;

use crate::helpers::spawn;

async fn get(address: &str, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{address}{path}")).await.unwrap();
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (status, body)
}

#[tokio::test]
async fn heartbeat_and_health_answer_up() {
    let app = spawn().await;
    let (status, heartbeat) = get(&app.address, "/Heartbeat").await;
    assert_eq!(status, 200);
    let heartbeat: aa_core::rebit::HeartbeatResponse = serde_json::from_value(heartbeat).unwrap();
    assert_eq!(heartbeat.status, aa_core::rebit::HeartbeatStatus::Up);
    for path in ["/health/live", "/health/ready"] {
        let (status, body) = get(&app.address, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body["status"], "UP", "{path}");
    }
}

//! The envelope rules on every ReBIT endpoint of the AA, table-driven: an unsupported `ver` is
//! 404 `NoSuchVersion`, a `timestamp` 16 minutes off, a `txnid` that is not a UUID and an empty
//! required string are 400 `InvalidRequest`; every error echoes the request's `txnid` and
//! `ver` (an unsupported `ver` is answered in 2.0.0) and nothing is stored or sent. The 1.1.x GETs carry no envelope: a malformed id in the
//! path is 400 `InvalidRequest`, answered in 1.1.2 with a fresh UUID `txnid`.

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::fi_support::{active_consent, fiu_key, Artefact};
use crate::helpers::{consent_request, eventually, now, txnid, World, HANDLE};

/// Each AA ReBIT POST endpoint: who calls it, a well-formed body, and the path of a required
/// string inside it (emptied for the last case).
fn endpoints(
    artefact: &Artefact,
) -> Vec<(&'static str, &'static str, Value, &'static [&'static str])> {
    let envelope = || json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid() });
    let with = |mut body: Value, extra: Value| {
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    vec![
        (
            "/Consent",
            "FIU-1",
            consent_request("FIU-1", HANDLE, &txnid()),
            &["ConsentDetail", "consentStart"],
        ),
        (
            "/Consent/handle",
            "FIU-1",
            with(envelope(), json!({ "ConsentHandle": txnid() })),
            &["ConsentHandle"],
        ),
        (
            "/Consent/fetch",
            "FIU-1",
            with(envelope(), json!({ "consentId": artefact.consent_id })),
            &["consentId"],
        ),
        (
            "/Consent/Notification",
            "FIU-1",
            with(
                envelope(),
                json!({
                    "Notifier": { "type": "FIU", "id": "FIU-1" },
                    "ConsentStatusNotification": {
                        "consentId": artefact.consent_id, "consentStatus": "ACTIVE"
                    }
                }),
            ),
            &["ConsentStatusNotification", "consentId"],
        ),
        (
            "/Account/link/Notification",
            "FIP-1",
            with(
                envelope(),
                json!({
                    "Notifier": { "type": "FIP", "id": "FIP-1" },
                    "AccountLinkStatusNotification": {
                        "customerAddress": HANDLE,
                        "linkRefNumber": "FIP-1-LINK-FIP-1-ACC-1",
                        "linkStatus": "DELINKED"
                    }
                }),
            ),
            &["AccountLinkStatusNotification", "linkRefNumber"],
        ),
        (
            "/FI/request",
            "FIU-1",
            crate::fi_support::fi_request(artefact, &fiu_key(), &txnid()),
            &["Consent", "id"],
        ),
        (
            "/FI/Notification",
            "FIP-1",
            crate::fi_support::fip_notification(
                "FIP-1",
                "FIP-1",
                "5b1e2f3c-9d4a-4c7e-8f60-1a2b3c4d5e6f",
                "ACTIVE",
                &[("FIP-1-LINK-FIP-1-ACC-1", "READY")],
            ),
            &["FIStatusNotification", "sessionId"],
        ),
        (
            "/FI/fetch",
            "FIU-1",
            with(envelope(), json!({ "sessionId": txnid() })),
            &["sessionId"],
        ),
    ]
}

/// Row counts of every table of the AA's database.
async fn rows(world: &World) -> Vec<(String, i64)> {
    let db = Database::connect(&world.database_url).await.unwrap();
    let backend = db.get_database_backend();
    let tables = db
        .query_all(Statement::from_string(
            backend,
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        ))
        .await
        .unwrap();
    let mut counts = Vec::new();
    for table in tables {
        let name: String = table.try_get("", "name").unwrap();
        let count = db
            .query_one(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM \"{name}\""),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.push((name, count.try_get::<i64>("", "n").unwrap()));
    }
    counts
}

fn set(body: &mut Value, path: &[&str], value: Value) {
    let mut at = body;
    for key in &path[..path.len() - 1] {
        at = &mut at[*key];
    }
    at[path[path.len() - 1]] = value;
}

#[tokio::test]
async fn every_endpoint_answers_bad_envelopes_and_empty_fields_with_the_spec_codes_echoes_and_stores_nothing(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    // The approval's own messages have arrived before the baseline is taken.
    eventually("the approval's notifications", || {
        (world.fiu_1.received().len() == 2
            && world.fip_1.consents().len() == 1
            && world.fip_2.consents().len() == 1)
            .then_some(())
    })
    .await;
    let before = rows(&world).await;
    assert!(before.iter().any(|(t, n)| t == "fi_sessions" && *n == 0));
    let sixteen_minutes_off =
        aa_core::timefmt::format_millis(OffsetDateTime::now_utc() - Duration::minutes(16));
    let forwarded = (
        world.fip_1.fi_requests().len(),
        world.fiu_1.received().len(),
    );

    for (path, caller, body, required) in endpoints(&artefacts[0]) {
        let cases: Vec<(&str, Value, u16, &str)> = {
            let mut cases = Vec::new();
            let mut bad = body.clone();
            bad["ver"] = json!("9.9.9");
            cases.push(("unsupported ver", bad, 404, "NoSuchVersion"));
            let mut bad = body.clone();
            bad["timestamp"] = json!(sixteen_minutes_off);
            cases.push(("timestamp 16 min off", bad, 400, "InvalidRequest"));
            let mut bad = body.clone();
            bad["txnid"] = json!("not-a-uuid");
            cases.push(("txnid not a UUID", bad, 400, "InvalidRequest"));
            let mut bad = body.clone();
            set(&mut bad, required, json!(""));
            cases.push(("empty required string", bad, 400, "InvalidRequest"));
            cases
        };
        for (case, bad, status, code) in cases {
            let answer = world.rebit_post(caller, path, &bad).await;
            let what = format!("{path}, {case}: {}", answer.body);
            assert_eq!(answer.status, status, "{what}");
            assert_eq!(answer.body["errorCode"], code, "{what}");
            assert_eq!(answer.body["txnid"], bad["txnid"], "{what}");
            // An unsupported version cannot be echoed: aa-core answers in 2.0.0.
            let ver = if code == "NoSuchVersion" {
                json!("2.0.0")
            } else {
                bad["ver"].clone()
            };
            assert_eq!(answer.body["ver"], ver, "{what}");
            assert!(
                answer.body["errorMsg"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{what}"
            );
        }
    }

    // The 1.1.x GETs: a malformed id.
    for path in [
        "/Consent/handle/not-a-uuid",
        "/Consent/not-a-uuid",
        "/FI/fetch/not-a-uuid",
    ] {
        let answer = world.rebit_get("FIU-1", path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], "InvalidRequest", "{path}");
        assert_eq!(answer.body["ver"], "1.1.2", "{path}");
        uuid::Uuid::parse_str(answer.body["txnid"].as_str().unwrap()).unwrap();
    }

    assert_eq!(rows(&world).await, before, "nothing stored");
    assert_eq!(
        (
            world.fip_1.fi_requests().len(),
            world.fiu_1.received().len()
        ),
        forwarded,
        "nothing sent"
    );
}

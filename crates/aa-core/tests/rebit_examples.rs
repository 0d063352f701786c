//! Round trips of the ReBIT 2.0.0 spec examples and the Finvu sandbox samples through the
//! `aa_core::rebit` types.
//!
//! The OpenAPI files carry examples on properties only, so each schema's example is built
//! here the way Swagger UI builds its "Example Value": every property, its `example` if it
//! has one, else its first enum value, else a placeholder. Each example must parse into the
//! schema's type and serialise back to the same JSON, except where the example (or sample)
//! uses a 1.1.x or otherwise off-spec form: those differences are listed explicitly and
//! asserted to come out in 2.0.0 form.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use aa_core::rebit::*;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------
// Spec loading and example building
// ---------------------------------------------------------------------------------------

const AA: &str = include_str!("../spec/rebit-aa-2.0.0.yaml");
const FIP: &str = include_str!("../spec/rebit-fip-2.0.0.yaml");
const FIU: &str = include_str!("../spec/rebit-fiu-2.0.0.yaml");
const AA_112: &str = include_str!("../spec/rebit-aa-1.1.2.yaml");
const FIP_112: &str = include_str!("../spec/rebit-fip-1.1.2.yaml");
const FIU_112: &str = include_str!("../spec/rebit-fiu-1.1.2.yaml");

const SPECS_200: [(&str, &str); 3] = [("aa", AA), ("fip", FIP), ("fiu", FIU)];
/// The SahamatiNet Router's files (2.1.0 for the AA and FIP; its FIU file is 2.0.0).
const ROUTER_SPECS: [(&str, &str); 3] = [
    (
        "router-aa",
        include_str!("../spec/sahamati/sahamati-router-aa-2.1.0.yaml"),
    ),
    (
        "router-fip",
        include_str!("../spec/sahamati/sahamati-router-fip-2.1.0.yaml"),
    ),
    (
        "router-fiu",
        include_str!("../spec/sahamati/sahamati-router-fiu-2.0.0.yaml"),
    ),
];
const ALL_SPECS: [(&str, &str); 6] = [
    ("aa-2.0.0", AA),
    ("fip-2.0.0", FIP),
    ("fiu-2.0.0", FIU),
    ("aa-1.1.2", AA_112),
    ("fip-1.1.2", FIP_112),
    ("fiu-1.1.2", FIU_112),
];

fn spec(text: &str) -> Value {
    // rebit-aa-2.0.0.yaml has a tab at the start of one folded description (the
    // DHPublicKey of the deprecated GET /FI/fetch/{sessionId}), which libyaml refuses.
    let text = text.replace(
        "\n                            \tContains",
        "\n                            Contains",
    );
    serde_yaml::from_str(&text).expect("spec parses as YAML")
}

fn definition<'a>(spec: &'a Value, name: &str) -> &'a Value {
    let schema = &spec["definitions"][name];
    assert!(schema.is_object(), "no definition {name}");
    schema
}

/// The example Swagger UI would show for `schema`.
fn example(spec: &Value, schema: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/definitions/");
        return example(spec, definition(spec, name));
    }
    if let Some(value) = schema.get("example") {
        return value.clone();
    }
    let kind = schema.get("type").and_then(Value::as_str);
    let parts = schema.get("allOf").and_then(Value::as_array);
    let properties = schema.get("properties").and_then(Value::as_object);
    if kind == Some("object") || parts.is_some() || properties.is_some() {
        let mut object = Map::new();
        for part in parts.into_iter().flatten() {
            if let Value::Object(inherited) = example(spec, part) {
                object.extend(inherited);
            }
        }
        for (name, property) in properties.into_iter().flatten() {
            object.insert(name.clone(), example(spec, property));
        }
        return Value::Object(object);
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    match kind {
        Some("array") => Value::Array(vec![example(spec, &schema["items"])]),
        Some("number" | "integer") => json!(0),
        Some("boolean") => json!(true),
        _ => json!("string"),
    }
}

fn definition_example(spec_text: &str, name: &str) -> Value {
    let spec = spec(spec_text);
    example(&spec, definition(&spec, name))
}

// ---------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------

fn round_trip<T: DeserializeOwned + Serialize>(input: &Value) -> Result<Value, String> {
    let parsed: T = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&parsed).map_err(|e| e.to_string())
}

type RoundTrip = fn(&Value) -> Result<Value, String>;

/// A change the parser must make: at `pointer`, `before` (1.1.x / off-spec) becomes
/// `after` (2.0.0); `None` as `after` means the field is dropped.
type Change = (&'static str, Value, Option<Value>);

/// Applies `changes` to `input`, checking each `before` is really there.
fn expected_after(input: &Value, changes: &[Change]) -> Value {
    let mut expected = input.clone();
    for (pointer, before, after) in changes {
        let found = expected.pointer(pointer);
        assert_eq!(found, Some(before), "expected {before} at {pointer}");
        match after {
            Some(after) => *expected.pointer_mut(pointer).unwrap() = after.clone(),
            None => {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                let parent = expected.pointer_mut(parent).unwrap();
                parent.as_object_mut().unwrap().remove(key);
            }
        }
    }
    expected
}

/// Parses `input` as `T`, re-serialises it, and compares with `input` after `changes`.
fn assert_round_trip<T: DeserializeOwned + Serialize>(
    what: &str,
    input: &Value,
    changes: &[Change],
) {
    let output = round_trip::<T>(input).unwrap_or_else(|e| panic!("{what}: {e}\n{input:#}"));
    let expected = expected_after(input, changes);
    assert_eq!(output, expected, "{what} did not round-trip");
}

fn assert_definition_round_trips<T: DeserializeOwned + Serialize>(
    spec_text: &str,
    name: &str,
    changes: &[Change],
) {
    let input = definition_example(spec_text, name);
    assert_round_trip::<T>(name, &input, changes);
}

/// The Rust type for each body schema the specs define.
fn type_of_definition(name: &str) -> Option<RoundTrip> {
    Some(match name {
        "ConsentsRequest" => round_trip::<ConsentsRequest>,
        "ConsentsResponse" => round_trip::<ConsentsResponse>,
        "ConsentHandleRequest" => round_trip::<ConsentHandleRequest>,
        "ConsentHandleResponse" => round_trip::<ConsentHandleResponse>,
        "ConsentFetchRequest" => round_trip::<ConsentFetchRequest>,
        "ConsentArtefact" => round_trip::<ConsentArtefact>,
        "SignedConsentDetail" => round_trip::<SignedConsentDetail>,
        "Consent" => round_trip::<ConsentHandleState>,
        "FIRequest" => round_trip::<FiRequest>,
        "FIResponse" => round_trip::<FiResponse>,
        "FIFetchRequest" => round_trip::<FiFetchRequest>,
        "FIFetchResponse" => round_trip::<FiFetchResponse>,
        "KeyMaterial" => round_trip::<KeyMaterial>,
        "Purpose" => round_trip::<Purpose>,
        "FITypes" => round_trip::<Vec<FiType>>,
        "Account" => round_trip::<FipAccount>,
        "ConsentStatusNotification" => round_trip::<ConsentStatusNotification>,
        "FIStatusNotification" => round_trip::<FiStatusNotification>,
        "AccountLinkStatusNotification" => round_trip::<AccountLinkStatusNotification>,
        "NotificationResponse" | "ConsentNotificationResponse" => {
            round_trip::<NotificationResponse>
        }
        "HeartbeatResponse" => round_trip::<HeartbeatResponse>,
        "Error" => round_trip::<HeartbeatError>,
        "AccDiscoveryRequest" => round_trip::<AccDiscoveryRequest>,
        "AccDiscoveryResponse" => round_trip::<AccDiscoveryResponse>,
        "AccLinkRequest" => round_trip::<AccLinkRequest>,
        "AccLinkResponse" => round_trip::<AccLinkResponse>,
        "AccDeLinkRequest" => round_trip::<AccDeLinkRequest>,
        "AccDeLinkResponse" => round_trip::<AccDeLinkResponse>,
        "LinkDelinkTokenRequest" => round_trip::<LinkDelinkTokenRequest>,
        "LinkDelinkTokenResponse" => round_trip::<LinkDelinkTokenResponse>,
        _ => return None,
    })
}

/// The Rust type for the inline schemas of the deprecated endpoints.
fn type_of_inline(operation: &str) -> Option<RoundTrip> {
    Some(match operation {
        "aa GET /Consent/handle/{consentHandle} 200" => round_trip::<ConsentHandleResponse>,
        "aa GET /Consent/{id} 200" => round_trip::<ConsentArtefact>,
        "aa GET /FI/fetch/{sessionId} 200" | "fip GET /FI/fetch/{sessionId} 200" => {
            round_trip::<FiFetchResponse>
        }
        "fip DELETE /Accounts/link body" => round_trip::<AccDeLinkRequest>,
        "fip DELETE /Accounts/link 200" => round_trip::<AccDeLinkResponse>,
        "fip GET /Accounts/link/{RefNumber}/{Token} 200" => round_trip::<LinkDelinkTokenResponse>,
        _ => return None,
    })
}

/// Where a spec example uses a non-2.0.0 form, by definition (or inline operation).
fn example_changes(name: &str) -> Vec<Change> {
    match name {
        // The examples of these string fields are bare YAML numbers.
        "ConsentsRequest" => vec![
            (
                "/ConsentDetail/Customer/Identifiers/0/value",
                json!(919867123456_u64),
                Some(json!("919867123456")),
            ),
            (
                "/ConsentDetail/DataFilter/0/value",
                json!(20000),
                Some(json!("20000")),
            ),
        ],
        "SignedConsentDetail" => vec![("/DataFilter/0/value", json!(20000), Some(json!("20000")))],
        "LinkDelinkTokenRequest" => vec![("/token", json!(999999), Some(json!("999999")))],
        // The example says AADHAAR, the enum AADHAR.
        "AccDiscoveryRequest" => vec![(
            "/Customer/Identifiers/0/type",
            json!("AADHAAR"),
            Some(json!("AADHAR")),
        )],
        _ => vec![],
    }
}

/// Error schemas: everything carrying an `errorCode`.
fn is_error_schema(spec: &Value, schema: &Value) -> bool {
    let name = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.trim_start_matches("#/definitions/"),
        None => return false,
    };
    example(spec, definition(spec, name))
        .get("errorCode")
        .is_some()
}

/// Every request and response body of one spec: (operation label, schema).
fn bodies(spec: &Value, spec_name: &str) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let label = format!("{spec_name} {} {path}", method.to_uppercase());
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "body" {
                    found.push((format!("{label} body"), parameter["schema"].clone()));
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if let Some(schema) = response.get("schema") {
                    found.push((format!("{label} {status}"), schema.clone()));
                }
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Every body, every spec
// ---------------------------------------------------------------------------------------

#[test]
fn every_body_in_the_three_2_0_0_specs_round_trips_through_its_type() {
    let mut checked = 0;
    for (spec_name, text) in SPECS_200 {
        let spec = spec(text);
        for (label, schema) in bodies(&spec, spec_name) {
            if is_error_schema(&spec, &schema) {
                continue; // every_error_schema_and_code_round_trips_with_its_status
            }
            let (round_trip, changes) = match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.trim_start_matches("#/definitions/");
                    let found = type_of_definition(name);
                    (
                        found.unwrap_or_else(|| panic!("{label}: no type for {name}")),
                        example_changes(name),
                    )
                }
                None => {
                    let found = type_of_inline(&label);
                    (
                        found.unwrap_or_else(|| panic!("{label}: no type for inline schema")),
                        vec![],
                    )
                }
            };
            let input = example(&spec, &schema);
            let output = round_trip(&input).unwrap_or_else(|e| panic!("{label}: {e}\n{input:#}"));
            assert_eq!(output, expected_after(&input, &changes), "{label}");
            checked += 1;
        }
    }
    // Request and success bodies: 20 AA, 21 FIP, 4 FIU.
    assert_eq!(checked, 45);
}

#[test]
fn every_definition_with_a_type_round_trips_in_every_spec() {
    let mut checked = BTreeSet::new();
    for (spec_name, text) in SPECS_200 {
        let spec = spec(text);
        for name in spec["definitions"].as_object().unwrap().keys() {
            let Some(round_trip) = type_of_definition(name) else {
                continue;
            };
            let input = example(&spec, definition(&spec, name));
            let output = round_trip(&input).unwrap_or_else(|e| panic!("{spec_name} {name}: {e}"));
            assert_eq!(
                output,
                expected_after(&input, &example_changes(name)),
                "{spec_name} {name}"
            );
            checked.insert(name.clone());
        }
    }
    // Everything that is not an error schema has a type.
    for (spec_name, text) in SPECS_200 {
        let spec = spec(text);
        for (name, schema) in spec["definitions"].as_object().unwrap() {
            let is_error = example(&spec, schema).get("errorCode").is_some();
            assert!(
                is_error || checked.contains(name),
                "{spec_name}: {name} has no type"
            );
        }
    }
}

#[test]
fn every_error_schema_and_code_round_trips_with_its_status() {
    let mut seen = BTreeSet::new();
    for (spec_name, text) in SPECS_200 {
        let spec = spec(text);
        for (label, schema) in bodies(&spec, spec_name) {
            if !is_error_schema(&spec, &schema) {
                continue;
            }
            let status: u16 = label.rsplit(' ').next().unwrap().parse().unwrap();
            let name = schema["$ref"]
                .as_str()
                .unwrap()
                .trim_start_matches("#/definitions/");
            let definition = definition(&spec, name);
            let base = example(&spec, definition);
            for code in definition["properties"]["errorCode"]["enum"]
                .as_array()
                .unwrap()
            {
                let mut input = base.clone();
                input["errorCode"] = code.clone();
                assert_round_trip::<ErrorResponse>(&label, &input, &[]);
                let parsed: ErrorResponse = serde_json::from_value(input).unwrap();
                assert_eq!(parsed.http_status(), status, "{label} {code}");
                seen.insert(parsed.error_code);
            }
        }
    }
    assert_eq!(
        seen.len(),
        ErrorCode::ALL.len(),
        "codes never used in 2.0.0: {:?}",
        {
            ErrorCode::ALL
                .iter()
                .filter(|c| !seen.contains(c))
                .collect::<Vec<_>>()
        }
    );
}

// ---------------------------------------------------------------------------------------
// One schema at a time
// ---------------------------------------------------------------------------------------

#[test]
fn consents_request_example_round_trips_with_numbers_read_as_strings() {
    assert_definition_round_trips::<ConsentsRequest>(
        AA,
        "ConsentsRequest",
        &example_changes("ConsentsRequest"),
    );
}

#[test]
fn consents_response_example_round_trips() {
    assert_definition_round_trips::<ConsentsResponse>(AA, "ConsentsResponse", &[]);
}

#[test]
fn consent_handle_request_example_round_trips() {
    assert_definition_round_trips::<ConsentHandleRequest>(AA, "ConsentHandleRequest", &[]);
}

#[test]
fn consent_handle_response_example_round_trips() {
    assert_definition_round_trips::<ConsentHandleResponse>(AA, "ConsentHandleResponse", &[]);
}

#[test]
fn consent_fetch_request_example_round_trips() {
    assert_definition_round_trips::<ConsentFetchRequest>(AA, "ConsentFetchRequest", &[]);
}

#[test]
fn consent_artefact_examples_round_trip_at_the_aa_and_the_fip() {
    assert_definition_round_trips::<ConsentArtefact>(AA, "ConsentArtefact", &[]);
    assert_definition_round_trips::<ConsentArtefact>(FIP, "ConsentArtefact", &[]);
}

#[test]
fn signed_consent_detail_examples_round_trip() {
    let changes = example_changes("SignedConsentDetail");
    assert_definition_round_trips::<SignedConsentDetail>(AA, "SignedConsentDetail", &changes);
    assert_definition_round_trips::<SignedConsentDetail>(FIP, "SignedConsentDetail", &changes);
}

#[test]
fn fi_request_examples_round_trip_at_the_aa_and_the_fip() {
    assert_definition_round_trips::<FiRequest>(AA, "FIRequest", &[]);
    assert_definition_round_trips::<FiRequest>(FIP, "FIRequest", &[]);
}

#[test]
fn fi_response_examples_round_trip_at_the_aa_and_the_fip() {
    assert_definition_round_trips::<FiResponse>(AA, "FIResponse", &[]);
    assert_definition_round_trips::<FiResponse>(FIP, "FIResponse", &[]);
}

#[test]
fn fi_fetch_request_examples_round_trip_at_the_aa_and_the_fip() {
    assert_definition_round_trips::<FiFetchRequest>(AA, "FIFetchRequest", &[]);
    assert_definition_round_trips::<FiFetchRequest>(FIP, "FIFetchRequest", &[]);
}

#[test]
fn fi_fetch_response_examples_round_trip_at_the_aa_and_the_fip() {
    assert_definition_round_trips::<FiFetchResponse>(AA, "FIFetchResponse", &[]);
    assert_definition_round_trips::<FiFetchResponse>(FIP, "FIFetchResponse", &[]);
}

#[test]
fn consent_status_notification_examples_round_trip_at_the_aa_fip_and_fiu() {
    for spec in [AA, FIP, FIU] {
        assert_definition_round_trips::<ConsentStatusNotification>(
            spec,
            "ConsentStatusNotification",
            &[],
        );
    }
}

#[test]
fn fi_status_notification_examples_round_trip_at_the_aa_and_fiu() {
    assert_definition_round_trips::<FiStatusNotification>(AA, "FIStatusNotification", &[]);
    assert_definition_round_trips::<FiStatusNotification>(FIU, "FIStatusNotification", &[]);
}

#[test]
fn account_link_status_notification_example_round_trips() {
    assert_definition_round_trips::<AccountLinkStatusNotification>(
        AA,
        "AccountLinkStatusNotification",
        &[],
    );
}

#[test]
fn notification_response_examples_round_trip_under_both_names() {
    assert_definition_round_trips::<NotificationResponse>(AA, "NotificationResponse", &[]);
    assert_definition_round_trips::<NotificationResponse>(FIU, "NotificationResponse", &[]);
    assert_definition_round_trips::<ConsentNotificationResponse>(
        FIP,
        "ConsentNotificationResponse",
        &[],
    );
}

#[test]
fn heartbeat_response_examples_round_trip_with_and_without_error() {
    let aa = definition_example(AA, "HeartbeatResponse");
    assert!(aa.get("Error").is_some());
    assert_round_trip::<HeartbeatResponse>("AA HeartbeatResponse", &aa, &[]);
    let fip = definition_example(FIP, "HeartbeatResponse");
    assert!(fip.get("Error").is_none());
    assert_round_trip::<HeartbeatResponse>("FIP HeartbeatResponse", &fip, &[]);
}

#[test]
fn acc_discovery_request_example_round_trips_with_aadhaar_spelled_as_the_enum() {
    assert_definition_round_trips::<AccDiscoveryRequest>(
        FIP,
        "AccDiscoveryRequest",
        &example_changes("AccDiscoveryRequest"),
    );
}

#[test]
fn acc_discovery_response_example_round_trips() {
    assert_definition_round_trips::<AccDiscoveryResponse>(FIP, "AccDiscoveryResponse", &[]);
}

#[test]
fn acc_link_request_and_response_examples_round_trip() {
    assert_definition_round_trips::<AccLinkRequest>(FIP, "AccLinkRequest", &[]);
    assert_definition_round_trips::<AccLinkResponse>(FIP, "AccLinkResponse", &[]);
}

#[test]
fn acc_delink_request_and_response_examples_round_trip() {
    assert_definition_round_trips::<AccDeLinkRequest>(FIP, "AccDeLinkRequest", &[]);
    assert_definition_round_trips::<AccDeLinkResponse>(FIP, "AccDeLinkResponse", &[]);
}

#[test]
fn link_delink_token_request_example_round_trips_with_the_numeric_token_as_text() {
    assert_definition_round_trips::<LinkDelinkTokenRequest>(
        FIP,
        "LinkDelinkTokenRequest",
        &example_changes("LinkDelinkTokenRequest"),
    );
}

#[test]
fn link_delink_token_response_example_round_trips() {
    assert_definition_round_trips::<LinkDelinkTokenResponse>(FIP, "LinkDelinkTokenResponse", &[]);
}

#[test]
fn deprecated_endpoints_bodies_round_trip_through_their_replacements_types() {
    let mut checked = 0;
    for (spec_name, text) in [("aa", AA), ("fip", FIP)] {
        let spec = spec(text);
        for (label, schema) in bodies(&spec, spec_name) {
            if schema.get("$ref").is_some() {
                continue;
            }
            let round_trip = type_of_inline(&label).unwrap_or_else(|| panic!("{label}"));
            let input = example(&spec, &schema);
            assert_eq!(round_trip(&input).unwrap(), input, "{label}");
            checked += 1;
        }
    }
    // AA: GET handle, GET consent, GET FI fetch; FIP: DELETE link (both), GET link token,
    // GET FI fetch.
    assert_eq!(checked, 7);
}

fn jws_payload(compact: &str) -> Value {
    let payload = compact.split('.').nth(1).expect("compact JWS");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn spec_signed_consent_payload_parses_with_term_deposit_written_as_term_underscore_deposit() {
    for text in [AA, FIP] {
        let artefact: ConsentArtefact =
            serde_json::from_value(definition_example(text, "ConsentArtefact")).unwrap();
        let payload = jws_payload(&artefact.signed_consent);
        let changes = [(
            "/fiTypes/1",
            json!("TERM-DEPOSIT"),
            Some(json!("TERM_DEPOSIT")),
        )];
        assert_round_trip::<SignedConsentDetail>("spec signedConsent payload", &payload, &changes);
        let detail: SignedConsentDetail = serde_json::from_value(payload).unwrap();
        assert_eq!(detail.fi_types, [FiType::Deposit, FiType::TermDeposit]);
        assert_eq!(
            detail.consent_start, "2019-05-28T11:38:20.380+0000",
            "kept byte for byte"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Finvu sandbox samples (1.1.3 AA integration, 1.0 FIP simulator)
// ---------------------------------------------------------------------------------------

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/rebit/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn assert_sample<T: DeserializeOwned + Serialize>(name: &str, changes: &[Change]) -> T {
    let input = fixture(name);
    assert_round_trip::<T>(name, &input, changes);
    serde_json::from_value(input).unwrap()
}

#[test]
fn finvu_consent_request_sample_round_trips_with_its_numeric_filter_value_as_text() {
    let changes = [(
        "/ConsentDetail/DataFilter/0/value",
        json!(20000),
        Some(json!("20000")),
    )];
    let request: ConsentsRequest = assert_sample("finvu-aa-consent-request.json", &changes);
    // 1.1.x consent requests name the data consumer without a type.
    assert_eq!(request.consent_detail.data_consumer.kind, None);
    assert_eq!(
        request.consent_detail.fi_data_range.from,
        "2018-10-31T04:10:12.898"
    );
}

#[test]
fn finvu_consent_response_sample_round_trips() {
    assert_sample::<ConsentsResponse>("finvu-aa-consent-response.json", &[]);
}

#[test]
fn finvu_consent_handle_sample_round_trips_with_its_null_consent_id_omitted() {
    let changes = [("/ConsentStatus/id", Value::Null, None)];
    let response: ConsentHandleResponse =
        assert_sample("finvu-aa-consent-handle-response.json", &changes);
    assert_eq!(response.consent_status.status, ConsentHandleStatus::Pending);
}

#[test]
fn finvu_consent_artefact_samples_round_trip_and_their_epoch_timestamps_read_as_iso() {
    let artefact: ConsentArtefact = assert_sample("finvu-aa-consent-id-response.json", &[]);
    let payload = jws_payload(&artefact.signed_consent);
    let changes = [
        (
            "/consentStart",
            json!(1575632397153_u64),
            Some(json!("2019-12-06T11:39:57.153Z")),
        ),
        (
            "/consentExpiry",
            json!(1607254797153_u64),
            Some(json!("2020-12-06T11:39:57.153Z")),
        ),
        (
            "/FIDataRange/from",
            json!(1540959012898_u64),
            Some(json!("2018-10-31T04:10:12.898Z")),
        ),
        (
            "/FIDataRange/to",
            json!(1572495012897_u64),
            Some(json!("2019-10-31T04:10:12.897Z")),
        ),
    ];
    assert_round_trip::<SignedConsentDetail>("Finvu signedConsent payload", &payload, &changes);

    let artefact: ConsentArtefact = assert_sample("finvu-fip-consent-request.json", &[]);
    let payload = jws_payload(&artefact.signed_consent);
    let detail: SignedConsentDetail = serde_json::from_value(payload).unwrap();
    assert_eq!(detail.consent_start, "2020-04-07T07:09:38.877Z");
    assert_eq!(detail.fi_types, [FiType::Deposit, FiType::TermDeposit]);
}

#[test]
fn finvu_fi_request_samples_round_trip_with_an_epoch_timestamp_read_as_iso() {
    let changes = [(
        "/timestamp",
        json!(1586430349059_u64),
        Some(json!("2020-04-09T11:05:49.059Z")),
    )];
    assert_sample::<FiRequest>("finvu-aa-fi-request-request.json", &changes);
    assert_sample::<FiRequest>("finvu-fip-fi-request-request.json", &[]);
}

#[test]
fn finvu_fi_response_samples_round_trip() {
    assert_sample::<FiResponse>("finvu-aa-fi-request-response.json", &[]);
    assert_sample::<FiResponse>("finvu-fip-fi-request-response.json", &[]);
}

#[test]
fn finvu_fi_fetch_samples_round_trip_with_nulls_omitted_and_an_unknown_curve_kept() {
    let changes = [
        ("/FI/0/KeyMaterial/cryptoAlg", Value::Null, None),
        (
            "/FI/0/KeyMaterial/DHPublicKey/Parameters",
            Value::Null,
            None,
        ),
    ];
    let response: FiFetchResponse = assert_sample("finvu-aa-fi-fetch-response.json", &changes);
    // The sandbox shifts the fields: "ECDH" in curve. Kept, not dropped.
    assert_eq!(
        response.fi[0].key_material.curve,
        Open::Other("ECDH".to_owned())
    );

    let changes = [(
        "/FI/0/KeyMaterial/DHPublicKey/Parameters",
        Value::Null,
        None,
    )];
    let response: FiFetchResponse = assert_sample("finvu-fip-fi-fetch-response.json", &changes);
    assert_eq!(
        response.fi[0].key_material.curve,
        Open::Known(Curve::Curve25519)
    );
}

#[test]
fn finvu_fi_notification_sample_round_trips() {
    let notification: FiStatusNotification =
        assert_sample("finvu-aa-fi-notification-request.json", &[]);
    assert_eq!(notification.notifier.kind, Open::Known(NotifierType::Fip));
}

#[test]
fn finvu_account_link_notification_sample_round_trips_without_its_off_spec_masked_number() {
    // Finvu's doc shows this body under both "Consent Notification" and "Account Link
    // Notification"; it sends maskedAccNumber where the spec has accRefNumber.
    let changes = [(
        "/AccountLinkStatusNotification/maskedAccNumber",
        json!("XXXXXXX5555"),
        None,
    )];
    let notification: AccountLinkStatusNotification =
        assert_sample("finvu-aa-account-link-notification-request.json", &changes);
    assert_eq!(
        notification.account_link_status_notification.acc_ref_number,
        None
    );
}

#[test]
fn finvu_consent_notification_sample_round_trips() {
    assert_sample::<ConsentStatusNotification>("finvu-fip-consent-notification-request.json", &[]);
}

#[test]
fn finvu_heartbeat_samples_round_trip() {
    let aa: HeartbeatResponse = assert_sample("finvu-aa-heartbeat-response.json", &[]);
    assert_eq!(aa.error.and_then(|e| e.code), Some(0));
    assert_sample::<HeartbeatResponse>("finvu-fip-heartbeat-response.json", &[]);
}

#[test]
fn finvu_discovery_samples_round_trip_with_term_deposit_in_2_0_0_spelling() {
    assert_sample::<AccDiscoveryRequest>("finvu-fip-accounts-discover-request.json", &[]);
    let changes = [(
        "/DiscoveredAccounts/1/FIType",
        json!("TERM-DEPOSIT"),
        Some(json!("TERM_DEPOSIT")),
    )];
    assert_sample::<AccDiscoveryResponse>("finvu-fip-accounts-discover-response.json", &changes);
}

#[test]
fn finvu_linking_samples_round_trip() {
    assert_sample::<AccLinkRequest>("finvu-fip-accounts-link-request.json", &[]);
    assert_sample::<AccLinkResponse>("finvu-fip-accounts-link-response.json", &[]);
    assert_sample::<AccDeLinkRequest>("finvu-fip-accounts-link-delete-request.json", &[]);
    assert_sample::<AccDeLinkResponse>("finvu-fip-accounts-link-delete-response.json", &[]);
    assert_sample::<LinkDelinkTokenResponse>("finvu-fip-accounts-link-token-response.json", &[]);
}

// ---------------------------------------------------------------------------------------
// 1.1.x spellings in, 2.0.0 spellings out
// ---------------------------------------------------------------------------------------

fn key_material(name: &str, parameters: &str) -> Value {
    json!({
        "ver": "1.1.2",
        "timestamp": "2018-06-09T09:58:50.505Z",
        "txnid": "c4a1450c-d08a-45b4-a475-0468bd10e380",
        "Consent": { "id": "654024c8-29c8-11e8-8868-0289437bf331", "digitalSignature": "sig" },
        "FIDataRange": { "from": "2018-11-27T06:26:29.761Z", "to": "2018-12-27T06:26:29.761Z" },
        name: {
            "cryptoAlg": "ECDH",
            "curve": "Curve25519",
            "params": "cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH",
            "DHPublicKey": { "expiry": "2019-06-01T09:58:50.505Z", parameters: "p", "KeyValue": "k" },
            "Nonce": "29512b70-ca84-46b5-9471-63765599cf15"
        }
    })
}

#[test]
fn key_materials_and_parameter_are_read_and_written_as_key_material_and_parameters() {
    let old = round_trip::<FiRequest>(&key_material("KeyMaterials", "Parameter")).unwrap();
    assert_eq!(old, key_material("KeyMaterial", "Parameters"));

    let response = json!({
        "ver": "1.1.2", "timestamp": "2020-04-09T11:05:49.059Z", "txnid": "t",
        "FI": [{ "fipId": "FIP-1", "data": [], "KeyMaterials": key_material("x", "Parameter")["x"] }]
    });
    let out = round_trip::<FiFetchResponse>(&response).unwrap();
    assert_eq!(out["FI"][0]["fipID"], "FIP-1");
    assert_eq!(
        out["FI"][0]["KeyMaterial"]["DHPublicKey"]["Parameters"],
        "p"
    );
    assert!(out["FI"][0].get("KeyMaterials").is_none());
}

#[test]
fn lower_case_consent_use_is_read_and_written_as_consent_use() {
    let mut artefact = definition_example(AA, "ConsentArtefact");
    let consent_use = artefact
        .as_object_mut()
        .unwrap()
        .remove("ConsentUse")
        .unwrap();
    artefact["consentUse"] = consent_use.clone();
    artefact["consentUse"]["count"] = json!(1.0);
    let out = round_trip::<ConsentArtefact>(&artefact).unwrap();
    assert_eq!(out["ConsentUse"]["count"], json!(1));
    assert!(out.get("consentUse").is_none());
    assert!(round_trip::<ConsentUse>(
        &json!({"logUri": "u", "count": 1.5, "lastUseDateTime": "t"})
    )
    .is_err());
}

#[test]
fn older_enum_spellings_are_read_and_written_in_2_0_0_form() {
    let cases: [(&str, RoundTrip, &str); 4] = [
        ("TERM-DEPOSIT", round_trip::<FiType>, "TERM_DEPOSIT"),
        ("AADHAAR", round_trip::<IdentifierType>, "AADHAR"),
        ("OTHERS", round_trip::<IdentifierType>, "Others"),
        ("Others", round_trip::<CustomerIdentifierType>, "OTHERS"),
    ];
    for (old, round_trip, new) in cases {
        assert_eq!(round_trip(&json!(old)).unwrap(), json!(new), "{old}");
    }
    assert_eq!(FiType::from_str("TERM-DEPOSIT"), Ok(FiType::TermDeposit));
    assert_eq!(FiType::TermDeposit.to_string(), "TERM_DEPOSIT");
}

#[test]
fn enumerated_fields_refuse_values_the_spec_does_not_list() {
    assert!(round_trip::<ConsentStatus>(&json!("PENDING")).is_err());
    assert!(round_trip::<FiType>(&json!("CRYPTO")).is_err());
    assert!(round_trip::<ErrorCode>(&json!("invalidRequest")).is_err());
    let err = ConsentMode::from_str("view").unwrap_err();
    assert_eq!(err.to_string(), "\"view\" is not a known ConsentMode");
}

#[test]
fn free_string_fields_keep_values_outside_the_usual_set() {
    let account = json!({
        "fiType": "GST_RETURNS", "fipId": "FIP-1", "accType": "OVERDRAFT",
        "linkRefNumber": "l", "maskedAccNumber": "m"
    });
    let parsed: ConsentAccount = serde_json::from_value(account.clone()).unwrap();
    assert_eq!(parsed.fi_type.as_str(), "GST_RETURNS");
    assert_eq!(parsed.acc_type, Open::Other("OVERDRAFT".to_owned()));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), account);

    let known = json!({ "fiType": "TERM-DEPOSIT", "fipId": "f", "accType": "SAVINGS",
        "linkRefNumber": "l", "maskedAccNumber": "m" });
    let parsed: ConsentAccount = serde_json::from_value(known).unwrap();
    assert_eq!(parsed.fi_type.known(), Some(&FiType::TermDeposit));
    assert_eq!(
        serde_json::to_value(&parsed).unwrap()["fiType"],
        "TERM_DEPOSIT"
    );

    let notifier: Notifier =
        serde_json::from_value(json!({"type": "CENTRAL_REGISTRY", "id": "cr"})).unwrap();
    assert_eq!(notifier.kind.to_string(), "CENTRAL_REGISTRY");
}

#[test]
fn every_enum_round_trips_each_value_through_its_wire_string() {
    fn check<T>(all: &[T])
    where
        T: DeserializeOwned + Serialize + FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
        <T as FromStr>::Err: std::fmt::Debug,
    {
        for value in all {
            let text = value.to_string();
            assert_eq!(serde_json::to_value(value).unwrap(), json!(text));
            assert_eq!(&serde_json::from_value::<T>(json!(text)).unwrap(), value);
            assert_eq!(&T::from_str(&text).unwrap(), value);
        }
    }
    check(FiType::ALL);
    check(AccType::ALL);
    check(ConsentMode::ALL);
    check(FetchType::ALL);
    check(ConsentType::ALL);
    check(DataConsumerType::ALL);
    check(DataProviderType::ALL);
    check(DataLifeUnit::ALL);
    check(FrequencyUnit::ALL);
    check(DataFilterType::ALL);
    check(DataFilterOperator::ALL);
    check(ConsentStatus::ALL);
    check(ConsentHandleStatus::ALL);
    check(ConsentNotificationStatus::ALL);
    check(SessionStatus::ALL);
    check(FiStatus::ALL);
    check(LinkStatus::ALL);
    check(HeartbeatStatus::ALL);
    check(NotifierType::ALL);
    check(IdentifierCategory::ALL);
    check(IdentifierType::ALL);
    check(CustomerIdentifierType::ALL);
    check(AuthenticatorType::ALL);
    check(Curve::ALL);
    check(ErrorCode::ALL);
}

#[test]
fn enums_list_exactly_the_values_the_2_0_0_and_router_specs_enumerate() {
    // (schema path suffix, values): collected from the three ReBIT 2.0.0 YAML files and the
    // router's three (which add two FI types).
    let mut enums: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    fn collect(node: &Value, path: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
        match node {
            Value::Object(map) => {
                if let Some(values) = map.get("enum").and_then(Value::as_array) {
                    let key = path.rsplit('/').next().unwrap().to_owned();
                    let entry = out.entry(key).or_default();
                    entry.extend(values.iter().map(|v| v.as_str().unwrap().to_owned()));
                }
                for (key, child) in map {
                    collect(child, &format!("{path}/{key}"), out);
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|i| collect(i, &format!("{path}/items"), out)),
            _ => {}
        }
    }
    for (_, text) in SPECS_200.iter().chain(&ROUTER_SPECS) {
        collect(&spec(text), "", &mut enums);
    }
    fn names<T: ToString>(all: &[T], extra: &[&str]) -> BTreeSet<String> {
        all.iter()
            .map(ToString::to_string)
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    }
    // Keyed by the property holding the enum (arrays end in "items").
    assert_eq!(enums["consentMode"], names(ConsentMode::ALL, &[]));
    assert_eq!(enums["fetchType"], names(FetchType::ALL, &[]));
    assert_eq!(enums["operator"], names(DataFilterOperator::ALL, &[]));
    assert_eq!(enums["sessionStatus"], names(SessionStatus::ALL, &[]));
    assert_eq!(enums["FIStatus"], names(FiStatus::ALL, &[]));
    assert_eq!(
        enums["AuthenticatorType"],
        names(AuthenticatorType::ALL, &[])
    );
    assert_eq!(enums["category"], names(IdentifierCategory::ALL, &[]));
    assert_eq!(enums["curve"], names(Curve::ALL, &[]));
    assert_eq!(enums["Status"], names(HeartbeatStatus::ALL, &[]));
    assert_eq!(enums["accType"], names(AccType::ALL, &[]));
    assert_eq!(
        enums["consentStatus"],
        names(ConsentNotificationStatus::ALL, &[])
    );
    assert_eq!(enums["linkStatus"], names(&[LinkStatus::Linked], &[]));
    assert_eq!(enums["FIType"], names(FiType::ALL, &["TERM-DEPOSIT"]));
    assert_eq!(
        enums["unit"],
        names(FrequencyUnit::ALL, &[])
            .union(&names(DataLifeUnit::ALL, &[]))
            .cloned()
            .collect()
    );
    // `type` and `status` are shared property names: the union of our enums is exactly
    // the union of what the specs list under them.
    let types: BTreeSet<String> = [
        names(DataConsumerType::ALL, &[]),
        names(DataProviderType::ALL, &[]),
        names(IdentifierType::ALL, &[]),
        names(CustomerIdentifierType::ALL, &[]),
        names(DataFilterType::ALL, &[]),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(enums["type"], types);
    let statuses: BTreeSet<String> = [
        names(ConsentStatus::ALL, &[]),
        names(ConsentHandleStatus::ALL, &[]),
        names(LinkStatus::ALL, &[]),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(enums["status"], statuses);
}

// ---------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------

/// (code, HTTP status) for every error code of the six spec files.
fn codes_in_specs() -> BTreeMap<String, BTreeSet<u16>> {
    let mut codes: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    for (spec_name, text) in ALL_SPECS {
        let spec = spec(text);
        for (label, schema) in bodies(&spec, spec_name) {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let name = reference.trim_start_matches("#/definitions/");
            let values = &definition(&spec, name)["properties"]["errorCode"]["enum"];
            let Ok(status) = label.rsplit(' ').next().unwrap().parse::<u16>() else {
                continue;
            };
            for code in values.as_array().into_iter().flatten() {
                codes
                    .entry(code.as_str().unwrap().to_owned())
                    .or_default()
                    .insert(status);
            }
        }
    }
    codes
}

#[test]
fn error_codes_are_exactly_those_of_the_1_1_2_and_2_0_0_specs_with_their_statuses() {
    let codes = codes_in_specs();
    let ours: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(ours, codes.keys().cloned().collect::<BTreeSet<_>>());
    for (code, statuses) in &codes {
        assert_eq!(statuses.len(), 1, "{code} is attached to {statuses:?}");
        let parsed = ErrorCode::from_str(code).unwrap();
        assert_eq!(Some(&parsed.http_status()), statuses.first(), "{code}");
    }
}

#[test]
fn each_error_code_round_trips_through_its_string_and_has_the_expected_status() {
    let expected: [(ErrorCode, &str, u16); 40] = [
        (ErrorCode::AccountNotFound, "AccountNotFound", 404),
        (
            ErrorCode::CannotIdentifyCustomer,
            "CannotIdentifyCustomer",
            404,
        ),
        (ErrorCode::ConsentExpired, "ConsentExpired", 403),
        (ErrorCode::ConsentPaused, "ConsentPaused", 403),
        (ErrorCode::ConsentRevoked, "ConsentRevoked", 403),
        (
            ErrorCode::DataFetchRequestInProgress,
            "DataFetchRequestInProgress",
            403,
        ),
        (ErrorCode::DataGone, "DataGone", 410),
        (ErrorCode::ExpiredKeyMaterial, "ExpiredKeyMaterial", 404),
        (ErrorCode::IdempotencyError, "IdempotencyError", 409),
        (ErrorCode::InternalError, "InternalError", 500),
        (ErrorCode::InvalidConsentDetail, "InvalidConsentDetail", 400),
        (ErrorCode::InvalidConsentHandle, "InvalidConsentHandle", 400),
        (ErrorCode::InvalidConsentId, "InvalidConsentId", 400),
        (
            ErrorCode::InvalidConsentPurpose,
            "InvalidConsentPurpose",
            400,
        ),
        (ErrorCode::InvalidConsentStatus, "InvalidConsentStatus", 400),
        (ErrorCode::InvalidConsentUse, "InvalidConsentUse", 400),
        (
            ErrorCode::InvalidCustomerAddress,
            "InvalidCustomerAddress",
            400,
        ),
        (ErrorCode::InvalidDateRange, "InvalidDateRange", 400),
        (ErrorCode::InvalidFIPId, "InvalidFIPId", 400),
        (ErrorCode::InvalidFIStatus, "InvalidFIStatus", 400),
        (
            ErrorCode::InvalidFIStatusNotification,
            "InvalidFIStatusNotification",
            400,
        ),
        (ErrorCode::InvalidKey, "InvalidKey", 400),
        (ErrorCode::InvalidLinkRefNumber, "InvalidLinkRefNumber", 400),
        (ErrorCode::InvalidLinkToken, "InvalidLinkToken", 400),
        (ErrorCode::InvalidNotifier, "InvalidNotifier", 400),
        (ErrorCode::InvalidRequest, "InvalidRequest", 400),
        (ErrorCode::InvalidSecurity, "InvalidSecurity", 400),
        (ErrorCode::InvalidSessionId, "InvalidSessionId", 400),
        (ErrorCode::InvalidSessionStatus, "InvalidSessionStatus", 400),
        (ErrorCode::InvalidURI, "InvalidURI", 400),
        (ErrorCode::LinkTokenExpired, "LinkTokenExpired", 401),
        (ErrorCode::NoAccountsFound, "NoAccountsFound", 404),
        (ErrorCode::NoDataFound, "NoDataFound", 404),
        (ErrorCode::NoSuchVersion, "NoSuchVersion", 404),
        (ErrorCode::NotImplemented, "NotImplemented", 501),
        (ErrorCode::PreconditionFailed, "PreconditionFailed", 412),
        (ErrorCode::ServiceUnavailable, "ServiceUnavailable", 503),
        (
            ErrorCode::SignatureDoesNotMatch,
            "SignatureDoesNotMatch",
            400,
        ),
        (ErrorCode::Unauthorized, "Unauthorized", 401),
        (ErrorCode::UnsupportedFIType, "UnsupportedFIType", 404),
    ];
    assert_eq!(expected.len(), ErrorCode::ALL.len());
    for (code, text, status) in expected {
        assert_eq!(code.as_str(), text);
        assert_eq!(code.to_string(), text);
        assert_eq!(ErrorCode::from_str(text), Ok(code));
        assert_eq!(serde_json::to_value(code).unwrap(), json!(text));
        assert_eq!(
            serde_json::from_value::<ErrorCode>(json!(text)).unwrap(),
            code
        );
        assert_eq!(code.http_status(), status, "{text}");
    }
    assert!(ErrorCode::from_str("NoSuchThing").is_err());
}

#[test]
fn error_response_new_stamps_the_current_utc_time_with_milliseconds() {
    let before = time::OffsetDateTime::now_utc();
    let response = ErrorResponse::new(
        "2.0.0",
        "0b811819-9044-4856-b0ee-8c88035f8858",
        ErrorCode::ConsentPaused,
        "paused",
    );
    let after = time::OffsetDateTime::now_utc();

    let ts = &response.timestamp;
    assert_eq!(ts.len(), "2024-01-01T10:00:00.000Z".len(), "{ts}");
    assert_eq!(
        (&ts[10..11], &ts[19..20], &ts[23..]),
        ("T", ".", "Z"),
        "{ts}"
    );
    let at =
        time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).unwrap();
    let slack = time::Duration::milliseconds(1);
    assert!(before - slack <= at && at <= after, "{ts}");

    assert_eq!(response.http_status(), 403);
    let wire = serde_json::to_value(&response).unwrap();
    assert_eq!(
        wire,
        json!({
            "ver": "2.0.0",
            "timestamp": ts,
            "txnid": "0b811819-9044-4856-b0ee-8c88035f8858",
            "errorCode": "ConsentPaused",
            "errorMsg": "paused"
        })
    );
}

#![allow(clippy::unwrap_used)]
use serde_json::{json, Value};

use super::*;
use crate::jws::SigningKey;
use crate::registry::central_render::{self, Form};

const V2_SAMPLE: &str = include_str!("../../spec/sahamati/sahamati-cr-v2-entityinfo-sample.json");
const API_DETAILS: &str = include_str!(
    "../../spec/sahamati/sahamati-aa-common-service-central-registry-cr-api-details.md"
);

fn jwk(pem: &str, kid: &str) -> Value {
    SigningKey::from_pem(pem, kid)
        .unwrap()
        .verifying_key()
        .to_jwk()
}

fn fiu_jwk() -> Value {
    jwk(
        include_str!("../../tests/fixtures/keys/fiu-1.pem"),
        "fiu-1-sig",
    )
}

fn info(id: &str, base_url: &str, certificate: Value) -> Value {
    json!({"id": id, "name": id, "baseUrl": base_url, "certificate": certificate})
}

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

fn no_issuers() -> Registry {
    Registry::default()
}

#[test]
fn the_v2_sample_is_read_with_its_base_url_and_key() {
    let read = read(
        &[(Role::Fip, V2_SAMPLE.as_bytes())],
        &no_issuers(),
        "Kunal-FIP",
    )
    .unwrap();
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    let fip = read.registry.entity("Kunal-FIP").unwrap();
    assert_eq!(fip.role, Role::Fip);
    assert_eq!(fip.base_url, "https://www.kunalfip.com");
    let (owner, key) = read
        .registry
        .by_kid("8Hc7ULRcwyv-jlRzPR1vy7F6VP6xQeg4NUtN8agewV4")
        .unwrap();
    assert_eq!(owner.id, "Kunal-FIP");
    assert_eq!(key.kid(), "8Hc7ULRcwyv-jlRzPR1vy7F6VP6xQeg4NUtN8agewV4");
}

#[test]
fn the_single_envelope_of_the_cr_api_details_is_read() {
    let start = API_DETAILS.find("```\n{").unwrap() + 4;
    let end = start + API_DETAILS[start..].find("```").unwrap();
    let sample = &API_DETAILS[start..end];
    let read = read(&[(Role::Fiu, sample.as_bytes())], &no_issuers(), "fiu@bank").unwrap();
    let fiu = read.registry.entity("fiu@bank").unwrap();
    assert_eq!(fiu.base_url, "https://fiu.bank.com/v1");
    assert_eq!(fiu.name, "Bank Ltd.");
    assert!(read.registry.by_kid("sig-1634660208").is_some());
}

#[test]
fn the_1_2_0_array_of_entity_info_is_read_with_base_url_in_camel_case() {
    let list = json!([info("FIU-1", "http://127.0.0.1:9/fiu/", fiu_jwk())]);
    let read = read(&[(Role::Fiu, &bytes(&list))], &no_issuers(), "FIU-1").unwrap();
    assert_eq!(
        read.registry.entity("FIU-1").unwrap().base_url,
        "http://127.0.0.1:9/fiu"
    );
}

#[test]
fn unusable_entries_are_skipped_with_the_reason_and_the_rest_kept() {
    let aa = jwk(
        include_str!("../../tests/fixtures/keys/aa-1.pem"),
        "aa-1-sig",
    );
    let mut es256 = fiu_jwk();
    es256["alg"] = json!("ES256");
    es256["kid"] = json!("other");
    let mut no_kid = fiu_jwk();
    no_kid.as_object_mut().unwrap().remove("kid");
    let mut short = fiu_jwk();
    short["n"] = json!("AQAB");
    short["kid"] = json!("short");
    let list = json!([
        info("FIU-1", "https://fiu.example", fiu_jwk()),
        {"name": "nameless", "baseurl": "https://x.example", "certificate": aa},
        info("FIU-2", "ftp://fiu.example", aa.clone()),
        {"id": "FIU-3", "baseurl": "https://x.example"},
        info("FIU-4", "https://x.example", es256),
        info("FIU-5", "https://x.example", no_kid),
        info("FIU-6", "https://x.example", short),
        info("FIU-1", "https://again.example", aa),
        info("FIU-7", "https://x.example", fiu_jwk()),
        info("FIU-8", "https://x.example", json!("-----BEGIN PUBLIC KEY-----\nAA\n-----END PUBLIC KEY-----")),
        "not an object",
    ]);
    let read = read(&[(Role::Fiu, &bytes(&list))], &no_issuers(), "FIU-1").unwrap();
    assert_eq!(read.registry.entities().len(), 1);
    let reasons: Vec<(String, String)> = read
        .skipped
        .iter()
        .map(|s| (s.entry.clone(), s.reason.clone()))
        .collect();
    let expect = [
        ("#1", "it has no id"),
        (
            "FIU-2",
            "its baseurl \"ftp://fiu.example\" is not an http(s) URL",
        ),
        ("FIU-3", "it has no certificate"),
        ("FIU-4", "its certificate is for \"ES256\", not RS256"),
        ("FIU-5", "its certificate has no kid"),
        ("FIU-6", "its certificate is unusable"),
        ("FIU-1", "its id appears earlier in the answers"),
        ("FIU-7", "its key id \"fiu-1-sig\" is already taken"),
        ("FIU-8", "its certificate is a PEM key without a kid"),
        ("#10", "the entry is not an object"),
    ];
    assert_eq!(reasons.len(), expect.len(), "{reasons:?}");
    for ((entry, reason), (want_entry, want_reason)) in reasons.iter().zip(expect) {
        assert_eq!(entry, want_entry);
        assert!(reason.starts_with(want_reason), "{entry}: {reason}");
    }
    assert!(read.skipped.iter().all(|s| s.role == Role::Fiu));
}

#[test]
fn an_answer_that_is_not_an_entity_list_is_an_error() {
    for (body, want) in [
        (&b"<html>down</html>"[..], "not JSON"),
        (&b"{\"responseCode\": 500}"[..], "not an entity list"),
        (&b"\"Access not allowed\""[..], "not an entity list"),
    ] {
        let err = read(&[(Role::Aa, body)], &no_issuers(), "AA-1").unwrap_err();
        assert!(err.to_string().contains(want), "{err}");
    }
}

#[test]
fn answers_without_our_own_entity_are_an_error() {
    let list = json!([info("FIU-1", "https://fiu.example", fiu_jwk())]);
    assert_eq!(
        read(&[(Role::Fiu, &bytes(&list))], &no_issuers(), "AA-1").unwrap_err(),
        CentralError::MissingSelf("AA-1".into())
    );
}

#[test]
fn token_issuers_come_from_the_given_registry_and_keep_their_kids() {
    let issuer = jwk(
        include_str!("../../tests/fixtures/keys/issuer.pem"),
        "issuer-1",
    );
    let yaml = format!(
        "token_issuers:\n  - id: TS\n    keys:\n      - kid: issuer-1\n        jwk: {issuer}\n"
    );
    let issuers = Registry::from_text(&yaml, false, std::path::Path::new(".")).unwrap();
    let list = json!([
        info("FIU-1", "https://fiu.example", fiu_jwk()),
        info("FIU-2", "https://fiu.example", issuer),
    ]);
    let read = read(&[(Role::Fiu, &bytes(&list))], &issuers, "FIU-1").unwrap();
    assert!(read.registry.api_key_verifier().is_ok());
    assert_eq!(read.registry.issuers.len(), 1);
    assert_eq!(read.skipped[0].entry, "FIU-2");
}

#[test]
fn both_rendered_forms_read_back_into_the_same_entities() {
    let list = json!([
        info("FIU-1", "https://fiu.example/v2", fiu_jwk()),
        info(
            "FIU-2",
            "https://fiu2.example",
            jwk(
                include_str!("../../tests/fixtures/keys/fiu-2.pem"),
                "fiu-2-sig"
            )
        ),
    ]);
    let source = read(&[(Role::Fiu, &bytes(&list))], &no_issuers(), "FIU-1").unwrap();
    let entities: Vec<&Entity> = source.registry.with_role(Role::Fiu).collect();
    for form in [Form::V1, Form::V2] {
        let rendered = central_render::answer(
            &entities,
            entities[0],
            form,
            "t-1",
            time::OffsetDateTime::UNIX_EPOCH,
        );
        let again = read(&[(Role::Fiu, &bytes(&rendered))], &no_issuers(), "FIU-2").unwrap();
        assert!(again.skipped.is_empty());
        let fiu = again.registry.entity("FIU-1").unwrap();
        assert_eq!(fiu.base_url, "https://fiu.example/v2");
        assert_eq!(fiu.keys, entities[0].keys);
        if form == Form::V2 {
            assert_eq!(rendered[0]["timestamp"], "1970-01-01 00:00:00.000");
        }
    }
}

#[test]
fn a_caller_sees_its_own_type_as_itself_only_and_an_fip_sees_no_fius() {
    let list = |role: &str, a: &str, b: &str| {
        format!("  - id: {a}\n    role: {role}\n    base_url: http://x\n  - id: {b}\n    role: {role}\n    base_url: http://x\n")
    };
    let yaml = format!(
        "entities:\n{}{}{}",
        list("AA", "AA-1", "AA-2"),
        list("FIP", "FIP-1", "FIP-2"),
        list("FIU", "FIU-1", "FIU-2")
    );
    let registry = Registry::from_text(&yaml, false, std::path::Path::new(".")).unwrap();
    let ids = |caller: &str, of: Role| {
        let caller = registry.entity(caller).unwrap();
        central_render::visible(&registry, caller, of)
            .map(|list| list.iter().map(|e| e.id.clone()).collect::<Vec<_>>())
    };
    assert_eq!(ids("AA-1", Role::Aa).unwrap(), ["AA-1"]);
    assert_eq!(ids("AA-1", Role::Fiu).unwrap(), ["FIU-1", "FIU-2"]);
    assert_eq!(ids("FIU-2", Role::Fiu).unwrap(), ["FIU-2"]);
    assert_eq!(ids("FIU-2", Role::Aa).unwrap(), ["AA-1", "AA-2"]);
    assert_eq!(ids("FIP-1", Role::Aa).unwrap(), ["AA-1", "AA-2"]);
    assert_eq!(ids("FIP-1", Role::Fip).unwrap(), ["FIP-1"]);
    assert_eq!(ids("FIP-1", Role::Fiu), None);
    assert_eq!(visible_types(Role::Fip), [Role::Aa, Role::Fip]);
}

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::rebit::{EncryptedFi, FiFetchResponse, FiRequest, FiResponse, FipFi};
use aa_core::timefmt;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::*;

const TXNID: &str = "0b811819-9044-4856-b0ee-8c88035f8858";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn asked() -> Asked<'static> {
    Asked {
        ver: "2.0.0",
        txnid: TXNID,
    }
}

fn fi_request() -> FiRequest {
    let key = key_material::generate(Curve::X25519, now() + Duration::hours(1)).unwrap();
    serde_json::from_value(json!({
        "ver": "2.0.0",
        "timestamp": timefmt::now_millis(),
        "txnid": TXNID,
        "FIDataRange": { "from": "2023-01-01T00:00:00.000Z", "to": "2023-06-01T00:00:00.000Z" },
        "Consent": { "id": "654024c8-29c8-11e8-8868-0289437bf331", "digitalSignature": "sig" },
        "KeyMaterial": serde_json::to_value(&key.key_material).unwrap(),
    }))
    .unwrap()
}

fn answered() -> FiResponse {
    FiResponse {
        ver: "2.0.0".into(),
        timestamp: timefmt::now_millis(),
        txnid: TXNID.into(),
        consent_id: "654024c8-29c8-11e8-8868-0289437bf331".into(),
        session_id: "FIP-1-SESSION-1".into(),
    }
}

fn fetched() -> FiFetchResponse {
    let key = key_material::generate(Curve::X25519, now() + Duration::hours(1)).unwrap();
    FiFetchResponse {
        ver: "2.0.0".into(),
        timestamp: timefmt::now_millis(),
        txnid: TXNID.into(),
        fi: vec![FipFi {
            fip_id: "FIP-1".into(),
            data: vec![EncryptedFi {
                link_ref_number: "L1".into(),
                masked_acc_number: "XX1".into(),
                encrypted_fi: "Y2lwaGVy".into(),
            }],
            key_material: key.key_material,
        }],
    }
}

fn check_fetch(answer: &FiFetchResponse, asked_links: Option<&[String]>) -> Result<(), Misfit> {
    let session = ["L1".to_owned(), "L2".to_owned()];
    let scope = FetchScope {
        fip_id: "FIP-1",
        session_links: &session,
        asked_links,
    };
    fi_fetch(asked(), scope, answer, now())
}

#[test]
fn an_answer_must_carry_the_requests_ver_a_timestamp_in_the_window_and_the_txnid() {
    let ts = timefmt::now_millis();
    assert!(envelope(asked(), "2.0.0", &ts, TXNID, now()).is_ok());
    let wrong = [
        ("9.9.9", ts.clone(), TXNID, "ver"),
        ("1.1.2", ts.clone(), TXNID, "ver"),
        (
            "2.0.0",
            "2020-01-01T00:00:00.000Z".into(),
            TXNID,
            "timestamp",
        ),
        ("2.0.0", "yesterday".into(), TXNID, "timestamp"),
        (
            "2.0.0",
            ts.clone(),
            "1b811819-9044-4856-b0ee-8c88035f8858",
            "txnid",
        ),
    ];
    for (ver, timestamp, txnid, rule) in wrong {
        let misfit = envelope(asked(), ver, &timestamp, txnid, now()).unwrap_err();
        assert!(misfit.0.contains(rule), "{rule}: {misfit}");
    }
}

#[test]
fn an_fi_request_answer_must_name_the_consent_and_a_session_id() {
    let request = fi_request();
    assert_eq!(
        fi_response(&request, &answered(), now()).unwrap(),
        "FIP-1-SESSION-1"
    );
    let mut other = answered();
    other.consent_id = "754024c8-29c8-11e8-8868-0289437bf331".into();
    assert!(fi_response(&request, &other, now()).is_err());
    for id in ["", " ", "a b", "x\n"] {
        let mut bad = answered();
        bad.session_id = id.into();
        assert!(fi_response(&request, &bad, now()).is_err(), "{id:?}");
    }
    let mut bad = answered();
    bad.ver = "1.1.2".into();
    assert!(fi_response(&request, &bad, now()).is_err());
}

#[test]
fn fetched_data_must_be_this_fips_for_accounts_of_the_session_that_were_asked_for_each_once() {
    assert!(check_fetch(&fetched(), None).is_ok());
    let mut other_fip = fetched();
    other_fip.fi[0].fip_id = "FIP-2".into();
    assert_eq!(
        check_fetch(&other_fip, None).unwrap_err().0,
        "data of another FIP"
    );
    let mut stranger = fetched();
    stranger.fi[0].data[0].link_ref_number = "FIP-2-LINK".into();
    assert!(check_fetch(&stranger, None).is_err());
    let only_l2 = ["L2".to_owned()];
    assert!(check_fetch(&fetched(), Some(&only_l2[..])).is_err());
    let mut twice = fetched();
    let copy = twice.fi[0].data[0].clone();
    twice.fi[0].data.push(copy);
    assert!(check_fetch(&twice, None).is_err());
    let mut empty = fetched();
    empty.fi[0].data[0].encrypted_fi = String::new();
    assert!(check_fetch(&empty, None).is_err());
}

#[test]
fn fetched_key_material_must_be_ecdh_on_a_known_curve_unexpired_with_the_specs_params_and_nonce() {
    let good = fetched().fi[0].key_material.clone();
    assert!(key(&good, now()).is_ok());
    let mut spaced = good.clone();
    spaced.params = Some(" KeyPairGenerator=ECDH ; cipher=AES/GCM/NoPadding ".into());
    assert!(key(&spaced, now()).is_ok());
    let mut no_params = good.clone();
    no_params.params = None;
    assert!(key(&no_params, now()).is_ok(), "params are optional");
    let mut cases = Vec::new();
    let mut k = good.clone();
    k.crypto_alg = None;
    cases.push(("no cryptoAlg", k));
    let mut k = good.clone();
    k.crypto_alg = Some("RSA".into());
    cases.push(("RSA", k));
    let mut k = good.clone();
    k.params = Some("cipher=AES/CBC/PKCS5Padding;KeyPairGenerator=ECDH".into());
    cases.push(("CBC params", k));
    let mut k = good.clone();
    k.params = Some("garbage".into());
    cases.push(("garbage params", k));
    let mut k = good.clone();
    k.dh_public_key.expiry = timefmt::format_millis(now() - Duration::minutes(1));
    cases.push(("expired", k));
    let mut k = good.clone();
    k.dh_public_key.key_value = "bm90IGEga2V5".into();
    cases.push(("not a key", k));
    let mut k = good.clone();
    k.nonce = "c2hvcnQ=".into();
    cases.push(("short nonce", k));
    let mut k = serde_json::to_value(&good).unwrap();
    k["curve"] = json!("secp256k1");
    cases.push(("unknown curve", serde_json::from_value(k).unwrap()));
    for (case, bad) in cases {
        assert!(key(&bad, now()).is_err(), "{case}");
        let mut answer = fetched();
        answer.fi[0].key_material = bad;
        assert!(check_fetch(&answer, None).is_err(), "{case}");
    }
}

//! RS256 JWS benchmarks: detached `x-jws-signature` over a 1 KiB HTTP body and compact JWS over
//! a ~1 KiB ConsentDetail, with the RSA-2048 test key `tests/fixtures/keys/fiu-1.pem`.
//!
//! Run: `cargo bench -p aa-core --bench jws`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use aa_core::jws::{compact, detached, SigningKey, VerifyingKey};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use serde_json::Value;

const KEY_PEM: &str = include_str!("../tests/fixtures/keys/fiu-1.pem");
const KID: &str = "fiu-1";
const JWS_VECTORS: &str = include_str!("../tests/fixtures/vectors/jws-vectors.json");

/// A JSON body of exactly `len` bytes, shaped like a ReBIT request.
fn json_body(len: usize) -> Vec<u8> {
    let head = br#"{"ver":"2.0.0","timestamp":"2024-01-01T10:00:00.000Z","txnid":"0b811819-9044-4856-b0ee-8c88035f8858","pad":""#;
    let tail = br#""}"#;
    let mut body = head.to_vec();
    body.resize(len - tail.len(), b'x');
    body.extend_from_slice(tail);
    assert_eq!(body.len(), len);
    body
}

/// The ConsentDetail of the compact-JWS vector, with accounts appended until it is >= 1 KiB.
fn consent_detail() -> Vec<u8> {
    let vectors: Value = serde_json::from_str(JWS_VECTORS).unwrap();
    let detail = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|v| v["consent_detail_json_utf8"].as_str())
        .unwrap();
    let mut detail: Value = serde_json::from_str(detail).unwrap();
    let account = detail["Accounts"][0].clone();
    while serde_json::to_vec(&detail).unwrap().len() < 1024 {
        detail["Accounts"]
            .as_array_mut()
            .unwrap()
            .push(account.clone());
    }
    serde_json::to_vec(&detail).unwrap()
}

fn keys() -> (SigningKey, VerifyingKey) {
    let signing = SigningKey::from_pem(KEY_PEM, KID).unwrap();
    let verifying = signing.verifying_key();
    (signing, verifying)
}

fn configure<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group
}

fn detached_benches(c: &mut Criterion) {
    let (signing, verifying) = keys();
    let body = json_body(1024);
    let jws = detached::sign(&signing, &body);
    detached::verify(&jws, &body, |_| Some(&verifying)).unwrap();

    let mut group = configure(c, "jws_detached");
    group.bench_function(BenchmarkId::new("sign", "1KiB"), |b| {
        b.iter(|| detached::sign(black_box(&signing), black_box(&body)))
    });
    group.bench_function(BenchmarkId::new("parse+verify", "1KiB"), |b| {
        b.iter(|| {
            let parsed = detached::parse(black_box(&jws)).unwrap();
            parsed
                .verify(black_box(&verifying), black_box(&body))
                .unwrap();
        })
    });
    group.bench_function(BenchmarkId::new("verify", "1KiB"), |b| {
        b.iter(|| {
            detached::verify(black_box(&jws), black_box(&body), |kid| {
                (kid == verifying.kid()).then_some(&verifying)
            })
            .unwrap()
        })
    });
    // Breakdown of verify: the header parse alone and the RSA verification alone.
    group.bench_function(BenchmarkId::new("parse_only", "1KiB"), |b| {
        b.iter(|| detached::parse(black_box(&jws)).unwrap())
    });
    let parsed = detached::parse(&jws).unwrap();
    group.bench_function(BenchmarkId::new("rsa_verify_only", "1KiB"), |b| {
        b.iter(|| {
            parsed
                .verify(black_box(&verifying), black_box(&body))
                .unwrap()
        })
    });
    group.finish();
}

fn compact_benches(c: &mut Criterion) {
    let (signing, verifying) = keys();
    let detail = consent_detail();
    let jws = compact::sign(&signing, &detail);
    let verified = compact::verify(&jws, |_| Some(&verifying)).unwrap();
    assert_eq!(verified.payload, detail);

    let mut group = configure(c, "jws_compact");
    let size = format!("consent_detail_{}B", detail.len());
    group.bench_function(BenchmarkId::new("sign", &size), |b| {
        b.iter(|| compact::sign(black_box(&signing), black_box(&detail)))
    });
    group.bench_function(BenchmarkId::new("verify", &size), |b| {
        b.iter(|| {
            compact::verify(black_box(&jws), |kid| {
                (kid == verifying.kid()).then_some(&verifying)
            })
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, detached_benches, compact_benches);
criterion_main!(benches);

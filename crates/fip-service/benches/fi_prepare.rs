//! Preparing one account of 100,000 transactions: the FI XML document (build + write, with the
//! schema checks), its end-to-end encryption for the FIU (fresh ephemeral key, ECDH, HKDF,
//! AES-256-GCM), and the FIU's side: decryption, and parsing the XML back. Run with
//! `cargo bench -p fip-service --bench fi_prepare`; peak memory is measured separately by
//! `cargo run --release -p fip-service --example fi_prepare_peak` (see docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::fi_data::Account;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use fip_service::fi::{document, encrypt};

#[path = "support.rs"]
mod support;

const N: usize = 100_000;

fn bench(c: &mut Criterion) {
    let (facts, holder, lines, wanted) = (
        support::facts(),
        support::holder(),
        support::lines(N),
        support::wanted(),
    );
    let now = time::OffsetDateTime::now_utc();
    let expiry = now + time::Duration::hours(1);
    let mut group = c.benchmark_group("fi_prepare_100k");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));

    // The statement is consumed by the document; cloning it is set-up, not measured.
    group.bench_function("xml", |b| {
        b.iter_batched(
            || lines.clone(),
            |lines| document::build_xml(&facts, &holder, "link-1", lines, &wanted).unwrap(),
            BatchSize::LargeInput,
        )
    });
    let xml = document::build_xml(&facts, &holder, "link-1", lines.clone(), &wanted).unwrap();
    println!("xml bytes: {}", xml.len());

    for curve in [Curve::X25519, Curve::Curve25519] {
        let fiu = key_material::generate(curve, expiry).unwrap();
        let recipient = encrypt::recipient(&fiu.key_material, now).unwrap();
        group.bench_function(format!("encrypt_{curve}"), |b| {
            b.iter_batched(
                || xml.clone().into_bytes(),
                |bytes| encrypt::encrypt(&recipient, bytes, expiry).unwrap(),
                BatchSize::LargeInput,
            )
        });
        let sealed = encrypt::encrypt(&recipient, xml.clone().into_bytes(), expiry).unwrap();
        let fip = key_material::read(&sealed.key_material, now).unwrap();
        group.bench_function(format!("decrypt_{curve}"), |b| {
            b.iter(|| fiu.decrypt_from(&fip, &sealed.encrypted_fi).unwrap())
        });
    }

    group.bench_function("prepare_encrypt_decrypt_parse", |b| {
        let fiu = key_material::generate(Curve::X25519, expiry).unwrap();
        let recipient = encrypt::recipient(&fiu.key_material, now).unwrap();
        b.iter_batched(
            || lines.clone(),
            |lines| {
                let xml = document::build_xml(&facts, &holder, "link-1", lines, &wanted).unwrap();
                let sealed = encrypt::encrypt(&recipient, xml.into_bytes(), expiry).unwrap();
                let fip = key_material::read(&sealed.key_material, now).unwrap();
                let plain = fiu.decrypt_from(&fip, &sealed.encrypted_fi).unwrap();
                Account::from_xml(&plain).unwrap()
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

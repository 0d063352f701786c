//! End-to-end FI encryption benchmarks, for both curve forms (`X25519` and BouncyCastle's
//! Weierstrass `Curve25519`), plus a breakdown of the asymmetric half into its parts.
//!
//! Run: `cargo bench -p aa-core --bench fi_crypto`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use aa_core::fi_crypto::keys::random_bytes;
use aa_core::fi_crypto::session::{derive_aes_key, xor_nonces};
use aa_core::fi_crypto::{self, weierstrass, Curve, KeyPair, PublicKey, SessionKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::{EdwardsPoint, Scalar};
use ring::agreement::{agree_ephemeral, EphemeralPrivateKey, UnparsedPublicKey, X25519};
use ring::rand::SystemRandom;

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;

fn configure<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group
}

fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Everything one FIU/FIP exchange needs: the FIU's long-lived pair and nonce (from the consent's
/// KeyMaterial) and a FIP pair and nonce.
struct Parties {
    fiu: KeyPair,
    fiu_nonce: [u8; 32],
    fip: KeyPair,
    fip_nonce: [u8; 32],
}

impl Parties {
    fn new(curve: Curve) -> Self {
        Self {
            fiu: KeyPair::generate(curve).unwrap(),
            fiu_nonce: random_bytes::<32>().unwrap(),
            fip: KeyPair::generate(curve).unwrap(),
            fip_nonce: random_bytes::<32>().unwrap(),
        }
    }

    /// FIP side: `encryptedFI` for the FIU.
    fn encrypt(&self, plaintext: &[u8]) -> String {
        fi_crypto::encrypt(
            &self.fip.private,
            &self.fip_nonce,
            &self.fiu.public,
            &self.fiu_nonce,
            plaintext,
        )
        .unwrap()
    }

    /// FIU side: opens what the FIP sent.
    fn decrypt(&self, encrypted: &str) -> Vec<u8> {
        fi_crypto::decrypt(
            &self.fiu.private,
            &self.fiu_nonce,
            &self.fip.public,
            &self.fip_nonce,
            encrypted,
        )
        .unwrap()
    }
}

fn curve_benches(c: &mut Criterion, curve: Curve) {
    let parties = Parties::new(curve);
    let small = plaintext(KIB);
    let large = plaintext(MIB);
    let small_ct = parties.encrypt(&small);
    let large_ct = parties.encrypt(&large);
    assert_eq!(parties.decrypt(&small_ct), small);
    assert_eq!(parties.decrypt(&large_ct), large);

    let mut group = configure(c, &format!("fi_crypto/{curve}"));

    group.bench_function("keygen", |b| {
        b.iter(|| KeyPair::generate(black_box(curve)).unwrap())
    });

    // What a FIP does per account: a fresh key pair, ECDH with the FIU's key, HKDF, AES-GCM, base64.
    group.throughput(Throughput::Bytes(KIB as u64));
    group.bench_function(BenchmarkId::new("encrypt_e2e", "1KiB"), |b| {
        b.iter(|| {
            let ours = KeyPair::generate(curve).unwrap();
            fi_crypto::encrypt(
                &ours.private,
                black_box(&parties.fip_nonce),
                black_box(&parties.fiu.public),
                black_box(&parties.fiu_nonce),
                black_box(&small),
            )
            .unwrap()
        })
    });
    // The same, but the FIU's key is parsed from its KeyValue (PEM) for every account, so
    // nothing derived from it is reused between accounts.
    let fiu_key_value = parties.fiu.public.to_key_value();
    group.bench_function(
        BenchmarkId::new("encrypt_e2e_fresh_peer_pem", "1KiB"),
        |b| {
            b.iter(|| {
                let fiu_public = PublicKey::parse(black_box(&fiu_key_value), Some(curve)).unwrap();
                let ours = KeyPair::generate(curve).unwrap();
                fi_crypto::encrypt(
                    &ours.private,
                    &parties.fip_nonce,
                    &fiu_public,
                    &parties.fiu_nonce,
                    black_box(&small),
                )
                .unwrap()
            })
        },
    );
    group.bench_function(BenchmarkId::new("decrypt", "1KiB"), |b| {
        b.iter(|| parties.decrypt(black_box(&small_ct)))
    });

    // The FIU side as it really runs: the FIP's key arrives as a KeyValue (PEM) in each
    // FI/fetch response, so it is parsed, and nothing is cached on it yet.
    let fip_key_value = parties.fip.public.to_key_value();
    group.bench_function(BenchmarkId::new("decrypt_fresh_peer_pem", "1KiB"), |b| {
        b.iter(|| {
            let fip_public = PublicKey::parse(black_box(&fip_key_value), Some(curve)).unwrap();
            fi_crypto::decrypt(
                &parties.fiu.private,
                &parties.fiu_nonce,
                &fip_public,
                &parties.fip_nonce,
                black_box(&small_ct),
            )
            .unwrap()
        })
    });

    group.throughput(Throughput::Bytes(MIB as u64));
    group.bench_function(BenchmarkId::new("encrypt", "1MiB"), |b| {
        b.iter(|| parties.encrypt(black_box(&large)))
    });
    group.bench_function(BenchmarkId::new("decrypt", "1MiB"), |b| {
        b.iter(|| parties.decrypt(black_box(&large_ct)))
    });

    // The symmetric half alone: AES-256-GCM seal of 1 MiB under an already derived key.
    let shared = parties.fip.private.agree(&parties.fiu.public).unwrap();
    let session = SessionKey::from_shared(&shared, &parties.fip_nonce, &parties.fiu_nonce).unwrap();
    group.bench_function(BenchmarkId::new("aes_gcm_seal", "1MiB"), |b| {
        b.iter(|| session.encrypt(black_box(&large)))
    });

    group.throughput(Throughput::Elements(1));
    group.bench_function("ecdh", |b| {
        b.iter(|| {
            black_box(&parties.fip.private)
                .agree(black_box(&parties.fiu.public))
                .unwrap()
        })
    });
    group.bench_function("parse_peer_key_value_pem", |b| {
        b.iter(|| PublicKey::parse(black_box(&fip_key_value), Some(curve)).unwrap())
    });
    group.bench_function("ecdh_fresh_peer_pem", |b| {
        b.iter(|| {
            let fip_public = PublicKey::parse(black_box(&fip_key_value), Some(curve)).unwrap();
            parties.fiu.private.agree(&fip_public).unwrap()
        })
    });
    group.finish();
}

fn x25519(c: &mut Criterion) {
    curve_benches(c, Curve::X25519);
}

fn curve25519(c: &mut Criterion) {
    curve_benches(c, Curve::Curve25519);
}

/// The parts of keygen, ECDH and the symmetric half, to see what dominates `encrypt_e2e`.
/// These call the same public building blocks (and the same curve25519-dalek operations)
/// that `KeyPair::generate`, `PrivateKey::agree` and `SessionKey::from_shared` use.
fn breakdown(c: &mut Criterion) {
    let mut group = configure(c, "fi_crypto/breakdown");
    let fiu = KeyPair::generate(Curve::Curve25519).unwrap();
    let fip = KeyPair::generate(Curve::Curve25519).unwrap();
    let nonce_a = random_bytes::<32>().unwrap();
    let nonce_b = random_bytes::<32>().unwrap();

    // Shared by both curves.
    group.bench_function("os_random_32B", |b| {
        b.iter(|| random_bytes::<32>().unwrap())
    });
    let shared = fip.private.agree(&fiu.public).unwrap();
    let xor = xor_nonces(&nonce_a, &nonce_b);
    group.bench_function("hkdf_sha256", |b| {
        b.iter(|| derive_aes_key(black_box(&shared), black_box(&xor)))
    });
    group.bench_function("session_from_shared", |b| {
        b.iter(|| SessionKey::from_shared(black_box(&shared), &nonce_a, &nonce_b).unwrap())
    });
    let session = SessionKey::from_shared(&shared, &nonce_a, &nonce_b).unwrap();
    let small = plaintext(KIB);
    group.bench_function("aes_gcm_seal_1KiB_base64", |b| {
        b.iter(|| session.encrypt_b64(black_box(&small)))
    });

    // What `encrypt`/`decrypt` at 1 MiB spend besides AES-GCM: base64 of the ciphertext.
    let large = plaintext(MIB);
    let sealed = session.encrypt(&large);
    let sealed_b64 = STANDARD.encode(&sealed);
    group.throughput(Throughput::Bytes(MIB as u64));
    group.bench_function("aes_gcm_open_1MiB", |b| {
        b.iter(|| session.decrypt(black_box(&sealed)).unwrap())
    });
    group.bench_function("base64_encode_1MiB", |b| {
        b.iter(|| STANDARD.encode(black_box(&sealed)))
    });
    group.bench_function("base64_decode_1MiB", |b| {
        b.iter(|| STANDARD.decode(black_box(&sealed_b64)).unwrap())
    });
    group.throughput(Throughput::Elements(1));

    // X25519 keygen = 32 random bytes + x25519-dalek base-point multiplication (precomputed
    // Edwards tables, then one inversion to u), as `PrivateKey::public_key` does it.
    let x_secret = x25519_dalek::StaticSecret::from(random_bytes::<32>().unwrap());
    group.bench_function("x25519/keygen_public_from_secret", |b| {
        b.iter(|| x25519_dalek::PublicKey::from(black_box(&x_secret)))
    });
    // X25519 ECDH two ways: x25519-dalek's Montgomery ladder (255 steps, serial u64 field
    // arithmetic, one inversion), and the Edwards form (`to_edwards` decompression, then a
    // variable-base multiplication on curve25519-dalek's AVX2 backend, then `to_montgomery`).
    let x_peer = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(
        random_bytes::<32>().unwrap(),
    ));
    group.bench_function("x25519/ecdh_montgomery_ladder", |b| {
        b.iter(|| black_box(&x_secret).diffie_hellman(black_box(&x_peer)))
    });
    let x_secret_bytes = x_secret.to_bytes();
    let x_peer_u = MontgomeryPoint(x_peer.to_bytes());
    group.bench_function("x25519/ecdh_edwards/to_edwards", |b| {
        b.iter(|| black_box(x_peer_u).to_edwards(0).unwrap())
    });
    let x_peer_ed = x_peer_u.to_edwards(0).unwrap();
    group.bench_function("x25519/ecdh_edwards/mul_clamped+to_montgomery", |b| {
        b.iter(|| {
            black_box(x_peer_ed)
                .mul_clamped(black_box(x_secret_bytes))
                .to_montgomery()
        })
    });

    // Curve25519 (Weierstrass) keygen, step by step, as `PrivateKey::public_key` does it.
    group.bench_function("curve25519/keygen/random64_wide_reduce", |b| {
        b.iter(|| Scalar::from_bytes_mod_order_wide(&random_bytes::<64>().unwrap()))
    });
    let scalar = Scalar::from_bytes_mod_order_wide(&random_bytes::<64>().unwrap());
    group.bench_function("curve25519/keygen/edwards_mul_base", |b| {
        b.iter(|| EdwardsPoint::mul_base(black_box(&scalar)))
    });
    let q = EdwardsPoint::mul_base(&scalar);
    group.bench_function("curve25519/keygen/to_montgomery", |b| {
        b.iter(|| black_box(q).to_montgomery())
    });
    group.bench_function("curve25519/keygen/add_G_to_montgomery", |b| {
        b.iter(|| {
            (black_box(q) + curve25519_dalek::constants::ED25519_BASEPOINT_POINT).to_montgomery()
        })
    });
    let u = q.to_montgomery().to_bytes();
    let u_next = (q + curve25519_dalek::constants::ED25519_BASEPOINT_POINT)
        .to_montgomery()
        .to_bytes();
    group.bench_function("curve25519/keygen/bigint_x_from_u", |b| {
        b.iter(|| weierstrass::x_from_u(black_box(&u)))
    });
    group.bench_function("curve25519/keygen/bigint_y_recovery", |b| {
        b.iter(|| weierstrass::y_for_multiple_of_base(black_box(&u), black_box(&u_next)))
    });
    group.bench_function("curve25519/keygen/public_key_total", |b| {
        b.iter(|| black_box(&fip.private).public_key().unwrap())
    });

    // Curve25519 ECDH: an unclamped 256-bit ladder, then the u -> x shift on num-bigint.
    let mut d = scalar.to_bytes();
    d.reverse();
    let peer_u = fiu.public.raw();
    let peer_u = MontgomeryPoint(weierstrass::u_from_x(&peer_u[1..33].try_into().unwrap()));
    group.bench_function("curve25519/ecdh/ladder_mul_bits_be_256", |b| {
        b.iter(|| {
            let bits = black_box(d)
                .into_iter()
                .flat_map(|byte| (0..8).rev().map(move |i| (byte >> i) & 1 == 1));
            black_box(peer_u).mul_bits_be(bits)
        })
    });
    group.bench_function("curve25519/ecdh/bigint_x_from_u", |b| {
        b.iter(|| weierstrass::x_from_u(black_box(&peer_u.to_bytes())))
    });

    // For comparison only (not used by aa-core's FI path): ring's X25519 (BoringSSL/fiat-crypto,
    // with ADX/BMI2 assembly on x86_64), doing what a FIP does per account with an ephemeral key.
    let rng = SystemRandom::new();
    group.bench_function("ring_x25519/ephemeral_keygen+agree", |b| {
        b.iter(|| {
            let ours = EphemeralPrivateKey::generate(&X25519, &rng).unwrap();
            let public = ours.compute_public_key().unwrap();
            let shared = agree_ephemeral(
                ours,
                &UnparsedPublicKey::new(&X25519, black_box(x_peer.as_bytes())),
                |k| <[u8; 32]>::try_from(k).unwrap(),
            )
            .unwrap();
            (public, shared)
        })
    });
    group.bench_function("ring_x25519/ephemeral_keygen", |b| {
        b.iter(|| {
            let ours = EphemeralPrivateKey::generate(&X25519, &rng).unwrap();
            ours.compute_public_key().unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, x25519, curve25519, breakdown);
criterion_main!(benches);

//! Peak resident memory (VmHWM) of preparing, encrypting and decrypting one account of
//! 100,000 transactions once, in a fresh process: the number the benchmark cannot give.
//! `cargo run --release -p fip-service --example fi_prepare_peak [N]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::fi_data::Account;
use fip_service::fi::{document, encrypt};

#[path = "../benches/support.rs"]
mod support;

fn vm(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l.trim_start_matches(field).trim().to_owned())
        })
        .unwrap_or_else(|| "n/a".into())
}

/// Resets VmHWM to the current resident size, so the next reading is the peak of one phase.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let curve = match std::env::args().nth(2).as_deref() {
        Some("Curve25519") => Curve::Curve25519,
        _ => Curve::X25519,
    };
    let now = time::OffsetDateTime::now_utc();
    let expiry = now + time::Duration::hours(1);
    let (facts, holder, wanted) = (support::facts(), support::holder(), support::wanted());
    let lines = support::lines(n);
    println!(
        "source lines: {n}; VmHWM after building them: {}",
        vm("VmHWM:")
    );

    let fiu = key_material::generate(curve, expiry).unwrap();
    let recipient = encrypt::recipient(&fiu.key_material, now).unwrap();
    reset_peak();
    let started = Instant::now();
    let xml = document::build_xml(&facts, &holder, "link-1", lines, &wanted).unwrap();
    let t_xml = started.elapsed();
    println!(
        "peak while writing the XML (source lines included): {}",
        vm("VmHWM:")
    );
    reset_peak();
    let xml_len = xml.len();
    let sealed = encrypt::encrypt(&recipient, xml.into_bytes(), expiry).unwrap();
    let t_enc = started.elapsed() - t_xml;
    println!("peak while encrypting: {}", vm("VmHWM:"));
    reset_peak();
    let fip = key_material::read(&sealed.key_material, now).unwrap();
    let t0 = Instant::now();
    let plain = fiu.decrypt_from(&fip, &sealed.encrypted_fi).unwrap();
    let t_dec = t0.elapsed();
    println!("peak while decrypting: {}", vm("VmHWM:"));
    reset_peak();
    let account = Account::from_xml(&plain).unwrap();
    let t_parse = t0.elapsed() - t_dec;
    let total = started.elapsed();
    println!("peak while parsing (FIU side): {}", vm("VmHWM:"));
    let parsed = account.transactions.map(|t| t.list.len()).unwrap_or(0);
    assert_eq!(parsed, n);
    println!(
        "curve {curve}; xml {xml_len} bytes; encryptedFI {} bytes",
        sealed.encrypted_fi.len()
    );
    println!(
        "xml {:.0} ms, encrypt {:.0} ms, decrypt {:.0} ms, parse {:.0} ms, total {:.0} ms",
        t_xml.as_secs_f64() * 1e3,
        t_enc.as_secs_f64() * 1e3,
        t_dec.as_secs_f64() * 1e3,
        t_parse.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
    println!("VmRSS at the end: {}", vm("VmRSS:"));
}

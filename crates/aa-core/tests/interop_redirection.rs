//! Cross-checks of the AA redirection encodings against an independent implementation:
//! `scripts/interop/redirect_peer.py` (Python, `cryptography`, written from Sahamati's
//! guidelines, sharing no code with this crate). What we seal opens there and what it seals
//! opens here, at every length around the AES block size; the masked `fi` reads both ways; a
//! whole redirect URL we build is read there parameter by parameter.
//!
//! Needs `python3` with `cryptography` (installed by `scripts/test.sh`); fails, rather than
//! skips, when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

use aa_core::redirection::{cipher, format_date, RedirectRequest};
use serde_json::{json, Value};

const SECRET: &str = "a 32 character shared passphrase";

fn peer(command: &str, input: Value) -> Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/interop/redirect_peer.py"
    );
    let python = std::env::var("AA_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut child = Command::new(&python)
        .arg(script)
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let stdin = child.stdin.take().unwrap();
    { stdin }.write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "redirect_peer.py {command} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn sealed_parameters_open_on_both_sides_at_every_length_around_the_block_size() {
    let date = "060420210510756";
    for len in [0, 1, 15, 16, 17, 31, 32, 33, 100] {
        let plain: String = "txnid=é&x".chars().cycle().take(len).collect();
        let ours = cipher::seal(SECRET, date, &plain);
        let opened = peer(
            "open",
            json!({"secret": SECRET, "date": date, "sealed": ours}),
        );
        assert_eq!(opened["plain"], plain.as_str(), "length {len}");
        let theirs = peer(
            "seal",
            json!({"secret": SECRET, "date": date, "plain": plain}),
        );
        assert_eq!(
            theirs["sealed"],
            ours.as_str(),
            "the same bytes, length {len}"
        );
        let read = cipher::open(SECRET, date, theirs["sealed"].as_str().unwrap(), "ecreq");
        assert_eq!(read.unwrap(), plain);
    }
}

#[test]
fn the_masked_entity_id_reads_on_both_sides() {
    let date = "06042021051030756";
    for id in ["FIU-1", "setu-fiu-uat", "an-entity-id-longer-than-the-date"] {
        let ours = cipher::mask_id(id, date);
        assert_eq!(
            peer("unmask", json!({"masked": ours, "date": date}))["id"],
            id
        );
        let theirs = peer("mask", json!({"id": id, "date": date}));
        assert_eq!(theirs["masked"], ours.as_str());
    }
}

#[test]
fn a_redirect_url_we_build_is_read_by_the_peer_parameter_by_parameter() {
    let at = time::OffsetDateTime::now_utc();
    let request = RedirectRequest {
        txnid: "0b811819-9044-4856-b0ee-8c88035f8858".into(),
        sessionid: "state-42".into(),
        userid: "9999988888@aa".into(),
        redirect: "https://fiu.example/return?journey=7&x=1".into(),
        srcref: vec!["39e108fe-9243-11e8-b9f2-0256ebe4e0a6".into()],
    };
    let url = request.to_url("https://aa.example/consents/redirect", "FIU-1", SECRET, at);
    let query = url.split_once('?').unwrap().1;
    let outer: std::collections::HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let date = format_date(at);
    assert_eq!(outer["reqdate"], date);
    let fiu = peer("unmask", json!({"masked": outer["fi"], "date": date}));
    assert_eq!(fiu["id"], "FIU-1");
    let opened = peer(
        "open",
        json!({"secret": SECRET, "date": date, "sealed": outer["ecreq"]}),
    );
    let inner: std::collections::HashMap<String, String> =
        form_urlencoded::parse(opened["plain"].as_str().unwrap().as_bytes())
            .into_owned()
            .collect();
    assert_eq!(inner["txnid"], request.txnid);
    assert_eq!(inner["sessionid"], request.sessionid);
    assert_eq!(inner["userid"], request.userid);
    assert_eq!(inner["redirect"], request.redirect);
    assert_eq!(inner["srcref"], request.srcref[0]);
}

#![allow(clippy::unwrap_used)]

use super::*;
use time::macros::datetime;

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn request() -> RedirectRequest {
    RedirectRequest {
        txnid: "f35761ac-4a18-11e8-96ff-0277a9fbfedc".into(),
        sessionid: "session&id=1".into(),
        userid: "9999988888@aa".into(),
        redirect: "https://fiu.example/back?x=1&y=2".into(),
        srcref: vec!["h1".into(), "h2".into()],
    }
}

fn query(url: &str) -> &str {
    url.split_once('?').map(|(_, q)| q).unwrap_or("")
}

fn known(id: &str) -> Option<String> {
    (id == "FIU-1" || id == "AA-1").then(|| SECRET.to_owned())
}

#[test]
fn dates_are_written_as_the_guidelines_example_and_read_in_both_lengths() {
    // 06-Apr-2021 10:40 and 756 ms IST is 05:10 UTC.
    let at = datetime!(2021-04-06 10:40:00.756 +05:30);
    assert_eq!(format_date(at), "060420210510756");
    assert_eq!(parse_date("060420210510756", "reqdate").unwrap(), at);
    assert_eq!(
        parse_date("06042021051030756", "reqdate").unwrap(),
        datetime!(2021-04-06 05:10:30.756 UTC)
    );
    for bad in ["", "0604202105107", "32042021051075x", "320420210510756"] {
        assert_eq!(
            parse_date(bad, "reqdate"),
            Err(RedirectError::Malformed("reqdate"))
        );
    }
}

#[test]
fn a_date_outside_the_window_is_stale() {
    let now = datetime!(2021-04-06 05:10:30.000 UTC);
    assert!(check_date("060420210510756", now, "reqdate").is_ok());
    assert!(check_date("060420210513000", now, "reqdate").is_ok());
    assert_eq!(
        check_date("060420210514000", now, "reqdate"),
        Err(RedirectError::Stale("reqdate"))
    );
    assert_eq!(
        check_date("06042021050600000", now, "reqdate"),
        Err(RedirectError::Stale("reqdate"))
    );
}

#[test]
fn a_request_round_trips_through_its_url() {
    let at = datetime!(2024-01-02 03:04:05.678 UTC);
    let url = request().to_url("https://aa.example/webview", "FIU-1", SECRET, at);
    assert!(url.starts_with("https://aa.example/webview?fi="));
    let (fiu, read) = RedirectRequest::open(query(&url), at, known).unwrap();
    assert_eq!(fiu, "FIU-1");
    assert_eq!(read, request());
}

#[test]
fn a_response_round_trips_and_its_status_matches_its_code() {
    let at = datetime!(2024-01-02 03:04:05.678 UTC);
    let response = RedirectResponse {
        txnid: "t".into(),
        sessionid: "s".into(),
        userid: "u@aa".into(),
        code: ResponseCode::Rejected,
        srcref: vec![],
    };
    let url = response.to_url("https://fiu.example/back?x=1", "AA-1", SECRET, at);
    assert!(url.starts_with("https://fiu.example/back?x=1&fi="));
    let (aa, read) = RedirectResponse::open(query(&url), at, known).unwrap();
    assert_eq!((aa.as_str(), read), ("AA-1", response));
}

#[test]
fn wrong_parameters_are_refused_by_name() {
    let at = datetime!(2024-01-02 03:04:05.678 UTC);
    let url = request().to_url("https://aa.example/w", "FIU-1", SECRET, at);
    let q = query(&url);
    let open = |q: &str| RedirectRequest::open(q, at, known).map(|_| ());
    assert_eq!(
        RedirectRequest::open(q, at, |_| None).map(|_| ()),
        Err(RedirectError::UnknownRequester("FIU-1".into()))
    );
    let other = |_: &str| Some("another secret entirely".to_owned());
    assert_eq!(
        RedirectRequest::open(q, at, other).map(|_| ()),
        Err(RedirectError::Decryption("ecreq"))
    );
    let later = at + time::Duration::minutes(10);
    assert_eq!(
        RedirectRequest::open(q, later, known).map(|_| ()),
        Err(RedirectError::Stale("reqdate"))
    );
    let without_ecreq: Vec<&str> = q.split('&').filter(|p| !p.starts_with("ecreq=")).collect();
    assert_eq!(
        open(&without_ecreq.join("&")),
        Err(RedirectError::Missing("ecreq"))
    );
    assert_eq!(
        open(&format!("{q}&fi=x")),
        Err(RedirectError::Malformed("fi"))
    );
    let date = format_date(at);
    let sealed = cipher::seal(SECRET, &date, "txnid=t&sessionid=s&userid=u&redirect=r");
    let fi = cipher::mask_id("FIU-1", &date);
    let no_srcref = format!("fi={fi}&reqdate={date}&ecreq={sealed}");
    assert_eq!(open(&no_srcref), Err(RedirectError::Missing("srcref")));
}

#[test]
fn the_masked_id_and_the_sealed_text_read_in_any_base64_form() {
    let date = "060420210510756";
    let masked = cipher::mask_id("FIU-éé-1", date);
    assert_eq!(cipher::unmask_id(&masked, date, "fi").unwrap(), "FIU-éé-1");
    let sealed = cipher::seal(SECRET, date, "a=1");
    let standard = sealed.replace('-', "+").replace('_', "/");
    assert_eq!(
        cipher::open(SECRET, date, &standard, "ecreq").unwrap(),
        "a=1"
    );
    assert_eq!(
        cipher::open(SECRET, date, "AAAA", "ecreq"),
        Err(RedirectError::Malformed("ecreq"))
    );
}

/// A known answer computed by the independent peer (`scripts/interop/redirect_peer.py`).
#[test]
fn the_sealed_request_matches_the_peers_bytes() {
    let plain = "txnid=f35761ac-4a18-11e8-96ff-0277a9fbfedc&sessionid=s1&userid=9999988888%40aa\
                 &redirect=https%3A%2F%2Ffiu.example%2Fback%3Fx%3D1&srcref=h1";
    let date = "060420210510756";
    let sealed = cipher::seal(SECRET, date, plain);
    assert_eq!(
        sealed,
        "3NzuqDlX3NcfasdqTsk0RKSEcvPblSqtfJnM9wKfXS6hoD2FfPrir8V1AjAIzcNFosuf1_QXPoz7m79YKTOwlB_WKuSs\
         kkdDEkTtXA3K_w45NGFJbZohUYpY1HmlLDypQA200RM3Rp5SjgeCpFjRE4UbHb97WJ_IEFlxbvokHZOzTd6ES1TMDgjw\
         eb0XvV46"
    );
    assert_eq!(cipher::mask_id("FIU-1", date), "dn9lGQM=");
}

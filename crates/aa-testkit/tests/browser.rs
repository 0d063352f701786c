//! The browser kit against a tiny page server on loopback: typing, clicking, reading, a
//! screenshot, and axe-core telling an accessible page from one with an unlabelled field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use aa_testkit::browser::Browser;

const FORM: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <title>Form</title></head><body><main><h1>Greeting</h1><form action=\"/hello\">\
    <label for=\"name\">Name</label><input id=\"name\" name=\"name\">\
    <button type=\"submit\">Greet</button></form></main></body></html>";
const BAD: &str = "<!doctype html><html lang=\"en\"><head><title>Bad</title></head><body>\
    <main><h1>Bad</h1><input id=\"nolabel\"></main></body></html>";

/// Serves `/` (the form), `/hello?name=X` (a greeting) and `/bad` (a field without a label).
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let target = line.split(' ').nth(1).unwrap_or("/").to_string();
            let body = if let Some(query) = target.strip_prefix("/hello?name=") {
                let name: String = query
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                format!(
                    "<!doctype html><html lang=\"en\"><head><title>Hello</title></head>\
                     <body><main><h1 id=\"greeting\">Hello, {name}</h1></main></body></html>"
                )
            } else if target == "/bad" {
                BAD.to_string()
            } else {
                FORM.to_string()
            };
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn types_clicks_reads_screenshots_and_checks_accessibility() {
    let base = serve();
    let browser = Browser::start().await.expect("headless chromium");
    browser.goto(&base).await.unwrap();
    assert!(browser.axe().await.unwrap().is_empty());
    browser.fill("#name", "Asha").await.unwrap();
    browser.click("button[type=submit]").await.unwrap();
    assert_eq!(browser.text("#greeting").await.unwrap(), "Hello, Asha");
    assert!(browser.url().await.unwrap().ends_with("/hello?name=Asha"));
    let shot = browser.screenshot("testkit-greeting").await.unwrap();
    let png = std::fs::read(shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    browser.goto(&format!("{base}/bad")).await.unwrap();
    let violations = browser.axe().await.unwrap();
    assert!(
        violations.iter().any(|v| v.id == "label"),
        "axe missed the unlabelled field: {violations:?}"
    );
}

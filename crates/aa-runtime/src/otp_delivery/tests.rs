#![allow(clippy::unwrap_used)]
use super::*;

fn http() -> DeliverySettings {
    DeliverySettings {
        mode: Mode::Http,
        url: Some("https://sms.example/send".into()),
        header: Some("X-Api-Key".into()),
        token: Some(Secret::new("k".repeat(32))),
        template: Some("Your OTP is {otp}".into()),
        timeout_seconds: None,
    }
}

#[test]
fn the_log_mode_is_refused_in_production_naming_the_setting() {
    let log = DeliverySettings::default();
    assert!(log.check(Environment::Local, "AA").is_ok());
    assert!(log.check(Environment::Sandbox, "AA").is_ok());
    let error = log.check(Environment::Production, "FIP").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("otp.delivery.mode is log (FIP__OTP__DELIVERY__MODE)"),
        "{error}"
    );
    assert!(http().check(Environment::Production, "AA").is_ok());
}

#[test]
fn the_http_mode_needs_url_header_a_strong_token_and_a_template_with_the_otp() {
    type Spoil = fn(&mut DeliverySettings);
    let cases: [(Spoil, &str); 5] = [
        (|s| s.url = Some("ftp://x".into()), "otp.delivery.url"),
        (
            |s| s.header = Some("bad header".into()),
            "otp.delivery.header",
        ),
        (|s| s.token = None, "otp.delivery.token must be set"),
        (
            |s| s.token = Some(Secret::new("short")),
            "otp.delivery.token is 5 bytes",
        ),
        (|s| s.template = Some("no code".into()), "{otp}"),
    ];
    for (spoil, named) in cases {
        let mut settings = http();
        spoil(&mut settings);
        let error = settings.check(Environment::Production, "AA").unwrap_err();
        assert!(error.to_string().contains(named), "{error}");
    }
}

#[test]
fn a_message_does_not_print_its_code_or_recipient() {
    let message = OtpMessage {
        reference: "ref-1".into(),
        recipient: "9999999999".into(),
        code: "123456".into(),
        expires_at_ms: 0,
    };
    let text = format!("{message:?}");
    assert!(text.contains("ref-1"));
    assert!(
        !text.contains("123456") && !text.contains("9999999999"),
        "{text}"
    );
}

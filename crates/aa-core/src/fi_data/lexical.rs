//! XSD lexical forms of the FI schemas' simple types (`xs:date`, `xs:dateTime`, `xs:float`,
//! the e-mail pattern, enumerations): does a value belong to an attribute's [`Kind`]?

use super::schema::Kind;

/// Whether `value` lies in the value space of `kind`.
pub fn accepts(kind: Kind, value: &str) -> bool {
    match kind {
        Kind::Text => true,
        Kind::Date => is_date(value),
        Kind::DateTime => is_date_time(value),
        Kind::Float => is_float(value),
        Kind::Integer => {
            let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
        Kind::Boolean => matches!(value, "true" | "false" | "1" | "0"),
        Kind::Version => {
            is_float(value) && value.parse::<f64>().is_ok_and(|v| (0.0..=2.0).contains(&v))
        }
        Kind::Email => is_email(value),
        Kind::Pan => {
            let b = value.as_bytes();
            b.len() == 10
                && b[..5].iter().all(u8::is_ascii_alphabetic)
                && b[5..9].iter().all(u8::is_ascii_digit)
                && b[9].is_ascii_alphabetic()
        }
        Kind::OneOf(values) => values.contains(&value),
    }
}

fn is_float(value: &str) -> bool {
    matches!(value, "INF" | "-INF" | "+INF" | "NaN")
        || (!value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
            && value.parse::<f64>().is_ok())
}

fn is_email(value: &str) -> bool {
    // `[^@]+@[^\.]+\..+`, anchored as XSD patterns are.
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let Some((label, rest)) = domain.split_once('.') else {
        return false;
    };
    !local.is_empty() && !label.is_empty() && !label.contains('@') && !rest.is_empty()
}

/// `yyyy-mm-dd` with an optional zone (`Z` or `±hh:mm`).
fn is_date(value: &str) -> bool {
    value.len() >= 10 && is_ymd(&value[..10]) && is_zone(&value[10..])
}

/// `yyyy-mm-ddThh:mm:ss(.s+)?` with an optional zone.
fn is_date_time(value: &str) -> bool {
    if value.len() < 19 || !value.is_char_boundary(10) || !value.is_char_boundary(19) {
        return false;
    }
    let (date, rest) = value.split_at(10);
    let Some(time) = rest.strip_prefix('T') else {
        return false;
    };
    let (hms, rest) = time.split_at(8);
    let b = hms.as_bytes();
    let hms_ok = b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
        && two(&b[0..2]) <= 24
        && two(&b[3..5]) <= 59
        && two(&b[6..8]) <= 60;
    let zone = match rest.strip_prefix('.') {
        Some(frac) => {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return false;
            }
            &frac[digits..]
        }
        None => rest,
    };
    is_ymd(date) && hms_ok && is_zone(zone)
}

fn two(b: &[u8]) -> u32 {
    u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0')
}

fn is_ymd(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        && (1..=12).contains(&two(&b[5..7]))
        && (1..=31).contains(&two(&b[8..10]))
}

fn is_zone(value: &str) -> bool {
    match value.as_bytes() {
        [] | [b'Z'] => true,
        [sign, h1, h2, b':', m1, m2] => {
            matches!(sign, b'+' | b'-')
                && [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())
                && two(&[*h1, *h2]) <= 14
                && two(&[*m1, *m2]) <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_follow_xsd_lexical_forms() {
        assert!(accepts(Kind::Date, "2004-04-12"));
        assert!(accepts(Kind::Date, "2004-04-12+05:30"));
        assert!(!accepts(Kind::Date, "2004-4-12"));
        assert!(!accepts(Kind::Date, "2004-13-12"));
        assert!(!accepts(Kind::Date, ""));
        assert!(accepts(Kind::DateTime, "2004-04-12T13:20:00-05:00"));
        assert!(accepts(Kind::DateTime, "2004-04-12T13:20:00.123Z"));
        assert!(accepts(Kind::DateTime, "2004-04-12T13:20:00"));
        assert!(!accepts(Kind::DateTime, "2004-04-12 13:20:00"));
        assert!(!accepts(Kind::DateTime, "2004-04-12T13:20:00."));
        assert!(!accepts(Kind::DateTime, "2004-04-12T1é:20:00"));
    }

    #[test]
    fn numbers_enumerations_and_patterns_are_checked() {
        assert!(accepts(Kind::Float, "20.0"));
        assert!(accepts(Kind::Float, "-1.5E3"));
        assert!(!accepts(Kind::Float, ""));
        assert!(!accepts(Kind::Float, "1,000.00"));
        assert!(accepts(Kind::Integer, "919999999999"));
        assert!(!accepts(Kind::Integer, "+91 99"));
        assert!(accepts(Kind::Version, "1.1"));
        assert!(!accepts(Kind::Version, "2.1"));
        assert!(accepts(Kind::Pan, "AAAPL1234C"));
        assert!(!accepts(Kind::Pan, "AAAPL1234"));
        assert!(accepts(Kind::Email, "qw@gmail.com"));
        assert!(!accepts(Kind::Email, "qw@gmail"));
        assert!(accepts(Kind::OneOf(&["CREDIT", "DEBIT"]), "DEBIT"));
        assert!(!accepts(Kind::OneOf(&["CREDIT", "DEBIT"]), "debit"));
    }
}

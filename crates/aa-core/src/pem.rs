//! Lenient PEM decoding. The ecosystem sends PEM with line breaks, without them
//! (`-----BEGIN PUBLIC KEY-----MIIB...-----END PUBLIC KEY-----`, as the reference library
//! writes), and sometimes with `\r\n`; all decode to the same DER.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Why a PEM block could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    #[error("not a PEM block")]
    NotPem,
    #[error("PEM label {found:?} where {expected} was expected")]
    Label {
        found: String,
        expected: &'static str,
    },
    #[error("PEM body is not valid base64")]
    Base64,
}

/// True when the text looks like a PEM block (after trimming).
pub fn is_pem(text: &str) -> bool {
    text.trim_start().starts_with("-----BEGIN ")
}

/// Decodes the first PEM block in `text`, returning its label and DER bytes.
pub fn decode(text: &str) -> Result<(String, Vec<u8>), PemError> {
    let text = text.trim();
    let after_begin = text.strip_prefix("-----BEGIN ").ok_or(PemError::NotPem)?;
    let label_end = after_begin.find("-----").ok_or(PemError::NotPem)?;
    let label = &after_begin[..label_end];
    let body_and_end = &after_begin[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_end.find(&end_marker).ok_or(PemError::NotPem)?;
    let body: String = body_and_end[..body_end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|_| PemError::Base64)?;
    Ok((label.to_owned(), der))
}

/// Decodes a PEM block and checks its label.
pub fn decode_labelled(text: &str, expected: &'static str) -> Result<Vec<u8>, PemError> {
    let (label, der) = decode(text)?;
    if label == expected {
        Ok(der)
    } else {
        Err(PemError::Label {
            found: label,
            expected,
        })
    }
}

/// Encodes DER as PEM with 64-column lines and a trailing newline (RFC 7468).
pub fn encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Encodes DER as one-line PEM, the layout the ecosystem's reference library emits.
pub fn encode_one_line(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----{}-----END {label}-----",
        STANDARD.encode(der)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_and_multi_line_pem_decode_alike() {
        let der = (0u8..=200).collect::<Vec<_>>();
        let multi = encode("PUBLIC KEY", &der);
        let single = encode_one_line("PUBLIC KEY", &der);
        let crlf = multi.replace('\n', "\r\n");
        for text in [multi, single, crlf] {
            assert_eq!(decode_labelled(&text, "PUBLIC KEY").unwrap(), der);
        }
    }

    #[test]
    fn wrong_label_is_reported() {
        let text = encode("PRIVATE KEY", &[1, 2, 3]);
        assert!(matches!(
            decode_labelled(&text, "PUBLIC KEY"),
            Err(PemError::Label { .. })
        ));
    }

    #[test]
    fn garbage_is_not_pem() {
        assert_eq!(decode("hello"), Err(PemError::NotPem));
        assert_eq!(decode("-----BEGIN X-----abc"), Err(PemError::NotPem));
        assert_eq!(
            decode("-----BEGIN X-----%%%%-----END X-----"),
            Err(PemError::Base64)
        );
    }
}

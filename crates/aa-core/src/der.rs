//! A minimal DER reader, enough to take apart the key containers this ecosystem exchanges
//! (SPKI, PKCS#8, SEC1 `ECPrivateKey`, PKCS#1). It never panics: every read is bounds-checked and
//! every malformed input is an error. Definite lengths only, as DER requires.

/// Universal tags used by the key formats.
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;
pub const SEQUENCE: u8 = 0x30;

/// A DER parse failure; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed DER: {0}")]
pub struct DerError(pub &'static str);

/// One tag-length-value element: its tag, its content, and the whole encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads consecutive elements from a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Self { rest: input }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Reads the next element, whatever its tag.
    pub fn next_any(&mut self) -> Result<Tlv<'a>, DerError> {
        let input = self.rest;
        let (&tag, after_tag) = input.split_first().ok_or(DerError("unexpected end"))?;
        if tag & 0x1f == 0x1f {
            return Err(DerError("multi-byte tags are not supported"));
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(DerError("missing length"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 {
                return Err(DerError("unsupported length encoding"));
            }
            let bytes = after_len.get(..count).ok_or(DerError("truncated length"))?;
            after_len = &after_len[count..];
            bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        };
        let value = after_len.get(..len).ok_or(DerError("truncated value"))?;
        let header_len = input.len() - after_len.len();
        let raw = &input[..header_len + len];
        self.rest = &after_len[len..];
        Ok(Tlv { tag, value, raw })
    }

    /// Reads the next element and checks its tag.
    pub fn next(&mut self, tag: u8) -> Result<Tlv<'a>, DerError> {
        let tlv = self.next_any()?;
        if tlv.tag == tag {
            Ok(tlv)
        } else {
            Err(DerError("unexpected tag"))
        }
    }

    /// Reads the next element if it carries `tag`, leaving the reader untouched otherwise.
    pub fn next_if(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, DerError> {
        match self.rest.first() {
            Some(&t) if t == tag => self.next(tag).map(Some),
            _ => Ok(None),
        }
    }
}

/// Reads a single element that must fill `input` exactly.
pub fn parse_single(input: &[u8], tag: u8) -> Result<Tlv<'_>, DerError> {
    let mut reader = Reader::new(input);
    let tlv = reader.next(tag)?;
    if reader.is_empty() {
        Ok(tlv)
    } else {
        Err(DerError("trailing bytes"))
    }
}

/// The content of a BIT STRING with no unused bits.
pub fn bit_string_bytes(tlv: Tlv<'_>) -> Result<&[u8], DerError> {
    match tlv.value.split_first() {
        Some((0, bytes)) => Ok(bytes),
        _ => Err(DerError("bit string with unused bits")),
    }
}

/// A SubjectPublicKeyInfo taken apart: the whole AlgorithmIdentifier, its OID, and the key bits.
#[derive(Debug, Clone, Copy)]
pub struct Spki<'a> {
    pub algorithm: Tlv<'a>,
    pub oid: &'a [u8],
    pub key: &'a [u8],
}

pub fn parse_spki(input: &[u8]) -> Result<Spki<'_>, DerError> {
    let outer = parse_single(input, SEQUENCE)?;
    let mut fields = Reader::new(outer.value);
    let algorithm = fields.next(SEQUENCE)?;
    let oid = Reader::new(algorithm.value).next(OID)?.value;
    let key = bit_string_bytes(fields.next(BIT_STRING)?)?;
    if !fields.is_empty() {
        return Err(DerError("trailing fields in public key info"));
    }
    Ok(Spki {
        algorithm,
        oid,
        key,
    })
}

/// A PKCS#8 PrivateKeyInfo (v1 or v2) taken apart.
#[derive(Debug, Clone, Copy)]
pub struct Pkcs8<'a> {
    pub algorithm: Tlv<'a>,
    pub oid: &'a [u8],
    pub private_key: &'a [u8],
}

pub fn parse_pkcs8(input: &[u8]) -> Result<Pkcs8<'_>, DerError> {
    let outer = parse_single(input, SEQUENCE)?;
    let mut fields = Reader::new(outer.value);
    let version = fields.next(INTEGER)?;
    if version.value != [0] && version.value != [1] {
        return Err(DerError("unsupported PKCS#8 version"));
    }
    let algorithm = fields.next(SEQUENCE)?;
    let oid = Reader::new(algorithm.value).next(OID)?.value;
    let private_key = fields.next(OCTET_STRING)?.value;
    // Attributes [0] and the v2 public key [1] may follow; they are not needed.
    Ok(Pkcs8 {
        algorithm,
        oid,
        private_key,
    })
}

/// Strips the sign-padding zero of a DER INTEGER and returns its magnitude (big-endian).
pub fn unsigned_integer(tlv: Tlv<'_>) -> Result<&[u8], DerError> {
    match tlv.value {
        [] => Err(DerError("empty integer")),
        [first, ..] if first & 0x80 != 0 => Err(DerError("negative integer")),
        [0, rest @ ..] if !rest.is_empty() => Ok(rest),
        value => Ok(value),
    }
}

/// Writes a DER length.
pub fn write_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Writes one element.
pub fn write_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    write_len(out, value.len());
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let mut long = vec![OCTET_STRING, 0x81, 200];
        long.extend(std::iter::repeat_n(7u8, 200));
        let tlv = parse_single(&long, OCTET_STRING).unwrap();
        assert_eq!(tlv.value.len(), 200);
        assert_eq!(tlv.raw.len(), 203);
        let mut written = Vec::new();
        write_tlv(&mut written, OCTET_STRING, tlv.value);
        assert_eq!(written, long);
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        for input in [&[][..], &[0x30], &[0x30, 0x82, 0x01], &[0x30, 0x05, 0x01]] {
            assert!(parse_single(input, SEQUENCE).is_err());
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = parse_spki(&bytes);
            let _ = parse_pkcs8(&bytes);
        }
    }
}

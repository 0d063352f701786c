//! Customer handles (`9999999999@AA-1`): a ten-digit mobile number at this AA. The mobile
//! number is what account discovery sends as the customer's `MOBILE` identifier.

use std::fmt;

/// Why a handle was refused; the message is safe to send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    #[error("a customer handle looks like 9999999999@{0}")]
    Malformed(String),
    #[error("the customer handle belongs to another AA; this AA is {0}")]
    OtherAa(String),
}

/// A customer handle of this AA, normalised to `<mobile>@<our entity id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerHandle {
    mobile: String,
    aa_id: String,
}

impl CustomerHandle {
    /// Parses `text` as a handle of the AA `aa_id` (the AA part is compared case-insensitively).
    pub fn parse(text: &str, aa_id: &str) -> Result<Self, HandleError> {
        let malformed = || HandleError::Malformed(aa_id.to_owned());
        let (local, domain) = text.trim().rsplit_once('@').ok_or_else(malformed)?;
        if local.len() != 10 || !local.bytes().all(|b| b.is_ascii_digit()) || domain.is_empty() {
            return Err(malformed());
        }
        if !domain.eq_ignore_ascii_case(aa_id) {
            return Err(HandleError::OtherAa(aa_id.to_owned()));
        }
        Ok(Self {
            mobile: local.to_owned(),
            aa_id: aa_id.to_owned(),
        })
    }

    pub fn mobile(&self) -> &str {
        &self.mobile
    }
}

impl fmt::Display for CustomerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.mobile, self.aa_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_at_this_aa_is_a_handle() {
        let handle = CustomerHandle::parse(" 9999999999@aa-1 ", "AA-1").unwrap();
        assert_eq!(handle.to_string(), "9999999999@AA-1");
        assert_eq!(handle.mobile(), "9999999999");
    }

    #[test]
    fn other_aas_and_malformed_handles_are_refused() {
        assert_eq!(
            CustomerHandle::parse("9999999999@AA-2", "AA-1").unwrap_err(),
            HandleError::OtherAa("AA-1".into())
        );
        for text in [
            "",
            "9999999999",
            "99999@AA-1",
            "99999x9999@AA-1",
            "9999999999@",
        ] {
            assert!(
                matches!(
                    CustomerHandle::parse(text, "AA-1"),
                    Err(HandleError::Malformed(_))
                ),
                "{text}"
            );
        }
    }
}

//! A customer's AA handle (`9999999999@AA-1`): the customer's id at an AA, and the AA, which is
//! the part after the last `@` and names an entity of the registry.

use std::fmt;

/// A well-formed customer handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerHandle {
    handle: String,
    at: usize,
}

/// Why a handle is not well formed (safe to return to the caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("customer must look like 9999999999@AA-1: {0}")]
pub struct InvalidHandle(&'static str);

impl CustomerHandle {
    pub fn parse(text: &str) -> Result<Self, InvalidHandle> {
        let handle = text.trim();
        if handle.is_empty() {
            return Err(InvalidHandle("it is empty"));
        }
        if handle.len() > 255 {
            return Err(InvalidHandle("it is longer than 255 characters"));
        }
        if handle.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidHandle("it contains spaces or control characters"));
        }
        let at = handle
            .rfind('@')
            .ok_or(InvalidHandle("there is no @ before the AA"))?;
        if at == 0 {
            return Err(InvalidHandle("the customer part is empty"));
        }
        if at + 1 == handle.len() {
            return Err(InvalidHandle("the AA part is empty"));
        }
        Ok(Self {
            handle: handle.to_owned(),
            at,
        })
    }

    /// The whole handle, as the AA knows the customer (`Customer.id`).
    pub fn as_str(&self) -> &str {
        &self.handle
    }

    /// The AA's entity id.
    pub fn aa_id(&self) -> &str {
        &self.handle[self.at + 1..]
    }
}

impl fmt::Display for CustomerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aa_is_the_part_after_the_last_at() {
        let handle = CustomerHandle::parse(" 9999999999@AA-1 ").unwrap();
        assert_eq!(handle.as_str(), "9999999999@AA-1");
        assert_eq!(handle.aa_id(), "AA-1");
        assert_eq!(CustomerHandle::parse("a@b@AA-2").unwrap().aa_id(), "AA-2");
    }

    #[test]
    fn handles_without_both_parts_are_refused() {
        for text in ["", "9999999999", "@AA-1", "9999999999@", "99 99@AA-1"] {
            assert!(CustomerHandle::parse(text).is_err(), "{text:?}");
        }
    }
}

//! Master keys by id, so a master key can be rotated without making stored data unreadable.
//!
//! Data keys ([`crate::seal::DataKey`]) are stored wrapped under a master key; the wrapped
//! envelope names the master key's id. The ring holds every master key still in use, newest
//! first: a new data key is wrapped under the newest; an old one is opened with the key its
//! envelope names; [`KeyRing::rewrap`] moves one to the newest, after which the older key can be
//! retired.

use std::fmt;

use crate::seal::{key_id, DataKey, SealError};

/// Why the ring cannot be built or cannot open a wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRingError {
    #[error("the master key ring is empty")]
    Empty,
    #[error("master key id {0:?} appears twice in the ring")]
    Duplicate(String),
    #[error("sealed under master key {0:?}, which is not in the ring")]
    Unknown(String),
    #[error(transparent)]
    Seal(#[from] SealError),
}

/// The master keys, newest first.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<DataKey>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(DataKey::id))
            .finish()
    }
}

impl KeyRing {
    /// A ring of `keys`, the first the newest; ids must be unique.
    pub fn new(keys: Vec<DataKey>) -> Result<Self, KeyRingError> {
        if keys.is_empty() {
            return Err(KeyRingError::Empty);
        }
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].iter().any(|k| k.id() == key.id()) {
                return Err(KeyRingError::Duplicate(key.id().to_owned()));
            }
        }
        Ok(Self { keys })
    }

    /// The key new data keys are wrapped under.
    pub fn newest(&self) -> &DataKey {
        &self.keys[0]
    }

    /// The ids, newest first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(DataKey::id)
    }

    /// The master key `id`.
    pub fn get(&self, id: &str) -> Option<&DataKey> {
        self.keys.iter().find(|k| k.id() == id)
    }

    /// `key` wrapped under the newest master key.
    pub fn wrap(&self, key: &DataKey) -> Result<Vec<u8>, SealError> {
        key.wrap(self.newest())
    }

    /// The data key `id` from its wrapped form, under whichever master key wrapped it.
    pub fn unwrap(&self, id: &str, wrapped: &[u8]) -> Result<DataKey, KeyRingError> {
        let master_id = key_id(wrapped)?;
        let master = self
            .get(master_id)
            .ok_or_else(|| KeyRingError::Unknown(master_id.to_owned()))?;
        Ok(DataKey::unwrap_with(master, id, wrapped)?)
    }

    /// The data key `id` wrapped under the newest master key, or `None` when it already is.
    pub fn rewrap(&self, id: &str, wrapped: &[u8]) -> Result<Option<Vec<u8>>, KeyRingError> {
        if key_id(wrapped)? == self.newest().id() {
            return Ok(None);
        }
        Ok(Some(self.wrap(&self.unwrap(id, wrapped)?)?))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn master(id: &str, byte: u8) -> DataKey {
        DataKey::from_bytes(id, [byte; 32]).unwrap()
    }

    #[test]
    fn a_rotated_ring_opens_old_keys_wraps_new_ones_under_the_newest_and_rewraps() {
        let old = KeyRing::new(vec![master("m1", 1)]).unwrap();
        let data = DataKey::generate("consent:1").unwrap();
        let wrapped = old.wrap(&data).unwrap();
        let rotated = KeyRing::new(vec![master("m2", 2), master("m1", 1)]).unwrap();
        let opened = rotated.unwrap("consent:1", &wrapped).unwrap();
        let envelope = opened.seal(b"row", b"secret").unwrap();
        assert_eq!(data.open(b"row", &envelope).unwrap(), b"secret");
        assert_eq!(key_id(&rotated.wrap(&data).unwrap()).unwrap(), "m2");
        let moved = rotated.rewrap("consent:1", &wrapped).unwrap().unwrap();
        assert_eq!(key_id(&moved).unwrap(), "m2");
        assert_eq!(rotated.rewrap("consent:1", &moved).unwrap(), None);
        let retired = KeyRing::new(vec![master("m2", 2)]).unwrap();
        assert!(retired.unwrap("consent:1", &moved).is_ok());
        assert_eq!(
            retired.unwrap("consent:1", &wrapped).unwrap_err(),
            KeyRingError::Unknown("m1".into())
        );
    }

    #[test]
    fn a_wrong_key_under_a_known_id_does_not_open_and_bad_rings_are_refused() {
        let data = DataKey::generate("consent:1").unwrap();
        let wrapped = KeyRing::new(vec![master("m1", 1)])
            .unwrap()
            .wrap(&data)
            .unwrap();
        let impostor = KeyRing::new(vec![master("m1", 9)]).unwrap();
        assert_eq!(
            impostor.unwrap("consent:1", &wrapped).unwrap_err(),
            KeyRingError::Seal(SealError::Open)
        );
        assert_eq!(KeyRing::new(vec![]).unwrap_err(), KeyRingError::Empty);
        assert_eq!(
            KeyRing::new(vec![master("m1", 1), master("m1", 2)]).unwrap_err(),
            KeyRingError::Duplicate("m1".into())
        );
        assert_eq!(format!("{impostor:?}"), "[\"m1\"]");
    }
}

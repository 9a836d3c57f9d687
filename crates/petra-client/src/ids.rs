//! Identifier newtypes. Each type owns its normalisation rule, so call sites compare and
//! store identifiers without remembering how.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Petra item id (PETRA SKU). Surrounding whitespace is trimmed; letter case is kept and
/// significant, because SKUs are compared exactly.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sku(String);

impl Sku {
    /// Builds a SKU from raw text, trimming surrounding whitespace.
    pub fn new(raw: impl AsRef<str>) -> Self {
        Self(raw.as_ref().trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces the SKU with `raw`, trimmed, keeping the allocation for the next row.
    pub(crate) fn replace(&mut self, raw: &str) {
        self.0.clear();
        self.0.push_str(crate::feed::values::trim(raw));
    }
}

/// A purchase-order (PO) or reference number. Surrounding whitespace is trimmed and the
/// original spelling is kept for display, but equality, ordering and hashing ignore letter
/// case: `ebyus05-14589-57987` and `EBYUS05-14589-57987` are the same PO.
#[derive(Clone)]
pub struct PoNumber {
    original: String,
    key: String,
}

impl PoNumber {
    /// Builds a PO number from raw text, trimming surrounding whitespace.
    pub fn new(raw: impl AsRef<str>) -> Self {
        let original = raw.as_ref().trim().to_owned();
        let key = original.to_uppercase();
        Self { original, key }
    }

    /// The PO as it was written.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The upper-case form used for comparison and as a storage key.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn is_empty(&self) -> bool {
        self.original.is_empty()
    }
}

impl PartialEq for PoNumber {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for PoNumber {}

impl Hash for PoNumber {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialOrd for PoNumber {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PoNumber {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// A carrier tracking number. Whitespace anywhere is removed and letters are upper-cased,
/// because carriers print tracking numbers in spaced groups (`1Z 999 AA1 01 2345 6784`)
/// and in either case.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingNumber(String);

impl TrackingNumber {
    /// Builds a tracking number from raw text, removing all whitespace and upper-casing.
    pub fn new(raw: impl AsRef<str>) -> Self {
        let normalized = raw
            .as_ref()
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        Self(normalized)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

macro_rules! text_identifier_impls {
    ($type:ty) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($type), self.as_str())
            }
        }

        impl From<&str> for $type {
            fn from(raw: &str) -> Self {
                Self::new(raw)
            }
        }

        impl From<String> for $type {
            fn from(raw: String) -> Self {
                Self::new(raw)
            }
        }

        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Ok(Self::new(raw))
            }
        }
    };
}

text_identifier_impls!(Sku);
text_identifier_impls!(PoNumber);
text_identifier_impls!(TrackingNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn po_number_ignores_case() {
        let lower = PoNumber::new("ebyus05-14589-57987");
        let upper = PoNumber::new("EBYUS05-14589-57987");

        assert_eq!(lower, upper);
        assert_eq!(lower.key(), "EBYUS05-14589-57987");
        assert_eq!(lower.as_str(), "ebyus05-14589-57987");

        let set: HashSet<PoNumber> = [upper].into_iter().collect();
        assert!(set.contains(&lower));
    }

    #[test]
    fn po_number_trims_whitespace() {
        assert_eq!(PoNumber::new("  PO-1 \t").as_str(), "PO-1");
    }

    #[test]
    fn sku_trims_but_keeps_case() {
        assert_eq!(Sku::new(" 1KSK02u22GE02 ").as_str(), "1KSK02u22GE02");
        assert_ne!(Sku::new("abc"), Sku::new("ABC"));
    }

    #[test]
    fn tracking_number_drops_spaces() {
        let spaced = TrackingNumber::new("1z 999 aa1 01 2345 6784");
        assert_eq!(spaced.as_str(), "1Z999AA10123456784");
    }

    #[test]
    fn identifiers_round_trip_through_json() {
        let po: PoNumber = serde_json::from_str("\" po-7 \"").unwrap();
        assert_eq!(serde_json::to_string(&po).unwrap(), "\"po-7\"");
    }
}

//! Mapping sets: named lookup tables such as `new → 1`, `refurbished → 2`.

use std::collections::BTreeMap;
use std::io::Read;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::template::Literal;

/// A lookup table from source text to a constant of the target's type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingSet {
    /// Whether keys match regardless of letter case.
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_insensitive: bool,
    /// Key to value. Values are converted to the target field's type at compile time.
    pub entries: BTreeMap<String, Literal>,
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

impl MappingSet {
    /// Reads a mapping set from two-column CSV (key, value), such as a spreadsheet export.
    ///
    /// With `has_header`, the first row is skipped. Every row must have exactly two
    /// columns, and a key may appear only once (compared without case when
    /// `case_insensitive`); otherwise the error names the line.
    ///
    /// ```
    /// let set = fieldmap::MappingSet::from_csv("new,1\nrefurbished,2\n".as_bytes(), false, true)?;
    /// assert_eq!(set.entries.len(), 2);
    /// # Ok::<(), fieldmap::Error>(())
    /// ```
    pub fn from_csv(
        reader: impl Read,
        has_header: bool,
        case_insensitive: bool,
    ) -> Result<Self, Error> {
        let mut csv_reader = csv::ReaderBuilder::new()
            .has_headers(has_header)
            .flexible(true)
            .from_reader(reader);

        let mut entries = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        for row in csv_reader.records() {
            let row = row.map_err(|source| Error::MappingSetCsv { source })?;
            let line = row.position().map_or(0, |position| position.line());
            if row.len() != 2 {
                return Err(Error::MappingSetRow {
                    line,
                    reason: format!("expected 2 columns (key, value), found {}", row.len()),
                });
            }

            let key = row[0].to_owned();
            let folded = if case_insensitive {
                key.to_lowercase()
            } else {
                key.clone()
            };
            if !seen.insert(folded) {
                return Err(Error::MappingSetRow {
                    line,
                    reason: format!("duplicate key {key:?}"),
                });
            }
            entries.insert(key, Literal::String(row[1].to_owned()));
        }

        Ok(Self {
            case_insensitive,
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_loads() {
        let set = MappingSet::from_csv("key,value\nY,refurbished\nN,new\n".as_bytes(), true, true)
            .unwrap();

        assert_eq!(set.entries.len(), 2);
        assert_eq!(set.entries["Y"], Literal::String("refurbished".into()));
        assert!(set.case_insensitive);
    }

    #[test]
    fn csv_quoted_comma_value_loads() {
        let set = MappingSet::from_csv("a,\"x, y\"\n".as_bytes(), false, false).unwrap();

        assert_eq!(set.entries["a"], Literal::String("x, y".into()));
    }

    #[test]
    fn csv_three_columns_rejected() {
        let error = MappingSet::from_csv("a,1\nb,2,3\n".as_bytes(), false, false).unwrap_err();

        assert!(error.to_string().contains("line 2"), "{error}");
        assert!(error.to_string().contains("found 3"), "{error}");
    }

    #[test]
    fn csv_duplicate_key_rejected() {
        let error = MappingSet::from_csv("New,1\nnew,2\n".as_bytes(), false, true).unwrap_err();

        assert!(
            error.to_string().contains("duplicate key \"new\""),
            "{error}"
        );
    }

    #[test]
    fn csv_keys_differing_in_case_allowed_when_sensitive() {
        let set = MappingSet::from_csv("New,1\nnew,2\n".as_bytes(), false, false).unwrap();

        assert_eq!(set.entries.len(), 2);
    }
}

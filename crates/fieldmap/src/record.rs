//! The [`Record`] trait: how a plan reads source values without copying them.

use crate::value::{Value, ValueRef};

/// A source record whose fields a plan reads by source-schema index.
///
/// Implement it on your own row type to map records without building a map of strings;
/// an index past the end must return [`ValueRef::Absent`].
///
/// ```
/// use fieldmap::{Record, ValueRef};
///
/// struct Variant {
///     sku: String,
///     upc: Option<String>,
/// }
///
/// impl Record for Variant {
///     fn get(&self, index: usize) -> ValueRef<'_> {
///         match index {
///             0 => ValueRef::Text(&self.sku),
///             1 => self.upc.as_deref().map_or(ValueRef::Null, ValueRef::Text),
///             _ => ValueRef::Absent,
///         }
///     }
/// }
/// # let variant = Variant { sku: "1KS".into(), upc: None };
/// # assert_eq!(variant.get(1), ValueRef::Null);
/// ```
pub trait Record {
    /// Returns the value of the field at `index` in the source schema.
    fn get(&self, index: usize) -> ValueRef<'_>;
}

impl<S: AsRef<str>> Record for [S] {
    fn get(&self, index: usize) -> ValueRef<'_> {
        self.get(index)
            .map_or(ValueRef::Absent, |text| ValueRef::Text(text.as_ref()))
    }
}

impl<S: AsRef<str>> Record for Vec<S> {
    fn get(&self, index: usize) -> ValueRef<'_> {
        Record::get(self.as_slice(), index)
    }
}

impl Record for csv::StringRecord {
    fn get(&self, index: usize) -> ValueRef<'_> {
        self.get(index).map_or(ValueRef::Absent, ValueRef::Text)
    }
}

impl Record for [ValueRef<'_>] {
    fn get(&self, index: usize) -> ValueRef<'_> {
        <[ValueRef<'_>]>::get(self, index)
            .copied()
            .unwrap_or(ValueRef::Absent)
    }
}

impl Record for [Value] {
    fn get(&self, index: usize) -> ValueRef<'_> {
        <[Value]>::get(self, index).map_or(ValueRef::Absent, Value::as_value_ref)
    }
}

impl<R: Record + ?Sized> Record for &R {
    fn get(&self, index: usize) -> ValueRef<'_> {
        (**self).get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_row_reads_absent() {
        let row = ["a", "b"];

        assert_eq!(Record::get(&row[..], 1), ValueRef::Text("b"));
        assert_eq!(Record::get(&row[..], 2), ValueRef::Absent);
    }

    #[test]
    fn csv_record_reads_fields() {
        let row = csv::StringRecord::from(vec!["x", ""]);

        assert_eq!(Record::get(&row, 1), ValueRef::Text(""));
        assert_eq!(Record::get(&row, 5), ValueRef::Absent);
    }

    #[test]
    fn owned_values_read_null() {
        let row = vec![Value::Null];

        assert_eq!(Record::get(row.as_slice(), 0), ValueRef::Null);
    }
}

//! Source and target schemas: the field names a template may use, with their types.

use std::collections::HashMap;

use crate::value::FieldType;

/// One field of a source schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceField {
    /// The name templates use, for example `PETRA SKU` or `dealer_price`.
    pub name: String,
    /// The declared type, or `None` when the source does not say (then compile cannot
    /// check types and conversion happens per record).
    pub field_type: Option<FieldType>,
}

/// The fields a source record offers, in index order.
///
/// A field's position in this schema is the index a [`crate::Record`] is asked for, so a
/// schema built from a CSV header lines up with the CSV columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSchema {
    name: String,
    fields: Vec<SourceField>,
    index: HashMap<String, usize>,
}

impl SourceSchema {
    /// Creates a schema from typed fields.
    ///
    /// A repeated name keeps its first position, because some CSV exports repeat a
    /// block of column names and the first block is the real one.
    pub fn new(name: impl Into<String>, fields: Vec<SourceField>) -> Self {
        let mut index = HashMap::with_capacity(fields.len());
        for (position, field) in fields.iter().enumerate() {
            index.entry(field.name.clone()).or_insert(position);
        }
        Self {
            name: name.into(),
            fields,
            index,
        }
    }

    /// Creates an untyped schema from column names, such as a CSV header row.
    /// Names are trimmed of surrounding whitespace.
    pub fn from_columns<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let fields = columns
            .into_iter()
            .map(|column| SourceField {
                name: column.as_ref().trim().to_owned(),
                field_type: None,
            })
            .collect();
        Self::new(name, fields)
    }

    /// Returns the schema's name, used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the fields in index order.
    pub fn fields(&self) -> &[SourceField] {
        &self.fields
    }

    /// Returns the index of a field by exact name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Returns the field at `index`.
    pub fn field(&self, index: usize) -> Option<&SourceField> {
        self.fields.get(index)
    }

    /// Returns the names that differ from `name` only by case or surrounding whitespace,
    /// for "did you mean" hints.
    pub(crate) fn near_names(&self, name: &str) -> Vec<&str> {
        let wanted = name.trim().to_lowercase();
        self.fields
            .iter()
            .map(|field| field.name.as_str())
            .filter(|candidate| candidate.trim().to_lowercase() == wanted)
            .collect()
    }
}

/// One field of a target schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetField {
    /// The name templates map to, for example `sku`.
    pub name: String,
    /// The type every mapped value is converted to.
    pub field_type: FieldType,
    /// Whether a record whose value ends up absent, null or empty text is rejected.
    pub required: bool,
    /// A short description for documentation and exported templates.
    pub description: String,
}

/// The fields a mapped record has, in output order, and which one identifies a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSchema {
    name: String,
    fields: Vec<TargetField>,
    key: Option<usize>,
}

impl TargetSchema {
    /// Creates a target schema. `key` names the field whose value identifies a record in
    /// record errors (for example `sku`); an unknown key name is ignored.
    pub fn new(name: impl Into<String>, fields: Vec<TargetField>, key: Option<&str>) -> Self {
        let key = key.and_then(|key| fields.iter().position(|field| field.name == key));
        Self {
            name: name.into(),
            fields,
            key,
        }
    }

    /// Returns the schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the fields in output order.
    pub fn fields(&self) -> &[TargetField] {
        &self.fields
    }

    /// Returns the index of a field by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }

    /// Returns the index of the key field, if any.
    pub fn key(&self) -> Option<usize> {
        self.key
    }
}

/// Shorthand for building built-in target schemas.
pub(crate) fn target(
    name: &str,
    field_type: FieldType,
    required: bool,
    description: &str,
) -> TargetField {
    TargetField {
        name: name.to_owned(),
        field_type,
        required,
        description: description.to_owned(),
    }
}

/// Shorthand for building built-in source schemas.
pub(crate) fn source(name: &str, field_type: Option<FieldType>) -> SourceField {
    SourceField {
        name: name.to_owned(),
        field_type,
    }
}

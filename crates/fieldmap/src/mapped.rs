//! A mapped record: target values in target-schema order.

use std::sync::Arc;

use crate::explain::Explanation;
use crate::value::Value;

/// The output of [`crate::Plan::map`]: one optional value per target field.
///
/// `None` means the field is unset (skipped, or its source was absent); `Some(Value::Null)`
/// means explicitly empty.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedRecord {
    names: Arc<[Box<str>]>,
    values: Vec<Option<Value>>,
    explanations: Option<Vec<Explanation>>,
}

/// An empty record with no fields, to pass to [`crate::Plan::map_into`].
impl Default for MappedRecord {
    fn default() -> Self {
        Self::new(Arc::from(Vec::new()), Vec::new(), None)
    }
}

impl MappedRecord {
    pub(crate) fn new(
        names: Arc<[Box<str>]>,
        values: Vec<Option<Value>>,
        explanations: Option<Vec<Explanation>>,
    ) -> Self {
        Self {
            names,
            values,
            explanations,
        }
    }

    /// Prepares the record for [`crate::Plan::map_into`] and returns its values, which
    /// the plan overwrites in place. Values from a plan with other target names are
    /// dropped.
    pub(crate) fn reset(&mut self, names: &Arc<[Box<str>]>) -> &mut Vec<Option<Value>> {
        if !Arc::ptr_eq(&self.names, names) {
            self.names = Arc::clone(names);
            self.values.clear();
        }
        self.explanations = None;
        &mut self.values
    }

    /// Returns a field's value by target name; `None` when unset or unknown.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let index = self
            .names
            .iter()
            .position(|candidate| candidate.as_ref() == name)?;
        self.value(index)
    }

    /// Returns a field's value by output index (see [`crate::Plan::target_index`]).
    pub fn value(&self, index: usize) -> Option<&Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// Returns the target names in target-schema order. Every record a plan maps shares
    /// one list, so [`Arc::ptr_eq`] shows whether two records come from the same plan.
    pub fn names(&self) -> &Arc<[Box<str>]> {
        &self.names
    }

    /// Iterates over (target name, value) in target-schema order, unset fields included.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&Value>)> {
        self.names
            .iter()
            .map(AsRef::as_ref)
            .zip(self.values.iter().map(Option::as_ref))
    }

    /// Returns the values in target-schema order.
    pub fn into_values(self) -> Vec<Option<Value>> {
        self.values
    }

    /// Returns the explanations, one per target field, when the record was mapped with
    /// [`crate::Plan::map_explained`].
    pub fn explanations(&self) -> Option<&[Explanation]> {
        self.explanations.as_deref()
    }

    /// Converts to a JSON object; unset fields are left out, numbers are strings.
    pub fn to_json(&self) -> serde_json::Value {
        let object = self
            .iter()
            .filter_map(|(name, value)| value.map(|value| (name.to_owned(), value.to_json())))
            .collect();
        serde_json::Value::Object(object)
    }
}

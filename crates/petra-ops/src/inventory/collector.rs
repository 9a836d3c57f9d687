//! Turns mapping results into pool batches while keeping the run's counts, rejections,
//! warnings and the set of SKUs seen.

use fieldmap::{MappedRecord, RecordError, Value};
use petra_client::Sku;
use rust_decimal::prelude::ToPrimitive;

use super::fields_json::FieldsJson;
use super::report::{Rejection, MAX_LISTED};
use super::seen::SeenSkus;
use crate::pool::{ContentHash, PoolItem, RowHashes};

/// Returns the warning for a SKU repeated in the catalog, given at the later record's
/// line.
pub(crate) fn repeated_sku_warning(line: u64, sku: &str) -> String {
    format!("line {line}: SKU {sku} appears more than once in the catalog; the later record wins")
}

/// Positions of the fields the pool needs in the plan's output.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyFields {
    pub sku: usize,
    pub quantity: usize,
}

/// Accumulates one run's mapped items into batches.
pub struct Collector {
    keys: KeyFields,
    fields: FieldsJson,
    batch_size: usize,
    batch: Vec<PoolItem>,
    pub(crate) seen: SeenSkus,
    pub records: u64,
    pub rejected: u64,
    pub rejections: Vec<Rejection>,
    pub warning_count: u64,
    pub warnings: Vec<String>,
}

impl Collector {
    /// Starts a run whose rows may be passed over when their hash is in `stored`.
    pub fn new(keys: KeyFields, batch_size: usize, stored: RowHashes) -> Self {
        Self {
            keys,
            fields: FieldsJson::default(),
            batch_size,
            batch: Vec::with_capacity(batch_size),
            seen: SeenSkus::new(stored),
            records: 0,
            rejected: 0,
            rejections: Vec::new(),
            warning_count: 0,
            warnings: Vec::new(),
        }
    }

    /// Adds a mapped record and returns a full batch when one is ready. `row_hash` is
    /// the hash of the feed row, given when the row may be skipped in a later run.
    pub fn accept(
        &mut self,
        line: u64,
        mapped: &MappedRecord,
        row_hash: Option<ContentHash>,
    ) -> Option<Vec<PoolItem>> {
        self.records += 1;
        match pool_item(mapped, self.keys, &mut self.fields) {
            Ok(mut item) => {
                if self.seen.insert(item.sku.as_str(), line) {
                    if let Some(row_hash) = row_hash {
                        item = item.with_row_hash(row_hash);
                    }
                } else {
                    // A repeated SKU keeps no row hash, so a later run maps every copy
                    // again and the later record still wins.
                    self.warn(repeated_sku_warning(line, item.sku.as_str()));
                    // The later copy replaces an earlier one still in the batch, so the
                    // pool writes the SKU once and runs of the same file settle. A copy
                    // in a batch already sent has been written.
                    if let Some(earlier) =
                        self.batch.iter().position(|queued| queued.sku == item.sku)
                    {
                        self.batch.remove(earlier);
                    }
                }
                self.batch.push(item);
            }
            Err((sku, field, value, reason)) => {
                if let Some(sku) = &sku {
                    self.seen.insert_rejected(sku);
                }
                self.reject(vec![Rejection {
                    line,
                    sku,
                    field,
                    value,
                    reason,
                }]);
            }
        }

        if self.batch.len() >= self.batch_size {
            Some(self.take_batch())
        } else {
            None
        }
    }

    /// Counts rows skipped because they match the stored items unchanged.
    pub fn count_skipped(&mut self, rows: u64) {
        self.records += rows;
    }

    /// Records a record the plan rejected. Its SKU, when known, still counts as seen,
    /// because the item is in the catalog even though this copy is unusable.
    pub fn reject_mapping(&mut self, line: u64, error: &RecordError) {
        self.records += 1;
        if let Some(sku) = &error.key {
            self.seen.insert_rejected(sku);
        }
        let rejections = error
            .problems
            .iter()
            .map(|problem| Rejection {
                line,
                sku: error.key.clone(),
                field: problem.field.clone(),
                value: problem.value.clone(),
                reason: problem.reason.clone(),
            })
            .collect();
        self.reject(rejections);
    }

    /// Records a row the feed reader rejected before mapping.
    pub fn reject_row(&mut self, error: &petra_client::feed::RowError) {
        self.records += 1;
        let sku = error.petra_sku.as_ref().map(|sku| sku.as_str().to_owned());
        if let Some(sku) = &sku {
            self.seen.insert_rejected(sku);
        }
        let rejections = error
            .fields
            .iter()
            .map(|issue| Rejection {
                line: error.line,
                sku: sku.clone(),
                field: issue.column.clone(),
                value: issue.raw_value.clone(),
                reason: issue.reason.clone(),
            })
            .collect();
        self.reject(rejections);
    }

    fn reject(&mut self, rejections: Vec<Rejection>) {
        self.rejected += 1;
        let room = MAX_LISTED.saturating_sub(self.rejections.len());
        self.rejections.extend(rejections.into_iter().take(room));
    }

    /// Records a warning; only the first ones are kept in full.
    pub fn warn(&mut self, message: String) {
        self.warning_count += 1;
        if self.warnings.len() < MAX_LISTED {
            self.warnings.push(message);
        }
    }

    /// Takes the items collected so far, sorted by SKU.
    ///
    /// A batch contains each SKU once, so the order is the same for any sort. Sorting here,
    /// on the reader's thread, spares a pool that writes items in SKU order its own sort
    /// on the writer's thread, which sets the pace of a first import: a sorted batch
    /// only needs a check.
    pub fn take_batch(&mut self) -> Vec<PoolItem> {
        let mut batch = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_size));
        batch.sort_unstable_by(|a, b| a.sku.cmp(&b.sku));
        batch
    }
}

pub(crate) type ItemProblem = (Option<String>, String, String, String);

/// Builds a pool item from a mapped record: its SKU, its whole-number quantity and its
/// other fields serialized once by `fields`. The quantity is left out of the fields, so a
/// pool can store a new quantity without rewriting them.
pub(crate) fn pool_item(
    mapped: &MappedRecord,
    keys: KeyFields,
    fields: &mut FieldsJson,
) -> Result<PoolItem, ItemProblem> {
    let sku = match mapped.value(keys.sku) {
        Some(Value::Text(text)) if !text.trim().is_empty() => Sku::new(text),
        other => {
            return Err((
                None,
                "sku".into(),
                other.map(ToString::to_string).unwrap_or_default(),
                "is missing; every item needs a SKU".into(),
            ))
        }
    };

    let quantity = match mapped.value(keys.quantity) {
        Some(Value::Number(number)) if number.is_sign_negative() => Err("is negative"),
        Some(Value::Number(number)) if !number.fract().is_zero() => Err("is not a whole number"),
        Some(Value::Number(number)) => number.to_u64().ok_or("is too large"),
        _ => Err("is missing"),
    };
    let quantity = quantity.map_err(|reason| {
        let value = mapped
            .value(keys.quantity)
            .map(ToString::to_string)
            .unwrap_or_default();
        (
            Some(sku.to_string()),
            "quantity".into(),
            value,
            reason.into(),
        )
    })?;

    Ok(PoolItem::from_json(
        sku,
        quantity,
        fields.write(mapped, keys.quantity),
    ))
}

#[cfg(test)]
mod tests {
    use fieldmap::{compile, schemas, SourceSchema, Template};

    use super::*;

    #[test]
    fn batches_come_sorted_by_sku() {
        let template = Template::from_toml(
            "name = \"test\"\n\
             [fields.sku]\nkind = \"match\"\nsource = \"sku\"\n\
             [fields.title]\nkind = \"match\"\nsource = \"sku\"\n\
             [fields.cost]\nkind = \"set\"\nvalue = 1\n\
             [fields.quantity]\nkind = \"match\"\nsource = \"qty\"\n",
        )
        .unwrap();
        let source = SourceSchema::from_columns("test", ["sku", "qty"]);
        let plan = compile(&template, &source, &schemas::inventory()).unwrap();
        let sku = plan.target_index("sku").unwrap();
        let quantity = plan.target_index("quantity").unwrap();
        let mut collector = Collector::new(KeyFields { sku, quantity }, 4, RowHashes::default());

        let mut batches = Vec::new();
        for (line, sku) in ["D", "b", "A", "C", "c", "a", "B"].into_iter().enumerate() {
            let mapped = plan.map(&vec![sku, "1"], line as u64).unwrap();
            batches.extend(collector.accept(line as u64, &mapped, None));
        }
        batches.push(collector.take_batch());

        let skus: Vec<Vec<&str>> = batches
            .iter()
            .map(|batch| batch.iter().map(|item| item.sku.as_str()).collect())
            .collect();
        assert_eq!(skus, [vec!["A", "C", "D", "b"], vec!["B", "a", "c"]]);
    }
}

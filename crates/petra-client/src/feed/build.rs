//! Turns one CSV record into a [`ProdListRow`] or a [`RowError`].

use std::borrow::Cow;
use std::sync::Arc;

use csv::ByteRecord;
use rust_decimal::Decimal;

use super::decode::{decode_record, Span};
use super::header::{trim_text, Column, ColumnMap, TextKind};
use super::row::{FeedWarning, FieldIssue, ProdListRow, RowError};
use super::values::{
    decode_plain_text, marks_discontinued, parse_amount, parse_flag, parse_quantity, parse_upc,
    undo_double_encoding, Amount, UpcValue,
};
use crate::ids::Sku;

/// A built row (or its error) and how many of its fields needed Windows-1252.
pub(crate) struct Built {
    pub(crate) row: Result<ProdListRow, RowError>,
    pub(crate) fallback_fields: u32,
}

/// Collects field problems while a row is built.
struct Problems {
    line: u64,
    issues: Vec<FieldIssue>,
    warnings: Vec<FeedWarning>,
}

impl Problems {
    fn reject(&mut self, column: Column, raw: &str, reason: String) {
        self.issues.push(FieldIssue {
            column: column.name().to_owned(),
            raw_value: raw.to_owned(),
            reason,
        });
    }

    fn warn(&mut self, column: Column, raw: &str, message: impl Into<String>) {
        self.warnings.push(FeedWarning {
            line: self.line,
            petra_sku: None,
            column: Some(column.name().to_owned()),
            raw_value: raw.to_owned(),
            message: message.into(),
        });
    }

    /// Parses PRICE, MAP or MSRP; an invalid amount rejects the row.
    fn money(&mut self, column: Column, raw: &str) -> Option<Decimal> {
        self.amount(column, raw, true)
    }

    /// Parses a weight or dimension. These are informational, so an invalid one is a
    /// warning, not a rejected row.
    fn measurement(&mut self, column: Column, raw: &str) -> Option<Decimal> {
        self.amount(column, raw, false)
    }

    fn amount(&mut self, column: Column, raw: &str, money: bool) -> Option<Decimal> {
        match parse_amount(raw, money) {
            Ok(Amount::Value(value)) => Some(value),
            Ok(Amount::Blank) => None,
            Ok(Amount::NotAvailable) => {
                self.warn(column, raw, "N/A read as absent");
                None
            }
            Err(reason) if money => {
                self.reject(column, raw, reason);
                None
            }
            Err(reason) => {
                self.warn(column, raw, format!("{reason}; read as absent"));
                None
            }
        }
    }
}

pub(crate) fn build_row(line: u64, columns: &Arc<ColumnMap>, record: &ByteRecord) -> Built {
    let mut text = String::with_capacity(record.as_slice().len() + 32);
    let mut raw = Vec::with_capacity(record.len());
    let decoded = decode_record(record, &mut text, &mut raw);
    let mut problems = Problems {
        line,
        issues: Vec::new(),
        warnings: Vec::new(),
    };

    for position in decoded.undefined_bytes {
        let value = raw[position].get(&text).to_owned();
        let column = columns.names().get(position).cloned();
        problems.warnings.push(FeedWarning {
            line,
            petra_sku: None,
            column,
            raw_value: value,
            message: "contains a byte that is undefined in Windows-1252 (0x81, 0x8D, 0x8F, 0x90 or 0x9D), read as a C1 control character"
                .to_owned(),
        });
    }

    // Trimmed spans first; entity-decoded copies are appended to `text` afterwards, so
    // no span is taken while `text` grows.
    let mut clean = [Span::default(); Column::COUNT];
    // Bit `i` set: column `Column::ALL[i]` contains `&` and may need entity decoding.
    let mut needs_decoding = 0u32;
    for column in Column::ALL {
        let Some(span) = columns.position_of(column).and_then(|p| raw.get(p)) else {
            continue;
        };
        let trimmed = trim_text(span.get(&text));
        clean[column.index()] = Span::of_subslice(&text, trimmed);
        if column.text_kind() != TextKind::Verbatim && trimmed.contains('&') {
            needs_decoding |= 1 << column.index();
        }
    }
    for column in Column::ALL
        .into_iter()
        .filter(|c| needs_decoding & (1 << c.index()) != 0)
    {
        let current = clean[column.index()].get(&text);
        let cleaned = match column.text_kind() {
            TextKind::Html => undo_double_encoding(current),
            _ => decode_plain_text(current),
        };
        if let Cow::Owned(cleaned) = cleaned {
            let start = text.len() as u32;
            text.push_str(&cleaned);
            clean[column.index()] = Span {
                start,
                end: text.len() as u32,
            };
        }
    }

    let value = |column: Column| clean[column.index()].get(&text);
    let petra_sku = Sku::new(value(Column::PetraSku));
    if petra_sku.is_empty() {
        problems.reject(
            Column::PetraSku,
            value(Column::PetraSku),
            "PETRA SKU is empty".to_owned(),
        );
    }

    let available = match parse_quantity(value(Column::Available)) {
        Ok(quantity) => quantity,
        Err(reason) => {
            problems.reject(Column::Available, value(Column::Available), reason);
            0
        }
    };
    let price = problems.money(Column::Price, value(Column::Price));
    let map = problems
        .money(Column::Map, value(Column::Map))
        .filter(|map| !map.is_zero());
    let msrp = problems.money(Column::Msrp, value(Column::Msrp));
    let weight_unpacked =
        problems.measurement(Column::WeightUnpacked, value(Column::WeightUnpacked));
    let length = problems.measurement(Column::Length, value(Column::Length));
    let width = problems.measurement(Column::Width, value(Column::Width));
    let height = problems.measurement(Column::Height, value(Column::Height));
    let estimated_ship_weight = problems.measurement(
        Column::EstimatedShipWeight,
        value(Column::EstimatedShipWeight),
    );

    let upc_raw = value(Column::Upc);
    let upc = match parse_upc(upc_raw) {
        Ok(UpcValue::Blank) => None,
        Ok(UpcValue::Valid(upc)) => Some(upc),
        Ok(UpcValue::Repaired(upc)) => {
            problems.warn(
                Column::Upc,
                upc_raw,
                format!("11-digit UPC repaired to {upc} by restoring its leading zero"),
            );
            Some(upc)
        }
        Ok(UpcValue::Scientific) => {
            problems.warn(
                Column::Upc,
                upc_raw,
                "UPC in scientific notation lost its digits; read as absent",
            );
            None
        }
        Err(reason) => {
            problems.reject(Column::Upc, upc_raw, reason);
            None
        }
    };

    let refurb = match parse_flag(value(Column::Refurb)) {
        Ok(flag) => flag,
        Err(reason) => {
            problems.reject(Column::Refurb, value(Column::Refurb), reason);
            false
        }
    };
    let discontinued = marks_discontinued(value(Column::Notes1));

    let known_sku = || (!petra_sku.is_empty()).then(|| petra_sku.clone());
    for warning in &mut problems.warnings {
        warning.petra_sku = known_sku();
    }
    if !problems.issues.is_empty() {
        return Built {
            row: Err(RowError {
                line,
                petra_sku: known_sku(),
                fields: problems.issues,
            }),
            fallback_fields: decoded.fallback_fields,
        };
    }

    let row = ProdListRow {
        line,
        columns: Arc::clone(columns),
        text,
        raw,
        clean,
        petra_sku,
        available,
        price,
        map,
        msrp,
        weight_unpacked,
        length,
        width,
        height,
        estimated_ship_weight,
        upc,
        refurb,
        discontinued,
        warnings: problems.warnings,
    };
    Built {
        row: Ok(row),
        fallback_fields: decoded.fallback_fields,
    }
}

//! Fills a [`ProdListRow`] from one CSV record, or returns its [`RowError`].

use std::borrow::Cow;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::byte_search::find_byte;
use super::decode::{decode_record, DecodedRecord, Span};
use super::header::{trim_text, Column, ColumnMap, TextKind};
use super::record::Record;
use super::row::{FeedWarning, FieldIssue, ProdListRow, RowError, RowFields};
use super::values::{
    decode_plain_text, marks_discontinued, parse_amount, parse_flag, parse_plain_decimal,
    parse_quantity, parse_upc, undo_double_encoding, Amount, UpcValue,
};

/// Outcome of filling a row, and how many of its fields needed Windows-1252.
pub(crate) struct Filled {
    pub(crate) result: Result<(), RowError>,
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
    #[inline(always)]
    fn money(&mut self, column: Column, raw: &str) -> Option<Decimal> {
        self.amount(column, raw, true)
    }

    /// Parses a weight or dimension. These are informational, so an invalid one is a
    /// warning, not a rejected row.
    #[inline(always)]
    fn measurement(&mut self, column: Column, raw: &str) -> Option<Decimal> {
        self.amount(column, raw, false)
    }

    // Inlined with `money` and `measurement`. As a call, `measurement` returned its
    // `Option<Decimal>` through memory, and the caller's 16-byte copy of it spanned two
    // stores, which store forwarding cannot serve. Inlined, read_row ran about 3% faster
    // in interleaved runs of the `feed_profile` example on a generated 1,000,000-row feed.
    #[inline(always)]
    fn amount(&mut self, column: Column, raw: &str, money: bool) -> Option<Decimal> {
        if raw.is_empty() {
            return None;
        }
        // Most amounts are plain digits, which this inlined path parses without the call.
        // It declines surrounding whitespace, which `parse_amount` trims.
        if let Some(value) = parse_plain_decimal(raw) {
            return Some(value);
        }
        match parse_amount(raw, money) {
            Ok(Amount::Value(value)) => Some(value),
            Ok(Amount::Blank) => None,
            Ok(Amount::NotAvailable) => {
                self.warn(column, raw, "N/A read as absent");
                None
            }
            Err(reason) => {
                self.invalid_amount(column, raw, money, reason);
                None
            }
        }
    }

    /// Rejects the row for an invalid PRICE, MAP or MSRP, and warns for an invalid
    /// measurement.
    #[cold]
    fn invalid_amount(&mut self, column: Column, raw: &str, money: bool, reason: String) {
        if money {
            self.reject(column, raw, reason);
        } else {
            self.warn(
                column,
                raw,
                format!("{reason}, so the value is read as absent"),
            );
        }
    }
}

/// Fills `row` from `record`, which the row keeps, reusing the row's buffers. On a
/// [`RowError`] the row's content is unspecified.
pub(crate) fn fill_row(
    row: &mut ProdListRow,
    line: u64,
    columns: &Arc<ColumnMap>,
    record: Record,
) -> Filled {
    row.line = line;
    if !Arc::ptr_eq(&row.columns, columns) {
        row.columns = Arc::clone(columns);
    }
    row.text.clear();
    row.raw.clear();
    row.warnings.clear();

    // One UTF-8 check of the whole record decides whether the fields can be read in place.
    let decoded = match record.into_utf8() {
        Ok(record) => {
            row.fields = RowFields::Utf8(record);
            DecodedRecord::default()
        }
        Err((record, first_invalid)) => {
            let decoded = decode_record(&record, first_invalid, &mut row.text, &mut row.raw);
            row.fields = RowFields::Decoded(record);
            decoded
        }
    };
    let mut problems = Problems {
        line,
        issues: Vec::new(),
        warnings: std::mem::take(&mut row.warnings),
    };

    for position in decoded.undefined_bytes {
        let value = row.field_at(position).to_owned();
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

    decode_entities(row, columns);

    let parsed = ParsedFields::new(columns, &row.fields, &row.text, &row.raw);
    row.petra_sku.replace(parsed.petra_sku);
    if row.petra_sku.is_empty() {
        problems.reject(
            Column::PetraSku,
            parsed.petra_sku,
            "PETRA SKU is empty".to_owned(),
        );
    }

    row.available = match parse_quantity(parsed.available) {
        Ok(quantity) => quantity,
        Err(reason) => {
            problems.reject(Column::Available, parsed.available, reason);
            0
        }
    };
    row.price = problems.money(Column::Price, parsed.price);
    row.map = problems
        .money(Column::Map, parsed.map)
        .filter(|map| !map.is_zero());
    row.msrp = problems.money(Column::Msrp, parsed.msrp);
    row.weight_unpacked = problems.measurement(Column::WeightUnpacked, parsed.weight_unpacked);
    row.length = problems.measurement(Column::Length, parsed.length);
    row.width = problems.measurement(Column::Width, parsed.width);
    row.height = problems.measurement(Column::Height, parsed.height);
    row.estimated_ship_weight =
        problems.measurement(Column::EstimatedShipWeight, parsed.estimated_ship_weight);

    let upc_buffer = row
        .upc
        .take()
        .map(|upc| upc.into_buffer())
        .unwrap_or_default();
    row.upc = match parse_upc(parsed.upc, upc_buffer) {
        Ok(UpcValue::Blank) => None,
        Ok(UpcValue::Valid(upc)) => Some(upc),
        Ok(UpcValue::Repaired(upc)) => {
            problems.warn(
                Column::Upc,
                parsed.upc,
                format!("11-digit UPC repaired to {upc} by restoring its leading zero"),
            );
            Some(upc)
        }
        Ok(UpcValue::Scientific) => {
            problems.warn(
                Column::Upc,
                parsed.upc,
                "UPC in scientific notation lost its digits; read as absent",
            );
            None
        }
        Ok(UpcValue::WrongCheckDigit(reason)) => {
            problems.warn(
                Column::Upc,
                parsed.upc,
                format!("{reason}, so the UPC is read as absent"),
            );
            None
        }
        Err(reason) => {
            problems.reject(Column::Upc, parsed.upc, reason);
            None
        }
    };

    row.refurb = match parse_flag(parsed.refurb) {
        Ok(flag) => flag,
        Err(reason) => {
            problems.reject(Column::Refurb, parsed.refurb, reason);
            false
        }
    };
    row.discontinued = row.text(Column::Notes1).is_some_and(marks_discontinued);

    let known_sku = || (!row.petra_sku.is_empty()).then(|| row.petra_sku.clone());
    for warning in &mut problems.warnings {
        warning.petra_sku = known_sku();
    }
    let result = if problems.issues.is_empty() {
        Ok(())
    } else {
        Err(RowError {
            line,
            petra_sku: known_sku(),
            fields: problems.issues,
        })
    };
    row.warnings = problems.warnings;
    Filled {
        result,
        fallback_fields: decoded.fallback_fields,
    }
}

/// The trimmed fields [`fill_row`] parses, `""` for a column the header lacks.
struct ParsedFields<'a> {
    petra_sku: &'a str,
    available: &'a str,
    price: &'a str,
    map: &'a str,
    msrp: &'a str,
    weight_unpacked: &'a str,
    length: &'a str,
    width: &'a str,
    height: &'a str,
    estimated_ship_weight: &'a str,
    upc: &'a str,
    refurb: &'a str,
}

impl<'a> ParsedFields<'a> {
    /// Looks up the fields with one match on the row's storage for all twelve, instead of
    /// one call and one match per field.
    fn new(
        columns: &ColumnMap,
        fields: &'a RowFields,
        text: &'a str,
        raw: &[Span],
    ) -> ParsedFields<'a> {
        match fields {
            RowFields::Utf8(record) => ParsedFields::with(|column| {
                columns
                    .position_of(column)
                    .and_then(|position| record.get(position))
                    .map_or("", trim_text)
            }),
            _ => ParsedFields::with(|column| {
                columns
                    .position_of(column)
                    .map_or("", |position| trim_text(fields.get(position, text, raw)))
            }),
        }
    }

    // Always inlined, so that each caller's lookup is inlined into the twelve calls.
    #[inline(always)]
    fn with(field: impl Fn(Column) -> &'a str) -> ParsedFields<'a> {
        ParsedFields {
            petra_sku: field(Column::PetraSku),
            available: field(Column::Available),
            price: field(Column::Price),
            map: field(Column::Map),
            msrp: field(Column::Msrp),
            weight_unpacked: field(Column::WeightUnpacked),
            length: field(Column::Length),
            width: field(Column::Width),
            height: field(Column::Height),
            estimated_ship_weight: field(Column::EstimatedShipWeight),
            upc: field(Column::Upc),
            refurb: field(Column::Refurb),
        }
    }
}

/// Decodes HTML entities of the text columns that may contain one, appending the cleaned
/// copies to the row's text. Other columns need only trimming, which the accessors do.
fn decode_entities(row: &mut ProdListRow, columns: &ColumnMap) {
    row.decoded_columns = 0;

    let candidates = match &row.fields {
        RowFields::Utf8(record) => {
            let end_of = |position| record.range(position).map_or(0, |range| range.end);
            columns_with_entities(record.text().as_bytes(), record.len(), end_of, columns)
        }
        RowFields::Decoded(_) => {
            let spans = &row.raw;
            let end_of = |position: usize| spans[position].end as usize;
            columns_with_entities(row.text.as_bytes(), spans.len(), end_of, columns)
        }
        RowFields::Empty => 0,
    };

    let mut remaining = candidates;
    while remaining != 0 {
        let column = Column::ALL[remaining.trailing_zeros() as usize];
        remaining &= remaining - 1;
        let Some(position) = columns.position_of(column) else {
            continue;
        };
        let current = trim_text(row.field_at(position));
        let cleaned = match column.text_kind() {
            TextKind::Html => undo_double_encoding(current),
            _ => decode_plain_text(current),
        };
        if let Cow::Owned(cleaned) = cleaned {
            let start = row.text.len() as u32;
            row.text.push_str(&cleaned);
            row.decoded[column.index()] = Span {
                start,
                end: row.text.len() as u32,
            };
            row.decoded_columns |= 1 << column.index();
        }
    }
}

/// Returns a bit set (bit `i` for `Column::ALL[i]`) of the text columns whose field
/// contains `&` followed by a letter, a digit or `#` in the same field. Only such a field
/// can hold an entity (`&bull;`, `&#8217;`) or a double-encoded one (`&amp;bull;`).
///
/// `all` contains the `count` fields in order and `end_of(i)` is the end offset of field
/// `i` in it; offsets must not decrease. Between fields `all` may contain delimiters,
/// quotes and line ends, which cannot start or continue an entity.
fn columns_with_entities(
    all: &[u8],
    count: usize,
    end_of: impl Fn(usize) -> usize,
    columns: &ColumnMap,
) -> u32 {
    let mut candidates = 0u32;
    let mut from = 0;
    // One scan covers the whole row. Most `&` in this feed are a plain `Tools & Home`,
    // which the next-byte check rejects without finding its field.
    while let Some(offset) = find_byte(b'&', &all[from..]) {
        let at = from + offset;
        from = at + 1;
        let opens_entity = all
            .get(at + 1)
            .is_some_and(|next| next.is_ascii_alphanumeric() || *next == b'#');
        if !opens_entity {
            continue;
        }

        // The field holding `at` is the first whose end lies past it.
        let position = first_position(count, |position| end_of(position) > at);
        let end = if position < count {
            end_of(position)
        } else {
            all.len()
        };
        if at + 1 >= end {
            continue;
        }
        let text_column = columns
            .column_at(position)
            .filter(|column| column.text_kind() != TextKind::Verbatim);
        if let Some(column) = text_column {
            candidates |= 1 << column.index();
        }
        // The rest of this field cannot change the outcome.
        from = end.max(from);
    }
    candidates
}

/// Returns the first position in `0..count` for which `past` is true, or `count` when
/// there is none. `past` must be false then true along the positions.
fn first_position(count: usize, past: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if past(middle) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Columns whose field contains `&` followed by a letter, a digit or `#`, field by field.
    fn entity_columns_one_by_one(record: &Record, columns: &ColumnMap) -> u32 {
        let mut candidates = 0;
        for (position, field) in record.iter().enumerate() {
            let opens_entity = field.windows(2).any(|pair| {
                pair[0] == b'&' && (pair[1].is_ascii_alphanumeric() || pair[1] == b'#')
            });
            let text_column = columns
                .column_at(position)
                .filter(|column| column.text_kind() != TextKind::Verbatim);
            if let (true, Some(column)) = (opens_entity, text_column) {
                candidates |= 1 << column.index();
            }
        }
        candidates
    }

    fn scan_record(record: &Record, columns: &ColumnMap) -> u32 {
        let end_of = |position| record.range(position).map_or(0, |range| range.end);
        columns_with_entities(record.bytes(), record.len(), end_of, columns)
    }

    fn all_columns() -> ColumnMap {
        let names: Vec<&str> = Column::ALL.iter().map(|column| column.name()).collect();
        ColumnMap::new(&names)
    }

    #[test]
    fn entity_scan_finds_specs_bullet() {
        let columns = all_columns();
        let mut fields = vec![""; Column::COUNT];
        fields[Column::ProductClass.index()] = "Tools & Home";
        fields[Column::Specs.index()] = "&bull; 5 watt";
        fields[Column::ImageUrl.index()] = "a.jpg?x=1&y=2";
        let found = scan_record(&Record::from_fields(&fields), &columns);

        assert_eq!(found, 1 << Column::Specs.index());
    }

    #[test]
    fn entity_scan_ignores_ampersand_at_field_end() {
        let columns = all_columns();
        let mut fields = vec![""; Column::COUNT];
        fields[Column::Description.index()] = "A &";
        fields[Column::BrandName.index()] = "bull;";
        let found = scan_record(&Record::from_fields(&fields), &columns);

        assert_eq!(found, 0);
    }

    proptest! {
        #[test]
        fn entity_scan_matches_field_by_field(
            fields in proptest::collection::vec("[a&#; ]{0,5}", 0..32)
        ) {
            let columns = all_columns();
            let record = Record::from_fields(&fields);

            let found = scan_record(&record, &columns);

            prop_assert_eq!(found, entity_columns_one_by_one(&record, &columns));
        }
    }
}

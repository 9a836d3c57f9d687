//! The typed ProdList row, per-row errors and warnings.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::decode::Span;
use super::header::{trim_text, Column, ColumnMap};
use super::record::{Record, Utf8Record};
use super::values::{self, Upc};
use crate::ids::Sku;

/// One data row of a ProdList feed, decoded and validated.
///
/// Text accessors return `None` for a blank field or a column the file lacks. Plain-text
/// columns come trimmed with HTML entities decoded; LONG DESC and SPECS keep their markup.
/// [`ProdListRow::field`] returns any column's decoded text by header name, untrimmed.
///
/// The reader does the costly work before it returns the row. It decodes every field
/// (UTF-8, or Windows-1252 where a field is not valid UTF-8) and the entities of the text
/// columns that contain one. It also parses and validates every typed column (quantity,
/// money, measurements, UPC, flags). Text accessors only trim, on each call.
#[derive(Clone)]
pub struct ProdListRow {
    pub(crate) line: u64,
    pub(crate) columns: Arc<ColumnMap>,
    pub(crate) fields: RowFields,
    /// Fields decoded from Windows-1252 (for [`RowFields::Decoded`]), then the
    /// entity-decoded copies of text columns.
    pub(crate) text: String,
    /// One span per field of the record, into `text`, for [`RowFields::Decoded`] only.
    pub(crate) raw: Vec<Span>,
    /// Entity-decoded text of the known columns whose bit is set in `decoded_columns`.
    pub(crate) decoded: [Span; Column::COUNT],
    /// Bit `i` set: `decoded[i]` contains the cleaned text of `Column::ALL[i]`.
    pub(crate) decoded_columns: u32,
    pub(crate) petra_sku: Sku,
    pub(crate) available: u64,
    pub(crate) price: Option<Decimal>,
    pub(crate) map: Option<Decimal>,
    pub(crate) msrp: Option<Decimal>,
    pub(crate) weight_unpacked: Option<Decimal>,
    pub(crate) length: Option<Decimal>,
    pub(crate) width: Option<Decimal>,
    pub(crate) height: Option<Decimal>,
    pub(crate) estimated_ship_weight: Option<Decimal>,
    pub(crate) upc: Option<Upc>,
    pub(crate) refurb: bool,
    pub(crate) discontinued: bool,
    pub(crate) warnings: Vec<FeedWarning>,
}

/// The fields of a row as the file contains them.
#[derive(Clone)]
pub(crate) enum RowFields {
    /// Every field is valid UTF-8 and is read in place.
    Utf8(Utf8Record),
    /// Some field needed the Windows-1252 fallback, so every field was decoded into the
    /// row's text. The record is kept only to reuse its buffer for the next row.
    Decoded(Record),
    /// Not filled yet.
    Empty,
}

impl RowFields {
    /// Returns the field at `position`, `""` past the row's end. `text` and `raw` are the
    /// row's, used for [`RowFields::Decoded`].
    #[inline]
    pub(crate) fn get<'a>(&'a self, position: usize, text: &'a str, raw: &[Span]) -> &'a str {
        let field = match self {
            RowFields::Utf8(record) => record.get(position),
            RowFields::Decoded(_) => raw.get(position).map(|span| span.get(text)),
            RowFields::Empty => None,
        };
        field.unwrap_or_default()
    }
}

impl ProdListRow {
    /// Creates a row with no fields, to be filled by the reader.
    pub(crate) fn empty(columns: Arc<ColumnMap>) -> Self {
        ProdListRow {
            line: 0,
            columns,
            fields: RowFields::Empty,
            text: String::new(),
            raw: Vec::new(),
            decoded: [Span::default(); Column::COUNT],
            decoded_columns: 0,
            petra_sku: Sku::new(""),
            available: 0,
            price: None,
            map: None,
            msrp: None,
            weight_unpacked: None,
            length: None,
            width: None,
            height: None,
            estimated_ship_weight: None,
            upc: None,
            refurb: false,
            discontinued: false,
            warnings: Vec::new(),
        }
    }

    /// Physical line (1-based) where the row starts in the file.
    #[inline]
    pub fn line(&self) -> u64 {
        self.line
    }

    /// PETRA SKU, Petra's item id. Never empty: a row without one is a [`RowError`].
    #[inline]
    pub fn petra_sku(&self) -> &Sku {
        &self.petra_sku
    }

    /// VENDOR SKU, the manufacturer part number; may equal the PETRA SKU.
    #[inline]
    pub fn vendor_sku(&self) -> Option<&str> {
        self.text(Column::VendorSku)
    }

    /// DESCRIPTION, Petra's short upper-case title.
    #[inline]
    pub fn description(&self) -> Option<&str> {
        self.text(Column::Description)
    }

    /// AVAILABLE, the quantity Petra can ship.
    #[inline]
    pub fn available(&self) -> u64 {
        self.available
    }

    /// PRICE, the dealer cost in USD.
    #[inline]
    pub fn price(&self) -> Option<Decimal> {
        self.price
    }

    #[inline]
    pub fn brand_name(&self) -> Option<&str> {
        self.text(Column::BrandName)
    }

    #[inline]
    pub fn weight_unpacked(&self) -> Option<Decimal> {
        self.weight_unpacked
    }

    #[inline]
    pub fn product_class(&self) -> Option<&str> {
        self.text(Column::ProductClass)
    }

    /// UPC, check digit verified; an 11-digit value has its leading zero restored. `None`
    /// when the field is blank, in scientific notation or fails its check digit, the last
    /// two with a warning.
    #[inline]
    pub fn upc(&self) -> Option<&Upc> {
        self.upc.as_ref()
    }

    /// LONG DESC as HTML: markup and single entities kept, double encoding undone.
    #[inline]
    pub fn long_desc(&self) -> Option<&str> {
        self.text(Column::LongDesc)
    }

    #[inline]
    pub fn keywords(&self) -> Option<&str> {
        self.text(Column::Keywords)
    }

    /// SPECS as HTML: markup and single entities kept, double encoding undone.
    #[inline]
    pub fn specs(&self) -> Option<&str> {
        self.text(Column::Specs)
    }

    #[inline]
    pub fn subcategory(&self) -> Option<&str> {
        self.text(Column::Subcategory)
    }

    #[inline]
    pub fn notes1(&self) -> Option<&str> {
        self.text(Column::Notes1)
    }

    /// REFURB: `Y` is true, `N` or blank is false.
    #[inline]
    pub fn refurb(&self) -> bool {
        self.refurb
    }

    #[inline]
    pub fn length(&self) -> Option<Decimal> {
        self.length
    }

    #[inline]
    pub fn width(&self) -> Option<Decimal> {
        self.width
    }

    #[inline]
    pub fn height(&self) -> Option<Decimal> {
        self.height
    }

    /// MAP, the minimum advertised price; `None` when blank, `N/A` or 0.
    #[inline]
    pub fn map(&self) -> Option<Decimal> {
        self.map
    }

    #[inline]
    pub fn returnable(&self) -> Option<&str> {
        self.text(Column::Returnable)
    }

    #[inline]
    pub fn estimated_ship_weight(&self) -> Option<Decimal> {
        self.estimated_ship_weight
    }

    #[inline]
    pub fn notes2(&self) -> Option<&str> {
        self.text(Column::Notes2)
    }

    #[inline]
    pub fn subcategory2(&self) -> Option<&str> {
        self.text(Column::Subcategory2)
    }

    #[inline]
    pub fn subcategory3(&self) -> Option<&str> {
        self.text(Column::Subcategory3)
    }

    #[inline]
    pub fn msrp(&self) -> Option<Decimal> {
        self.msrp
    }

    /// PO ETA DATE as written; Petra documents no date format for it.
    #[inline]
    pub fn po_eta_date(&self) -> Option<&str> {
        self.text(Column::PoEtaDate)
    }

    #[inline]
    pub fn warranty(&self) -> Option<&str> {
        self.text(Column::Warranty)
    }

    #[inline]
    pub fn image_url(&self) -> Option<&str> {
        self.text(Column::ImageUrl)
    }

    /// Returns true when NOTES1 marks the product discontinued.
    #[inline]
    pub fn is_discontinued(&self) -> bool {
        self.discontinued
    }

    /// Cleaned text of a known column (trimmed; entities decoded in plain-text columns),
    /// or `None` when blank or absent from the file.
    #[inline]
    pub fn text(&self, column: Column) -> Option<&str> {
        let value = if self.decoded_columns & (1 << column.index()) != 0 {
            self.decoded[column.index()].get(&self.text)
        } else {
            trim_text(self.field_at(self.columns.position_of(column)?))
        };
        (!value.is_empty()).then_some(value)
    }

    /// Decoded text of the column with this header name (trimmed, without letter case),
    /// exactly as the file contains it: not trimmed, entities not decoded. `None` when the
    /// header has no such column; `Some("")` when the row leaves it blank.
    #[inline]
    pub fn field(&self, name: &str) -> Option<&str> {
        let position = self.columns.position(name)?;
        Some(self.field_at(position))
    }

    /// Decoded text of the field at this position, `""` past the row's end.
    #[inline]
    pub fn field_at(&self, position: usize) -> &str {
        self.fields.get(position, &self.text, &self.raw)
    }

    /// Returns true when the field at this position is an amount (PRICE, MAP, MSRP, a
    /// weight or a size) written `N/A` or `NA`, which the row reads as absent with a
    /// warning.
    pub fn is_not_available(&self, position: usize) -> bool {
        self.columns
            .column_at(position)
            .is_some_and(Column::is_amount)
            && values::is_not_available(self.field_at(position))
    }

    /// Returns the CSV record of a row whose fields are all valid UTF-8, with the fields
    /// the `csv` crate would split, so callers can fingerprint the row. `None` when a
    /// field needed the Windows-1252 fallback.
    pub fn utf8_record(&self) -> Option<&Utf8Record> {
        match &self.fields {
            RowFields::Utf8(record) => Some(record),
            _ => None,
        }
    }

    /// Takes the record buffer of the previous row, for the reader to read into.
    pub(crate) fn take_record(&mut self) -> Option<Record> {
        match std::mem::replace(&mut self.fields, RowFields::Empty) {
            RowFields::Utf8(record) => Some(record.into_record()),
            RowFields::Decoded(record) => Some(record),
            RowFields::Empty => None,
        }
    }

    /// Returns the header this row was read with.
    pub fn columns(&self) -> &ColumnMap {
        &self.columns
    }

    /// Problems that did not reject the row: a repaired or dropped UPC, an `N/A` price, an
    /// unreadable measurement.
    pub fn warnings(&self) -> &[FeedWarning] {
        &self.warnings
    }
}

impl fmt::Debug for ProdListRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProdListRow")
            .field("line", &self.line)
            .field("petra_sku", &self.petra_sku)
            .field("description", &self.description())
            .field("available", &self.available)
            .field("price", &self.price)
            .field("map", &self.map)
            .field("msrp", &self.msrp)
            .field("upc", &self.upc)
            .field("refurb", &self.refurb)
            .field("discontinued", &self.discontinued)
            .field("warnings", &self.warnings.len())
            .finish_non_exhaustive()
    }
}

/// One invalid field of a rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// Column name as Petra writes it.
    pub column: String,
    /// The decoded field as the file contains it.
    pub raw_value: String,
    pub reason: String,
}

/// A row the reader rejected. The reader goes on with the next row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct RowError {
    /// Physical line (1-based) where the row starts.
    pub line: u64,
    /// PETRA SKU when the row has one.
    pub petra_sku: Option<Sku>,
    /// Every invalid field of the row; never empty.
    pub fields: Vec<FieldIssue>,
}

impl RowError {
    fn describe(&self) -> String {
        let sku = self
            .petra_sku
            .as_ref()
            .map_or_else(String::new, |sku| format!(" (PETRA SKU {sku})"));
        let fields = self
            .fields
            .iter()
            .map(|issue| format!("{} {:?}: {}", issue.column, issue.raw_value, issue.reason))
            .collect::<Vec<_>>()
            .join("; ");
        format!("ProdList row at line {}{sku} rejected: {fields}", self.line)
    }
}

/// A problem the reader worked around: in a row (the row is still returned) or in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedWarning {
    /// Physical line (1-based) of the row or header concerned.
    pub line: u64,
    pub petra_sku: Option<Sku>,
    /// Column name, when the warning concerns one field.
    pub column: Option<String>,
    pub raw_value: String,
    pub message: String,
}

impl fmt::Display for FeedWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(sku) = &self.petra_sku {
            write!(f, " (PETRA SKU {sku})")?;
        }
        if let Some(column) = &self.column {
            write!(f, " {column} {:?}", self.raw_value)?;
        }
        write!(f, ": {}", self.message)
    }
}

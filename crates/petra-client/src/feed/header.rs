//! The 28 ProdList columns and the map from column names to positions in one file.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// A column of Petra's ProdList.csv, in Petra's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Column {
    VendorSku,
    PetraSku,
    Description,
    Available,
    Price,
    BrandName,
    WeightUnpacked,
    ProductClass,
    Upc,
    LongDesc,
    Keywords,
    Specs,
    Subcategory,
    Notes1,
    Refurb,
    Length,
    Width,
    Height,
    Map,
    Returnable,
    EstimatedShipWeight,
    Notes2,
    Subcategory2,
    Subcategory3,
    Msrp,
    PoEtaDate,
    Warranty,
    ImageUrl,
}

/// Text treatment of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    /// Identifiers, numbers and URLs: trimmed, entities left alone.
    Verbatim,
    /// Plain text: trimmed and HTML entities decoded.
    Plain,
    /// HTML markup: trimmed, markup kept, double encoding undone.
    Html,
}

impl Column {
    /// Number of ProdList columns.
    pub const COUNT: usize = 28;

    /// Every column in Petra's order.
    pub const ALL: [Column; Column::COUNT] = [
        Column::VendorSku,
        Column::PetraSku,
        Column::Description,
        Column::Available,
        Column::Price,
        Column::BrandName,
        Column::WeightUnpacked,
        Column::ProductClass,
        Column::Upc,
        Column::LongDesc,
        Column::Keywords,
        Column::Specs,
        Column::Subcategory,
        Column::Notes1,
        Column::Refurb,
        Column::Length,
        Column::Width,
        Column::Height,
        Column::Map,
        Column::Returnable,
        Column::EstimatedShipWeight,
        Column::Notes2,
        Column::Subcategory2,
        Column::Subcategory3,
        Column::Msrp,
        Column::PoEtaDate,
        Column::Warranty,
        Column::ImageUrl,
    ];

    /// Columns a row must have for the header to count as found.
    pub const REQUIRED: [Column; 4] = [
        Column::PetraSku,
        Column::Description,
        Column::Available,
        Column::Price,
    ];

    /// Returns the column name as Petra writes it in the header row.
    pub const fn name(self) -> &'static str {
        match self {
            Column::VendorSku => "VENDOR SKU",
            Column::PetraSku => "PETRA SKU",
            Column::Description => "DESCRIPTION",
            Column::Available => "AVAILABLE",
            Column::Price => "PRICE",
            Column::BrandName => "BRAND NAME",
            Column::WeightUnpacked => "WEIGHT-UNPACKED",
            Column::ProductClass => "PRODUCT CLASS",
            Column::Upc => "UPC",
            Column::LongDesc => "LONG DESC",
            Column::Keywords => "KEYWORDS",
            Column::Specs => "SPECS",
            Column::Subcategory => "SUBCATEGORY",
            Column::Notes1 => "NOTES1",
            Column::Refurb => "REFURB",
            Column::Length => "LENGTH",
            Column::Width => "WIDTH",
            Column::Height => "HEIGHT",
            Column::Map => "MAP",
            Column::Returnable => "RETURNABLE",
            Column::EstimatedShipWeight => "ESTIMATED SHIP WEIGHT",
            Column::Notes2 => "NOTES2",
            Column::Subcategory2 => "SUBCATEGORY2",
            Column::Subcategory3 => "SUBCATEGORY3",
            Column::Msrp => "MSRP",
            Column::PoEtaDate => "PO ETA DATE",
            Column::Warranty => "WARRANTY",
            Column::ImageUrl => "IMAGE URL",
        }
    }

    /// Finds the column with this name, trimmed and compared without letter case.
    pub fn from_name(name: &str) -> Option<Column> {
        let name = trim_text(name);
        Column::ALL
            .into_iter()
            .find(|column| column.name().eq_ignore_ascii_case(name))
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// Returns true for the columns read as amounts: PRICE, MAP, MSRP, the weights and the
    /// sizes.
    pub(crate) const fn is_amount(self) -> bool {
        matches!(
            self,
            Column::Price
                | Column::Map
                | Column::Msrp
                | Column::WeightUnpacked
                | Column::Length
                | Column::Width
                | Column::Height
                | Column::EstimatedShipWeight
        )
    }

    pub(crate) const fn text_kind(self) -> TextKind {
        match self {
            Column::Description
            | Column::BrandName
            | Column::ProductClass
            | Column::Keywords
            | Column::Subcategory
            | Column::Notes1
            | Column::Returnable
            | Column::Notes2
            | Column::Subcategory2
            | Column::Subcategory3
            | Column::PoEtaDate
            | Column::Warranty => TextKind::Plain,
            Column::LongDesc | Column::Specs => TextKind::Html,
            _ => TextKind::Verbatim,
        }
    }

    /// Comma-separated names of the required columns, for messages.
    pub(crate) fn required_names() -> String {
        Column::REQUIRED
            .iter()
            .map(|column| column.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Trims whitespace plus the two invisible characters feeds carry at field edges:
/// the byte order mark U+FEFF (which `str::trim` keeps) and the zero-width space U+200B.
#[inline]
pub(crate) fn trim_text(text: &str) -> &str {
    // Most fields start and end with a visible ASCII byte, so skip the char scan for them.
    let bytes = text.as_bytes();
    let visible = |byte: &u8| byte.is_ascii_graphic();
    if bytes.first().is_none_or(visible) && bytes.last().is_none_or(visible) {
        return text;
    }
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}')
}

/// The header of one feed file: its column names and where each known column sits.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    names: Vec<String>,
    by_name: HashMap<String, usize>,
    known: [Option<usize>; Column::COUNT],
    /// The known column read from each position; `None` for unknown or repeated names.
    by_position: Vec<Option<Column>>,
    duplicates: Vec<String>,
}

impl ColumnMap {
    /// Builds the map from header names. The first occurrence of a repeated name wins,
    /// because some exports append a second block of the same column names.
    pub(crate) fn new(header: &[&str]) -> ColumnMap {
        let mut names = Vec::with_capacity(header.len());
        let mut by_name = HashMap::with_capacity(header.len());
        let mut known = [None; Column::COUNT];
        let mut by_position = vec![None; header.len()];
        let mut duplicates = Vec::new();

        for (position, raw) in header.iter().enumerate() {
            let name = trim_text(raw).to_owned();
            let key = name.to_ascii_uppercase();

            if !key.is_empty() {
                match by_name.entry(key) {
                    Entry::Occupied(_) => duplicates.push(name.clone()),
                    Entry::Vacant(slot) => {
                        slot.insert(position);
                        if let Some(column) = Column::from_name(&name) {
                            known[column.index()] = Some(position);
                            by_position[position] = Some(column);
                        }
                    }
                }
            }
            names.push(name);
        }

        ColumnMap {
            names,
            by_name,
            known,
            by_position,
            duplicates,
        }
    }

    /// Returns true when `fields` names every required column.
    pub(crate) fn is_header(fields: &[&str]) -> bool {
        Column::REQUIRED.iter().all(|required| {
            fields
                .iter()
                .any(|field| trim_text(field).eq_ignore_ascii_case(required.name()))
        })
    }

    /// Returns the header's column names, trimmed, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Position of the column with this name (trimmed, without letter case).
    pub fn position(&self, name: &str) -> Option<usize> {
        let key = trim_text(name).to_ascii_uppercase();
        self.by_name.get(&key).copied()
    }

    /// Position of a known column, or `None` when the file lacks it.
    #[inline]
    pub fn position_of(&self, column: Column) -> Option<usize> {
        self.known[column.index()]
    }

    /// Returns the known column read from this position, if any.
    #[inline]
    pub(crate) fn column_at(&self, position: usize) -> Option<Column> {
        self.by_position.get(position).copied().flatten()
    }

    /// Names that appeared more than once; only their first occurrence is read.
    pub fn duplicate_names(&self) -> &[String] {
        &self.duplicates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_lookup_ignores_case() {
        assert_eq!(Column::from_name(" petra sku "), Some(Column::PetraSku));
    }

    #[test]
    fn trim_text_removes_bom() {
        assert_eq!(trim_text("\u{FEFF}VENDOR SKU\u{200B} "), "VENDOR SKU");
    }

    #[test]
    fn repeated_names_keep_first() {
        let map = ColumnMap::new(&["PETRA SKU", "PRICE", "petra sku"]);

        assert_eq!(map.position_of(Column::PetraSku), Some(0));
        assert_eq!(map.duplicate_names(), ["petra sku"]);
    }
}

//! A deterministic synthetic ProdList.csv in Petra's real layout, for sample catalogs,
//! demos and benchmarks.

use std::io::{self, Write};

use csv::{ByteRecord, Terminator, WriterBuilder};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::header::Column;
use super::values::check_digit;

/// Size and seed of a generated feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorOptions {
    /// Data rows to write.
    pub rows: u64,
    /// Seed of the pseudo-random choices; the same seed writes the same bytes.
    pub seed: u64,
}

const PREAMBLE: &[u8] = b"Petra Industries Product List\r\nDealer price file, synthetic sample\r\n";

const BRANDS: &[(&str, &str)] = &[
    ("ELECHOMES", "ELE"),
    ("OHUHU (R)", "OHU"),
    ("3PLUS(R)", "3PL"),
    ("JBL", "JBL"),
    ("SONY", "SNY"),
    ("BELKIN", "BLK"),
    ("ANKER", "ANK"),
    ("CUISINART", "CUI"),
    ("HAMILTON BEACH", "HBC"),
    ("COLEMAN", "COL"),
];

const NOUNS: &[&str] = &[
    "AIR PURIFIER",
    "BT SPEAKER",
    "USB-C CABLE",
    "MARKER SET",
    "FITNESS TRCKR",
    "HEADPHONES",
    "POWER BANK",
    "COFFEE MAKER",
    "LANTERN",
    "SMART WATCH",
];

const COLORS: &[(&str, &str)] = &[
    ("BLK", "Black"),
    ("WHT", "White"),
    ("BLU", "Blue"),
    ("RED", "Red"),
    ("TL", "Teal"),
];

/// Subcategories as raw bytes: `Home D\xE9cor` is Windows-1252, as in Petra's own file.
const SUBCATEGORIES: &[&[u8]] = &[
    b"Home D\xE9cor",
    b"Arts, Crafts & Sewing",
    b"Heating & Cooling",
    b"Portable Audio",
    b"Fitness Technology & Equipment",
    b"Kitchen Appliances",
    b"Camping & Hiking",
    b"Cables & Adapters",
];

const PRODUCT_CLASSES: &[&str] = &[
    "Tools & Home Improvement",
    "Electronics",
    "Home & Kitchen",
    "Sports & Outdoors",
];

/// Writes a synthetic ProdList.csv of `options.rows` data rows to `out`: two preamble
/// lines, the 28-column header and CRLF line ends.
///
/// The rows carry the quirks of Petra's real file: quoted fields with commas and line
/// breaks, `&bull;` entities in SPECS, Windows-1252 bytes next to UTF-8, blank or zero
/// MAP and blank MSRP. Every row is valid, so a reader returns `options.rows` rows and no
/// row errors. Output depends only on the options and the `rand` version in the lock file.
///
/// ```no_run
/// use petra_client::feed::{generate, GeneratorOptions};
///
/// let file = std::fs::File::create("ProdList.csv")?;
/// generate(file, GeneratorOptions { rows: 1_000, seed: 7 })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate<W: Write>(out: W, options: GeneratorOptions) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    out.write_all(PREAMBLE)?;

    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(out);
    writer.write_record(Column::ALL.iter().map(|column| column.name()))?;

    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut record = ByteRecord::new();
    let mut row = RowText::default();
    for index in 0..options.rows {
        row.fill(&mut rng, index);
        record.clear();
        for field in row.fields() {
            record.push_field(field);
        }
        writer.write_byte_record(&record)?;
    }

    writer.flush()?;
    let out = writer.into_inner().map_err(|error| error.into_error())?;
    out.into_inner().map_err(|error| error.into_error())?;
    Ok(())
}

/// The fields of one generated row, reused from row to row.
#[derive(Default)]
struct RowText {
    fields: [Vec<u8>; Column::COUNT],
}

impl RowText {
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        self.fields.iter().map(Vec::as_slice)
    }

    fn set(&mut self, column: Column, value: impl AsRef<[u8]>) {
        let field = &mut self.fields[column as usize];
        field.clear();
        field.extend_from_slice(value.as_ref());
    }

    fn fill(&mut self, rng: &mut StdRng, index: u64) {
        for field in &mut self.fields {
            field.clear();
        }

        let (brand, code) = BRANDS[rng.random_range(0..BRANDS.len())];
        let noun = NOUNS[rng.random_range(0..NOUNS.len())];
        let (color_code, color) = COLORS[rng.random_range(0..COLORS.len())];
        let petra_sku = format!("1{code}{index:07}{color_code}");

        self.set(Column::VendorSku, format!("{code}-{index:06}-{color_code}"));
        self.set(Column::PetraSku, &petra_sku);
        let mut description = format!("{noun} {color_code}");
        if rng.random_bool(0.001) {
            // A trailing zero-width space, written as UTF-8 as in Petra's file.
            description.push('\u{200B}');
        }
        self.set(Column::Description, description);

        let available = match rng.random_range(0..100) {
            0..25 => 0,
            25..99 => rng.random_range(1..500),
            _ => rng.random_range(1_000..20_000),
        };
        self.set(Column::Available, group_thousands(available));

        let cents: u64 = rng.random_range(199..150_000);
        self.set(Column::Price, money(cents));
        self.set(Column::BrandName, brand);
        if rng.random_bool(0.2) {
            self.set(
                Column::WeightUnpacked,
                format!("{}.{}", rng.random_range(0..30), rng.random_range(0..10)),
            );
        }
        if rng.random_bool(0.5) {
            self.set(
                Column::ProductClass,
                PRODUCT_CLASSES[rng.random_range(0..PRODUCT_CLASSES.len())],
            );
        }
        if rng.random_bool(0.3) {
            self.set(Column::Upc, upc_a(rng.random_range(0..100_000_000_000)));
        }

        self.fill_long_desc(rng, brand, noun, color, index);
        self.set(Column::Keywords, format!("{noun} ({color})"));
        if rng.random_bool(0.3) {
            self.set(
                Column::Specs,
                format!(
                    "&bull; {} watt power draw;&bull; Covers {} sq. ft.;",
                    rng.random_range(5..150),
                    rng.random_range(50..900)
                ),
            );
        }
        self.set(
            Column::Subcategory,
            SUBCATEGORIES[rng.random_range(0..SUBCATEGORIES.len())],
        );
        if rng.random_bool(0.02) {
            self.set(Column::Notes1, "DISCONTINUED");
        }
        self.set(
            Column::Refurb,
            if rng.random_bool(0.03) { "Y" } else { "N" },
        );

        match rng.random_range(0..10) {
            0..5 => {}
            5..7 => self.set(Column::Map, "0"),
            _ => self.set(Column::Map, money(cents + cents / 10)),
        }
        if rng.random_bool(0.7) {
            // Dealer cost can exceed MSRP in Petra's data, so a few rows do.
            let msrp = if rng.random_bool(0.02) {
                cents - cents / 20
            } else {
                cents + cents / 5
            };
            self.set(Column::Msrp, money(msrp));
        }
        if rng.random_bool(0.05) {
            self.set(
                Column::PoEtaDate,
                format!("07/{:02}/2026", rng.random_range(1..29)),
            );
        }
        if rng.random_bool(0.2) {
            self.set(Column::Warranty, "1 Year Limited");
        }
        self.set(
            Column::ImageUrl,
            format!("https://petraimages.com.s3.amazonaws.com/600x600/{petra_sku}.jpg"),
        );
    }

    fn fill_long_desc(
        &mut self,
        rng: &mut StdRng,
        brand: &str,
        noun: &str,
        color: &str,
        index: u64,
    ) {
        let field = &mut self.fields[Column::LongDesc as usize];
        let _ = write!(
            field,
            "{brand} {index} {} with LED Status Light ({color}, 2-Pack)",
            noun.to_lowercase()
        );
        if rng.random_bool(0.02) {
            // An en dash as the single Windows-1252 byte 0x96.
            field.extend_from_slice(b" 10 \x96 20 mm");
        }
        if rng.random_bool(0.05) {
            field.extend_from_slice(b"\n<p>Ships in retail \"gift\" box</p>");
        }
    }
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", group_thousands(cents / 100), cents % 100)
}

/// Formats with `,` thousands separators, as spreadsheets export larger numbers.
fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Formats an 11-digit number as a UPC-A with its check digit.
fn upc_a(body: u64) -> String {
    let digits = format!("{body:011}");
    let check = check_digit(&digits);
    format!("{digits}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_grouped() {
        assert_eq!(group_thousands(1_249), "1,249");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn generated_upc_verifies() {
        assert_eq!(upc_a(3_600_029_145), "036000291452");
    }
}

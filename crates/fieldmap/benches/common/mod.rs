//! The feed reader and the hand-written mapping shared by the benchmarks.

use std::borrow::Cow;
use std::hint::black_box;
use std::path::PathBuf;

use fieldmap::{compile, defaults, schemas, MappedRecord, Plan, SourceSchema, Value};
use rust_decimal::Decimal;

/// The feed rows, the default ProdList inventory plan and the hand-written mapping's
/// column positions, checked to agree with each other.
pub struct Setup {
    pub rows: Vec<Vec<String>>,
    pub plan: Plan,
    pub columns: Columns,
}

/// Reads the feed, compiles the template and panics unless both mappings agree.
pub fn setup() -> Setup {
    let (header, rows) = read_feed();
    let source = SourceSchema::from_columns("prodlist", &header);
    let template = defaults::template("petra-prodlist-inventory").unwrap();
    let plan = compile(&template, &source, &schemas::inventory()).unwrap();
    let columns = Columns::new(&header);
    check_agreement(&plan, &rows, &columns);
    Setup {
        rows,
        plan,
        columns,
    }
}

/// Maps `records` records, cycling through the rows, with `Plan::map_into` into one
/// reused output record, as a consumer of a stream would. Returns how many mapped.
pub fn map_engine(plan: &Plan, rows: &[Vec<String>], records: usize) -> usize {
    let mut output = MappedRecord::default();
    let mut mapped = 0_usize;
    for index in 0..records {
        let row = &rows[index % rows.len()];
        if plan.map_into(row, index as u64, &mut output).is_ok() {
            black_box(&output);
            mapped += 1;
        }
    }
    mapped
}

/// Maps `records` records, cycling through the rows, by hand. Returns how many mapped.
pub fn map_hand_written(rows: &[Vec<String>], columns: &Columns, records: usize) -> usize {
    let mut mapped = 0_usize;
    for index in 0..records {
        let row = &rows[index % rows.len()];
        if black_box(map_by_hand(row, columns)).is_ok() {
            mapped += 1;
        }
    }
    mapped
}

pub fn feed_path() -> PathBuf {
    std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        })
}

/// Decodes a field as UTF-8, or as Windows-1252 when it is not valid UTF-8.
pub fn decode_field(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Reads the header and rows, skipping the two preamble lines.
pub fn read_feed() -> (Vec<String>, Vec<Vec<String>>) {
    let path = feed_path();
    let bytes = std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "real ProdList feed missing at {} ({error}); set PETRA_REAL_FEED",
            path.display()
        )
    });
    let body_start = bytes
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'\n')
        .nth(1)
        .map(|(position, _)| position + 1)
        .expect("two preamble lines");

    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[body_start..]);
    let header = reader
        .byte_headers()
        .unwrap()
        .iter()
        .map(decode_field)
        .collect();
    let rows = reader
        .byte_records()
        .map(|record| record.unwrap().iter().map(decode_field).collect())
        .collect();
    (header, rows)
}

/// The hand-written counterpart of the default ProdList inventory template.
#[derive(Debug, PartialEq)]
pub struct InventoryItem {
    sku: String,
    parent_sku: String,
    title: String,
    description: String,
    brand: String,
    cost: Decimal,
    msrp: Option<Decimal>,
    map: Option<Decimal>,
    quantity: Decimal,
    upc: Option<String>,
    image_url: String,
    condition: &'static str,
    discontinued: bool,
}

/// Column positions, resolved once from the header like the engine's compile step.
pub struct Columns {
    vendor_sku: usize,
    petra_sku: usize,
    description: usize,
    available: usize,
    price: usize,
    brand: usize,
    upc: usize,
    long_desc: usize,
    notes1: usize,
    refurb: usize,
    map: usize,
    msrp: usize,
    image_url: usize,
}

impl Columns {
    pub fn new(header: &[String]) -> Self {
        let find = |name: &str| header.iter().position(|column| column == name).unwrap();
        Self {
            vendor_sku: find("VENDOR SKU"),
            petra_sku: find("PETRA SKU"),
            description: find("DESCRIPTION"),
            available: find("AVAILABLE"),
            price: find("PRICE"),
            brand: find("BRAND NAME"),
            upc: find("UPC"),
            long_desc: find("LONG DESC"),
            notes1: find("NOTES1"),
            refurb: find("REFURB"),
            map: find("MAP"),
            msrp: find("MSRP"),
            image_url: find("IMAGE URL"),
        }
    }
}

/// Tags whose boundary separates words, as in the template's `strip_html`.
const BLOCK_TAGS: [&str; 16] = [
    "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
];

/// Removes tags and comments; a block tag leaves one space between words, and a `<`
/// without a closing `>` is kept as text.
fn strip_tags(text: &str) -> Cow<'_, str> {
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let mut output = String::with_capacity(text.len());
    let mut space_due = false;
    let mut rest = text;
    loop {
        let Some(open) = rest.find('<') else {
            push_words(&mut output, rest, &mut space_due);
            break;
        };
        push_words(&mut output, &rest[..open], &mut space_due);
        let tag = &rest[open..];
        let Some(close) = tag.find('>') else {
            push_words(&mut output, tag, &mut space_due);
            break;
        };
        let name: String = tag[1..close]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        space_due |= BLOCK_TAGS
            .iter()
            .any(|block| block.eq_ignore_ascii_case(&name));
        rest = &tag[close + 1..];
    }
    Cow::Owned(output)
}

fn push_words(output: &mut String, text: &str, space_due: &mut bool) {
    if text.is_empty() {
        return;
    }
    let needs_space = !output.is_empty()
        && !output.ends_with(char::is_whitespace)
        && !text.starts_with(char::is_whitespace);
    if *space_due && needs_space {
        output.push(' ');
    }
    *space_due = false;
    output.push_str(text);
}

/// Decodes entities, strips tags, removes zero-width spaces and trims.
fn clean_text(text: &str) -> String {
    let decoded = if text.contains('&') {
        html_escape::decode_html_entities(text)
    } else {
        Cow::Borrowed(text)
    };
    let stripped = strip_tags(&decoded);
    if stripped.contains('\u{200b}') {
        stripped.replace('\u{200b}', "").trim().to_owned()
    } else {
        stripped.trim().to_owned()
    }
}

/// Parses a US-style amount: surrounding whitespace, one sign, one currency sign,
/// thousands separators only in groups of three, one decimal point. Blank is `None`.
fn money(text: &str) -> Result<Option<Decimal>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || format!("not a number: {text:?}");

    let (negative, unsigned) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let amount = unsigned.strip_prefix(['$', '€', '£']).unwrap_or(unsigned);
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if !all_digits(fraction) || fraction.len() > 28 {
        return Err(invalid());
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let first_ok = (1..=3).contains(&first.len()) && all_digits(first);
        if !first_ok || !groups.all(|group| group.len() == 3 && all_digits(group)) {
            return Err(invalid());
        }
    } else if !all_digits(whole) {
        return Err(invalid());
    }
    if whole.is_empty() && fraction.is_empty() {
        return Err(invalid());
    }

    let digits: Cow<'_, str> = if whole.contains(',') {
        Cow::Owned(whole.replace(',', ""))
    } else {
        Cow::Borrowed(whole)
    };
    let mut mantissa: i128 = 0;
    for byte in digits.bytes().chain(fraction.bytes()) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|value| value.checked_add(i128::from(byte - b'0')))
            .ok_or_else(invalid)?;
    }
    let signed = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(signed, fraction.len() as u32)
        .map(Some)
        .map_err(|_| invalid())
}

/// Normalises a GTIN: spaces and hyphens removed, an 11-digit UPC-A gets its leading
/// zero back, the check digit must hold. Blank or invalid is `None`.
fn gtin(text: &str) -> Option<String> {
    let mut digits: String = text
        .chars()
        .filter(|character| !matches!(character, ' ' | '-'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    if digits.len() == 11 {
        digits.insert(0, '0');
    }
    if ![8, 12, 13, 14].contains(&digits.len()) {
        return None;
    }
    let bytes = digits.as_bytes();
    let (payload, check) = bytes.split_at(bytes.len() - 1);
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(position, byte)| u32::from(byte - b'0') * if position % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10 == u32::from(check[0] - b'0')).then_some(digits)
}

pub fn map_by_hand(row: &[String], columns: &Columns) -> Result<InventoryItem, String> {
    let long_desc = &row[columns.long_desc];
    let title = if long_desc.trim().is_empty() {
        row[columns.description].trim().to_owned()
    } else {
        clean_text(long_desc)
    };
    let map = money(&row[columns.map])?.filter(|map| *map > Decimal::ZERO);
    let refurb = row[columns.refurb].trim();
    let condition = if refurb.eq_ignore_ascii_case("y") {
        "refurbished"
    } else {
        "new"
    };

    let item = InventoryItem {
        sku: row[columns.petra_sku].trim().to_owned(),
        parent_sku: row[columns.vendor_sku].trim().to_owned(),
        title,
        description: clean_text(long_desc),
        brand: row[columns.brand].trim().to_owned(),
        cost: money(&row[columns.price])?.ok_or("cost is required")?,
        msrp: money(&row[columns.msrp])?,
        map,
        quantity: money(&row[columns.available])?.ok_or("quantity is required")?,
        upc: gtin(&row[columns.upc]),
        image_url: row[columns.image_url].trim().to_owned(),
        condition,
        discontinued: row[columns.notes1].to_lowercase().contains("discontinued"),
    };
    if item.sku.is_empty() || item.title.is_empty() {
        return Err("required field is empty".to_owned());
    }
    Ok(item)
}

/// Rebuilds the hand-written struct from the engine's output, so the two can be compared.
fn from_engine(mapped: &MappedRecord) -> InventoryItem {
    let text = |name: &str| match mapped.get(name) {
        Some(Value::Text(text)) => Some(text.clone()),
        _ => None,
    };
    let number = |name: &str| mapped.get(name).and_then(Value::as_number);
    let condition = match mapped.get("condition").and_then(Value::as_text) {
        Some("refurbished") => "refurbished",
        Some("new") => "new",
        other => panic!("unexpected condition {other:?}"),
    };
    InventoryItem {
        sku: text("sku").unwrap_or_default(),
        parent_sku: text("parent_sku").unwrap_or_default(),
        title: text("title").unwrap_or_default(),
        description: text("description").unwrap_or_default(),
        brand: text("brand").unwrap_or_default(),
        cost: number("cost").unwrap_or_default(),
        msrp: number("msrp"),
        map: number("map"),
        quantity: number("quantity").unwrap_or_default(),
        upc: text("upc"),
        image_url: text("image_url").unwrap_or_default(),
        condition,
        discontinued: mapped.get("discontinued") == Some(&Value::Boolean(true)),
    }
}

/// Edited copies of a feed row that exercise the template's edge cases.
fn edge_rows(row: &[String], columns: &Columns) -> Vec<Vec<String>> {
    let edits: [(usize, &str); 22] = [
        (columns.price, "$1,249.99"),
        (columns.price, "1.249,99"),
        (columns.price, " 7.5 "),
        (columns.price, "N/A"),
        (columns.price, ""),
        (columns.price, "-$12.00"),
        (columns.price, "1,24"),
        (columns.available, "1,000"),
        (columns.available, "+3"),
        (columns.map, "0"),
        (columns.map, "-1"),
        (columns.map, "12.50"),
        (columns.map, "abc"),
        (columns.msrp, ".5"),
        (
            columns.long_desc,
            "<p>one</p><p>two</p> &amp; more\u{200b} ",
        ),
        (columns.long_desc, "a < b &bull; c"),
        (columns.long_desc, "   "),
        (columns.upc, "36000291452"),
        (columns.upc, "036000291453"),
        (columns.refurb, " y "),
        (columns.notes1, "Item is DISCONTINUED"),
        (columns.petra_sku, "  "),
    ];
    edits
        .iter()
        .map(|(column, value)| {
            let mut edited = row.to_vec();
            edited[*column] = (*value).to_owned();
            edited
        })
        .collect()
}

/// Panics unless the engine and the hand-written mapping agree on every feed row and
/// on each edge case, so the benchmark compares the same work.
pub fn check_agreement(plan: &Plan, rows: &[Vec<String>], columns: &Columns) {
    let edges = edge_rows(&rows[0], columns);
    let mut reused = MappedRecord::default();
    for (index, row) in rows.iter().chain(&edges).enumerate() {
        let engine = plan
            .map(row, index as u64)
            .map(|mapped| from_engine(&mapped));
        let into = plan
            .map_into(row, index as u64, &mut reused)
            .map(|()| from_engine(&reused));
        assert_eq!(
            into.as_ref().ok(),
            engine.as_ref().ok(),
            "row {index}: map_into and map differ"
        );
        let by_hand = map_by_hand(row, columns);
        match (engine, by_hand) {
            (Ok(engine), Ok(by_hand)) => {
                assert_eq!(engine, by_hand, "row {index} maps differently: {row:?}");
            }
            (Err(_), Err(_)) => {}
            (engine, by_hand) => panic!(
                "row {index}: engine {:?}, hand-written {:?}: {row:?}",
                engine.map(|_| ()),
                by_hand.map(|_| ())
            ),
        }
    }
}

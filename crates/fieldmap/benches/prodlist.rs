//! Maps the real ProdList feed, cycled to 1,000,000 records, through the default ProdList
//! inventory template, and through a hand-written mapping of the same fields to a plain
//! struct. Parsing happens once up front; only the mapping is timed.
//!
//! `PETRA_REAL_FEED` overrides the feed path.

use std::borrow::Cow;
use std::hint::black_box;
use std::path::PathBuf;
use std::str::FromStr;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fieldmap::{compile, defaults, schemas, SourceSchema};
use rust_decimal::Decimal;

const RECORDS: usize = 1_000_000;

fn feed_path() -> PathBuf {
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
fn decode_field(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Reads the header and rows, skipping the two preamble lines.
fn read_feed() -> (Vec<String>, Vec<Vec<String>>) {
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
#[allow(dead_code)]
struct InventoryItem {
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
struct Columns {
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
    fn new(header: &[String]) -> Self {
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

fn clean_text(text: &str) -> String {
    let decoded = html_escape::decode_html_entities(text);
    let stripped: Cow<'_, str> = if decoded.contains('<') {
        let mut output = String::with_capacity(decoded.len());
        let mut in_tag = false;
        for character in decoded.chars() {
            match character {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => output.push(character),
                _ => {}
            }
        }
        Cow::Owned(output)
    } else {
        decoded
    };
    stripped.replace('\u{200b}', "").trim().to_owned()
}

fn optional_decimal(text: &str) -> Result<Option<Decimal>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(&text.replace(['$', ','], ""))
        .map(Some)
        .map_err(|error| error.to_string())
}

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

fn map_by_hand(row: &[String], columns: &Columns) -> Result<InventoryItem, String> {
    let long_desc = &row[columns.long_desc];
    let title = if long_desc.trim().is_empty() {
        row[columns.description].trim().to_owned()
    } else {
        clean_text(long_desc)
    };
    let map = optional_decimal(&row[columns.map])?.filter(|map| *map > Decimal::ZERO);
    let condition = match row[columns.refurb].trim().to_ascii_lowercase().as_str() {
        "y" => "refurbished",
        _ => "new",
    };

    let item = InventoryItem {
        sku: row[columns.petra_sku].trim().to_owned(),
        parent_sku: row[columns.vendor_sku].trim().to_owned(),
        title,
        description: clean_text(long_desc),
        brand: row[columns.brand].trim().to_owned(),
        cost: optional_decimal(&row[columns.price])?.ok_or("cost is required")?,
        msrp: optional_decimal(&row[columns.msrp])?,
        map,
        quantity: optional_decimal(&row[columns.available])?.ok_or("quantity is required")?,
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

fn bench_prodlist(criterion: &mut Criterion) {
    let (header, rows) = read_feed();
    let source = SourceSchema::from_columns("prodlist", &header);
    let template = defaults::template("petra-prodlist-inventory").unwrap();
    let plan = compile(&template, &source, &schemas::inventory()).unwrap();
    let columns = Columns::new(&header);

    let mut group = criterion.benchmark_group("prodlist_1m");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);

    group.bench_function("engine", |bencher| {
        bencher.iter(|| {
            let mut mapped = 0_usize;
            for index in 0..RECORDS {
                let row = &rows[index % rows.len()];
                if black_box(plan.map(row, index as u64)).is_ok() {
                    mapped += 1;
                }
            }
            mapped
        })
    });
    group.bench_function("hand_written", |bencher| {
        bencher.iter(|| {
            let mut mapped = 0_usize;
            for index in 0..RECORDS {
                let row = &rows[index % rows.len()];
                if black_box(map_by_hand(row, &columns)).is_ok() {
                    mapped += 1;
                }
            }
            mapped
        })
    });
    group.finish();
}

criterion_group!(benches, bench_prodlist);
criterion_main!(benches);

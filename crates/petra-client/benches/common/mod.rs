//! The passes over a feed file that the benchmarks and the instruction-count example
//! time, and the columns a catalog import maps, read the same way by all of them.

use std::path::Path;

use csv::ByteRecord;
use petra_client::feed::record::Record;
use petra_client::feed::split::RecordSplitter;
use petra_client::feed::{ProdListReader, ProdListRow};

/// Parses every record of the file into one reused `csv::ByteRecord`, with the reader's
/// parser settings, and returns the record count.
pub fn bare_parse(path: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_path(path)
        .expect("open the feed");
    let mut record = ByteRecord::new();
    let mut records = 0;
    while reader.read_byte_record(&mut record).expect("read a record") {
        records += 1;
    }
    records
}

/// Splits every record of the file into one reused record with the reader's own record
/// splitter, and returns the record count.
pub fn bare_split(path: &Path) -> u64 {
    let file = std::fs::File::open(path).expect("open the feed");
    let mut splitter = RecordSplitter::new(file);
    let mut record = Record::default();
    let mut records = 0;
    while splitter.read_record(&mut record).expect("read a record") {
        records += 1;
    }
    records
}

/// Reads every row through the iterator's owned rows and the mapped accessors.
pub fn owned_rows(path: &Path) -> u64 {
    let mut reader = ProdListReader::open(path).expect("open the feed");
    let mut total = 0;
    for row in &mut reader {
        total += row.map_or(0, |row| consume(&row));
    }
    reader.finish().expect("complete read");
    total
}

/// Reads every row through the row `read_row` lends and the mapped accessors.
pub fn lent_rows(path: &Path) -> u64 {
    let mut reader = ProdListReader::open(path).expect("open the feed");
    let mut total = 0;
    while let Some(row) = reader.read_row() {
        total += row.map_or(0, consume);
    }
    reader.finish().expect("complete read");
    total
}

/// Reads the columns a catalog import maps and folds them into one number.
pub fn consume(row: &ProdListRow) -> u64 {
    let texts = [
        row.vendor_sku(),
        row.description(),
        row.brand_name(),
        row.long_desc(),
        row.image_url(),
        row.notes1(),
    ];
    let text_bytes: usize = texts.iter().map(|text| text.map_or(0, str::len)).sum();
    let prices = [row.price(), row.map(), row.msrp()];
    let priced = prices.iter().filter(|price| price.is_some()).count();
    let upc = row.upc().map_or(0, |upc| upc.as_str().len());

    row.petra_sku().as_str().len() as u64
        + row.available()
        + text_bytes as u64
        + priced as u64
        + upc as u64
        + u64::from(row.refurb())
}

/// Splits every record of the file into one reused `simd_csv::ByteRecord` (flexible, no
/// header row) and returns the record count.
pub fn bare_simd_parse(path: &Path) -> u64 {
    let file = std::fs::File::open(path).expect("open the feed");
    let mut reader = simd_csv::ReaderBuilder::with_capacity(64 * 1024)
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    let mut record = simd_csv::ByteRecord::new();
    let mut records = 0;
    while reader.read_byte_record(&mut record).expect("read a record") {
        records += 1;
    }
    records
}

/// Splits every record of the file with `simd_csv::ZeroCopyReader`, which lends slices of
/// its buffer, and returns the record count.
pub fn bare_simd_zero_copy(path: &Path) -> u64 {
    let file = std::fs::File::open(path).expect("open the feed");
    let mut reader = simd_csv::ZeroCopyReaderBuilder::with_capacity(64 * 1024)
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    let mut records = 0;
    while reader.read_byte_record().expect("read a record").is_some() {
        records += 1;
    }
    records
}

//! The reader against Petra's real ProdList.csv (2,387 items, mixed UTF-8 and
//! Windows-1252, two preamble lines). `PETRA_REAL_FEED` overrides its path.

mod common;

use petra_client::feed::ProdListReader;
use rust_decimal::Decimal;

use common::real_feed;

#[test]
fn real_feed_reads_cleanly() {
    let mut reader = ProdListReader::open(real_feed()).unwrap();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in &mut reader {
        match row {
            Ok(row) => rows.push(row),
            Err(error) => errors.push(error),
        }
    }
    let summary = reader.finish().unwrap();

    assert!(errors.is_empty(), "row errors: {errors:?}");
    assert_eq!(rows.len(), 2387);
    assert_eq!(summary.rows, 2387);
    assert_eq!(summary.row_errors, 0);
    assert_eq!(summary.header_line, 3);
    assert_eq!(summary.windows_1252_fields, 20);
}

#[test]
fn real_feed_home_decor() {
    let reader = ProdListReader::open(real_feed()).unwrap();
    let rows: Vec<_> = reader.map(Result::unwrap).collect();
    let carrying: Vec<_> = rows
        .iter()
        .filter(|row| row.field("SUBCATEGORY").unwrap().starts_with("Home D"))
        .collect();

    assert_eq!(carrying.len(), 20);
    for row in carrying {
        assert_eq!(row.subcategory(), Some("Home Décor"), "line {}", row.line());
    }
}

#[test]
fn real_feed_full_row() {
    let reader = ProdListReader::open(real_feed()).unwrap();
    let row = reader
        .map(Result::unwrap)
        .find(|row| row.petra_sku().as_str() == "1KSK02U22GE02")
        .expect("row 1KSK02U22GE02 present");

    assert_eq!(row.upc().map(|upc| upc.as_str()), Some("6970684277620"));
    assert_eq!(row.msrp(), Some(Decimal::new(10999, 2)));
    assert_eq!(row.map(), None);
    assert_eq!(row.price(), Some(Decimal::new(9199, 2)));
    assert_eq!(row.vendor_sku(), Some("K02-U22GE-02"));
    assert_eq!(row.description(), Some("EPI236 AIR PURIFIER BLK"));
    assert_eq!(row.available(), 0);
    assert_eq!(row.brand_name(), Some("ELECHOMES"));
    assert_eq!(row.product_class(), Some("Tools & Home Improvement"));
    assert_eq!(
        row.specs(),
        Some("&bull; 50 watt power draw;&bull; Covers 280 sq. ft.;")
    );
    assert_eq!(row.subcategory(), Some("Heating & Cooling"));
    assert_eq!(row.subcategory2(), Some("Air Quality"));
    assert!(!row.refurb());
    assert_eq!(row.line(), 4);
    assert!(row.warnings().is_empty());
}

//! Amounts written `N/A` in a ProdList feed: the reader reads them as absent with a
//! warning, and Get Inventory maps them as absent instead of rejecting the row.

mod common;

use std::path::PathBuf;

use common::Harness;
use petra_ops::inventory::{CatalogSource, RunOptions};

fn fixture() -> CatalogSource {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/amounts_not_available.csv");
    CatalogSource::FeedFile(path)
}

/// Returns a mapped field of a stored item.
fn field(harness: &Harness, sku: &str, name: &str) -> serde_json::Value {
    let item = harness.item(sku).expect("item stored");
    item.item.fields().get(name).cloned().unwrap_or_default()
}

#[tokio::test]
async fn not_available_amounts_import_as_absent() {
    let harness = Harness::new();

    let report = harness.run_catalog(fixture(), RunOptions::default()).await;

    assert_eq!(report.created, 3, "{:?}", report.rejections);
    assert_eq!(field(&harness, "1TST0002", "map"), serde_json::Value::Null);
    assert_eq!(field(&harness, "1TST0002", "cost"), "10.00");
    assert_eq!(field(&harness, "1TST0003", "msrp"), serde_json::Value::Null);
    assert_eq!(field(&harness, "1TST0004", "cost"), "1");
}

#[tokio::test]
async fn not_available_price_rejects_as_missing_cost() {
    let harness = Harness::new();

    let report = harness.run_catalog(fixture(), RunOptions::default()).await;

    // The default template requires a cost, so the row is rejected for the missing value,
    // not for the text `N/A`.
    assert_eq!(report.rejected, 1);
    let rejection = &report.rejections[0];
    assert_eq!(rejection.line, 4);
    assert_eq!(rejection.sku.as_deref(), Some("1TST0001"));
    assert_eq!(rejection.field, "cost");
    assert_eq!(rejection.reason, "required field is empty");
    assert!(harness.item("1TST0001").is_none());
}

#[tokio::test]
async fn not_available_amounts_are_warned_once() {
    let harness = Harness::new();

    let report = harness.run_catalog(fixture(), RunOptions::default()).await;

    // PRICE, WEIGHT-UNPACKED, MAP and MSRP each warn once.
    assert_eq!(report.warning_count, 4, "{:?}", report.warnings);
    for (line, column) in [
        (4, "PRICE"),
        (5, "MAP"),
        (5, "WEIGHT-UNPACKED"),
        (6, "MSRP"),
    ] {
        let found = report
            .warnings
            .iter()
            .any(|warning| warning.contains(&format!("line {line} ")) && warning.contains(column));
        assert!(
            found,
            "no warning for line {line} {column}: {:?}",
            report.warnings
        );
    }
}

//! Get Inventory on Petra's real ProdList.csv with the in-memory pool: import, re-import,
//! rows removed, rows back, and broken files.

mod common;

use std::path::{Path, PathBuf};

use petra_ops::inventory::{ArchiveOutcome, CatalogSource, InventoryReport, RunOptions};

use common::Harness;

const ITEMS: u64 = 2_387;

fn real_feed() -> PathBuf {
    let path = std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        });
    assert!(
        path.is_file(),
        "real ProdList feed not found at {}; set PETRA_REAL_FEED to its path",
        path.display()
    );
    path
}

/// Writes the real feed without the data rows whose index (0-based) `drop` accepts.
fn derived_feed(dir: &Path, name: &str, drop: impl Fn(usize) -> bool) -> PathBuf {
    let bytes = std::fs::read(real_feed()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for (index, record) in reader.byte_records().enumerate() {
        let record = record.unwrap();
        // The first three records are the two preamble lines and the header.
        if index < 3 || !drop(index - 3) {
            writer.write_byte_record(&record).unwrap();
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, writer.into_inner().unwrap()).unwrap();
    path
}

impl Harness {
    async fn run(&self, feed: &Path) -> InventoryReport {
        self.run_with(feed, RunOptions::default()).await
    }

    async fn run_with(&self, feed: &Path, options: RunOptions) -> InventoryReport {
        self.run_catalog(CatalogSource::FeedFile(feed.to_owned()), options)
            .await
    }
}

#[tokio::test]
async fn real_feed_imports_every_item() {
    let harness = Harness::new();

    let report = harness.run(&real_feed()).await;

    assert_eq!(report.rejected, 0, "{:?}", report.rejections);
    assert_eq!(report.created, ITEMS);
    assert!(report.retrieval_complete);
    assert_eq!(harness.active().await, ITEMS);
}

/// Stored fields and content hashes must not change between builds, or every stored item
/// would be reported as updated once after an upgrade.
#[tokio::test]
async fn stored_fields_keep_their_bytes() {
    let harness = Harness::new();
    harness.run(&real_feed()).await;

    let item = harness.item("1KSK02U22GE02").expect("item imported").item;

    assert_eq!(
        item.fields_json(),
        concat!(
            r#"{"sku":"1KSK02U22GE02","parent_sku":"K02-U22GE-02","#,
            r#""title":"Elechomes K02-U22GE-02 Smart Sensor 50-Watt HEPA Air Purifier with LED Status Light (Black)","#,
            r#""description":"Elechomes K02-U22GE-02 Smart Sensor 50-Watt HEPA Air Purifier with LED Status Light (Black)","#,
            r#""brand":"ELECHOMES","cost":"91.99","msrp":"109.99","map":null,"quantity":"0","#,
            r#""upc":"6970684277620","#,
            r#""image_url":"https://petraimages.com.s3.amazonaws.com/600x600/1KSK02U22GE02.jpg","#,
            r#""condition":"new","discontinued":false}"#
        )
    );
    assert_eq!(
        format!("{:?}", item.content_hash()),
        "ContentHash(1a136960904aac5aefc630109a187b09)"
    );
}

#[tokio::test]
async fn second_run_is_unchanged() {
    let harness = Harness::new();
    harness.run(&real_feed()).await;

    let report = harness.run(&real_feed()).await;

    assert_eq!(report.unchanged, ITEMS);
    assert_eq!(report.created + report.updated, 0);
}

#[tokio::test]
async fn removed_rows_archive_then_return() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = derived_feed(dir.path(), "shrunk.csv", |index| {
        index % 23 == 0 && index < 2_300
    });
    let harness = Harness::new();
    harness.run(&real_feed()).await;

    let archived = harness.run(&shrunk).await;
    let restored = harness.run(&real_feed()).await;

    assert_eq!(archived.archive, ArchiveOutcome::Applied { count: 100 });
    assert_eq!(restored.reactivated, 100);
    assert_eq!(harness.active().await, ITEMS);
}

#[tokio::test]
async fn dry_run_writes_nothing() {
    let harness = Harness::new();
    let options = RunOptions {
        dry_run: true,
        ..RunOptions::default()
    };

    let report = harness.run_with(&real_feed(), options).await;

    assert_eq!(report.created, ITEMS);
    assert_eq!(harness.active().await, 0);
}

#[tokio::test]
async fn header_only_feed_archives_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = derived_feed(dir.path(), "header-only.csv", |_| true);
    let harness = Harness::new();
    harness.run(&real_feed()).await;

    let report = harness.run(&empty).await;

    assert!(!report.retrieval_complete);
    assert!(
        matches!(report.archive, ArchiveOutcome::Refused { .. }),
        "{:?}",
        report.archive
    );
    assert_eq!(harness.active().await, ITEMS);
}

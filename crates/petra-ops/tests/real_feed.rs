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

/// Stored fields and content hashes must not change between builds unless a store
/// migration rewrites them, or every stored item would be reported as updated once after
/// an upgrade.
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
            r#""brand":"ELECHOMES","cost":"91.99","msrp":"109.99","map":null,"#,
            r#""upc":"6970684277620","#,
            r#""image_url":"https://petraimages.com.s3.amazonaws.com/600x600/1KSK02U22GE02.jpg","#,
            r#""condition":"new","discontinued":false}"#
        )
    );
    assert_eq!(
        format!("{:?}", item.content_hash()),
        "ContentHash(3fb06bf2291a31d5c8ec28ea899ca040)"
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

/// Returns the real feed's bytes, and the byte offset and PETRA SKU of the data record at
/// `index` (0-based) whose fields satisfy `pick`, searching from `index` on.
fn record_start(index: usize, pick: impl Fn(&csv::ByteRecord) -> bool) -> (Vec<u8>, u64, String) {
    let bytes = std::fs::read(real_feed()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut record = csv::ByteRecord::new();
    let mut position = 0;
    while reader.read_byte_record(&mut record).unwrap() {
        // The first three records are the two preamble lines and the header.
        if position >= index + 3 && pick(&record) {
            let start = record.position().unwrap().byte();
            let sku = String::from_utf8(record[1].to_vec()).unwrap();
            return (bytes, start, sku);
        }
        position += 1;
    }
    panic!("no record from index {index} matches");
}

/// Imports the whole real feed, then the feed cut after `cut_at` bytes. Returns the
/// harness, the stored item of `sku` after the first run, and the report of the second.
async fn import_then_cut(
    bytes: &[u8],
    cut_at: usize,
    sku: &str,
) -> (Harness, petra_ops::memory::StoredItem, InventoryReport) {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.csv");
    std::fs::write(&cut, &bytes[..cut_at]).unwrap();
    let harness = Harness::new();
    harness.run(&real_feed()).await;
    let before = harness.item(sku).expect("item imported");

    let report = harness.run(&cut).await;
    (harness, before, report)
}

#[tokio::test]
async fn feed_cut_mid_row_archives_nothing() {
    // A record whose first 25 bytes hold no quote, so the cut falls outside quotes.
    let (bytes, start, sku) = record_start(2_287, |record| {
        !record.as_slice().iter().take(25).any(|&byte| byte == b'"')
    });

    let (harness, before, report) = import_then_cut(&bytes, start as usize + 25, &sku).await;

    assert!(!report.retrieval_complete);
    assert!(
        report
            .retrieval_error
            .as_deref()
            .is_some_and(|error| error.contains("truncated")),
        "{:?}",
        report.retrieval_error
    );
    assert!(
        matches!(report.archive, ArchiveOutcome::Refused { .. }),
        "{:?}",
        report.archive
    );
    assert_eq!(report.rejected, 0, "{:?}", report.rejections);
    assert_eq!(harness.active().await, ITEMS);
    assert_eq!(harness.item(&sku).unwrap().item, before.item);
}

#[tokio::test]
async fn feed_cut_in_quotes_keeps_item() {
    // A record whose LONG DESC (column 10) must be quoted, long enough to cut inside.
    let (bytes, start, sku) = record_start(800, |record| {
        let plain = |field: &[u8]| !field.iter().any(|byte| b"\",\r\n".contains(byte));
        let quoted = !plain(&record[9]);
        quoted && record[9].len() > 40 && (0..9).all(|column| plain(&record[column]))
    });
    let record = &bytes[start as usize..];
    let quote = record.iter().position(|&byte| byte == b'"').unwrap();
    let commas = record[..quote].iter().filter(|&&byte| byte == b',').count();
    assert_eq!(commas, 9, "the first quote opens LONG DESC");

    let (harness, before, report) =
        import_then_cut(&bytes, start as usize + quote + 20, &sku).await;

    assert!(!report.retrieval_complete);
    assert!(
        matches!(report.archive, ArchiveOutcome::Refused { .. }),
        "{:?}",
        report.archive
    );
    assert_eq!(harness.item(&sku).unwrap().item, before.item);
}

#[tokio::test]
async fn feed_cut_in_last_column_archives_nothing() {
    // A record without line breaks in its fields and a long IMAGE URL, the last column.
    let (bytes, start, sku) = record_start(2_287, |record| {
        !record.as_slice().contains(&b'\n') && record[record.len() - 1].len() > 20
    });
    let line_end = start as usize
        + bytes[start as usize..]
            .iter()
            .position(|&byte| byte == b'\r')
            .unwrap();

    let (harness, before, report) = import_then_cut(&bytes, line_end - 10, &sku).await;

    assert!(!report.retrieval_complete);
    assert!(
        matches!(report.archive, ArchiveOutcome::Refused { .. }),
        "{:?}",
        report.archive
    );
    assert_eq!(harness.active().await, ITEMS);
    assert_eq!(harness.item(&sku).unwrap().item, before.item);
}

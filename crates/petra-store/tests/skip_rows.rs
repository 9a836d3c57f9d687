//! Re-imports that skip unchanged feed rows must report and store what a full read would.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{
    CatalogSource, GetInventory, InventoryReport, Progress, RunOptions, TemplateChoice,
    PRODLIST_DEFAULT,
};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_store::SqliteStore;
use tokio_util::sync::CancellationToken;

const ROWS: u64 = 200;
/// Zero-based positions of PETRA SKU and AVAILABLE in a generated row.
const SKU: usize = 1;
const AVAILABLE: usize = 3;
/// Two preamble lines and the header come before the data rows.
const DATA_START: usize = 3;

struct Fixture {
    dir: tempfile::TempDir,
    store: SqliteStore,
    records: Vec<csv::ByteRecord>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let mut bytes = Vec::new();
        generate(
            &mut bytes,
            GeneratorOptions {
                rows: ROWS,
                seed: 5,
            },
        )
        .expect("generate");
        let records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice())
            .byte_records()
            .collect::<Result<Vec<_>, _>>()
            .expect("parse the generated feed");
        let store = SqliteStore::open(dir.path().join("petra.sqlite")).expect("open the store");
        Self {
            dir,
            store,
            records,
        }
    }

    fn write(&self, name: &str, records: &[csv::ByteRecord]) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(csv::Terminator::CRLF)
            .from_path(&path)
            .expect("create the feed");
        for record in records {
            writer.write_byte_record(record).expect("write the feed");
        }
        writer.flush().expect("write the feed");
        path
    }

    async fn import(&self, path: &Path, template: TemplateChoice) -> InventoryReport {
        self.import_with(path, template, RunOptions::default())
            .await
    }

    async fn import_with(
        &self,
        path: &Path,
        template: TemplateChoice,
        options: RunOptions,
    ) -> InventoryReport {
        let source = SourceSettings::default()
            .validate()
            .expect("default source");
        GetInventory::new(source, InventorySettings::default())
            .with_template(template)
            .run(
                CatalogSource::FeedFile(path.to_owned()),
                &self.store,
                &self.store,
                &SystemClock,
                options,
            )
            .await
            .expect("import")
    }

    async fn quantity(&self, sku: &[u8]) -> u64 {
        let sku = std::str::from_utf8(sku)
            .expect("ASCII SKU")
            .trim()
            .to_owned();
        self.store
            .item("Petra Industries", &sku)
            .await
            .expect("read the item")
            .expect("item stored")
            .feed_quantity
    }
}

fn with_available(record: &csv::ByteRecord, available: &[u8]) -> csv::ByteRecord {
    record
        .iter()
        .enumerate()
        .map(|(position, field)| {
            if position == AVAILABLE {
                available
            } else {
                field
            }
        })
        .collect()
}

#[tokio::test]
async fn reimport_stores_row_hashes() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);

    fixture.import(&feed, TemplateChoice::Default).await;
    let hashes = fixture.store.row_hashes("Petra Industries").await.unwrap();

    assert!(
        hashes.len() > ROWS as usize / 2,
        "{} row hashes",
        hashes.len()
    );
}

#[tokio::test]
async fn reimport_reports_unchanged_rows() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    let first = fixture.import(&feed, TemplateChoice::Default).await;

    let second = fixture.import(&feed, TemplateChoice::Default).await;

    assert_eq!(second.records, first.records);
    assert_eq!(second.unchanged, first.created);
    assert_eq!(second.created + second.updated, 0);
    assert_eq!(second.warning_count, first.warning_count);
}

#[tokio::test]
async fn reimport_writes_changed_rows() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    let first = fixture.import(&feed, TemplateChoice::Default).await;
    let mut changed = fixture.records.clone();
    for index in (DATA_START..changed.len()).step_by(20) {
        changed[index] = with_available(&changed[index], b"98765");
    }
    let changed_feed = fixture.write("changed.csv", &changed);

    let second = fixture.import(&changed_feed, TemplateChoice::Default).await;

    assert_eq!(second.updated, 10);
    assert_eq!(second.unchanged, first.created - 10);
    assert_eq!(fixture.quantity(&changed[DATA_START][SKU]).await, 98765);
}

#[tokio::test]
async fn repeated_sku_later_copy_wins() {
    // The changed copy goes on the line right before the original, then 40 lines up.
    for lines_before in [0, 40] {
        let fixture = Fixture::new();
        let feed = fixture.write("feed.csv", &fixture.records);
        let first = fixture.import(&feed, TemplateChoice::Default).await;
        let target = fixture.records[DATA_START + 50].clone();
        let mut repeated = fixture.records.clone();
        repeated.insert(
            DATA_START + 50 - lines_before,
            with_available(&target, b"4321"),
        );
        let repeated_feed = fixture.write("repeated.csv", &repeated);

        let report = fixture
            .import(&repeated_feed, TemplateChoice::Default)
            .await;

        // The later, unchanged copy replaces the early one in the batch.
        assert_eq!(report.updated, 0, "{lines_before} lines before");
        assert_eq!(
            report.unchanged, first.created,
            "{lines_before} lines before"
        );
        assert_eq!(
            report.warning_count,
            first.warning_count + 1,
            "{lines_before} lines before"
        );
        let expected: u64 = std::str::from_utf8(&target[AVAILABLE])
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(
            fixture.quantity(&target[SKU]).await,
            expected,
            "{lines_before} lines before"
        );
    }
}

#[tokio::test]
async fn repeated_sku_after_unchanged_copy_wins() {
    // The unchanged original is passed over before its changed copy is read: the copy
    // goes on the line right after it, then 40 lines down.
    for lines_after in [1, 40] {
        let fixture = Fixture::new();
        let feed = fixture.write("feed.csv", &fixture.records);
        let first = fixture.import(&feed, TemplateChoice::Default).await;
        let target = fixture.records[DATA_START + 50].clone();
        let mut repeated = fixture.records.clone();
        repeated.insert(
            DATA_START + 50 + lines_after,
            with_available(&target, b"4321"),
        );
        let repeated_feed = fixture.write("repeated.csv", &repeated);

        let report = fixture
            .import(&repeated_feed, TemplateChoice::Default)
            .await;
        let again = fixture
            .import(&repeated_feed, TemplateChoice::Default)
            .await;

        assert_eq!(report.updated, 1, "{lines_after} lines after");
        assert_eq!(
            report.warning_count,
            first.warning_count + 1,
            "{lines_after} lines after"
        );
        assert_eq!(
            fixture.quantity(&target[SKU]).await,
            4321,
            "{lines_after} lines after"
        );
        assert_eq!(again.updated, 0, "{lines_after} lines after");
        assert_eq!(
            again.warning_count,
            first.warning_count + 1,
            "{lines_after} lines after"
        );
    }
}

#[tokio::test]
async fn repeated_sku_runs_settle() {
    let fixture = Fixture::new();
    let target = fixture.records[DATA_START + 50].clone();
    let mut repeated = fixture.records.clone();
    repeated.insert(DATA_START + 10, with_available(&target, b"4321"));
    let feed = fixture.write("repeated.csv", &repeated);
    let dry_run = RunOptions {
        dry_run: true,
        ..RunOptions::default()
    };
    let preview = fixture
        .import_with(&feed, TemplateChoice::Default, dry_run)
        .await;

    let first = fixture.import(&feed, TemplateChoice::Default).await;
    let second = fixture.import(&feed, TemplateChoice::Default).await;

    assert_eq!(preview.created, first.created);
    assert_eq!(first.created + first.updated, ROWS);
    assert_eq!(second.updated, 0);
    assert_eq!(second.unchanged, ROWS);
}

#[tokio::test]
async fn template_change_maps_every_row() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    let first = fixture.import(&feed, TemplateChoice::Default).await;
    let mut template = fieldmap::defaults::template(PRODLIST_DEFAULT).expect("default template");
    let dropped = template
        .fields
        .keys()
        .find(|name| !matches!(name.as_str(), "sku" | "quantity"))
        .cloned()
        .expect("a field besides sku and quantity");
    template.fields.remove(&dropped);

    let second = fixture
        .import(&feed, TemplateChoice::Template(Box::new(template)))
        .await;

    assert_eq!(second.updated, first.created, "dropped field {dropped}");
}

#[tokio::test]
async fn absent_row_archives_then_reactivates() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    fixture.import(&feed, TemplateChoice::Default).await;
    let mut shorter = fixture.records.clone();
    shorter.remove(DATA_START + 7);
    let shorter_feed = fixture.write("shorter.csv", &shorter);

    let without = fixture.import(&shorter_feed, TemplateChoice::Default).await;
    let again = fixture.import(&feed, TemplateChoice::Default).await;

    assert_eq!(without.archived, 1);
    assert_eq!(again.reactivated, 1);
    assert_eq!(again.created + again.updated, 0);
}

/// Returns the preamble and header with the first three data rows that are valid UTF-8
/// (`utf8` true) or that are not.
fn rows_by_encoding(records: &[csv::ByteRecord], utf8: bool) -> Vec<csv::ByteRecord> {
    let rows = records[DATA_START..]
        .iter()
        .filter(|record| std::str::from_utf8(record.as_slice()).is_ok() == utf8)
        .take(3);
    records[..DATA_START].iter().chain(rows).cloned().collect()
}

#[tokio::test]
async fn reimport_skipping_every_row_is_complete() {
    let fixture = Fixture::new();
    let feed = fixture.write("clean.csv", &rows_by_encoding(&fixture.records, true));
    let first = fixture.import(&feed, TemplateChoice::Default).await;

    let second = fixture.import(&feed, TemplateChoice::Default).await;

    assert_eq!(first.warning_count, 0, "{:?}", first.warnings);
    assert!(second.retrieval_complete, "{:?}", second.retrieval_error);
    assert_eq!(second.unchanged, 3);
}

#[tokio::test]
async fn windows_1252_rows_keep_row_hashes() {
    let fixture = Fixture::new();
    let records = rows_by_encoding(&fixture.records, false);
    assert_eq!(
        records.len(),
        DATA_START + 3,
        "the feed has three such rows"
    );
    let feed = fixture.write("windows-1252.csv", &records);

    let first = fixture.import(&feed, TemplateChoice::Default).await;
    let hashes = fixture.store.row_hashes("Petra Industries").await.unwrap();

    assert_eq!(first.warning_count, 0, "{:?}", first.warnings);
    assert_eq!(first.created, 3);
    assert_eq!(hashes.len(), 3);
}

#[tokio::test]
async fn changed_windows_1252_row_is_written() {
    let fixture = Fixture::new();
    let mut records = rows_by_encoding(&fixture.records, false);
    let feed = fixture.write("windows-1252.csv", &records);
    fixture.import(&feed, TemplateChoice::Default).await;
    records[DATA_START + 1] = with_available(&records[DATA_START + 1], b"4321");
    let changed = fixture.write("changed.csv", &records);

    let report = fixture.import(&changed, TemplateChoice::Default).await;

    assert_eq!(report.updated, 1, "{report:?}");
    assert_eq!(report.unchanged, 2, "{report:?}");
    assert_eq!(fixture.quantity(&records[DATA_START + 1][SKU]).await, 4321);
}

#[tokio::test]
async fn reimport_of_cut_file_archives_nothing() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    let first = fixture.import(&feed, TemplateChoice::Default).await;
    let mut bytes = std::fs::read(&feed).expect("read the feed");
    // The cut leaves the last row inside an opened quoted field.
    let last_row = bytes[..bytes.len() - 2]
        .iter()
        .rposition(|&byte| byte == b'\n')
        .expect("a line break")
        + 1;
    bytes.truncate(last_row);
    bytes.extend_from_slice(b"\"cut");
    let cut_feed = fixture.dir.path().join("cut.csv");
    std::fs::write(&cut_feed, bytes).expect("write the cut feed");

    let report = fixture.import(&cut_feed, TemplateChoice::Default).await;

    assert!(!report.retrieval_complete);
    assert_eq!(report.archived, 0);
    assert_eq!(report.created + report.updated, 0);
    assert!(report.unchanged + 1 >= first.created, "{report:?}");
}

#[tokio::test]
async fn stopped_reimport_archives_nothing() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    let first = fixture.import(&feed, TemplateChoice::Default).await;
    let shorter = fixture.write(
        "shorter.csv",
        &fixture.records[..fixture.records.len() - 20],
    );
    let stop = CancellationToken::new();
    stop.cancel();
    let options = RunOptions {
        allow_mass_archive: true,
        stop,
        ..RunOptions::default()
    };

    let report = fixture
        .import_with(&shorter, TemplateChoice::Default, options)
        .await;
    let active = fixture
        .store
        .count("Petra Industries", ItemStatus::Active)
        .await
        .unwrap();

    assert!(report.interrupted, "{report:?}");
    assert!(!report.retrieval_complete, "{report:?}");
    assert_eq!(report.archived, 0, "{report:?}");
    assert_eq!(active, first.created);
}

#[tokio::test]
async fn unchanged_reimport_reports_rows_read() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    fixture.import(&feed, TemplateChoice::Default).await;
    let reported = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let sink = Arc::clone(&reported);
    let source = SourceSettings::default()
        .validate()
        .expect("default source");

    let report = GetInventory::new(source, InventorySettings::default())
        .with_progress(Arc::new(move |progress| {
            sink.lock().unwrap().push(progress);
        }))
        .run(
            CatalogSource::FeedFile(feed),
            &fixture.store,
            &fixture.store,
            &SystemClock,
            RunOptions::default(),
        )
        .await
        .expect("re-import");

    // Every row is passed over, so no batch is written and only the reader reports.
    assert_eq!(report.unchanged, ROWS);
    let reported = reported.lock().unwrap();
    let last = reported.last().expect("progress reported");
    assert_eq!(last.read, ROWS);
    assert_eq!(last.records, 0);
}

/// Imports `records` into a fresh store, so no row is passed over: the reference a
/// re-import that passes over rows must match.
async fn full_read(records: &[csv::ByteRecord]) -> InventoryReport {
    let fresh = Fixture::new();
    let feed = fresh.write("full.csv", records);
    fresh.import(&feed, TemplateChoice::Default).await
}

#[tokio::test]
async fn repeated_skus_warn_like_full_read() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    fixture.import(&feed, TemplateChoice::Default).await;
    // Changed copies of two SKUs, each right after its unchanged original.
    let first_target = fixture.records[DATA_START + 50].clone();
    let second_target = fixture.records[DATA_START + 100].clone();
    let mut repeated = fixture.records.clone();
    repeated.insert(DATA_START + 101, with_available(&second_target, b"4322"));
    repeated.insert(DATA_START + 51, with_available(&first_target, b"4321"));
    let repeated_feed = fixture.write("repeated.csv", &repeated);

    let reimport = fixture
        .import(&repeated_feed, TemplateChoice::Default)
        .await;
    let full = full_read(&repeated).await;

    assert_eq!(fixture.quantity(&first_target[SKU]).await, 4321);
    assert_eq!(fixture.quantity(&second_target[SKU]).await, 4322);
    assert_eq!(reimport.warning_count, full.warning_count);
    let mut reimport_warnings = reimport.warnings.clone();
    let mut full_warnings = full.warnings.clone();
    reimport_warnings.sort();
    full_warnings.sort();
    assert_eq!(reimport_warnings, full_warnings);
}

#[tokio::test]
async fn rejected_later_copy_keeps_earlier() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    let first = fixture.import(&feed, TemplateChoice::Default).await;
    // An invalid copy right after the unchanged original is rejected.
    let target = fixture.records[DATA_START + 50].clone();
    let mut repeated = fixture.records.clone();
    repeated.insert(DATA_START + 51, with_available(&target, b"-5"));
    let repeated_feed = fixture.write("repeated.csv", &repeated);

    let reimport = fixture
        .import(&repeated_feed, TemplateChoice::Default)
        .await;
    let full = full_read(&repeated).await;

    assert_eq!(reimport.rejected, first.rejected + 1);
    let expected: u64 = std::str::from_utf8(&target[AVAILABLE])
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(fixture.quantity(&target[SKU]).await, expected);
    assert_eq!(
        reimport.warning_count, full.warning_count,
        "{:?}",
        reimport.warnings
    );
}

#[tokio::test]
async fn archive_keeps_repeated_and_rejected_skus() {
    let fixture = Fixture::new();
    let feed = fixture.write("feed.csv", &fixture.records);
    fixture.import(&feed, TemplateChoice::Default).await;
    let repeated_target = fixture.records[DATA_START + 50].clone();
    let rejected_target = fixture.records[DATA_START + 60].clone();
    let mut records = fixture.records.clone();
    let removed: Vec<csv::ByteRecord> = [150, 120, 30]
        .iter()
        .map(|offset| records.remove(DATA_START + offset))
        .collect();
    records.insert(DATA_START + 61, with_available(&rejected_target, b"-5"));
    records.insert(DATA_START + 51, with_available(&repeated_target, b"4321"));
    let changed = fixture.write("changed.csv", &records);

    let report = fixture.import(&changed, TemplateChoice::Default).await;

    assert_eq!(report.archived, 3, "{:?}", report.archive);
    for record in &removed {
        let sku = std::str::from_utf8(&record[SKU]).unwrap().trim();
        let item = fixture.store.item("Petra Industries", sku).await.unwrap();
        assert_eq!(item.unwrap().status, ItemStatus::Archived, "{sku}");
    }
    for record in [&repeated_target, &rejected_target] {
        let sku = std::str::from_utf8(&record[SKU]).unwrap().trim();
        let item = fixture.store.item("Petra Industries", sku).await.unwrap();
        assert_eq!(item.unwrap().status, ItemStatus::Active, "{sku}");
    }
}

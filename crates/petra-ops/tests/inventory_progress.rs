//! The progress callback of Get Inventory: the reader reports rows read every
//! `READ_STEP` rows and at the end, and the writer reports records after each batch.

use std::sync::{Arc, Mutex};

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, Progress, RunOptions, READ_STEP};
use petra_ops::memory::{MemoryHistory, MemoryPool};
use petra_ops::settings::{InventorySettings, SourceSettings};

const ROWS: u64 = 25_000;

#[tokio::test]
async fn feed_progress_counts_rows_and_records() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("ProdList.csv");
    let file = std::fs::File::create(&feed).unwrap();
    generate(
        file,
        GeneratorOptions {
            rows: ROWS,
            seed: 4,
        },
    )
    .unwrap();
    let reported = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let sink = Arc::clone(&reported);
    let source = SourceSettings::default().validate().unwrap();
    let operation = GetInventory::new(source, InventorySettings::default()).with_progress(
        Arc::new(move |progress| {
            sink.lock().unwrap().push(progress);
        }),
    );
    let (pool, history) = (MemoryPool::new(), MemoryHistory::new());

    let report = operation
        .run(
            CatalogSource::FeedFile(feed),
            &pool,
            &history,
            &SystemClock,
            RunOptions::default(),
        )
        .await
        .unwrap();

    assert_eq!(report.created, ROWS);
    let reported = reported.lock().unwrap();
    let reads: Vec<u64> = reported.iter().map(|progress| progress.read).collect();
    assert!(reads.contains(&READ_STEP), "{reads:?}");
    assert!(reads.contains(&(2 * READ_STEP)), "{reads:?}");
    let last = reported.last().expect("progress reported");
    assert_eq!(last.read, ROWS);
    assert_eq!(last.records, ROWS);
    let max_records = reported.iter().map(|progress| progress.records).max();
    assert_eq!(max_records, Some(ROWS));
}

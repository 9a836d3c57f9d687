//! A writer killed with SIGKILL mid-import leaves a consistent store, and the next run
//! finishes the work.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use petra_ops::pool::{BatchOutcome, InventoryPool, ItemStatus, PoolItem, UpsertOptions};
use petra_ops::Sku;
use petra_store::SqliteStore;

const SOURCE: &str = "Petra Industries";
const BATCH: usize = 500;
const BATCHES: usize = 100;
const DB_VAR: &str = "PETRA_CRASH_TEST_DB";

fn batch(index: usize) -> Vec<PoolItem> {
    (index * BATCH..(index + 1) * BATCH)
        .map(|n| {
            let sku = format!("SKU{n:08}");
            let fields = format!(r#"{{"sku":"{sku}","title":"Item {n}"}}"#);
            PoolItem::from_json(Sku::new(sku), (n % 50) as u64, fields)
        })
        .collect()
}

async fn import_all(store: &SqliteStore) -> BatchOutcome {
    let mut total = BatchOutcome::default();
    for index in 0..BATCHES {
        let outcome = store
            .upsert_batch(
                SOURCE,
                batch(index),
                UpsertOptions { reactivate: true },
                Utc::now(),
            )
            .await
            .unwrap();
        total.add(&outcome);
    }
    total
}

/// Imports in a loop as the child process of `killed_writer_leaves_store_consistent`.
/// Without the database variable set it returns at once.
#[tokio::test]
#[ignore = "child process of killed_writer_leaves_store_consistent"]
async fn write_until_killed() {
    let Ok(path) = std::env::var(DB_VAR) else {
        return;
    };
    let store = SqliteStore::open(path).unwrap();
    // Repeat the import so the child is still writing whenever the parent kills it.
    loop {
        import_all(&store).await;
        store
            .archive(
                SOURCE,
                (0..BATCH * BATCHES)
                    .map(|n| Sku::new(format!("SKU{n:08}")))
                    .collect(),
                Utc::now(),
            )
            .await
            .unwrap();
    }
}

fn stored_rows(path: &std::path::Path) -> i64 {
    let Ok(conn) = rusqlite::Connection::open(path) else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM inventory_items", [], |row| row.get(0))
        .unwrap_or(0)
}

#[tokio::test]
async fn killed_writer_leaves_store_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    drop(SqliteStore::open(&path).unwrap());

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "write_until_killed",
            "--test-threads=1",
        ])
        .env(DB_VAR, &path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Kill once a few batches are in but the import is far from done.
    let deadline = Instant::now() + Duration::from_secs(60);
    while stored_rows(&path) < (BATCH * 3) as i64 {
        assert!(
            Instant::now() < deadline,
            "the child wrote nothing within 60 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());
    let stored = store.count(SOURCE, ItemStatus::Active).await.unwrap()
        + store.count(SOURCE, ItemStatus::Archived).await.unwrap();
    assert_eq!(stored % BATCH as u64, 0, "a batch was half written");

    let rerun = import_all(&store).await;

    assert_eq!(rerun.created, (BATCH * BATCHES) as u64 - stored);
    assert_eq!(
        store.count(SOURCE, ItemStatus::Active).await.unwrap(),
        (BATCH * BATCHES) as u64
    );
}

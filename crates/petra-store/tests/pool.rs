//! The SQLite inventory pool against real database files.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use petra_ops::pool::{
    sku_fingerprint, ContentHash, InventoryPool, ItemStatus, PoolItem, UpsertOptions,
};
use petra_ops::Sku;
use petra_store::SqliteStore;

const SOURCE: &str = "Petra Industries";
const APPLY: UpsertOptions = UpsertOptions { reactivate: true };

fn item(sku: &str, quantity: u64, title: &str) -> PoolItem {
    PoolItem::from_json(
        Sku::new(sku),
        quantity,
        format!(r#"{{"sku":"{sku}","title":"{title}"}}"#),
    )
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 11, 15, 0, 0).unwrap()
}

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();
    (dir, store)
}

fn skus(names: &[&str]) -> Vec<Sku> {
    names.iter().map(Sku::new).collect()
}

#[tokio::test]
async fn upsert_creates_then_skips() {
    let (_dir, store) = open();
    let batch = vec![item("A", 1, "a"), item("B", 2, "b")];

    let first = store
        .upsert_batch(SOURCE, batch.clone(), APPLY, now())
        .await
        .unwrap();
    let second = store
        .upsert_batch(SOURCE, batch, APPLY, now())
        .await
        .unwrap();

    assert_eq!(first.created, 2);
    assert_eq!(second.unchanged, 2);
    assert_eq!(second.created + second.updated, 0);
}

#[tokio::test]
async fn upsert_updates_changed_item() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();

    let outcome = store
        .upsert_batch(SOURCE, vec![item("A", 5, "a")], APPLY, now())
        .await
        .unwrap();

    assert_eq!(outcome.updated, 1);
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.quantity, 5);
}

#[tokio::test]
async fn unchanged_item_keeps_timestamp() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();
    let later = now() + chrono::Duration::hours(1);

    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, later)
        .await
        .unwrap();

    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.updated_at, "2026-06-11T15:00:00.000Z");
}

#[tokio::test]
async fn quantity_change_keeps_fields() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();
    let later = now() + chrono::Duration::hours(1);

    store
        .upsert_batch(SOURCE, vec![item("A", 4, "a")], APPLY, later)
        .await
        .unwrap();

    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.quantity, 4);
    assert_eq!(stored.feed_quantity, 4);
    assert_eq!(stored.fields, item("A", 4, "a").fields_json());
    assert_eq!(stored.updated_at, "2026-06-11T16:00:00.000Z");
    assert_eq!(stored.created_at, "2026-06-11T15:00:00.000Z");
}

#[tokio::test]
async fn fields_change_keeps_quantity() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 3, "a")], APPLY, now())
        .await
        .unwrap();

    let outcome = store
        .upsert_batch(SOURCE, vec![item("A", 3, "renamed")], APPLY, now())
        .await
        .unwrap();
    let again = store
        .upsert_batch(SOURCE, vec![item("A", 3, "renamed")], APPLY, now())
        .await
        .unwrap();

    assert_eq!(outcome.updated, 1);
    assert_eq!(again.unchanged, 1);
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.fields, item("A", 3, "renamed").fields_json());
    assert_eq!(stored.quantity, 3);
}

#[tokio::test]
async fn archive_records_time_until_return() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 7, "a")], APPLY, now())
        .await
        .unwrap();
    let later = now() + chrono::Duration::hours(2);

    store.archive(SOURCE, skus(&["A"]), later).await.unwrap();
    let archived = store.item(SOURCE, "A").await.unwrap().unwrap();
    store.unarchive(SOURCE, skus(&["A"]), later).await.unwrap();
    let restored = store.item(SOURCE, "A").await.unwrap().unwrap();

    let time = "2026-06-11T17:00:00.000Z";
    assert_eq!(archived.archived_at.as_deref(), Some(time));
    assert_eq!(archived.updated_at, time);
    assert_eq!(restored.archived_at, None);
    assert_eq!(restored.updated_at, time);
}

#[tokio::test]
async fn archive_zeroes_quantity() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 7, "a")], APPLY, now())
        .await
        .unwrap();

    let archived = store
        .archive(SOURCE, skus(&["A", "missing"]), now())
        .await
        .unwrap();

    assert_eq!(archived, 1);
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.status, ItemStatus::Archived);
    assert_eq!(stored.quantity, 0);
    assert_eq!(stored.feed_quantity, 7);
}

#[tokio::test]
async fn unarchive_restores_quantity() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 7, "a")], APPLY, now())
        .await
        .unwrap();
    store.archive(SOURCE, skus(&["A"]), now()).await.unwrap();

    let restored = store.unarchive(SOURCE, skus(&["A"]), now()).await.unwrap();

    assert_eq!(restored, 1);
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.status, ItemStatus::Active);
    assert_eq!(stored.quantity, 7);
}

#[tokio::test]
async fn upsert_reactivates_archived_item() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 7, "a")], APPLY, now())
        .await
        .unwrap();
    store.archive(SOURCE, skus(&["A"]), now()).await.unwrap();

    let outcome = store
        .upsert_batch(SOURCE, vec![item("A", 7, "a")], APPLY, now())
        .await
        .unwrap();

    assert_eq!(outcome.reactivated, 1);
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.quantity, 7);
    assert_eq!(stored.archived_at, None);
}

#[tokio::test]
async fn upsert_keeps_archived_without_reactivate() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 7, "a")], APPLY, now())
        .await
        .unwrap();
    store.archive(SOURCE, skus(&["A"]), now()).await.unwrap();
    let keep = UpsertOptions { reactivate: false };

    let outcome = store
        .upsert_batch(SOURCE, vec![item("A", 9, "a")], keep, now())
        .await
        .unwrap();

    assert_eq!(outcome.updated, 1);
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.status, ItemStatus::Archived);
    assert_eq!(stored.quantity, 0);
    assert_eq!(stored.feed_quantity, 9);
}

#[tokio::test]
async fn preview_writes_nothing() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();

    let outcome = store
        .preview_batch(SOURCE, vec![item("A", 2, "a"), item("B", 1, "b")], APPLY)
        .await
        .unwrap();

    assert_eq!((outcome.created, outcome.updated), (1, 1));
    assert_eq!(store.item(SOURCE, "B").await.unwrap(), None);
    assert_eq!(store.item(SOURCE, "A").await.unwrap().unwrap().quantity, 1);
}

#[tokio::test]
async fn duplicate_sku_in_batch_keeps_last() {
    let (_dir, store) = open();

    let outcome = store
        .upsert_batch(
            SOURCE,
            vec![item("A", 1, "first"), item("A", 2, "second")],
            APPLY,
            now(),
        )
        .await
        .unwrap();

    assert_eq!((outcome.created, outcome.updated), (1, 1));
    let stored = store.item(SOURCE, "A").await.unwrap().unwrap();
    assert_eq!(stored.quantity, 2);
}

#[tokio::test]
async fn large_batch_stores_every_state() {
    let (_dir, store) = open();
    // More than two groups of state rows, then a repeat of the first SKU, which must
    // find the item created earlier in the batch.
    let mut items: Vec<PoolItem> = (0..150)
        .map(|index| {
            let row_hash = ContentHash::of(format!("row {index}").as_bytes());
            item(&format!("SKU-{index:03}"), index, "new").with_row_hash(row_hash)
        })
        .collect();
    items.push(item("SKU-000", 7, "repeated"));

    let outcome = store
        .upsert_batch(SOURCE, items, APPLY, now())
        .await
        .unwrap();

    assert_eq!((outcome.created, outcome.updated), (150, 1));
    assert_eq!(store.count(SOURCE, ItemStatus::Active).await.unwrap(), 150);
    let mut row_hashes = store.row_hashes(SOURCE).await.unwrap();
    assert_eq!(row_hashes.len(), 149);
    let last = ContentHash::of(b"row 149");
    assert_eq!(
        row_hashes.sku_fingerprint(&last),
        Some(sku_fingerprint("SKU-149"))
    );
    let repeated = store.item(SOURCE, "SKU-000").await.unwrap().unwrap();
    assert_eq!(repeated.quantity, 7);
}

#[tokio::test]
async fn list_skus_pages_in_order() {
    let (_dir, store) = open();
    let batch = ["D", "B", "A", "C", "E"]
        .iter()
        .map(|s| item(s, 1, s))
        .collect();
    store
        .upsert_batch(SOURCE, batch, APPLY, now())
        .await
        .unwrap();
    store.archive(SOURCE, skus(&["C"]), now()).await.unwrap();

    let first = store
        .list_skus(SOURCE, ItemStatus::Active, None, 2)
        .await
        .unwrap();
    let after = first.last().cloned();
    let second = store
        .list_skus(SOURCE, ItemStatus::Active, after, 10)
        .await
        .unwrap();

    assert_eq!(first, skus(&["A", "B"]));
    assert_eq!(second, skus(&["D", "E"]));
}

#[tokio::test]
async fn find_skus_returns_stored_skus_of_the_source() {
    let (_dir, store) = open();
    let batch = vec![item("A", 1, "a"), item("B", 2, "b"), item("C", 3, "c")];
    store
        .upsert_batch(SOURCE, batch, APPLY, now())
        .await
        .unwrap();
    store.archive(SOURCE, skus(&["B"]), now()).await.unwrap();
    store
        .upsert_batch("Other Warehouse", vec![item("D", 1, "d")], APPLY, now())
        .await
        .unwrap();

    let found = store
        .find_skus(SOURCE, &skus(&["A", "B", "D", "a", "Z"]))
        .await
        .unwrap();
    let unknown_source = store
        .find_skus("Never Imported", &skus(&["A"]))
        .await
        .unwrap();

    // Archived items count; other sources' items and SKUs differing in case do not.
    assert_eq!(found, Some(skus(&["A", "B"]).into_iter().collect()));
    assert_eq!(unknown_source, Some(Default::default()));
}

#[tokio::test]
async fn count_separates_sources() {
    let (_dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();
    store
        .upsert_batch("Other", vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();
    store.archive("Other", skus(&["A"]), now()).await.unwrap();

    assert_eq!(store.count(SOURCE, ItemStatus::Active).await.unwrap(), 1);
    assert_eq!(store.count("Other", ItemStatus::Active).await.unwrap(), 0);
    assert_eq!(store.count("Other", ItemStatus::Archived).await.unwrap(), 1);
}

#[tokio::test]
async fn reopen_keeps_items() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
            .await
            .unwrap();
    }

    let store = SqliteStore::open(&path).unwrap();

    assert_eq!(store.count(SOURCE, ItemStatus::Active).await.unwrap(), 1);
}

#[tokio::test]
async fn newer_schema_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);

    let err = SqliteStore::open(&path).unwrap_err();

    assert!(matches!(
        err,
        petra_store::Error::NewerSchema { found: 99, .. }
    ));
}

#[tokio::test]
async fn store_uses_wal_and_tuned_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    drop(SqliteStore::open(&path).unwrap());

    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    let page_size: i64 = conn
        .pragma_query_value(None, "page_size", |row| row.get(0))
        .unwrap();

    assert_eq!(mode, "wal");
    assert_eq!(page_size, 16_384);
}

#[tokio::test]
async fn written_batch_reaches_database_file_while_open() {
    let (dir, store) = open();
    let path = dir.path().join("petra.sqlite");
    let database_bytes = || std::fs::metadata(&path).unwrap().len();
    let before = database_bytes();

    store
        .upsert_batch(SOURCE, vec![item("A", 1, "a")], APPLY, now())
        .await
        .unwrap();
    // The writing connection checkpoints only at 64 MiB of WAL, so only the store's
    // checkpoint thread can grow the file while the store stays open.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while database_bytes() == before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }

    assert!(database_bytes() > before);
    drop(store);
}

#[tokio::test]
async fn unopenable_path_names_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("petra.sqlite");

    let message = SqliteStore::open(&path).unwrap_err().to_string();

    assert!(message.contains("no-such-folder"), "{message}");
}

/// Returns the next value of a xorshift generator, for batches that vary but repeat.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[tokio::test]
async fn mixed_batches_match_model() {
    let (_dir, store) = open();
    let mut model: BTreeMap<String, u64> = BTreeMap::new();
    let mut state = 12_345u64;

    // Batches of 1 to 200 items around the 64-row state group, mixing new, stored and
    // repeated SKUs, with and without row hashes.
    for round in 0..40 {
        let len = (next_random(&mut state) % 200) as usize + 1;
        let mut batch = Vec::new();
        for _ in 0..len {
            let sku = format!("S{:04}", next_random(&mut state) % 600);
            let quantity = next_random(&mut state) % 1000;
            let mut new_item = item(&sku, quantity, &format!("round {round}"));
            if next_random(&mut state) % 2 == 0 {
                let row = format!("{sku}/{quantity}/{round}");
                new_item = new_item.with_row_hash(ContentHash::of(row.as_bytes()));
            }
            batch.push(new_item);
        }
        let batch_model: BTreeMap<String, u64> = batch
            .iter()
            .map(|item| (item.sku.as_str().to_owned(), item.quantity))
            .collect();
        let created = batch_model
            .keys()
            .filter(|sku| !model.contains_key(*sku))
            .count() as u64;

        let outcome = store
            .upsert_batch(SOURCE, batch, APPLY, now())
            .await
            .unwrap();

        assert_eq!(outcome.created, created, "round {round}");
        model.extend(batch_model);
        let active = store.count(SOURCE, ItemStatus::Active).await.unwrap();
        assert_eq!(active, model.len() as u64, "round {round}");
    }

    for (sku, quantity) in &model {
        let stored = store.item(SOURCE, sku).await.unwrap().expect("stored");
        assert_eq!(stored.quantity, *quantity, "{sku}");
    }
    let mut fingerprints = store.active_fingerprints(SOURCE).await.unwrap().unwrap();
    fingerprints.sort_unstable();
    let mut expected: Vec<u64> = model.keys().map(|sku| sku_fingerprint(sku)).collect();
    expected.sort_unstable();
    assert_eq!(fingerprints, expected);
    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn integrity_check_finds_missing_item() {
    let (dir, store) = open();
    store
        .upsert_batch(SOURCE, vec![item("A1", 3, "lamp")], APPLY, now())
        .await
        .unwrap();
    // A state row whose item does not exist, written past the checks as a bug would.
    let conn = rusqlite::Connection::open(dir.path().join("petra.sqlite")).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; \
         INSERT INTO inventory_item_state \
         (item_id, source_id, active, sku_fingerprint, fields_hash, quantity, \
         feed_quantity, updated_at) VALUES (999, 1, 1, 0, x'00', 0, 0, 0);",
    )
    .unwrap();

    let findings = store.integrity_check().await.unwrap();

    assert_eq!(
        findings,
        ["row 999 of inventory_item_state refers to a missing row of inventory_items"]
    );
}

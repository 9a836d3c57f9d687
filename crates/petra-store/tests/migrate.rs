//! A store written with schema version 3 (text-keyed items, BLAKE3 content hashes) opens,
//! migrates to integer item ids and XXH3 content hashes, and keeps every item, its status,
//! its timestamps, its unchanged state and the run history.

use chrono::{TimeZone, Utc};
use petra_ops::history::{Operation, RunHistory};
use petra_ops::pool::{sku_fingerprint, InventoryPool, ItemStatus, PoolItem, UpsertOptions};
use petra_ops::Sku;
use petra_store::SqliteStore;
use rusqlite::{params, Connection};

const SOURCE: &str = "Petra Industries";
const OTHER: &str = "Other Warehouse";
const APPLY: UpsertOptions = UpsertOptions { reactivate: true };

/// Items of the old store: source, SKU, status, quantity, feed quantity, title.
const OLD_ITEMS: &[(&str, &str, &str, i64, i64, &str)] = &[
    (SOURCE, "A-1", "active", 5, 5, "first"),
    (SOURCE, "B-2", "archived", 0, 7, "second"),
    (SOURCE, "C-3", "active", 0, 0, "third"),
    (OTHER, "A-1", "active", 9, 9, "other first"),
];

fn old_item(sku: &str, quantity: i64, title: &str) -> PoolItem {
    PoolItem::from_json(
        Sku::new(sku),
        quantity as u64,
        format!(r#"{{"sku":"{sku}","title":"{title}"}}"#),
    )
}

/// The content hash of builds before schema version 5: the first 16 bytes of BLAKE3.
fn blake3_content_hash(item: &PoolItem) -> Vec<u8> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&item.quantity.to_le_bytes());
    hasher.update(item.fields_json().as_bytes());
    hasher.finalize().as_bytes()[..16].to_vec()
}

/// Writes a version 3 store the way the build before integer item ids did.
fn write_version_3(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "page_size", 16_384).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for sql in [
        include_str!("../src/migrations/0001_initial.sql"),
        include_str!("../src/migrations/0002_row_hashes.sql"),
        include_str!("../src/migrations/0003_outbox_ledger.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 3).unwrap();

    for &(source, sku, status, quantity, feed_quantity, title) in OLD_ITEMS {
        let item = old_item(sku, feed_quantity, title);
        let archived_at = (status == "archived").then_some("2026-06-10T08:00:00.000Z");
        conn.execute(
            "INSERT INTO inventory_items (source, sku, status, quantity, feed_quantity, \
             content_hash, fields, created_at, updated_at, archived_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '2026-06-01T08:00:00.000Z', \
             '2026-06-02T08:00:00.000Z', ?8)",
            params![
                source,
                sku,
                status,
                quantity,
                feed_quantity,
                blake3_content_hash(&item),
                item.fields_json(),
                archived_at
            ],
        )
        .unwrap();
        if status == "active" {
            conn.execute(
                "INSERT INTO inventory_row_hashes (source, sku, row_hash) VALUES (?1, ?2, ?3)",
                params![source, sku, &[7u8; 16][..]],
            )
            .unwrap();
        }
    }
    conn.execute(
        "INSERT INTO runs (run_id, operation, source, dry_run, started_at, finished_at, \
         status, report) VALUES ('00000000-0000-0000-0000-000000000001', 'get_inventory', \
         ?1, 0, '2026-06-02T08:00:00.000Z', '2026-06-02T08:01:00.000Z', 'succeeded', NULL)",
        params![SOURCE],
    )
    .unwrap();
}

fn migrated_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    write_version_3(&path);
    let store = SqliteStore::open(&path).unwrap();
    (dir, store)
}

#[tokio::test]
async fn migration_keeps_every_item() {
    let (_dir, store) = migrated_store();

    for &(source, sku, status, quantity, feed_quantity, title) in OLD_ITEMS {
        let stored = store.item(source, sku).await.unwrap().expect("item kept");
        let expected_status = match status {
            "active" => ItemStatus::Active,
            _ => ItemStatus::Archived,
        };
        assert_eq!(stored.status, expected_status, "{source} {sku}");
        assert_eq!(stored.quantity, quantity as u64, "{source} {sku}");
        assert_eq!(stored.feed_quantity, feed_quantity as u64, "{source} {sku}");
        assert_eq!(
            stored.fields,
            old_item(sku, feed_quantity, title).fields_json(),
            "{source} {sku}"
        );
        assert_eq!(stored.created_at, "2026-06-01T08:00:00.000Z");
        assert_eq!(stored.updated_at, "2026-06-02T08:00:00.000Z");
    }
}

#[tokio::test]
async fn migration_keeps_counts_per_source() {
    let (_dir, store) = migrated_store();

    assert_eq!(store.count(SOURCE, ItemStatus::Active).await.unwrap(), 2);
    assert_eq!(store.count(SOURCE, ItemStatus::Archived).await.unwrap(), 1);
    assert_eq!(store.count(OTHER, ItemStatus::Active).await.unwrap(), 1);
}

#[tokio::test]
async fn migration_keeps_archived_at() {
    let (_dir, store) = migrated_store();

    let archived = store.item(SOURCE, "B-2").await.unwrap().unwrap();

    assert_eq!(
        archived.archived_at.as_deref(),
        Some("2026-06-10T08:00:00.000Z")
    );
}

#[tokio::test]
async fn migration_fills_sku_fingerprints() {
    let (_dir, store) = migrated_store();

    let mut fingerprints = store.active_fingerprints(SOURCE).await.unwrap().unwrap();
    fingerprints.sort_unstable();

    let mut expected = vec![sku_fingerprint("A-1"), sku_fingerprint("C-3")];
    expected.sort_unstable();
    assert_eq!(fingerprints, expected);
}

#[tokio::test]
async fn migration_drops_old_row_hashes() {
    let (_dir, store) = migrated_store();

    let hashes = store.row_hashes(SOURCE).await.unwrap();

    assert!(hashes.is_empty(), "{} row hashes kept", hashes.len());
}

#[tokio::test]
async fn migrated_item_stays_unchanged() {
    let (_dir, store) = migrated_store();
    let now = Utc.with_ymd_and_hms(2026, 6, 11, 15, 0, 0).unwrap();

    let outcome = store
        .upsert_batch(SOURCE, vec![old_item("A-1", 5, "first")], APPLY, now)
        .await
        .unwrap();

    assert_eq!(outcome.unchanged, 1);
    assert_eq!(outcome.created + outcome.updated, 0);
}

#[tokio::test]
async fn migrated_archived_item_reactivates() {
    let (_dir, store) = migrated_store();
    let now = Utc.with_ymd_and_hms(2026, 6, 11, 15, 0, 0).unwrap();

    let outcome = store
        .upsert_batch(SOURCE, vec![old_item("B-2", 7, "second")], APPLY, now)
        .await
        .unwrap();

    assert_eq!(outcome.reactivated, 1);
    let item = store.item(SOURCE, "B-2").await.unwrap().unwrap();
    assert_eq!(item.quantity, 7);
}

#[tokio::test]
async fn migrated_store_adds_new_items() {
    let (_dir, store) = migrated_store();
    let now = Utc.with_ymd_and_hms(2026, 6, 11, 15, 0, 0).unwrap();

    let outcome = store
        .upsert_batch(SOURCE, vec![old_item("D-4", 1, "fourth")], APPLY, now)
        .await
        .unwrap();

    assert_eq!(outcome.created, 1);
    assert_eq!(store.count(SOURCE, ItemStatus::Active).await.unwrap(), 3);
}

#[tokio::test]
async fn migration_keeps_run_history() {
    let (_dir, store) = migrated_store();

    let runs = store
        .recent_runs(Operation::GetInventory, SOURCE, 10)
        .await
        .unwrap();

    assert_eq!(runs.len(), 1);
}

#[tokio::test]
async fn migrated_store_passes_integrity_check() {
    let (_dir, store) = migrated_store();

    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());
}

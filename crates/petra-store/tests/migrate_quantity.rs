//! Migration 7 on a store written with schema version 6, where quantities and update
//! times sit on the item rows and the quantity inside the fields JSON. The migrated store
//! keeps them in the state table, and the same feed finds every item unchanged.

use chrono::{TimeZone, Utc};
use petra_ops::pool::{sku_fingerprint, InventoryPool, ItemStatus, PoolItem, UpsertOptions};
use petra_ops::Sku;
use petra_store::SqliteStore;
use rusqlite::{params, Connection};

const SOURCE: &str = "Petra Industries";
const APPLY: UpsertOptions = UpsertOptions { reactivate: true };

/// One item of the old store.
struct OldItem {
    sku: &'static str,
    active: bool,
    quantity: i64,
    feed_quantity: i64,
    /// Fields as the old build stored them, with the quantity inside.
    fields: &'static str,
    /// The same fields without the quantity, as this build writes them.
    fields_now: &'static str,
}

const OLD_ITEMS: &[OldItem] = &[
    OldItem {
        sku: "A-1",
        active: true,
        quantity: 5,
        feed_quantity: 5,
        fields: r#"{"sku":"A-1","title":"Lamp \"Deluxe\" \u001f é","quantity":"5","price":"9.99"}"#,
        fields_now: r#"{"sku":"A-1","title":"Lamp \"Deluxe\" \u001f é","price":"9.99"}"#,
    },
    OldItem {
        sku: "B-2",
        active: false,
        quantity: 0,
        feed_quantity: 7,
        fields: r#"{"sku":"B-2","quantity":"7"}"#,
        fields_now: r#"{"sku":"B-2"}"#,
    },
    OldItem {
        sku: "C-3",
        active: true,
        quantity: 12,
        feed_quantity: 12,
        fields: r#"{"quantity":"12","sku":"C-3","weight":"1.50","notes":null}"#,
        fields_now: r#"{"sku":"C-3","weight":"1.50","notes":null}"#,
    },
];

const UPDATED_AT: &str = "2026-06-02T08:00:00.123Z";

/// Writes a version 6 store the way the build before this schema did.
fn write_version_6(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "page_size", 16_384).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for sql in [
        include_str!("../src/migrations/0001_initial.sql"),
        include_str!("../src/migrations/0002_row_hashes.sql"),
        include_str!("../src/migrations/0003_outbox_ledger.sql"),
        include_str!("../src/migrations/0004_item_ids.sql"),
        include_str!("../src/migrations/0005_item_content_hash.sql"),
        include_str!("../src/migrations/0006_drop_state_index.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 6).unwrap();

    conn.execute("INSERT INTO inventory_sources (name) VALUES (?1)", [SOURCE])
        .unwrap();
    for item in OLD_ITEMS {
        let archived_at = (!item.active).then_some("2026-06-10T08:00:00.000Z");
        conn.execute(
            "INSERT INTO inventory_items (source_id, sku, quantity, feed_quantity, fields, \
             created_at, updated_at, archived_at) \
             VALUES (1, ?1, ?2, ?3, ?4, '2026-06-01T08:00:00.000Z', ?5, ?6)",
            params![
                item.sku,
                item.quantity,
                item.feed_quantity,
                item.fields,
                UPDATED_AT,
                archived_at
            ],
        )
        .unwrap();
        let row_hash = item.active.then_some(&[7u8; 16][..]);
        conn.execute(
            "INSERT INTO inventory_item_state (item_id, source_id, active, sku_fingerprint, \
             content_hash, row_hash) VALUES (last_insert_rowid(), 1, ?1, ?2, ?3, ?4)",
            params![
                item.active,
                sku_fingerprint(item.sku) as i64,
                &[0u8; 16][..],
                row_hash
            ],
        )
        .unwrap();
    }
}

fn migrated_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    write_version_6(&path);
    let store = SqliteStore::open(&path).unwrap();
    (dir, store)
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 20, 8, 0, 0).unwrap()
}

fn feed_item(item: &OldItem, quantity: i64) -> PoolItem {
    PoolItem::from_json(Sku::new(item.sku), quantity as u64, item.fields_now.into())
}

#[tokio::test]
async fn migration_moves_quantities() {
    let (_dir, store) = migrated_store();

    for old in OLD_ITEMS {
        let stored = store
            .item(SOURCE, old.sku)
            .await
            .unwrap()
            .expect("item kept");
        assert_eq!(stored.quantity, old.quantity as u64, "{}", old.sku);
        assert_eq!(
            stored.feed_quantity, old.feed_quantity as u64,
            "{}",
            old.sku
        );
        assert_eq!(stored.updated_at, UPDATED_AT, "{}", old.sku);
        assert_eq!(stored.created_at, "2026-06-01T08:00:00.000Z");
    }
}

#[tokio::test]
async fn migration_takes_quantity_out_of_fields() {
    let (_dir, store) = migrated_store();

    for old in OLD_ITEMS {
        let stored = store.item(SOURCE, old.sku).await.unwrap().unwrap();
        assert_eq!(stored.fields, old.fields_now, "{}", old.sku);
    }
}

#[tokio::test]
async fn migration_keeps_status_and_archive_time() {
    let (_dir, store) = migrated_store();

    let archived = store.item(SOURCE, "B-2").await.unwrap().unwrap();

    assert_eq!(archived.status, ItemStatus::Archived);
    assert_eq!(
        archived.archived_at.as_deref(),
        Some("2026-06-10T08:00:00.000Z")
    );
    assert_eq!(store.count(SOURCE, ItemStatus::Active).await.unwrap(), 2);
}

#[tokio::test]
async fn migrated_items_stay_unchanged() {
    let (_dir, store) = migrated_store();
    let keep_archived = UpsertOptions { reactivate: false };
    let items = OLD_ITEMS
        .iter()
        .map(|old| feed_item(old, old.feed_quantity))
        .collect();

    let outcome = store
        .upsert_batch(SOURCE, items, keep_archived, now())
        .await
        .unwrap();

    assert_eq!(outcome.unchanged, 3);
    assert_eq!(outcome.updated, 0);
}

#[tokio::test]
async fn migrated_item_takes_new_quantity() {
    let (_dir, store) = migrated_store();
    let item = feed_item(&OLD_ITEMS[0], 40);

    let outcome = store
        .upsert_batch(SOURCE, vec![item], APPLY, now())
        .await
        .unwrap();
    let stored = store.item(SOURCE, "A-1").await.unwrap().unwrap();

    assert_eq!(outcome.updated, 1);
    assert_eq!(stored.quantity, 40);
    assert_eq!(stored.feed_quantity, 40);
    assert_eq!(stored.fields, OLD_ITEMS[0].fields_now);
    assert_eq!(stored.updated_at, "2026-06-20T08:00:00.000Z");
}

#[tokio::test]
async fn migrated_archived_item_reactivates() {
    let (_dir, store) = migrated_store();
    let item = feed_item(&OLD_ITEMS[1], 7);

    let outcome = store
        .upsert_batch(SOURCE, vec![item], APPLY, now())
        .await
        .unwrap();
    let stored = store.item(SOURCE, "B-2").await.unwrap().unwrap();

    assert_eq!(outcome.reactivated, 1);
    assert_eq!(stored.status, ItemStatus::Active);
    assert_eq!(stored.quantity, 7);
    assert_eq!(stored.archived_at, None);
}

#[tokio::test]
async fn quantity_migration_passes_integrity_check() {
    let (_dir, store) = migrated_store();

    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());
}

#[test]
fn broken_reference_rolls_migration_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    write_version_6(&path);
    // An item of a source that does not exist, as a hand edit could leave.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; \
         UPDATE inventory_items SET source_id = 9 WHERE sku = 'C-3';",
    )
    .unwrap();

    let Err(err) = SqliteStore::open(&path) else {
        panic!("the migration was applied despite the broken reference");
    };
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();

    assert!(
        matches!(
            err,
            petra_store::Error::MigrationReferences { version: 7, .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("inventory_sources"), "{err}");
    assert_eq!(version, 6);
}

//! The SQLite writer alone: the items of a first import written into a new store with
//! nothing else running, against the whole first import of the same feed.
//!
//! `cargo bench -p petra-store --bench write_only -- ROWS` (default 1,000,000). The first
//! import reads, maps and writes on two threads. Here the same items, read back from that
//! store, go through `upsert_batch` in batches of the default size, so the figure is the
//! most a first import can reach while the writer has a core to itself.

use chrono::Utc;
use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, RunOptions};
use petra_ops::pool::{ContentHash, InventoryPool, PoolItem, UpsertOptions};
use petra_ops::settings::{InventorySettings, SourceSettings};
use petra_ops::Sku;
use petra_store::SqliteStore;
use phase::{report, rows_argument, Started};

mod phase;

fn main() {
    let rows = rows_argument(1_000_000);
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let feed = dir.path().join("ProdList.csv");
    let file = std::fs::File::create(&feed).expect("create the feed file");
    generate(file, GeneratorOptions { rows, seed: 11 }).expect("generate the feed");

    let runtime = tokio::runtime::Runtime::new().expect("start tokio");
    let imported = SqliteStore::open(dir.path().join("imported.sqlite")).expect("open a store");
    let source = SourceSettings::default()
        .validate()
        .expect("default source");
    let settings = InventorySettings::default();
    let batch_size = settings.batch_size;
    let operation = GetInventory::new(source.clone(), settings);

    let started = Started::now();
    let imported_report = runtime
        .block_on(operation.run(
            CatalogSource::FeedFile(feed),
            &imported,
            &imported,
            &SystemClock,
            RunOptions::default(),
        ))
        .expect("import");
    let import = report("first import", imported_report.created, started);

    let batches = stored_batches(&imported, batch_size);
    let written = SqliteStore::open(dir.path().join("written.sqlite")).expect("open a store");
    let options = UpsertOptions { reactivate: true };
    let started = Started::now();
    let mut created = 0;
    for batch in batches {
        let outcome = runtime
            .block_on(written.upsert_batch(source.name(), batch, options, Utc::now()))
            .expect("write a batch");
        created += outcome.created;
    }
    let write = report("writer alone", created, started);
    let micros = write.cpu_seconds * 1e6 / created.max(1) as f64;
    println!(
        "writer alone: {micros:.2} CPU µs per row, at most {:.0} rows/s on one core",
        1e6 / micros
    );

    println!(
        "first import / writer alone: {:.3}",
        import.rows_per_second / write.rows_per_second
    );
}

/// Reads every stored item back in id order, in batches, each with a row hash as an
/// import stores one.
fn stored_batches(store: &SqliteStore, batch_size: usize) -> Vec<Vec<PoolItem>> {
    let conn = rusqlite::Connection::open(store.path()).expect("open the imported store");
    let mut select = conn
        .prepare(
            "SELECT i.sku, s.feed_quantity, i.fields FROM inventory_items AS i \
             JOIN inventory_item_state AS s ON s.item_id = i.id ORDER BY i.id",
        )
        .expect("prepare the item listing");
    let items =
        select
            .query_map([], |row| {
                let sku: String = row.get(0)?;
                let quantity: i64 = row.get(1)?;
                let fields: String = row.get(2)?;
                let row_hash = ContentHash::of(fields.as_bytes());
                Ok(PoolItem::from_json(Sku::new(&sku), quantity as u64, fields)
                    .with_row_hash(row_hash))
            })
            .expect("list the items")
            .collect::<Result<Vec<_>, _>>()
            .expect("read the items");
    items.chunks(batch_size).map(<[PoolItem]>::to_vec).collect()
}

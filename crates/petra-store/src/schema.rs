//! Connection tuning and the versioned schema migrations embedded in the crate.
//!
//! `PRAGMA user_version` stores the number of migrations applied. Each migration runs in
//! its own transaction together with the version bump, so a crash leaves either the old
//! or the new version, never half of one.

use petra_ops::pool::{sku_fingerprint, ContentHash};
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, ErrorCode, Transaction, TransactionBehavior};

use crate::error::Error;

/// A schema migration: a script, then an optional step in Rust for values SQL cannot
/// compute, both in one transaction.
struct Migration {
    sql: &'static str,
    finish: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

/// The migrations in order; migration `n` (1-based) moves the schema to version `n`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_initial.sql"),
        finish: None,
    },
    Migration {
        sql: include_str!("migrations/0002_row_hashes.sql"),
        finish: None,
    },
    Migration {
        sql: include_str!("migrations/0003_outbox_ledger.sql"),
        finish: None,
    },
    Migration {
        sql: include_str!("migrations/0004_item_ids.sql"),
        finish: Some(fill_sku_fingerprints),
    },
    Migration {
        sql: include_str!("migrations/0005_item_content_hash.sql"),
        finish: Some(recompute_content_hashes),
    },
    Migration {
        sql: include_str!("migrations/0006_drop_state_index.sql"),
        finish: None,
    },
    Migration {
        sql: include_str!("migrations/0007_quantity_in_state.sql"),
        finish: Some(fill_fields_hashes),
    },
];

/// Computes the SKU fingerprint of every item, which migration 4 left at 0.
fn fill_sku_fingerprints(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut select = tx.prepare("SELECT id, sku FROM inventory_items")?;
    let mut update =
        tx.prepare("UPDATE inventory_item_state SET sku_fingerprint = ?2 WHERE item_id = ?1")?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let sku = row.get_ref(1)?.as_str()?;
        // SQLite integers are signed, so the fingerprint is stored with its bits as is.
        update.execute(params![id, sku_fingerprint(sku) as i64])?;
    }
    Ok(())
}

/// Recomputes every item's content hash with the current hash function, from the
/// quantity and fields it covers.
fn recompute_content_hashes(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut select = tx.prepare("SELECT id, feed_quantity, fields FROM inventory_items")?;
    let mut update =
        tx.prepare("UPDATE inventory_item_state SET content_hash = ?2 WHERE item_id = ?1")?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let quantity: i64 = row.get(1)?;
        let fields = row.get_ref(2)?.as_str()?;
        // The column's CHECK keeps quantities non-negative.
        let hash = ContentHash::of_item(quantity.max(0) as u64, fields);
        update.execute(params![id, &hash.as_bytes()[..]])?;
    }
    Ok(())
}

/// Computes the digest of every item's fields as migration 7 stored them.
fn fill_fields_hashes(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut select = tx.prepare("SELECT id, fields FROM inventory_items")?;
    let mut update =
        tx.prepare("UPDATE inventory_item_state SET fields_hash = ?2 WHERE item_id = ?1")?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let fields = row.get_ref(1)?.as_str()?;
        let hash = ContentHash::of(fields.as_bytes());
        update.execute(params![id, &hash.as_bytes()[..]])?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// How long a connection waits for another connection's lock before it fails with
/// `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Page cache per connection, in KiB. SQLite's default (2 MiB) makes upserts about 40%
/// slower once the pool outgrows it.
const CACHE_KIB: i64 = 32 * 1024;

/// Page size of a new database, where SQLite's default is 4 KiB. SQLite writes each WAL
/// page with two system calls, and with 4 KiB pages the kernel took about a fifth of the
/// writer's time. An existing database keeps the page size it was created with.
const PAGE_BYTES: i64 = 16 * 1024;

/// WAL size at which the writing connection checkpoints itself: 64 MiB, where SQLite's
/// default is 1,000 pages. The checkpoint thread copies most pages before that, so this
/// checkpoint copies the rest and lets the WAL start over. The WAL file keeps the
/// largest size it reached, about this plus one batch.
const WAL_CHECKPOINT_PAGES: i64 = 64 * 1024 * 1024 / PAGE_BYTES;

/// Bytes of the database file SQLite may read through mmap. Zero, because mapped pages
/// count in the process's resident set on top of the page cache: with 64 MiB a
/// 1,000,000-row import peaked at 180 MiB.
const MMAP_BYTES: i64 = 0;

/// Sets the pragmas every connection uses.
pub(crate) fn tune(conn: &Connection) -> Result<(), Error> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(Error::sqlite("set busy_timeout"))?;
    // Only takes effect on a new, empty database, before WAL is switched on.
    conn.pragma_update(None, "page_size", PAGE_BYTES)
        .map_err(Error::sqlite("set page_size"))?;
    switch_to_wal(conn)?;
    // In WAL mode NORMAL keeps the database consistent through any crash. It syncs the WAL
    // only at a checkpoint, so a power loss or an OS crash (not a killed process) can roll
    // back the transactions since the last one: those since the last pass of the
    // checkpoint thread, or up to WAL_CHECKPOINT_PAGES if it fell behind. The next run
    // writes them again. A fulfillment request sent again keeps its PO, so Petra rejects
    // it with 409 and the run matches it to the order Petra already has.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::sqlite("set synchronous"))?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(Error::sqlite("set cache_size"))?;
    conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
        .map_err(Error::sqlite("set wal_autocheckpoint"))?;
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(Error::sqlite("set temp_store"))?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
        .map_err(Error::sqlite("set mmap_size"))?;
    // On whatever SQLite build rusqlite links. Inventory batches switch the checks off
    // for their own transaction, for speed, and on again after it.
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(Error::sqlite("set foreign_keys"))?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(())
}

/// Sets `journal_mode = WAL`.
///
/// When several connections switched one new file to WAL at the same moment (the
/// `open_race` test, SQLite bundled by libsqlite3-sys 0.35), some got `SQLITE_BUSY`
/// despite the busy timeout, so this retries until [`BUSY_TIMEOUT`] has passed.
fn switch_to_wal(conn: &Connection) -> Result<(), Error> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == ErrorCode::DatabaseBusy && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(err) => return Err(Error::sqlite("switch to WAL")(err)),
        }
    }
}

/// Applies the migrations the database has not seen yet.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), Error> {
    // The common case, a store already up to date, takes no write lock.
    if check_version(read_version(conn)?)? == SCHEMA_VERSION {
        return Ok(());
    }

    // A migration that rebuilds a table other tables refer to drops the old table first,
    // which foreign-key checks would reject. As SQLite's documentation describes for such
    // changes, the checks are off while migrating and `foreign_key_check` runs before each
    // commit instead.
    without_foreign_key_checks(conn, apply_migrations)
}

fn apply_migrations(conn: &mut Connection) -> Result<(), Error> {
    loop {
        // The write lock is taken before the version is read, so when several processes
        // open a new store at once, each migration runs once. The others wait for the
        // lock (busy_timeout) and then read the new version.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::sqlite("lock the database for a schema migration"))?;
        let current = check_version(read_version(&tx)?)?;
        let Some(step) = MIGRATIONS.get(current) else {
            return Ok(());
        };

        let version = current + 1;
        let migration = |source| Error::Migration { version, source };
        tx.execute_batch(step.sql).map_err(migration)?;
        if let Some(finish) = step.finish {
            finish(&tx).map_err(migration)?;
        }
        let broken = foreign_key_findings(&tx).map_err(migration)?;
        if let Some(first) = broken.into_iter().next() {
            // Dropping the transaction rolls the migration back.
            return Err(Error::MigrationReferences { version, first });
        }
        tx.pragma_update(None, "user_version", version as i64)
            .map_err(migration)?;
        tx.commit().map_err(migration)?;
        tracing::info!(version, "applied schema migration");
    }
}

/// Describes each row `PRAGMA foreign_key_check` reports: a row referring to a missing
/// row of another table.
pub(crate) fn foreign_key_findings(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = statement.query_map([], |row| {
        let table: String = row.get(0)?;
        let rowid: Option<i64> = row.get(1)?;
        let parent: String = row.get(2)?;
        Ok(format!(
            "row {} of {table} refers to a missing row of {parent}",
            rowid.map_or("?".to_owned(), |id| id.to_string())
        ))
    })?;
    rows.collect()
}

/// Runs `work` with SQLite's foreign-key checks off, and switches them on again
/// whatever `work` returns. The pragma has no effect inside a transaction, so it is set
/// around one.
pub(crate) fn without_foreign_key_checks<T>(
    conn: &mut Connection,
    work: impl FnOnce(&mut Connection) -> Result<T, Error>,
) -> Result<T, Error> {
    conn.pragma_update(None, "foreign_keys", false)
        .map_err(Error::sqlite("switch foreign-key checks off"))?;

    let done = work(conn);

    let restored = conn
        .pragma_update(None, "foreign_keys", true)
        .map_err(Error::sqlite("switch foreign-key checks on"));
    let value = done?;
    restored?;
    Ok(value)
}

/// Reads the number of migrations applied (`PRAGMA user_version`).
fn read_version(conn: &Connection) -> Result<usize, Error> {
    let version = conn
        .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))
        .map_err(Error::sqlite("read user_version"))?;
    Ok(version.try_into().unwrap_or(0))
}

/// Rejects a store written by a newer build, whose schema this build does not know.
fn check_version(current: usize) -> Result<usize, Error> {
    if current > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks_on(conn: &Connection) -> bool {
        conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn checks_off_only_while_writing() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();

        let during = without_foreign_key_checks(&mut conn, |conn| Ok(checks_on(conn))).unwrap();

        assert!(!during);
        assert!(checks_on(&conn));
    }

    #[test]
    fn failed_write_restores_checks() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();

        let result: Result<(), Error> = without_foreign_key_checks(&mut conn, |_| {
            Err(Error::InvalidRow {
                what: "SKU",
                value: "A1".to_owned(),
            })
        });

        assert!(result.is_err());
        assert!(checks_on(&conn));
    }
}

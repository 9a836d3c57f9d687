//! The store handle: one SQLite connection used from a blocking thread, and the thread
//! that checkpoints its WAL.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::checkpointer::Checkpointer;
use crate::error::Error;
use crate::schema;

/// An embedded SQLite store holding the inventory pool, run history and connection tests.
///
/// Cloning is cheap and shares the connection. Every call runs on tokio's blocking pool,
/// so async callers never stall on disk I/O. A thread of the store copies committed
/// pages from the WAL into the database file, so writes do not wait for those copies.
///
/// ```no_run
/// # async fn demo() -> Result<(), petra_store::Error> {
/// use petra_ops::pool::{InventoryPool, ItemStatus};
///
/// let store = petra_store::SqliteStore::open("petra.sqlite")?;
/// let active = store.count("Petra Industries", ItemStatus::Active).await.unwrap_or(0);
/// println!("{active} active items");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<StoreConnection>>,
    checkpointer: Arc<Checkpointer>,
    path: PathBuf,
}

/// The store's connection and the foreign-key mode it was left in.
///
/// Setting `PRAGMA foreign_keys`, even to the value it has, expires every prepared
/// statement of the connection. Inventory batches run with the checks off, and switching
/// them off and on around each batch made every batch prepare its statements again: 4%
/// of the instructions `upsert_in` ran for `write_only` at 50,000 rows under callgrind.
/// The mode is switched only when the next piece of work needs the other one.
struct StoreConnection {
    conn: Connection,
    checks_off: bool,
}

impl StoreConnection {
    /// Returns the connection with foreign-key checks in the requested mode.
    fn with_checks(&mut self, on: bool) -> Result<&mut Connection, Error> {
        let want_off = !on;
        if self.checks_off != want_off {
            self.conn
                .pragma_update(None, "foreign_keys", on)
                .map_err(Error::sqlite("switch foreign-key checks"))?;
            self.checks_off = want_off;
        }
        Ok(&mut self.conn)
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating when needed) the database at `path` and brings its schema up to
    /// date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_owned();
        let open_error = |source| Error::Open {
            path: path.clone(),
            source,
        };

        let mut conn = Connection::open(&path).map_err(open_error)?;
        let naming_file = |err: Error| err.naming_file(&path);
        schema::tune(&conn).map_err(naming_file)?;
        schema::migrate(&mut conn).map_err(naming_file)?;
        let checkpointer = Checkpointer::start(&path).map_err(naming_file)?;

        let connection = StoreConnection {
            conn,
            checks_off: false,
        };
        Ok(Self {
            conn: Arc::new(Mutex::new(connection)),
            checkpointer: Arc::new(checkpointer),
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` with the connection on the blocking thread pool, with foreign-key
    /// checks on.
    pub(crate) async fn with_conn<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        self.with_checks(true, work).await
    }

    /// Runs `work` like [`with_conn`](Self::with_conn) but with foreign-key checks off,
    /// for writes whose every reference is known to exist. The checks stay off until
    /// other work needs them, so consecutive batches keep their prepared statements.
    pub(crate) async fn with_conn_unchecked<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        self.with_checks(false, work).await
    }

    async fn with_checks<T, F>(&self, on: bool, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        let connection = Arc::clone(&self.conn);
        let checkpointer = Arc::clone(&self.checkpointer);
        tokio::task::spawn_blocking(move || {
            let mut guard = connection.lock().unwrap_or_else(recover);
            let conn = guard.with_checks(on)?;
            run_and_signal(conn, &checkpointer, work)
        })
        .await?
    }

    /// Runs `work` with the connection on the calling thread, with foreign-key checks
    /// on, for `Drop` code that cannot await. Keep `work` short.
    pub(crate) fn with_conn_blocking(&self, work: impl FnOnce(&mut Connection)) {
        let mut guard = self.conn.lock().unwrap_or_else(recover);
        match guard.with_checks(true) {
            Ok(conn) => run_and_signal(conn, &self.checkpointer, work),
            Err(error) => tracing::warn!(
                %error,
                "failed to switch foreign-key checks on, so the work was skipped"
            ),
        }
    }

    /// Checks the database file with `PRAGMA integrity_check` and every reference between
    /// tables with `PRAGMA foreign_key_check`, and returns the findings, empty when the
    /// file is sound.
    pub async fn integrity_check(&self) -> Result<Vec<String>, Error> {
        self.with_conn(|conn| {
            let mut statement = conn
                .prepare("PRAGMA integrity_check")
                .map_err(Error::sqlite("run integrity_check"))?;
            let rows = statement
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(Error::sqlite("run integrity_check"))?;
            let mut findings: Vec<String> = rows
                .collect::<Result<_, _>>()
                .map_err(Error::sqlite("run integrity_check"))?;
            findings.retain(|line| line != "ok");

            let broken = schema::foreign_key_findings(conn)
                .map_err(Error::sqlite("run foreign_key_check"))?;
            findings.extend(broken);
            Ok(findings)
        })
        .await
    }
}

/// Runs `work` and wakes the checkpoint thread when it changed rows.
fn run_and_signal<T>(
    conn: &mut Connection,
    checkpointer: &Checkpointer,
    work: impl FnOnce(&mut Connection) -> T,
) -> T {
    let changes_before = conn.total_changes();
    let outcome = work(conn);
    if conn.total_changes() != changes_before {
        checkpointer.committed();
    }
    outcome
}

/// Takes the connection back after a panic while it was held.
///
/// The panic cannot leave a half-applied transaction, because SQLite rolls back whatever
/// was not committed. Work can panic after switching the foreign-key checks itself, so
/// the recorded mode is not trusted: the checks are switched on again, and the next
/// piece of work sets the mode it needs. The lock stays poisoned, so this runs on every
/// later call, at the cost of one pragma.
fn recover(
    poisoned: std::sync::PoisonError<std::sync::MutexGuard<'_, StoreConnection>>,
) -> std::sync::MutexGuard<'_, StoreConnection> {
    let mut guard = poisoned.into_inner();
    match guard.conn.pragma_update(None, "foreign_keys", true) {
        Ok(()) => guard.checks_off = false,
        Err(error) => tracing::warn!(%error, "cannot switch foreign-key checks on after a panic"),
    }
    guard
}

/// Formats a time as stored: RFC 3339 in UTC with milliseconds, so text order is time order.
pub(crate) fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks_on(conn: &Connection) -> Result<bool, Error> {
        conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .map_err(Error::sqlite("read foreign_keys"))
    }

    /// Runs a cached statement and returns how often SQLite prepared it again.
    fn run_cached(conn: &Connection) -> Result<i32, Error> {
        let mut statement = conn
            .prepare_cached("SELECT count(*) FROM inventory_items")
            .map_err(Error::sqlite("prepare a count"))?;
        statement
            .query_row([], |row| row.get::<_, i64>(0))
            .map_err(Error::sqlite("count items"))?;
        Ok(statement.get_status(rusqlite::StatementStatus::RePrepare))
    }

    #[test]
    fn text_file_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.sqlite");
        std::fs::write(&path, "hello, this is no database\n".repeat(20)).unwrap();

        let err = SqliteStore::open(&path).unwrap_err();

        assert!(
            matches!(&err, Error::NotADatabase { path: named } if named == &path),
            "{err:?}"
        );
        assert!(err.to_string().contains("notes.sqlite"), "{err}");
    }

    #[tokio::test]
    async fn unchecked_work_keeps_prepared_statements() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();

        store
            .with_conn_unchecked(|conn| run_cached(conn))
            .await
            .unwrap();
        let reprepared = store
            .with_conn_unchecked(|conn| run_cached(conn))
            .await
            .unwrap();

        assert_eq!(reprepared, 0);
    }

    #[tokio::test]
    async fn checks_are_on_again_after_unchecked_work() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();

        let during = store
            .with_conn_unchecked(|conn| checks_on(conn))
            .await
            .unwrap();
        let after = store.with_conn(|conn| checks_on(conn)).await.unwrap();
        let mut in_drop_code = None;
        store.with_conn_unchecked(|_| Ok(())).await.unwrap();
        store.with_conn_blocking(|conn| in_drop_code = checks_on(conn).ok());

        assert!(!during);
        assert!(after);
        assert_eq!(in_drop_code, Some(true));
    }

    #[tokio::test]
    async fn panic_with_checks_off_restores_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();

        let panicked = store
            .with_conn(|conn| -> Result<(), Error> {
                conn.pragma_update(None, "foreign_keys", false)
                    .map_err(Error::sqlite("switch foreign_keys off"))?;
                panic!("a bug inside a batch");
            })
            .await;
        let on = store.with_conn(|conn| checks_on(conn)).await.unwrap();

        assert!(matches!(panicked, Err(Error::Worker(_))));
        assert!(on);
    }
}

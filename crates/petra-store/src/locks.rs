//! [`OperationLocks`] for processes sharing one store file.
//!
//! A lock is an open write transaction (`BEGIN IMMEDIATE`) on a small SQLite file beside
//! the database, one file per lock name. SQLite holds it with an operating-system file
//! lock, so it excludes other connections of this process and other processes alike,
//! and it is released when the holder ends, even by `kill -9`. The `operation_locks`
//! table records who holds each lock, for people reading the store.

use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::Utc;
use petra_ops::pool::PoolError;
use petra_ops::schedule::{LockGuard, OperationLocks};
use rusqlite::{params, Connection, ErrorCode};

use crate::error::Error;
use crate::store::{timestamp, SqliteStore};

/// Returns the lock file of `name`: the database path with a suffix made of the name's
/// letters and digits.
fn lock_path(store: &SqliteStore, name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut path = store.path().as_os_str().to_owned();
    path.push(format!(".lock-{safe}"));
    PathBuf::from(path)
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Opens the lock file and starts the write transaction; `None` when another
/// connection holds it.
fn take(path: &PathBuf) -> Result<Option<Connection>, Error> {
    let open_error = |source| Error::Open {
        path: path.clone(),
        source,
    };
    let conn = Connection::open(path).map_err(open_error)?;
    // Fail at once instead of waiting, because a held lock means another run is going.
    conn.busy_timeout(std::time::Duration::ZERO)
        .map_err(Error::sqlite("set the lock's busy timeout"))?;
    match conn.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => Ok(Some(conn)),
        Err(error) if is_busy(&error) => Ok(None),
        Err(source) => Err(Error::Sqlite {
            action: "take an operation lock",
            source,
        }),
    }
}

/// Ends the lock's transaction when dropped and clears the holder row.
struct Held {
    _lock: Mutex<Connection>,
    store: SqliteStore,
    name: String,
    owner: String,
}

impl Drop for Held {
    fn drop(&mut self) {
        let name = self.name.clone();
        let owner = self.owner.clone();
        self.store.with_conn_blocking(|conn| {
            if let Err(error) = conn.execute(
                "DELETE FROM operation_locks WHERE name = ?1 AND owner = ?2",
                params![name, owner],
            ) {
                tracing::warn!(lock = %name, %error, "could not clear the lock holder row");
            }
        });
    }
}

#[async_trait]
impl OperationLocks for SqliteStore {
    async fn try_lock(&self, name: &str, owner: &str) -> Result<Option<LockGuard>, PoolError> {
        let path = lock_path(self, name);
        let conn = tokio::task::spawn_blocking(move || take(&path))
            .await
            .map_err(Error::from)??;
        let Some(conn) = conn else {
            return Ok(None);
        };

        let owner = format!("{owner} (pid {})", std::process::id());
        let (row_name, row_owner) = (name.to_owned(), owner.clone());
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO operation_locks (name, owner, acquired_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET
                     owner = excluded.owner, acquired_at = excluded.acquired_at",
                params![row_name, row_owner, timestamp(Utc::now())],
            )
            .map_err(Error::sqlite("record the lock holder"))
        })
        .await?;

        let held = Held {
            _lock: Mutex::new(conn),
            store: self.clone(),
            name: name.to_owned(),
            owner,
        };
        Ok(Some(LockGuard::new(name, Box::new(held))))
    }
}

impl SqliteStore {
    /// Returns the recorded holder of every held lock: name, owner and since when.
    pub async fn lock_holders(&self) -> Result<Vec<(String, String, String)>, Error> {
        self.with_conn(|conn| {
            let mut statement = conn
                .prepare("SELECT name, owner, acquired_at FROM operation_locks ORDER BY name")
                .map_err(Error::sqlite("read lock holders"))?;
            let rows = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .map_err(Error::sqlite("read lock holders"))?;
            rows.collect::<Result<_, _>>()
                .map_err(Error::sqlite("read lock holders"))
        })
        .await
    }
}

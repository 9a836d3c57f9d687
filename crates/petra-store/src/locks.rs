//! [`OperationLocks`] for processes sharing one store file.
//!
//! A lock is an open write transaction (`BEGIN IMMEDIATE`) on a small SQLite file beside
//! the database, one file per lock name. SQLite holds it with an operating-system file
//! lock, so it excludes other connections of this process and other processes alike,
//! and it is released when the holder ends, even by `kill -9`. The `operation_locks`
//! table records who holds each lock, for people reading the store.
//!
//! [`OperationLocks::is_held`] checks with the operating system whether another process
//! holds a lock, without taking it. Such a check opens and closes the lock file, and closing
//! any descriptor of a file drops every POSIX lock the process holds on that file, the
//! ones SQLite took included. So the check never touches a file this process has a lock
//! on: [`LOCKS_TAKEN_HERE`] lists those, and taking a lock and checking one exclude each
//! other through it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

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

/// The lock files this process holds a lock on.
static LOCKS_TAKEN_HERE: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

fn locks_taken_here() -> MutexGuard<'static, Option<HashSet<PathBuf>>> {
    // The set stays valid after a panic elsewhere: each change is one insert or remove.
    LOCKS_TAKEN_HERE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    let mut taken_here = locks_taken_here();
    if taken_here.get_or_insert_with(HashSet::new).contains(path) {
        return Ok(None);
    }

    let open_error = |source| Error::Open {
        path: path.clone(),
        source,
    };
    let conn = Connection::open(path).map_err(open_error)?;
    // Fail at once instead of waiting, because a held lock means another run is going.
    conn.busy_timeout(std::time::Duration::ZERO)
        .map_err(Error::sqlite("set the lock's busy timeout"))?;
    match conn.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => {
            taken_here
                .get_or_insert_with(HashSet::new)
                .insert(path.clone());
            Ok(Some(conn))
        }
        Err(error) if is_busy(&error) => Ok(None),
        Err(source) => Err(Error::Sqlite {
            action: "take an operation lock",
            source,
        }),
    }
}

/// Reports whether a lock is held, by this process or another, without taking it.
fn check(path: &Path) -> Result<Option<bool>, Error> {
    let taken_here = locks_taken_here();
    if taken_here
        .as_ref()
        .is_some_and(|paths| paths.contains(path))
    {
        return Ok(Some(true));
    }
    // The set stays locked during the check, so no lock of this process is taken on the
    // file while the check has it open.
    reserved_lock_held(path).map_err(|source| Error::LockCheck {
        path: path.to_owned(),
        source,
    })
}

/// Reports whether another process holds a RESERVED lock on the SQLite file at `path`,
/// checked with `F_GETLK` as SQLite's own `unixCheckReservedLock` does, so no lock is
/// taken. A missing file was never locked. POSIX locks belong to a process, so one this
/// process holds does not count here.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn reserved_lock_held(path: &Path) -> std::io::Result<Option<bool>> {
    use nix::fcntl::{fcntl, FcntlArg};
    use nix::libc;

    /// The byte SQLite's unix VFS locks for writing to hold a RESERVED lock, which a
    /// lock holder's `BEGIN IMMEDIATE` takes: `RESERVED_BYTE`, `PENDING_BYTE + 1`, in
    /// `os_unix.c` of SQLite 3 (the copy libsqlite3-sys 0.35 bundles).
    const RESERVED_BYTE: libc::off_t = 0x4000_0001;

    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Some(false)),
        Err(error) => return Err(error),
    };
    let mut probe = libc::flock {
        l_type: libc::F_WRLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: RESERVED_BYTE,
        l_len: 1,
        l_pid: 0,
    };
    fcntl(&file, FcntlArg::F_GETLK(&mut probe)).map_err(std::io::Error::from)?;
    Ok(Some(probe.l_type != libc::F_UNLCK as libc::c_short))
}

/// Other systems lay out `struct flock` differently, so this cannot tell there.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn reserved_lock_held(_path: &Path) -> std::io::Result<Option<bool>> {
    Ok(None)
}

/// Ends the lock's transaction when dropped and clears the holder row.
struct Held {
    lock: Mutex<Option<Connection>>,
    path: PathBuf,
    store: SqliteStore,
    name: String,
    owner: String,
}

impl Drop for Held {
    fn drop(&mut self) {
        // The connection closes before the file leaves the set, so a check that finds
        // the file absent from the set cannot close a descriptor this lock still uses.
        {
            let mut taken_here = locks_taken_here();
            drop(
                self.lock
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take(),
            );
            if let Some(paths) = taken_here.as_mut() {
                paths.remove(&self.path);
            }
        }

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
        let taken_path = path.clone();
        let conn = tokio::task::spawn_blocking(move || take(&taken_path))
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
            lock: Mutex::new(Some(conn)),
            path,
            store: self.clone(),
            name: name.to_owned(),
            owner,
        };
        Ok(Some(LockGuard::new(name, Box::new(held))))
    }

    async fn is_held(&self, name: &str) -> Result<Option<bool>, PoolError> {
        let path = lock_path(self, name);
        let held = tokio::task::spawn_blocking(move || check(&path))
            .await
            .map_err(Error::from)??;
        Ok(held)
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

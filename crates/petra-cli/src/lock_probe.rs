//! Whether a live process holds an operation lock of the SQLite store, asked without
//! taking the lock, so `petra status` can tell a run that is still going from one whose
//! process was killed.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use petra_ops::pool::PoolError;
use petra_ops::schedule::{LockGuard, OperationLocks};
use petra_store::SqliteStore;

/// The operation locks of a [`SqliteStore`], with [`OperationLocks::is_held`] read from
/// the lock files. Taking a lock is left to the store.
pub struct StoreLocks<'a> {
    store: &'a SqliteStore,
}

impl<'a> StoreLocks<'a> {
    pub fn new(store: &'a SqliteStore) -> Self {
        Self { store }
    }
}

#[async_trait]
impl OperationLocks for StoreLocks<'_> {
    async fn try_lock(&self, name: &str, owner: &str) -> Result<Option<LockGuard>, PoolError> {
        self.store.try_lock(name, owner).await
    }

    async fn is_held(&self, name: &str) -> Result<Option<bool>, PoolError> {
        let path = lock_path(self.store.path(), name);
        let held = tokio::task::spawn_blocking(move || {
            reserved_lock_held(&path).map_err(|source| LockFileError { path, source })
        })
        .await??;
        Ok(held)
    }
}

/// A lock file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the lock file {}: {source}", path.display())]
struct LockFileError {
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

/// Returns the lock file of `name` beside the database at `database`.
// NOTE: this repeats the naming of petra-store's lock files (the database path, then
// `.lock-` and the name with every character other than an ASCII letter or digit
// replaced by `_`), which petra-store keeps private. The two must change together, and
// the test `held_lock_keeps_run_running` fails when they differ.
fn lock_path(database: &Path, name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut path = database.as_os_str().to_owned();
    path.push(format!(".lock-{safe}"));
    PathBuf::from(path)
}

/// Reports whether another process holds a RESERVED lock on the SQLite file at `path`,
/// checked with `F_GETLK` as SQLite's own `unixCheckReservedLock` does, so no lock is
/// taken. A missing file was never locked.
///
/// POSIX locks belong to a process, so a lock this process holds does not count, and
/// closing the file descriptor opened here releases it. Only a process that holds none
/// of these locks may call this, as `petra status` and the end of `petra demo` do.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_path_replaces_other_characters() {
        let path = lock_path(
            Path::new("/data/petra.sqlite"),
            "Petra Industries/get_inventory",
        );

        assert_eq!(
            path,
            Path::new("/data/petra.sqlite.lock-Petra_Industries_get_inventory")
        );
    }
}

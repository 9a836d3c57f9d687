//! WAL checkpoints on a thread of their own, so the connection that writes does not wait
//! for the disk.
//!
//! In WAL mode a commit appends pages to the `-wal` file, and a checkpoint copies them
//! into the database file, syncing both. When the writing connection checkpoints itself,
//! it waits for those syncs: about 70 ms for every 64 MiB of WAL on the development
//! machine, about a fifth of a first import's wall time. Here a second connection copies and
//! syncs the committed pages in the background. Each pass stops at the last commit it
//! saw, so while a writer keeps committing, the WAL is never fully copied and cannot
//! start over. The writer's own automatic checkpoint still ends that: it copies the few
//! pages no pass reached and syncs what little was not synced yet.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::Error;
use crate::schema;

/// Shortest time between two passes. A page written again after a pass is copied again
/// by the next, so passes after every commit copy more. Importing 1,000,000 generated
/// rows ran at about the same speed with 0, 10 and 30 ms here, and about 10% slower with
/// 100 and 300 ms, whose passes left more for the writer's own checkpoint.
const PASS_INTERVAL: Duration = Duration::from_millis(20);

/// Requests from the writer and the closing store to the checkpoint thread.
#[derive(Default)]
struct Requests {
    /// Commits were made since the last pass began.
    committed: bool,
    /// The store is closing.
    stop: bool,
}

#[derive(Default)]
struct Signal {
    requests: Mutex<Requests>,
    changed: Condvar,
}

impl Signal {
    fn requests(&self) -> MutexGuard<'_, Requests> {
        // Only flag updates run under the lock, so the flags stay valid after a panic
        // anywhere else.
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A thread that checkpoints the WAL of one database after commits.
///
/// Dropping it stops the thread and waits for the pass in progress, if any.
pub(crate) struct Checkpointer {
    signal: Arc<Signal>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Opens a second connection to the database at `path` and starts the thread.
    pub(crate) fn start(path: &Path) -> Result<Self, Error> {
        let conn = Connection::open(path).map_err(|source| Error::Open {
            path: path.to_owned(),
            source,
        })?;
        // The same pragmas as the writer, so passes sync the files exactly as its own
        // checkpoints would.
        schema::tune(&conn)?;

        let signal = Arc::new(Signal::default());
        let thread = std::thread::Builder::new()
            .name("petra-store-checkpoint".to_owned())
            .spawn({
                let signal = Arc::clone(&signal);
                move || run(&conn, &signal)
            })
            .map_err(|source| Error::Thread {
                thread: "the WAL checkpoint thread",
                source,
            })?;

        Ok(Self {
            signal,
            thread: Some(thread),
        })
    }

    /// Tells the thread that the writer committed changes.
    pub(crate) fn committed(&self) {
        self.signal.requests().committed = true;
        self.signal.changed.notify_one();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.signal.requests().stop = true;
        self.signal.changed.notify_one();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("the WAL checkpoint thread panicked");
            }
        }
    }
}

fn run(conn: &Connection, signal: &Signal) {
    loop {
        let mut requests = signal.requests();
        while !requests.committed && !requests.stop {
            requests = signal
                .changed
                .wait(requests)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        if requests.stop {
            return;
        }
        requests.committed = false;
        drop(requests);

        pass(conn);

        // Waits out the interval unless the store closes meanwhile.
        let requests = signal.requests();
        let (requests, _) = signal
            .changed
            .wait_timeout_while(requests, PASS_INTERVAL, |requests| !requests.stop)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if requests.stop {
            return;
        }
    }
}

/// Copies the committed pages that no reader still needs into the database file,
/// without blocking the writer or readers. A failed pass leaves the pages in the WAL for the next pass or the writer's
/// own checkpoint, so it is only logged.
fn pass(conn: &Connection) {
    let outcome = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    });
    match outcome {
        Ok((wal_pages, copied)) => tracing::trace!(wal_pages, copied, "checkpointed the WAL"),
        Err(error) => tracing::warn!(%error, "background WAL checkpoint failed"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn checkpoint_copies_commit_to_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.sqlite");
        let writer = Connection::open(&path).unwrap();
        schema::tune(&writer).unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute_batch("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a');")
            .unwrap();
        let database_bytes = || std::fs::metadata(&path).unwrap().len();
        let before = database_bytes();

        let checkpointer = Checkpointer::start(&path).unwrap();
        checkpointer.committed();
        let deadline = Instant::now() + Duration::from_secs(10);
        while database_bytes() == before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }

        assert!(database_bytes() > before);
    }
}

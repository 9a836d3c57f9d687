//! Progress of a run, counted by the reader and the writer on their own threads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Progress of a run, passed to the progress callback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records written (or, in a dry run, checked) so far.
    pub records: u64,
    /// Feed rows or API variants read so far, rows passed over as unchanged included.
    pub read: u64,
}

/// A callback that receives [`Progress`] after each batch written and every
/// [`READ_STEP`] rows read.
///
/// The reader and the writer call it from their own threads, so two calls may overlap,
/// and a call may carry a smaller `read` than the call before it.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Rows read between two calls from the reader. A re-import may pass over every row
/// without writing a batch, so the reader reports too.
pub const READ_STEP: u64 = 10_000;

/// The counts of one run, shared by its reader and writer.
#[derive(Clone, Default)]
pub(crate) struct ProgressCounts {
    callback: Option<ProgressFn>,
    read: Arc<AtomicU64>,
    written: Arc<AtomicU64>,
}

impl ProgressCounts {
    pub(crate) fn new(callback: Option<ProgressFn>) -> Self {
        Self {
            callback,
            ..Self::default()
        }
    }

    /// Records that `total` rows were read, and reports every [`READ_STEP`] rows. When a
    /// callback is set, the count is stored for every row, so the writer's reports carry
    /// it too.
    pub(crate) fn rows_read(&self, total: u64) {
        if self.callback.is_none() {
            return;
        }
        self.read.store(total, Ordering::Relaxed);
        if total % READ_STEP == 0 {
            self.report();
        }
    }

    /// Records the rows read when the reader ends or stops, and reports them.
    pub(crate) fn rows_read_now(&self, total: u64) {
        self.read.store(total, Ordering::Relaxed);
        self.report();
    }

    /// Records that `total` records were written, and reports them.
    pub(crate) fn records_written(&self, total: u64) {
        self.written.store(total, Ordering::Relaxed);
        self.report();
    }

    fn report(&self) {
        if let Some(callback) = &self.callback {
            callback(Progress {
                records: self.written.load(Ordering::Relaxed),
                read: self.read.load(Ordering::Relaxed),
            });
        }
    }
}

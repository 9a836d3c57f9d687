//! The channel from the catalog reader to the batch writer, the stop check and the
//! progress counts.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::progress::ProgressCounts;
use crate::pool::PoolItem;

/// The channel to the batch writer, with the batch size and the stop token the reader
/// checks after each full batch and, for a feed, every few hundred rows.
pub(crate) struct Batches {
    pub size: usize,
    sender: mpsc::Sender<Vec<PoolItem>>,
    stop: CancellationToken,
    /// Counts the reader updates as it reads rows.
    pub progress: ProgressCounts,
}

/// The outcome of handing a full batch to [`Batches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// The writer took it; read on.
    Taken,
    /// The writer took it and a stop was requested, so reading ends at this boundary.
    TakenThenStop,
    /// The writer stopped on an error of its own, which it reports.
    WriterGone,
}

impl Batches {
    pub fn new(
        size: usize,
        sender: mpsc::Sender<Vec<PoolItem>>,
        stop: CancellationToken,
        progress: ProgressCounts,
    ) -> Self {
        Self {
            size,
            sender,
            stop,
            progress,
        }
    }

    fn after_send(&self, result: Result<(), mpsc::error::SendError<Vec<PoolItem>>>) -> Sent {
        match result {
            Err(_) => Sent::WriterGone,
            Ok(()) if self.stop.is_cancelled() => Sent::TakenThenStop,
            Ok(()) => Sent::Taken,
        }
    }

    /// Returns true once a stop was requested.
    pub fn stop_requested(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// Sends a full batch from a blocking thread.
    pub fn send_blocking(&self, batch: Vec<PoolItem>) -> Sent {
        self.after_send(self.sender.blocking_send(batch))
    }

    pub async fn send(&self, batch: Vec<PoolItem>) -> Sent {
        self.after_send(self.sender.send(batch).await)
    }
}

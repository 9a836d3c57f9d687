//! The ProdList reader over a tokio `AsyncRead`.
//!
//! The sync reader runs on a blocking thread and hands rows over a bounded channel, so
//! memory stays bounded by the channel's capacity and the longest row.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::AsyncRead;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::io::SyncIoBridge;

use super::header::ColumnMap;
use super::reader::{FeedSummary, ProdListReader, ReaderOptions};
use super::row::{ProdListRow, RowError};
use crate::Error;

/// Rows buffered between the reading thread and the consumer.
const CHANNEL_ROWS: usize = 256;

type RowResult = Result<ProdListRow, RowError>;

/// Streaming ProdList reader over a tokio [`AsyncRead`]; the async twin of
/// [`ProdListReader`]. It is also a [`futures::Stream`] of rows.
///
/// ```no_run
/// use petra_client::feed::AsyncProdListReader;
///
/// # async fn run() -> Result<(), petra_client::Error> {
/// let file = tokio::fs::File::open("ProdList.csv").await.expect("open ProdList.csv");
/// let mut reader = AsyncProdListReader::new(file).await?;
/// while let Some(row) = reader.next_row().await {
///     if let Ok(row) = row {
///         println!("{} {}", row.petra_sku(), row.available());
///     }
/// }
/// let summary = reader.finish().await?;
/// println!("{} rows", summary.rows);
/// # Ok(())
/// # }
/// ```
pub struct AsyncProdListReader {
    columns: Arc<ColumnMap>,
    rows: mpsc::Receiver<RowResult>,
    task: JoinHandle<Result<FeedSummary, Error>>,
}

impl AsyncProdListReader {
    /// Starts reading `source` and finds the header row.
    pub async fn new<S>(source: S) -> Result<Self, Error>
    where
        S: AsyncRead + Send + Unpin + 'static,
    {
        AsyncProdListReader::with_options(source, ReaderOptions::default()).await
    }

    /// Like [`new`](AsyncProdListReader::new), with options.
    pub async fn with_options<S>(source: S, options: ReaderOptions) -> Result<Self, Error>
    where
        S: AsyncRead + Send + Unpin + 'static,
    {
        let bridge = SyncIoBridge::new(source);
        let (header_tx, header_rx) = oneshot::channel();
        let (row_tx, rows) = mpsc::channel(CHANNEL_ROWS);

        let task = tokio::task::spawn_blocking(move || {
            let mut reader = match ProdListReader::with_options(bridge, options) {
                Ok(reader) => reader,
                Err(error) => {
                    let _ = header_tx.send(Err(error));
                    return Ok(FeedSummary::default());
                }
            };
            let _ = header_tx.send(Ok(Arc::new(reader.columns().clone())));

            for row in &mut reader {
                if row_tx.blocking_send(row).is_err() {
                    // The consumer dropped the reader without calling `finish`, so stop reading.
                    return Ok(reader.summary().clone());
                }
            }
            reader.finish()
        });

        let columns = match header_rx.await {
            Ok(Ok(columns)) => columns,
            Ok(Err(error)) => return Err(error),
            Err(_) => return Err(join_failure(task.await.err())),
        };
        Ok(AsyncProdListReader {
            columns,
            rows,
            task,
        })
    }

    /// Returns the header of the file being read.
    pub fn columns(&self) -> &ColumnMap {
        &self.columns
    }

    /// Receives the next data row. Returns `None` at the end of the file or after a read
    /// failure, which [`finish`](AsyncProdListReader::finish) then returns.
    pub async fn next_row(&mut self) -> Option<RowResult> {
        self.rows.recv().await
    }

    /// Reads any rows not yet taken, checks that the file is complete and returns the
    /// summary; see [`ProdListReader::finish`] for the errors.
    pub async fn finish(mut self) -> Result<FeedSummary, Error> {
        while self.rows.recv().await.is_some() {}
        match self.task.await {
            Ok(result) => result,
            Err(error) => Err(join_failure(Some(error))),
        }
    }
}

fn join_failure(error: Option<tokio::task::JoinError>) -> Error {
    let message = match error {
        Some(error) => format!("feed reader thread failed: {error}"),
        None => "feed reader thread ended without a result".to_owned(),
    };
    Error::FeedRead {
        line: 0,
        source: std::io::Error::other(message),
    }
}

impl futures::Stream for AsyncProdListReader {
    type Item = RowResult;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rows.poll_recv(cx)
    }
}

//! Retrieval: reading the catalog from a feed file, a downloaded feed or the API, mapping
//! each record and handing full batches to the writer.

use std::error::Error as _;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use fieldmap::{schemas, MappedRecord, Plan};
use futures::StreamExt;
use petra_client::feed::record::Record;
use petra_client::feed::{FeedDownload, ProdListReader};
use petra_client::PetraApi;

use super::batches::{Batches, Sent};
use super::collector::{repeated_sku_warning, Collector};
use super::failure::FailureKind;
use super::records::{ApiLayout, ApiVariantRecord, ProdListRecord};
use super::skip::RowHasher;
use super::template::{compile_inventory, LoadedTemplate};
use crate::error::{with_root_cause, Error};
use crate::pool::RowHashes;

/// Result of a retrieval once every batch is sent.
pub(crate) struct Retrieved {
    pub collector: Collector,
    /// `Err` with the reason when the catalog was not read to its end.
    pub completeness: Result<(), String>,
    /// Whether a failure was a rejected login or a connection that never reached Petra.
    pub failure: FailureKind,
    /// Rows skipped because they match stored items unchanged.
    pub skipped_rows: u64,
    /// True when the stop token ended the retrieval early.
    pub interrupted: bool,
    /// Feed line or API position of the last record read before the stop.
    pub stopped_after: Option<u64>,
}

/// A ProdList feed on local disk, or the outcome of downloading one.
pub(crate) enum FeedInput {
    File(PathBuf),
    /// A failed download is read as an empty, incomplete retrieval.
    Download(Result<FeedDownload, petra_client::Error>),
    /// A download the stop token ended before it finished.
    StoppedDownload,
}

impl FeedInput {
    /// Opens a reader, or returns why the feed cannot be read. A download is read
    /// expecting exactly the downloaded length.
    fn open(&self) -> Result<ProdListReader<File>, (String, FailureKind)> {
        let plain = |err: petra_client::Error| (error_chain(&err), FailureKind::default());
        match self {
            Self::File(path) => ProdListReader::open(path).map_err(plain),
            Self::Download(Ok(download)) => download.reader().map_err(plain),
            Self::Download(Err(err)) => Err((error_chain(err), FailureKind::of(err, false))),
            Self::StoppedDownload => Err((
                "interrupted by a stop signal before the feed download finished; the next \
                 run downloads the feed again"
                    .to_owned(),
                FailureKind::default(),
            )),
        }
    }
}

/// Reads a ProdList feed on the calling (blocking) thread and sends full batches to
/// `batches`.
///
/// The template is compiled against the file's own header before the first data row is
/// read. A compile error is returned as an error. A feed that cannot be downloaded,
/// opened or read to its end is an incomplete retrieval, reported in
/// [`Retrieved::completeness`]. Rows whose hash is in `stored` are passed over unread
/// (see [`skip`](super::skip)).
pub(crate) fn read_feed(
    input: FeedInput,
    template: LoadedTemplate,
    batches: Batches,
    source: &str,
    stored: RowHashes,
) -> Result<Retrieved, Error> {
    let reader = match input.open() {
        Ok(reader) => reader,
        Err((reason, failure)) => {
            compile_default_prodlist(&template)?;
            let collector = Collector::new(Default::default(), batches.size, stored);
            let mut retrieved = incomplete(collector, reason);
            retrieved.failure = failure;
            retrieved.interrupted = matches!(input, FeedInput::StoppedDownload);
            return Ok(retrieved);
        }
    };

    let schema = fieldmap::SourceSchema::from_columns("prodlist", reader.columns().names());
    let (plan, keys) = compile_inventory(&template, &schema)?;
    let collector = Collector::new(keys, batches.size, stored);
    let hasher = RowHasher::new(source, &template.template, reader.columns().names());
    Ok(read_rows(reader, &plan, collector, hasher, &batches))
}

fn incomplete(collector: Collector, reason: String) -> Retrieved {
    Retrieved {
        collector,
        completeness: Err(reason),
        failure: FailureKind::default(),
        skipped_rows: 0,
        interrupted: false,
        stopped_after: None,
    }
}

/// Maps every row the reader returns and sends full batches.
///
/// A row whose hash is in `stored` is passed over unread when its SKU was not seen
/// earlier in the file. A SKU seen before is read like any repeated SKU, so the later
/// record still wins, as it does when every row is read. Once `batches` has a stop
/// requested, reading ends at the next row: the items collected so far are sent as a
/// last batch.
/// Rows read between two checks of the stop token.
const STOP_CHECK_ROWS: u64 = 256;

fn read_rows<R: Read>(
    mut reader: ProdListReader<R>,
    plan: &Plan,
    mut collector: Collector,
    mut hasher: Option<RowHasher>,
    batches: &Batches,
) -> Retrieved {
    let width = reader.columns().names().len();
    let mut mapped = MappedRecord::default();
    let mut skipped_rows = 0u64;
    let mut rows_read = 0u64;
    let mut last_line = None;
    let mut stop_seen = batches.stop_requested();
    loop {
        if stop_seen {
            batches.progress.rows_read_now(rows_read);
            return interrupted_now(collector, skipped_rows, last_line, batches);
        }

        // The hash of the row as read, before any Windows-1252 field is decoded, so rows
        // with such fields can be skipped too. `None` for a row wider than the header.
        let mut raw_hash = None;
        let unchanged = |record: &Record, line: u64| {
            rows_read += 1;
            batches.progress.rows_read(rows_read);
            // Rows passed over never fill a batch, so a stop must also end a long stretch
            // of unchanged rows: the row is returned, and the loop then stops. Checking
            // the token takes a lock, about 2% of a re-import's reading time when done
            // for every row, so it is checked every few hundred rows.
            if rows_read % STOP_CHECK_ROWS == 0 && batches.stop_requested() {
                stop_seen = true;
                return false;
            }
            last_line = Some(line);
            let Some(hasher) = hasher.as_mut().filter(|_| record.len() <= width) else {
                return false;
            };
            let row_hash = hasher.hash(record);
            raw_hash = Some(row_hash);
            if !collector.seen.has_row_hashes() {
                return false;
            }
            let skipped = collector.seen.pass_over(&row_hash);
            skipped_rows += u64::from(skipped);
            skipped
        };
        let Some(row) = reader.read_row_unless(unchanged) else {
            break;
        };

        let full = match row {
            Ok(row) => {
                last_line = Some(row.line());
                // Only a row read without any warning may be skipped later, so a skipped
                // row never hides a warning from the report.
                let row_hash = raw_hash.filter(|_| row.warnings().is_empty());
                for warning in row.warnings() {
                    collector.warn(warning.to_string());
                }
                match plan.map_into(&ProdListRecord(row), row.line(), &mut mapped) {
                    Ok(()) => collector.accept(row.line(), &mapped, row_hash),
                    Err(error) => {
                        collector.reject_mapping(row.line(), &error);
                        None
                    }
                }
            }
            Err(error) => {
                last_line = Some(error.line);
                collector.reject_row(&error);
                None
            }
        };
        if let Some(batch) = full {
            let sent = batches.send_blocking(batch);
            if sent != Sent::Taken {
                batches.progress.rows_read_now(rows_read);
            }
            match sent {
                Sent::Taken => {}
                Sent::TakenThenStop => return interrupted(collector, skipped_rows, last_line),
                Sent::WriterGone => return stopped(collector, skipped_rows),
            }
        }
    }
    collector.count_skipped(skipped_rows);
    batches.progress.rows_read_now(rows_read);
    if skipped_rows > 0 {
        tracing::debug!(rows = skipped_rows, "skipped unchanged rows");
    }
    // A full read warns about these when it reads the later copy; a pass-over learns
    // of them only at the end.
    for repeated in collector.seen.passed_over_then_read() {
        collector.warn(repeated_sku_warning(repeated.line, &repeated.sku));
    }

    let completeness = match reader.finish() {
        Ok(summary) => {
            for warning in &summary.file_warnings {
                collector.warn(warning.to_string());
            }
            Ok(())
        }
        Err(err) => Err(err.to_string()),
    };
    if send_rest(&mut collector, batches) == Sent::WriterGone {
        return stopped(collector, skipped_rows);
    }
    Retrieved {
        collector,
        completeness,
        failure: FailureKind::default(),
        skipped_rows,
        interrupted: false,
        stopped_after: None,
    }
}

/// Returns the retrieval of a run that a stop signal ended after the batch that contains
/// `last_line`.
fn interrupted(mut collector: Collector, skipped_rows: u64, last_line: Option<u64>) -> Retrieved {
    collector.count_skipped(skipped_rows);
    let place = last_line.map_or(String::new(), |line| format!(" after line {line}"));
    let mut retrieved = incomplete(
        collector,
        format!(
            "interrupted by a stop signal{place}; the rows read so far are saved, and the \
             next run reads the whole feed again"
        ),
    );
    retrieved.skipped_rows = skipped_rows;
    retrieved.interrupted = true;
    retrieved.stopped_after = last_line;
    retrieved
}

/// Sends the items collected so far and returns the retrieval of a run that a stop signal
/// ended after `last_line`.
fn interrupted_now(
    mut collector: Collector,
    skipped_rows: u64,
    last_line: Option<u64>,
    batches: &Batches,
) -> Retrieved {
    if send_rest(&mut collector, batches) == Sent::WriterGone {
        return stopped(collector, skipped_rows);
    }
    interrupted(collector, skipped_rows, last_line)
}

/// Sends the items collected since the last full batch, if any.
fn send_rest(collector: &mut Collector, batches: &Batches) -> Sent {
    let rest = collector.take_batch();
    if rest.is_empty() {
        return Sent::Taken;
    }
    batches.send_blocking(rest)
}

/// The retrieval of a run whose writer stopped before the end of the feed.
fn stopped(mut collector: Collector, skipped_rows: u64) -> Retrieved {
    collector.count_skipped(skipped_rows);
    let mut retrieved = incomplete(
        collector,
        "the run stopped before the end of the feed".into(),
    );
    retrieved.skipped_rows = skipped_rows;
    retrieved
}

/// Formats an error with its sources, because the client's download errors keep the
/// HTTP or I/O cause in `source`.
fn error_chain(err: &petra_client::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Checks that a template compiles against the standard ProdList columns, so a broken
/// template is reported even when the feed itself cannot be opened.
fn compile_default_prodlist(template: &LoadedTemplate) -> Result<(), Error> {
    compile_inventory(template, &schemas::prodlist()).map(|_| ())
}

/// Pages through the API catalog, mapping each variant and sending full batches.
pub(crate) async fn read_api(
    api: &dyn PetraApi,
    template: LoadedTemplate,
    batches: Batches,
) -> Result<Retrieved, Error> {
    let schema = schemas::petra_catalog_api();
    let (plan, keys) = compile_inventory(&template, &schema)?;
    let layout = ApiLayout::new(&schema);
    let mut collector = Collector::new(keys, batches.size, RowHashes::default());

    let mut products = api.catalog();
    let mut position = 0u64;
    let mut completeness = Ok(());
    let mut failure = FailureKind::default();
    let mut received = false;
    while let Some(product) = products.next().await {
        let product = match product {
            Ok(product) => {
                received = true;
                product
            }
            Err(err) => {
                let message = with_root_cause(&err);
                tracing::warn!(error = %message, "catalog listing failed; keeping what was read");
                completeness = Err(message);
                failure = FailureKind::of(&err, received);
                break;
            }
        };
        for variant in &product.variants {
            position += 1;
            batches.progress.rows_read(position);
            let record = ApiVariantRecord {
                layout: &layout,
                product: &product,
                variant,
            };
            let full = match plan.map(&record, position) {
                Ok(mapped) => collector.accept(position, &mapped, None),
                Err(error) => {
                    collector.reject_mapping(position, &error);
                    None
                }
            };
            let Some(batch) = full else { continue };
            let sent = batches.send(batch).await;
            if sent != Sent::Taken {
                batches.progress.rows_read_now(position);
            }
            match sent {
                Sent::Taken => {}
                Sent::TakenThenStop => {
                    completeness = Err(format!(
                        "interrupted by a stop signal after catalog position {position}; the \
                         items read so far are saved, and the next run reads the whole \
                         catalog again"
                    ));
                    return Ok(Retrieved {
                        collector,
                        completeness,
                        failure,
                        skipped_rows: 0,
                        interrupted: true,
                        stopped_after: Some(position),
                    });
                }
                Sent::WriterGone => {
                    completeness = Err("the run stopped before the end of the catalog".into());
                    return Ok(Retrieved {
                        collector,
                        completeness,
                        failure,
                        skipped_rows: 0,
                        interrupted: false,
                        stopped_after: None,
                    });
                }
            }
        }
    }

    batches.progress.rows_read_now(position);
    let rest = collector.take_batch();
    if !rest.is_empty() && batches.send(rest).await == Sent::WriterGone {
        completeness = Err("the run stopped before the end of the catalog".into());
    }
    Ok(Retrieved {
        collector,
        completeness,
        failure,
        skipped_rows: 0,
        interrupted: false,
        stopped_after: None,
    })
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use petra_client::feed::{generate, GeneratorOptions, ProdListReader};

    use crate::inventory::progress::ProgressCounts;
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::inventory::{TemplateChoice, PRODLIST_DEFAULT};

    const ROWS: u64 = 2_000;
    /// Zero-based position of PETRA SKU in a generated row.
    const SKU: usize = 1;

    /// A feed that cancels `stop` once `after` of its bytes have been read, as a stop
    /// signal that arrives while the run reads.
    struct StopAfter {
        bytes: Cursor<Vec<u8>>,
        after: u64,
        stop: CancellationToken,
    }

    impl Read for StopAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.bytes.position() >= self.after {
                self.stop.cancel();
            }
            self.bytes.read(buf)
        }
    }

    fn feed() -> Vec<u8> {
        let mut bytes = Vec::new();
        generate(
            &mut bytes,
            GeneratorOptions {
                rows: ROWS,
                seed: 9,
            },
        )
        .unwrap();
        bytes
    }

    /// Returns the row hashes a store would hold after importing `bytes` unchanged.
    fn stored_hashes(bytes: &[u8], hasher: &mut RowHasher) -> RowHashes {
        let mut stored = RowHashes::default();
        let mut reader = ProdListReader::new(bytes).unwrap();
        let all_passed_over = reader.read_row_unless(|record, _line| {
            let sku = std::str::from_utf8(record.get(SKU).unwrap()).unwrap();
            stored.insert(hasher.hash(record), sku.trim());
            true
        });
        assert!(all_passed_over.is_none());
        stored
    }

    #[test]
    fn stop_ends_unchanged_rows() {
        let bytes = feed();
        let template = TemplateChoice::Default.load(PRODLIST_DEFAULT).unwrap();
        let stop = CancellationToken::new();
        let source = StopAfter {
            after: bytes.len() as u64 / 4,
            bytes: Cursor::new(bytes.clone()),
            stop: stop.clone(),
        };
        let reader = ProdListReader::new(source).unwrap();
        let columns = reader.columns().names().to_vec();
        let schema = fieldmap::SourceSchema::from_columns("prodlist", &columns);
        let (plan, keys) = compile_inventory(&template, &schema).unwrap();
        let mut hasher = RowHasher::new("Petra Industries", &template.template, &columns).unwrap();
        let stored = stored_hashes(&bytes, &mut hasher);
        let (sender, _receiver) = mpsc::channel(100);
        let batches = Batches::new(100, sender, stop, ProgressCounts::default());

        let retrieved = read_rows(
            reader,
            &plan,
            Collector::new(keys, 100, stored),
            Some(hasher),
            &batches,
        );

        // Every row is unchanged, so no batch fills, and the stop must still end the read.
        assert!(retrieved.interrupted);
        assert!(retrieved.completeness.is_err());
        assert!(
            retrieved.collector.records < ROWS,
            "{}",
            retrieved.collector.records
        );
        assert!(retrieved.stopped_after.is_some());
    }
}

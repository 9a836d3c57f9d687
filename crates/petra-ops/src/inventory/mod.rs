//! Get Inventory: retrieve Petra's catalog, map it, save it to the inventory pool, and
//! archive or re-activate items.
//!
//! - [`report`]: the run report kept as history.
//! - [`guard`]: the pure archive decision.
//! - `template`: choosing and compiling the mapping template.
//! - `records`: fieldmap record adapters for ProdList rows and API variants.
//! - `collector`: batches, rejections and warnings of a run.
//! - `seen`: the SKUs a retrieval returned, for repeated SKUs and the archive step.
//! - `fields_json`: the stored JSON object of an item's mapped fields.
//! - `retrieve`: reading the feed or the API.
//! - `batches`: the channel to the batch writer and the stop check.
//! - `progress`: the counts passed to the progress callback.
//! - `skip`: skipping feed rows identical to the rows stored items came from.
//! - `archive`: archiving absent items after the guard allowed it.
//! - `pending_refusal`: a mass archive an earlier run refused, read from the history.

mod archive;
mod batches;
mod collector;
mod failure;
mod fields_json;
pub mod guard;
mod pending_refusal;
mod progress;
mod records;
pub mod report;
mod retrieve;
mod seen;
mod skip;
mod template;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use petra_client::feed::{download_feed, DownloadOptions};
use petra_client::{Credentials, PetraApi};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use url::Url;
use uuid::Uuid;

pub use progress::{Progress, ProgressFn, READ_STEP};
pub use records::{ApiLayout, ApiVariantRecord, ProdListRecord};
pub use report::{ArchiveOutcome, InventoryReport, Rejection};
pub use template::{read_template_file, TemplateChoice, API_DEFAULT, PRODLIST_DEFAULT};

use crate::clock::Clock;
use crate::error::Error;
use crate::history::{record_run_end, record_run_start, Operation, RunHistory};
use crate::pool::{BatchOutcome, InventoryPool, ItemStatus, PoolItem, UpsertOptions};
use crate::settings::{InventorySettings, Source};
use batches::Batches;
use guard::{ArchiveInputs, PendingRefusal};
use progress::ProgressCounts;
use retrieve::{FeedInput, Retrieved};

/// The catalog source of a run.
#[derive(Clone)]
pub enum CatalogSource {
    /// The paged catalog of the HTTP API.
    Api(Arc<dyn PetraApi>),
    /// A ProdList.csv file on disk.
    FeedFile(PathBuf),
    /// A ProdList.csv at a `file`, `http(s)` or `ftp(s)` URL, downloaded to a temporary
    /// file before it is read. A failed or cut-short download is an incomplete retrieval.
    FeedUrl {
        url: Url,
        /// Sent as HTTP Basic credentials, or as the FTP login.
        credentials: Option<Credentials>,
        download: DownloadOptions,
    },
}

impl CatalogSource {
    fn describe(&self) -> String {
        match self {
            Self::Api(api) => format!(
                "{API_ORIGIN} ({})",
                api.feed_url().origin().ascii_serialization()
            ),
            Self::FeedFile(path) => path.display().to_string(),
            Self::FeedUrl { url, .. } => without_secrets(url),
        }
    }
}

/// The start of `InventoryReport::retrieved_from` for a catalog read from the API.
pub(crate) const API_ORIGIN: &str = "the Petra API";

/// Returns `url` without the user, password, query and fragment, which may carry secrets.
fn without_secrets(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// Options of one run, usually from the command line.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Report what would change without writing to the pool.
    pub dry_run: bool,
    /// Archive even when more than the guard's fraction of active items is absent.
    pub allow_mass_archive: bool,
    /// Cancelled by SIGINT or SIGTERM: a feed stops at its next row and the API at its
    /// next batch boundary, the records read so far are applied, nothing is archived, and
    /// the report is marked `interrupted`. A download in progress is abandoned.
    pub stop: CancellationToken,
}

/// The Get Inventory operation for one source.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use petra_ops::clock::SystemClock;
/// use petra_ops::inventory::{CatalogSource, GetInventory, RunOptions};
/// use petra_ops::memory::{MemoryHistory, MemoryPool};
/// use petra_ops::settings::{InventorySettings, SourceSettings};
///
/// let source = SourceSettings::default().validate()?;
/// let operation = GetInventory::new(source, InventorySettings::default());
/// let pool = MemoryPool::new();
/// let history = MemoryHistory::new();
///
/// let report = operation
///     .run(
///         CatalogSource::FeedFile("ProdList.csv".into()),
///         &pool,
///         &history,
///         &SystemClock,
///         RunOptions::default(),
///     )
///     .await?;
/// println!("{} created, {} rejected", report.created, report.rejected);
/// # Ok(()) }
/// ```
pub struct GetInventory {
    source: Source,
    settings: InventorySettings,
    template: TemplateChoice,
    progress: Option<ProgressFn>,
}

impl GetInventory {
    /// Builds the operation with the template named in `settings`, or the default.
    pub fn new(source: Source, settings: InventorySettings) -> Self {
        let template = match &settings.template {
            Some(path) => TemplateChoice::File(path.clone()),
            None => TemplateChoice::Default,
        };
        Self {
            source,
            settings,
            template,
            progress: None,
        }
    }

    /// Uses another mapping template.
    pub fn with_template(mut self, template: TemplateChoice) -> Self {
        self.template = template;
        self
    }

    /// Calls `progress` after every batch written and every [`READ_STEP`] rows read, from
    /// the writer's and the reader's threads (see [`ProgressFn`]).
    pub fn with_progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Compiles the template against the standard schema of a retrieval, without reading
    /// any record: the Mapped check of the status.
    pub fn check_template(&self, from_api: bool) -> Result<(), Error> {
        let (default_name, schema) = if from_api {
            (API_DEFAULT, fieldmap::schemas::petra_catalog_api())
        } else {
            (PRODLIST_DEFAULT, fieldmap::schemas::prodlist())
        };
        let loaded = self.template.load(default_name)?;
        template::compile_inventory(&loaded, &schema).map(|_| ())
    }

    /// Runs Get Inventory once and records it in `history`.
    ///
    /// Rejected records and a refused archive are part of the report, not errors. An
    /// error means the run could not go on: the template does not compile, or the pool or
    /// the history failed. The run is then recorded as failed when the history allows.
    pub async fn run(
        &self,
        catalog: CatalogSource,
        pool: &dyn InventoryPool,
        history: &dyn RunHistory,
        clock: &dyn Clock,
        options: RunOptions,
    ) -> Result<InventoryReport, Error> {
        let run_id = Uuid::new_v4();
        let span = tracing::info_span!(
            "get_inventory",
            operation = Operation::GetInventory.as_str(),
            source = self.source.name(),
            run_id = %run_id,
            dry_run = options.dry_run,
        );
        self.run_recorded(run_id, catalog, pool, history, clock, options)
            .instrument(span)
            .await
    }

    async fn run_recorded(
        &self,
        run_id: Uuid,
        catalog: CatalogSource,
        pool: &dyn InventoryPool,
        history: &dyn RunHistory,
        clock: &dyn Clock,
        options: RunOptions,
    ) -> Result<InventoryReport, Error> {
        let started_at = clock.now();
        record_run_start(
            history,
            run_id,
            Operation::GetInventory,
            self.source.name(),
            options.dry_run,
            started_at,
        )
        .await?;
        tracing::info!(from = %catalog.describe(), "Get Inventory started");

        // With archiving off the guard decides nothing, so the history is not read.
        let pending = if self.settings.archive {
            pending_refusal::find(history, self.source.name(), run_id).await
        } else {
            Ok(None)
        };
        let result = match pending {
            Ok(pending) => {
                self.execute(run_id, catalog, pool, clock, options, pending)
                    .await
            }
            Err(source) => Err(Error::History {
                action: "read the earlier runs for a refused mass archive",
                source,
            }),
        };

        let finished_at = clock.now();
        record_run_end(
            history,
            run_id,
            &result,
            InventoryReport::succeeded,
            finished_at,
        )
        .await?;

        match &result {
            Ok(report) => tracing::info!(
                created = report.created,
                updated = report.updated,
                unchanged = report.unchanged,
                archived = report.archived,
                reactivated = report.reactivated,
                rejected = report.rejected,
                "Get Inventory finished"
            ),
            Err(err) => tracing::warn!(error = %err, "Get Inventory failed"),
        }
        result
    }

    async fn execute(
        &self,
        run_id: Uuid,
        catalog: CatalogSource,
        pool: &dyn InventoryPool,
        clock: &dyn Clock,
        options: RunOptions,
        pending_refusal: Option<PendingRefusal>,
    ) -> Result<InventoryReport, Error> {
        let started = Instant::now();
        let started_at = clock.now();
        let source = self.source.name();
        let pool_error = |action| {
            let source_name = source.to_owned();
            move |err| Error::Pool {
                action,
                source_name,
                source: err,
            }
        };
        let retrieved_from = catalog.describe();

        let (batches_tx, mut batches_rx) = mpsc::channel::<Vec<PoolItem>>(2);
        let progress = ProgressCounts::new(self.progress.clone());
        let batch_size = self.settings.batch_size.max(1);
        // A pool that lists every active item with its row hashes has counted them too.
        let mut active_listed = None;
        let producer = match catalog {
            CatalogSource::FeedFile(path) => {
                let loaded = self.template.load(PRODLIST_DEFAULT)?;
                let stored = pool
                    .row_hashes(source)
                    .await
                    .map_err(pool_error("load row hashes"))?;
                active_listed = stored.active_count();
                let source = source.to_owned();
                let stop = options.stop.clone();
                let progress = progress.clone();
                tokio::task::spawn_blocking(move || {
                    let input = FeedInput::File(path);
                    let batches = Batches::new(batch_size, batches_tx, stop, progress);
                    retrieve::read_feed(input, loaded, batches, &source, stored)
                })
            }
            CatalogSource::FeedUrl {
                url,
                credentials,
                download,
            } => {
                let loaded = self.template.load(PRODLIST_DEFAULT)?;
                let downloading = download_feed(&url, credentials.as_ref(), &download);
                // Dropping the download deletes its temporary file.
                let downloaded = tokio::select! {
                    biased;
                    () = options.stop.cancelled() => None,
                    downloaded = downloading => Some(downloaded),
                };
                let stored = pool
                    .row_hashes(source)
                    .await
                    .map_err(pool_error("load row hashes"))?;
                active_listed = stored.active_count();
                let source = source.to_owned();
                let stop = options.stop.clone();
                let progress = progress.clone();
                tokio::task::spawn_blocking(move || {
                    let input = match downloaded {
                        Some(downloaded) => FeedInput::Download(downloaded),
                        None => FeedInput::StoppedDownload,
                    };
                    let batches = Batches::new(batch_size, batches_tx, stop, progress);
                    retrieve::read_feed(input, loaded, batches, &source, stored)
                })
            }
            CatalogSource::Api(api) => {
                let loaded = self.template.load(API_DEFAULT)?;
                let batches = Batches::new(
                    batch_size,
                    batches_tx,
                    options.stop.clone(),
                    progress.clone(),
                );
                tokio::spawn(async move { retrieve::read_api(api.as_ref(), loaded, batches).await })
            }
        };

        // Counted before the first batch is written, so it is the count before this run.
        let active_before = match active_listed {
            Some(count) => count,
            None => pool
                .count(source, ItemStatus::Active)
                .await
                .map_err(pool_error("count active items"))?,
        };

        let upsert = UpsertOptions {
            reactivate: self.settings.archive,
        };
        let mut outcome = BatchOutcome::default();
        let mut written = 0u64;
        while let Some(batch) = batches_rx.recv().await {
            written += batch.len() as u64;
            let counts = if options.dry_run {
                pool.preview_batch(source, batch, upsert).await
            } else {
                pool.upsert_batch(source, batch, upsert, clock.now()).await
            };
            // Dropping the receiver on error stops the reader at its next batch.
            outcome.add(&counts.map_err(pool_error("write a batch"))?);
            progress.records_written(written);
        }
        let Retrieved {
            collector,
            completeness,
            failure,
            skipped_rows,
            interrupted,
            stopped_after,
        } = producer.await.map_err(|join_error| Error::Internal {
            reason: format!("the catalog reader stopped: {join_error}"),
        })??;
        // A stop that came after the last record was read still ends the run before the
        // archive step, so a stopped run never archives.
        let stopped_before_archive = options.stop.is_cancelled() && completeness.is_ok();
        let (completeness, interrupted) = if stopped_before_archive {
            let reason = "interrupted by a stop signal before the archive step; the records \
                          read are saved, and the next run archives what is absent";
            (Err(reason.to_owned()), true)
        } else {
            (completeness, interrupted)
        };

        let archive = archive::archive_absent(
            pool,
            source,
            &collector.seen,
            ArchiveInputs {
                enabled: self.settings.archive,
                retrieval: completeness.as_ref().map(|_| ()).map_err(String::as_str),
                records: collector.records,
                active: active_before,
                candidates: 0,
                max_fraction: self.settings.archive_guard,
                allow_mass_archive: options.allow_mass_archive,
                pending_refusal,
            },
            options.dry_run,
            clock.now(),
        )
        .await
        .map_err(pool_error("archive absent items"))?;
        // A stopped run refuses to archive only because it was stopped, and the info event
        // below reports that. The warning is for refusals that need a person.
        if let (ArchiveOutcome::Refused { reason, .. }, false) = (&archive, interrupted) {
            tracing::warn!(%reason, "archive rejected by the guard");
        }
        if interrupted {
            tracing::info!(
                records = collector.records,
                "stopped by the stop signal; the batches read so far are applied"
            );
        }

        let finished_at = clock.now();
        Ok(InventoryReport {
            run_id,
            source: source.to_owned(),
            retrieved_from,
            dry_run: options.dry_run,
            started_at,
            finished_at,
            duration_ms: started.elapsed().as_millis() as u64,
            retrieval_complete: completeness.is_ok(),
            fatal_error: failure
                .fatal
                .then(|| completeness.as_ref().err().cloned())
                .flatten(),
            fatal_status: failure.fatal_status,
            petra_unreachable: failure.unreachable,
            interrupted,
            stopped_after,
            retrieval_error: completeness.err(),
            records: collector.records,
            created: outcome.created,
            updated: outcome.updated,
            unchanged: outcome.unchanged + skipped_rows,
            reactivated: outcome.reactivated,
            archived: match &archive {
                ArchiveOutcome::Applied { count } => *count,
                _ => 0,
            },
            archive,
            rejected: collector.rejected,
            rejections: collector.rejections,
            warning_count: collector.warning_count,
            warnings: collector.warnings,
        })
    }
}

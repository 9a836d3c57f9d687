//! Retrieval: reading the catalog from a feed file, a downloaded feed or the API, mapping
//! each record and handing full batches to the writer.

use std::error::Error as _;
use std::fs::File;
use std::path::PathBuf;

use fieldmap::schemas;
use futures::StreamExt;
use petra_client::feed::{FeedDownload, ProdListReader};
use petra_client::PetraApi;
use tokio::sync::mpsc;

use super::collector::Collector;
use super::records::{ApiLayout, ApiVariantRecord, ProdListRecord};
use super::template::{compile_inventory, LoadedTemplate};
use crate::error::Error;
use crate::pool::PoolItem;

/// Result of a retrieval once every batch is sent.
pub(crate) struct Retrieved {
    pub collector: Collector,
    /// `Err` with the reason when the catalog was not read to its end.
    pub completeness: Result<(), String>,
}

/// A ProdList feed on local disk, or the outcome of downloading one.
pub(crate) enum FeedInput {
    File(PathBuf),
    /// A failed download is read as an empty, incomplete retrieval.
    Download(Result<FeedDownload, petra_client::Error>),
}

impl FeedInput {
    /// Opens a reader, or returns why the feed cannot be read. A download is read
    /// expecting exactly the downloaded length.
    fn open(&self) -> Result<ProdListReader<File>, String> {
        match self {
            Self::File(path) => ProdListReader::open(path).map_err(|err| error_chain(&err)),
            Self::Download(Ok(download)) => download.reader().map_err(|err| error_chain(&err)),
            Self::Download(Err(err)) => Err(error_chain(err)),
        }
    }
}

/// Reads a ProdList feed on the calling (blocking) thread and sends full batches to
/// `batches`.
///
/// The template is compiled against the file's own header before the first data row is
/// read. A compile error is returned as an error. A feed that cannot be downloaded,
/// opened or read to its end is an incomplete retrieval, reported in
/// [`Retrieved::completeness`].
pub(crate) fn read_feed(
    input: FeedInput,
    template: LoadedTemplate,
    batch_size: usize,
    batches: mpsc::Sender<Vec<PoolItem>>,
) -> Result<Retrieved, Error> {
    let mut reader = match input.open() {
        Ok(reader) => reader,
        Err(reason) => {
            compile_default_prodlist(&template)?;
            return Ok(Retrieved {
                collector: Collector::new(Default::default(), batch_size),
                completeness: Err(reason),
            });
        }
    };

    let schema = fieldmap::SourceSchema::from_columns("prodlist", reader.columns().names());
    let (plan, keys) = compile_inventory(&template, &schema)?;
    let mut collector = Collector::new(keys, batch_size);

    for row in &mut reader {
        let full = match row {
            Ok(row) => {
                for warning in row.warnings() {
                    collector.warn(warning.to_string());
                }
                match plan.map(&ProdListRecord(&row), row.line()) {
                    Ok(mapped) => collector.accept(row.line(), &mapped),
                    Err(error) => {
                        collector.reject_mapping(row.line(), &error);
                        None
                    }
                }
            }
            Err(error) => {
                collector.reject_row(&error);
                None
            }
        };
        if let Some(batch) = full {
            if batches.blocking_send(batch).is_err() {
                // The writer stopped on an error of its own, which it reports.
                return Ok(Retrieved {
                    collector,
                    completeness: Err("the run stopped before the end of the feed".into()),
                });
            }
        }
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
    let rest = collector.take_batch();
    if !rest.is_empty() && batches.blocking_send(rest).is_err() {
        return Ok(Retrieved {
            collector,
            completeness: Err("the run stopped before the end of the feed".into()),
        });
    }
    Ok(Retrieved {
        collector,
        completeness,
    })
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
    batch_size: usize,
    batches: mpsc::Sender<Vec<PoolItem>>,
) -> Result<Retrieved, Error> {
    let schema = schemas::petra_catalog_api();
    let (plan, keys) = compile_inventory(&template, &schema)?;
    let layout = ApiLayout::new(&schema);
    let mut collector = Collector::new(keys, batch_size);

    let mut products = api.catalog();
    let mut position = 0u64;
    let mut completeness = Ok(());
    while let Some(product) = products.next().await {
        let product = match product {
            Ok(product) => product,
            Err(err) => {
                completeness = Err(err.to_string());
                break;
            }
        };
        for variant in &product.variants {
            position += 1;
            let record = ApiVariantRecord {
                layout: &layout,
                product: &product,
                variant,
            };
            let full = match plan.map(&record, position) {
                Ok(mapped) => collector.accept(position, &mapped),
                Err(error) => {
                    collector.reject_mapping(position, &error);
                    None
                }
            };
            if let Some(batch) = full {
                if batches.send(batch).await.is_err() {
                    completeness = Err("the run stopped before the end of the catalog".into());
                    return Ok(Retrieved {
                        collector,
                        completeness,
                    });
                }
            }
        }
    }

    let rest = collector.take_batch();
    if !rest.is_empty() && batches.send(rest).await.is_err() {
        completeness = Err("the run stopped before the end of the catalog".into());
    }
    Ok(Retrieved {
        collector,
        completeness,
    })
}

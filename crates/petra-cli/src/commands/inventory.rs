//! `petra inventory run`: Get Inventory from the API, the feed URL or a local file.

use std::path::PathBuf;
use std::sync::Arc;

use petra_ops::clock::SystemClock;
use petra_ops::inventory::{CatalogSource, GetInventory, InventoryReport, RunOptions};
use petra_ops::settings::{Config, Retrieval};
use petra_store::SqliteStore;

use crate::cli::{Cli, InventoryRunArgs};
use crate::context;
use crate::failure::{Exit, Failure};
use crate::output;

pub async fn run(cli: &Cli, args: &InventoryRunArgs) -> Result<Exit, Failure> {
    let config = context::load_valid_config(&cli.config)?;
    let catalog = match &args.feed {
        Some(feed) => feed_source(feed)?,
        None => configured_source(&config)?,
    };
    let store = context::open_store(&config)?;
    let options = RunOptions {
        dry_run: args.dry_run,
        allow_mass_archive: args.allow_mass_archive,
    };

    let report = run_inventory(&config, catalog, &store, options, cli.json).await?;
    if cli.json {
        output::print_json(&report);
    } else {
        output::print_report(&report);
    }
    Ok(exit_for(&report))
}

/// The exit code of a finished run: an incomplete retrieval is not a success.
pub fn exit_for(report: &InventoryReport) -> Exit {
    if report.retrieval_complete {
        Exit::Success
    } else {
        Exit::Incomplete
    }
}

/// Runs Get Inventory with the settings of `config`, showing progress unless `json`.
pub async fn run_inventory(
    config: &Config,
    catalog: CatalogSource,
    store: &SqliteStore,
    options: RunOptions,
    json: bool,
) -> Result<InventoryReport, Failure> {
    let source = config.source.clone().validate()?;
    let mut settings = config.inventory.clone();
    settings.template = settings.template.map(|path| config.resolve(&path));
    let mut operation = GetInventory::new(source, settings);

    let (bar, progress) = output::progress(json);
    if let Some(progress) = progress {
        operation = operation.with_progress(progress);
    }
    let result = operation
        .run(catalog, store, store, &SystemClock, options)
        .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    Ok(result?)
}

/// Reads `--feed`: a path or a `file://` URL.
fn feed_source(feed: &str) -> Result<CatalogSource, Failure> {
    let path = match feed.strip_prefix("file://") {
        Some(path) => PathBuf::from(path),
        None if feed.contains("://") => {
            return Err(Failure::new(
                Exit::Config,
                format!("--feed {feed}: only local files and file:// URLs can be read"),
            )
            .with_fix("download the file first and pass its path"));
        }
        None => PathBuf::from(feed),
    };
    if !path.is_file() {
        return Err(Failure::new(
            Exit::Config,
            format!("feed file {} not found", path.display()),
        )
        .with_fix("check the path passed to --feed"));
    }
    Ok(CatalogSource::FeedFile(path))
}

/// Chooses the catalog source the settings name.
pub fn configured_source(config: &Config) -> Result<CatalogSource, Failure> {
    match config.inventory.retrieval {
        Retrieval::Api => Ok(CatalogSource::Api(Arc::new(context::client(config)?))),
        Retrieval::Feed => {
            // Validation made sure a feed URL is set.
            let url = config.connection.feed_url().unwrap_or_default();
            feed_source(url)
        }
    }
}

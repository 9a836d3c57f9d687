//! `petra inventory run`: Get Inventory from the API, the feed URL or a local file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use petra_client::feed::DownloadOptions;
use petra_client::Credentials;
use petra_ops::clock::SystemClock;
use petra_ops::history::Operation;
use petra_ops::inventory::{
    ArchiveOutcome, CatalogSource, GetInventory, InventoryReport, RunOptions,
};
use petra_ops::schedule::lock_name;
use petra_ops::settings::{url_without_login, Config, Retrieval};
use petra_store::SqliteStore;
use url::Url;

use crate::cli::{Cli, InventoryRunArgs};
use crate::commands::orders::take_lock;
use crate::context;
use crate::failure::{Exit, Failure};
use crate::output;
use crate::stop;

pub async fn run(cli: &Cli, args: &InventoryRunArgs) -> Result<Exit, Failure> {
    let config = context::load_config_for(&cli.config, Operation::GetInventory)?;
    let catalog = match &args.feed {
        Some(feed) => feed_source(&config, feed)?,
        None => configured_source(&config)?,
    };
    let feed_setting = if args.feed.is_some() {
        "--feed"
    } else {
        "connection.feed_url"
    };
    let feed_url_login = sends_url_login(&catalog).then_some(feed_setting);
    let store = context::open_store(&config)?;
    let options = RunOptions {
        dry_run: args.dry_run,
        allow_mass_archive: args.allow_mass_archive,
        stop: stop::on_signals(
            "stopping after the current batch; the records read so far are saved",
        ),
    };

    // A dry run takes the lock too, because it reads the pool that a real run writes.
    let name = lock_name(&config.source.name, Operation::GetInventory);
    let _guard = take_lock(&store, &name).await?;

    let report = run_inventory(&config, catalog, &store, options, cli.json).await?;
    if cli.json {
        output::print_json(&report);
    } else {
        output::print_report(&report, feed_url_login, None);
    }
    let exit = exit_for(&report);
    match failure_cause(exit, &report) {
        Some(cause) => Err(Failure::after_report(exit, &cause)),
        None => Ok(exit),
    }
}

/// Reports whether downloading `catalog` sends the user and password written in its URL,
/// which the download does when the connection has no credentials.
fn sends_url_login(catalog: &CatalogSource) -> bool {
    match catalog {
        CatalogSource::FeedUrl {
            url,
            credentials: None,
            ..
        } => !url.username().is_empty() || url.password().is_some(),
        _ => false,
    }
}

/// Returns the report's reason for exit 4, 5 or 6: the rejected login, the error that
/// ended the retrieval, or the archive guard's reason with the catalog it read.
pub fn failure_cause(exit: Exit, report: &InventoryReport) -> Option<String> {
    match exit {
        Exit::Connection | Exit::Incomplete => report
            .fatal_error
            .as_deref()
            .or(report.retrieval_error.as_deref())
            .map(str::to_owned),
        Exit::ArchiveGuard => match &report.archive {
            ArchiveOutcome::Refused { reason, .. } => {
                Some(format!("{}: {reason}", report.retrieved_from))
            }
            _ => None,
        },
        Exit::Success | Exit::Failure | Exit::Usage | Exit::Config => None,
    }
}

/// The exit code of a finished run: rejected credentials or a retrieval that never
/// reached Petra or the feed server fail like `petra connection test`, any other
/// incomplete retrieval (a stop signal included) is not a success, and a mass archive
/// the guard refused needs a person to check the feed.
pub fn exit_for(report: &InventoryReport) -> Exit {
    if report.fatal_error.is_some() || report.petra_unreachable {
        Exit::Connection
    } else if !report.retrieval_complete {
        Exit::Incomplete
    } else if report.mass_archive_refused() {
        Exit::ArchiveGuard
    } else {
        Exit::Success
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
    let source = config
        .source
        .clone()
        .validate_for(Operation::GetInventory)?;
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

/// Reads `--feed` or the configured feed URL: a path, a `file://` URL, or an http(s) or
/// ftp(s) URL to download with the connection's credentials.
fn feed_source(config: &Config, feed: &str) -> Result<CatalogSource, Failure> {
    if !feed.contains("://") {
        return local_feed(config, PathBuf::from(feed));
    }

    let url = Url::parse(feed).map_err(|err| {
        let redacted = url_without_login(feed);
        Failure::new(
            Exit::Config,
            format!("feed URL {redacted:?} is invalid: {err}"),
        )
        .with_fix("pass a path, or a file://, http(s):// or ftp(s):// URL")
    })?;
    match url.scheme() {
        "file" => match url.to_file_path() {
            Ok(path) => local_feed(config, path),
            Err(()) => Err(Failure::new(
                Exit::Config,
                format!(
                    "feed URL {:?} is not a local file path",
                    url_without_login(feed)
                ),
            )
            .with_fix("write it as file:///absolute/path/ProdList.csv")),
        },
        "http" | "https" | "ftp" | "ftps" => Ok(CatalogSource::FeedUrl {
            credentials: feed_credentials(config)?,
            url,
            download: DownloadOptions::default(),
        }),
        other => Err(Failure::new(
            Exit::Config,
            format!("feed URL scheme {other:?} is not supported"),
        )
        .with_fix("use a path, or a file://, http(s):// or ftp(s):// URL")),
    }
}

/// The connection's credentials for a feed download. Missing secrets are not an error
/// here, because a feed URL may need no login; the server's refusal then names the
/// problem.
fn feed_credentials(config: &Config) -> Result<Option<Credentials>, Failure> {
    let env = |name: &str| std::env::var(name).ok();
    match config.credentials(&env) {
        Ok(credentials) => Ok(Some(credentials)),
        Err(petra_ops::Error::MissingSecret { name, .. }) => {
            tracing::debug!(missing = name, "downloading the feed without credentials");
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

fn local_feed(config: &Config, path: PathBuf) -> Result<CatalogSource, Failure> {
    if path.is_dir() {
        return Err(Failure::new(
            Exit::Config,
            format!("feed path {} is a directory, not a file", path.display()),
        )
        .with_fix("pass the ProdList.csv file itself, not the folder that contains it"));
    }
    if !path.is_file() {
        return Err(Failure::new(
            Exit::Config,
            format!("feed file {} not found", path.display()),
        )
        .with_fix(format!(
            "check the path given with --feed, or connection.feed_url in {}",
            config.file_name()
        )));
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
            if url.contains("://") {
                feed_source(config, url)
            } else {
                // A path in petra.toml is relative to the file, like every path in it.
                local_feed(config, config.resolve(Path::new(url)))
            }
        }
    }
}

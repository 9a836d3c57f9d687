//! `petra demo`: the main job end to end on this machine. It starts the sandbox, creates
//! a SQLite store in the working directory and a settings file beside it, and tests the
//! connection. Then it runs Get Inventory, sends sample fulfillment requests for SKUs of
//! the imported catalog, moves the sandbox clock forward and fetches shipments, partial
//! ones included. It prints the reports, the orders' states and the status.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use petra_client::PetraClient;
use petra_ops::history::Operation;
use petra_ops::inventory::{ArchiveOutcome, CatalogSource, InventoryReport, RunOptions};
use petra_ops::schedule::lock_name;
use petra_ops::settings::{Config, Retrieval};
use petra_sandbox::config::{DEFAULT_PASSWORD, DEFAULT_USERNAME};
use petra_sandbox::{CatalogSource as SandboxCatalog, ClockConfig, Sandbox, SandboxConfig};
use petra_store::SqliteStore;

use crate::cli::{Cli, DemoArgs};
use crate::commands::orders::take_lock;
use crate::commands::{connection, demo_files, fulfillment_demo, inventory, status};
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::{outln, shell_word};
use crate::stop;

/// Items in the generated sample catalog.
const SAMPLE_ROWS: u64 = 1_000;
/// Seed of the sample catalog, fixed so every demo imports the same items.
const SAMPLE_SEED: u64 = 2026;

pub async fn run(cli: &Cli, args: &DemoArgs) -> Result<Exit, Failure> {
    if let Some(feed) = &args.feed {
        if !feed.is_file() {
            return Err(Failure::new(
                Exit::Config,
                format!("feed file {} not found", feed.display()),
            )
            .with_fix(
                "check the path passed to --feed; relative paths start at the working directory",
            ));
        }
    }

    demo_files::check_store_path(&args.store)?;
    // An existing file is opened before the sandbox starts, so one that is no store fails
    // first. A new store is created only once the sandbox runs, so a demo stopped while
    // the sandbox loads leaves no file behind.
    let existing_store = if args.store.exists() {
        Some(SqliteStore::open(&args.store)?)
    } else {
        None
    };

    // Installed first, because loading a large --feed into the sandbox takes a while.
    let stop = stop::on_signals("stopping the demo after its current step");
    if let (Some(feed), false) = (&args.feed, cli.json) {
        eprintln!("loading {} into the sandbox", feed.display());
    }
    let sandbox = tokio::select! {
        biased;
        () = stop.cancelled() => {
            return Err(Failure::new(
                Exit::Incomplete,
                "stopped by a signal while the sandbox was loading its catalog; nothing was imported",
            )
            .with_fix("run petra demo again"))
        }
        started = start_sandbox(args) => started?,
    };
    let (sandbox, feed_not_served) = sandbox;
    if !cli.json {
        outln!("sandbox listening at {}", sandbox.base_url());
    }

    let mut config = Config::default();
    config.connection.name = "sandbox".to_owned();
    config.connection.base_url = sandbox.base_url();
    config.inventory.retrieval = if args.feed.is_some() {
        Retrieval::Feed
    } else {
        Retrieval::Api
    };
    // The demo reads a --feed file directly. Status requires a feed URL for feed
    // retrieval, so the file is recorded as that URL.
    if let Some(feed) = &args.feed {
        config.connection.feed_url = std::path::absolute(feed)
            .ok()
            .and_then(|path| url::Url::from_file_path(path).ok())
            .map(String::from);
    }
    config.store.path = args.store.clone();
    config.source = petra_ops::settings::SourceSettings::sample_fulfilling();

    // The sandbox's own demo account, not a user secret.
    let credentials = petra_client::Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD)
        .map_err(|err| Failure::new(Exit::Failure, err.to_string()))?;
    let client = PetraClient::new(config.client_config(credentials)?)
        .map_err(|err| Failure::new(Exit::Failure, err.to_string()))?;
    let store = match existing_store {
        Some(store) => store,
        None => SqliteStore::open(&args.store)?,
    };
    if !cli.json {
        outln!("store {}", args.store.display());
    }
    let settings_file = demo_files::write_settings(&config, &args.store)?;

    let test = connection::test_and_record(&config, &client, &store).await?;
    // With --json a passed test goes into the demo's one document at the end.
    if !cli.json || !test.passed {
        connection::print(&test, cli.json)?;
    }

    let catalog = match &args.feed {
        Some(feed) => CatalogSource::FeedFile(feed.clone()),
        None => CatalogSource::Api(Arc::new(client.clone())),
    };
    let options = RunOptions {
        dry_run: false,
        allow_mass_archive: args.allow_mass_archive,
        stop: stop.clone(),
    };
    // The demo's store may be one a scheduler or another petra command is writing.
    let lock = lock_name(&config.source.name, Operation::GetInventory);
    let guard = take_lock(&store, &lock).await?;
    let report = inventory::run_inventory(&config, catalog, &store, options, cli.json).await?;
    drop(guard);
    let exit = inventory::exit_for(&report);
    let mass_archive_fix = other_catalog_fix(&report, &args.store);
    if !cli.json {
        // The demo reads a local --feed file or the API, so no login is in a URL.
        output::print_report(&report, None, mass_archive_fix.as_deref());
        outln!();
    }

    // After a failed Get Inventory the pool may not contain the sandbox's catalog, and the
    // sandbox would reject sample orders for SKUs it does not serve.
    let orders = if exit == Exit::Success {
        // When the import failed, its error line already states what is wrong with the
        // feed, so the fallback matters only to the orders sent now.
        if let Some(error) = &feed_not_served {
            eprintln!(
                "warning: the sandbox cannot serve the feed ({error}); it serves the \
                 generated sample instead, so the demo's orders for the feed's SKUs will be \
                 rejected"
            );
        }
        Some(fulfillment_demo::run(cli, &config, &client, &store, &sandbox, stop.clone()).await?)
    } else {
        if !cli.json {
            outln!("The demo skips its orders and shipments until Get Inventory succeeds.");
        }
        None
    };

    if cli.json {
        let status =
            petra_ops::status::status(&config, &store, &store, &petra_ops::clock::SystemClock)
                .await?;
        output::print_json(&serde_json::json!({
            "connection": test,
            "report": report,
            "orders": orders,
            "status": status,
            "config": settings_file,
        }));
    } else {
        outln!();
        status::print(&config, &store, false, Some(Operation::GetInventory)).await?;
        if let Some(file) = &settings_file {
            outln!();
            outln!(
                "To see this status again: {} --config {} status",
                this_program(),
                shell_word(&file.to_string_lossy())
            );
        }
    }
    // A stop signal during the order half ends the demo early, which is not a success.
    if exit == Exit::Success && stop.is_cancelled() {
        return Err(Failure::after_report(
            Exit::Incomplete,
            "interrupted by a stop signal before the demo's orders and shipments finished",
        ));
    }
    let Some(cause) = inventory::failure_cause(exit, &report) else {
        return Ok(exit);
    };
    // The text report above states the cause and the fix, so the error line only points
    // there. With --json the error line is the only text, so it carries both.
    if !cli.json {
        return Err(Failure::after_report_above(
            exit,
            "the Get Inventory report above",
        ));
    }
    let failure = Failure::after_report(exit, &cause);
    Err(match mass_archive_fix {
        Some(fix) => failure.with_fix(fix),
        None => failure,
    })
}

/// Builds the fix for a mass archive the guard refused in the demo's `store`. The demo
/// reuses its store, so a refusal there most often means that the store contains another
/// catalog, such as the generated sample before a `--feed` run.
fn other_catalog_fix(report: &InventoryReport, store: &Path) -> Option<String> {
    let ArchiveOutcome::Refused {
        mass_archive: true,
        would_archive,
        ..
    } = &report.archive
    else {
        return None;
    };
    let store = store.display();
    let absent = match would_archive {
        Some(count) => format!("{count} active {}", output::plural(*count, "item")),
        None => "active items".to_owned(),
    };
    Some(format!(
        "the store {store} contains {absent} that this catalog does not list, for example \
         from an earlier demo with another catalog; pass --store NEW_FILE, or remove \
         {store}, to start clean"
    ))
}

/// Starts the sandbox with the --feed file as its catalog, or the generated sample, and
/// returns it with the reason the sandbox could not serve the --feed file, if it could not.
async fn start_sandbox(
    args: &DemoArgs,
) -> Result<(petra_sandbox::RunningSandbox, Option<String>), Failure> {
    // The sandbox serves the --feed file, so the sample orders name SKUs it knows. A
    // broken file (empty or truncated) must still reach Get Inventory, which reads it
    // directly, so the sandbox then falls back to the generated sample.
    let generated = SandboxCatalog::Generated {
        rows: SAMPLE_ROWS,
        seed: SAMPLE_SEED,
    };
    let catalog = match &args.feed {
        Some(feed) => SandboxCatalog::FeedFile(feed.clone()),
        None => generated.clone(),
    };
    // Most orders ship in parts, so the demo shows partial shipments.
    let shipping = petra_sandbox::ShippingConfig {
        partial_rate: 0.6,
        ..petra_sandbox::ShippingConfig::default()
    };
    // The operations record their runs by this machine's clock. The sandbox clock starts
    // at the same time and stays paused until the demo moves it, so the shipments it
    // lists fall in the window counted back from this machine's clock.
    let clock = ClockConfig::paused_at(chrono::Utc::now());
    let sandbox_config = |catalog| {
        SandboxConfig::default()
            .with_catalog(catalog)
            .with_shipping(shipping.clone())
            .with_clock(clock.clone())
    };
    let start_error = |err| Failure::new(Exit::Failure, format!("cannot start the sandbox: {err}"));
    match Sandbox::start(sandbox_config(catalog)).await {
        Ok(sandbox) => Ok((sandbox, None)),
        Err(err) if args.feed.is_some() => {
            tracing::info!(error = %err, "the sandbox cannot serve the feed; it serves the generated sample");
            let sandbox = Sandbox::start(sandbox_config(generated))
                .await
                .map_err(start_error)?;
            Ok((sandbox, Some(err.to_string())))
        }
        Err(err) => Err(start_error(err)),
    }
}

/// Returns the command that started this process, as a user can type it again in the
/// working directory: `target/debug/petra` after `cargo run`, or `petra` from the PATH.
fn this_program() -> String {
    let Some(program) = std::env::args_os().next().map(PathBuf::from) else {
        return "petra".to_owned();
    };
    if program.components().count() < 2 {
        return shell_word(&program.to_string_lossy());
    }
    let relative = std::env::current_dir()
        .ok()
        .and_then(|dir| program.strip_prefix(dir).ok().map(Path::to_path_buf))
        .unwrap_or(program);
    // A program in the working directory itself runs only with a path.
    let runnable = if relative.components().count() < 2 {
        Path::new(".").join(relative)
    } else {
        relative
    };
    shell_word(&runnable.to_string_lossy())
}

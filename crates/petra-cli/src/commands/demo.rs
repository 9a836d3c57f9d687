//! `petra demo`: the main job end to end on this machine. It starts the sandbox, creates
//! a SQLite store in the working directory, tests the connection, runs Get Inventory and
//! prints the report and the status.

use std::sync::Arc;

use petra_client::PetraClient;
use petra_ops::inventory::{CatalogSource, RunOptions};
use petra_ops::settings::{Config, Retrieval};
use petra_sandbox::config::{DEFAULT_PASSWORD, DEFAULT_USERNAME};
use petra_sandbox::{CatalogSource as SandboxCatalog, Sandbox, SandboxConfig};
use petra_store::SqliteStore;

use crate::cli::{Cli, DemoArgs};
use crate::commands::{connection, inventory, status};
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;

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

    // The sandbox always serves the generated sample, because a broken --feed file (empty
    // or truncated) must still reach Get Inventory, which reads it directly.
    let catalog = SandboxCatalog::Generated {
        rows: SAMPLE_ROWS,
        seed: SAMPLE_SEED,
    };
    let sandbox = Sandbox::start(SandboxConfig::default().with_catalog(catalog))
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot start the sandbox: {err}")))?;
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
    config.store.path = args.store.clone();

    // The sandbox's own demo account, not a user secret.
    let credentials = petra_client::Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD)
        .map_err(|err| Failure::new(Exit::Failure, err.to_string()))?;
    let client = PetraClient::new(config.client_config(credentials)?)
        .map_err(|err| Failure::new(Exit::Failure, err.to_string()))?;
    let store = SqliteStore::open(&args.store)?;
    if !cli.json {
        outln!("store {}", args.store.display());
    }

    let test = connection::test_and_record(&config, &client, &store).await?;
    if !cli.json || !test.passed {
        connection::print(&test, cli.json)?;
    }

    let catalog = match &args.feed {
        Some(feed) => CatalogSource::FeedFile(feed.clone()),
        None => CatalogSource::Api(Arc::new(client)),
    };
    let options = RunOptions {
        dry_run: false,
        allow_mass_archive: args.allow_mass_archive,
    };
    let report = inventory::run_inventory(&config, catalog, &store, options, cli.json).await?;

    if cli.json {
        let status = petra_ops::status::status(&config, &store).await?;
        output::print_json(&serde_json::json!({
            "connection": test,
            "report": report,
            "status": status,
        }));
    } else {
        output::print_report(&report);
        outln!();
        status::print(&config, &store, false).await?;
    }
    Ok(inventory::exit_for(&report))
}

//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The configuration file read when neither --config nor PETRA_CONFIG names one.
pub const DEFAULT_CONFIG: &str = "petra.toml";

/// Dropship integration with Petra Industries: test the connection, import the catalog,
/// send fulfillment requests, fetch shipments and inspect mapping templates.
///
/// Secrets come from PETRA_USERNAME (or PETRA_API_KEY) and PETRA_PASSWORD, or from the
/// secrets file named in petra.toml, never from the command line.
#[derive(Debug, Parser)]
#[command(name = "petra", version)]
pub struct Cli {
    /// Path of the configuration file.
    #[arg(
        long,
        global = true,
        default_value = DEFAULT_CONFIG,
        env = "PETRA_CONFIG"
    )]
    pub config: PathBuf,

    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Log more detail to stderr (-v info, -vv debug). PETRA_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented petra.toml to start from.
    Init(InitArgs),
    /// Manage the Petra connection.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Run Get Inventory.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// Import, send, list, release and show fulfillment requests (Send Fulfillment
    /// Requests).
    #[command(subcommand)]
    Orders(crate::commands::orders::OrdersCommand),
    /// Fetch shipments and attach them to their orders (Get Shipments).
    #[command(subcommand)]
    Shipments(crate::commands::shipments::ShipmentsCommand),
    /// Run the operations on their schedules.
    #[command(subcommand)]
    Schedule(crate::commands::schedule::ScheduleCommand),
    /// Show Connected, Configured and Mapped for each operation, and the last runs.
    Status,
    /// Try a mapping template on a file.
    #[command(subcommand)]
    Map(MapCommand),
    /// Work with the built-in mapping templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Start a local Petra sandbox on 127.0.0.1 until Ctrl-C.
    ///
    /// The sandbox speaks Petra's API under /v1 and serves a generated catalog of 250
    /// items. It accepts the account sandbox-dealer (or the API key sandbox-api-key)
    /// with the password sandbox-password. The user sandbox-no-api, with the same
    /// password, has no API access and gets 403.
    ///
    /// Its clock follows the system clock, so shipments carry today's dates and
    /// `petra shipments fetch` finds them. An order ships 2 to 24 hours after it is
    /// received by that clock, and later parts follow up to 48 hours apart. Advance the
    /// clock to see them ship at once. --paused-at pins the clock instead.
    ///
    /// Control routes, without credentials, under the printed control URL:
    /// GET /sandbox/clock, POST /sandbox/clock/advance with a JSON body such as
    /// {"days": 2, "hours": 0, "minutes": 0, "seconds": 0} (each part optional),
    /// GET /sandbox/orders (every order request received, per PO), and
    /// GET, PUT or DELETE /sandbox/faults to read, set or clear injected faults.
    Sandbox(SandboxArgs),
    /// Start a sandbox and run the three operations against it, with a SQLite store here.
    ///
    /// The demo builds its own settings for the sandbox, so it reads no petra.toml and
    /// ignores --config and PETRA_CONFIG. It writes them beside the store, in
    /// petra-demo.toml for petra-demo.sqlite, so `petra --config petra-demo.toml status`
    /// shows the store later. It never replaces a file that it did not write.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Call Petra with the configured credentials and record the outcome.
    Test,
}

#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// Retrieve the catalog, map it and save it to the inventory pool.
    Run(InventoryRunArgs),
}

#[derive(Debug, Args)]
pub struct InventoryRunArgs {
    /// Read this ProdList.csv instead of the configured retrieval: a path, a file:// URL,
    /// or an http(s):// or ftp(s):// URL downloaded with the connection's credentials.
    #[arg(long, value_name = "FILE|URL")]
    pub feed: Option<String>,

    /// Report what would be created, updated, archived and re-activated without writing.
    #[arg(long)]
    pub dry_run: bool,

    /// Archive even when more than the archive guard's share of active items is absent.
    /// Without it such a run archives nothing and exits 6.
    #[arg(long)]
    pub allow_mass_archive: bool,
}

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// Map the first records of a ProdList.csv and print the result.
    Preview(MapPreviewArgs),
}

#[derive(Debug, Args)]
pub struct MapPreviewArgs {
    /// Template file (TOML, or JSON by extension).
    #[arg(long)]
    pub template: PathBuf,

    /// ProdList.csv file to map.
    #[arg(long)]
    pub input: PathBuf,

    /// Records to map, at least 1.
    #[arg(long, default_value_t = 5, value_parser = parse_limit)]
    pub limit: usize,

    /// Show for each field which rule produced its value.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Print a built-in template, to save, edit and load back.
    Export(TemplatesExportArgs),
    /// List the built-in templates.
    List,
}

#[derive(Debug, Args)]
pub struct TemplatesExportArgs {
    /// Template name, for example petra-prodlist-inventory.
    pub name: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "toml")]
    pub format: TemplateFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TemplateFormat {
    Toml,
    Json,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Start the sandbox clock at this RFC 3339 time, for example 2026-06-11T15:00:00Z,
    /// and keep it still until POST /sandbox/clock/advance. Without it the clock follows
    /// the system clock.
    #[arg(long, value_name = "TIME", value_parser = parse_paused_at)]
    pub paused_at: Option<chrono::DateTime<chrono::Utc>>,

    /// Faults to inject from the start, as the petra-sandbox binary's --faults takes
    /// them, for example `seed=7,catalog:503:rate=0.3,orders.create:drop:next=1`.
    /// Routes: all, ping, catalog, feed, orders.create, orders.get, orders.shipments,
    /// shipments. Faults: a 5xx status, 429[=SECONDS|=DECIMAL|=date+SECONDS],
    /// latency=MILLIS, drop (after handling), drop-before (before handling), truncate,
    /// repeat-page. Triggers: always (the default), next=N, rate=R. PUT /sandbox/faults
    /// replaces them while the sandbox runs.
    #[arg(
        long,
        value_name = "SPEC",
        default_value = "",
        hide_default_value = true
    )]
    pub faults: petra_sandbox::FaultConfig,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Import this ProdList.csv instead of the sandbox's sample catalog.
    #[arg(long, value_name = "FILE")]
    pub feed: Option<PathBuf>,

    /// SQLite store file to create or reuse.
    #[arg(long, default_value = "petra-demo.sqlite")]
    pub store: PathBuf,

    /// Archive even when more than the archive guard's share of active items is absent.
    /// Without it such a run archives nothing and the demo exits 6.
    #[arg(long)]
    pub allow_mass_archive: bool,
}

/// Parses `--paused-at` as an RFC 3339 time, naming the expected form when it is not one.
fn parse_paused_at(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    text.parse::<chrono::DateTime<chrono::Utc>>()
        .map_err(|err| {
            format!(
                "{err}; expected an RFC 3339 time with a zone, such as 2026-06-11T15:00:00Z \
                 or 2026-06-11T10:00:00-05:00"
            )
        })
}

/// Parses `--limit` of `map preview`, which must be at least 1, because a preview of no
/// records would print nothing.
fn parse_limit(text: &str) -> Result<usize, String> {
    let limit: usize = text
        .parse()
        .map_err(|err| format!("{err}; expected a whole number of records, at least 1"))?;
    if limit == 0 {
        return Err("expected at least 1 record to preview".to_owned());
    }
    Ok(limit)
}

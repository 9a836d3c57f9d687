//! `petra-sandbox`: serves a local Petra-compatible API until interrupted.

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Parser;
use petra_sandbox::{
    Account, CatalogSource, ClockConfig, FaultConfig, Sandbox, SandboxConfig, ShippingConfig,
    DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, DEFAULT_GENERATED_ROWS, DEFAULT_PASSWORD,
    DEFAULT_USERNAME, DISABLED_USERNAME,
};
use tracing_subscriber::EnvFilter;

/// A local Petra-compatible server for demos and end-to-end tests.
#[derive(Debug, Parser)]
#[command(name = "petra-sandbox", version)]
struct Args {
    /// Address to listen on. Anything other than a loopback address exposes the sandbox's
    /// test credentials to the network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// ProdList.csv file to serve as the catalog and as the feed download. Without it the
    /// sandbox serves a generated catalog.
    #[arg(long, value_name = "FILE")]
    feed: Option<PathBuf>,

    /// Rows of the generated catalog, when no --feed is given.
    #[arg(long, default_value_t = DEFAULT_GENERATED_ROWS)]
    generated_rows: u64,

    /// Seed of the generated catalog.
    #[arg(long, default_value_t = 42)]
    generated_seed: u64,

    /// TCP port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    port: u16,

    /// Faults to inject, e.g. `seed=7,catalog:503:rate=0.3,orders.create:drop:next=1`.
    /// Routes: all, ping, catalog, feed, orders.create, orders.get, orders.shipments,
    /// shipments. Faults: 5xx status, 429[=SECONDS|=DECIMAL|=date+SECONDS],
    /// latency=MILLIS, drop (after handling), drop-before (before handling), truncate,
    /// repeat-page. Triggers: always, next=N, rate=R.
    #[arg(long, env = "PETRA_SANDBOX_FAULTS", default_value = "")]
    faults: FaultConfig,

    /// Username of the account with API access.
    #[arg(long, env = "PETRA_SANDBOX_USERNAME", default_value = DEFAULT_USERNAME)]
    username: String,

    /// API key accepted in place of the username.
    #[arg(long, env = "PETRA_SANDBOX_API_KEY", default_value = DEFAULT_API_KEY)]
    api_key: String,

    /// Password of the accounts.
    #[arg(long, env = "PETRA_SANDBOX_PASSWORD", default_value = DEFAULT_PASSWORD, hide_default_value = true)]
    password: String,

    /// Seed of every random shipping choice (splits, delays, carriers, tracking numbers).
    #[arg(long, default_value_t = ShippingConfig::default().seed)]
    shipping_seed: u64,

    /// Share of orders, from 0.0 to 1.0, that ship in more than one shipment.
    #[arg(long, default_value_t = ShippingConfig::default().partial_rate)]
    partial_rate: f64,

    /// Start the sandbox clock at this RFC 3339 time and keep it still until
    /// `POST /sandbox/clock/advance`; by default the clock follows the system time.
    #[arg(long)]
    paused_at: Option<DateTime<Utc>>,
}

#[tokio::main]
async fn main() -> ExitCode {
    // Colour codes go only to a terminal, so a log redirected to a file stays plain text.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("petra-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), petra_sandbox::Error> {
    let accounts = vec![
        Account::new(DEFAULT_ACCOUNT_ID, &args.username, &args.password)
            .with_api_key(&args.api_key),
        Account::new("DEALER-2001", DISABLED_USERNAME, &args.password).with_api_access(false),
    ];
    let clock = match args.paused_at {
        Some(start) => ClockConfig::paused_at(start),
        None => ClockConfig::system(),
    };
    let shipping = ShippingConfig {
        seed: args.shipping_seed,
        partial_rate: args.partial_rate,
        ..ShippingConfig::default()
    };
    let catalog = match args.feed {
        Some(path) => CatalogSource::FeedFile(path),
        None => CatalogSource::Generated {
            rows: args.generated_rows,
            seed: args.generated_seed,
        },
    };
    let config = SandboxConfig {
        bind: args.bind,
        port: args.port,
        ..SandboxConfig::default()
    }
    .with_catalog(catalog)
    .with_accounts(accounts)
    .with_clock(clock)
    .with_shipping(shipping)
    .with_faults(args.faults);

    let sandbox = Sandbox::start(config).await?;
    println!("Petra sandbox API:  {}", sandbox.base_url());
    println!(
        "ProdList.csv feed:  {} (HTTP Basic, the same login as the API)",
        sandbox.feed_url()
    );
    println!("Sandbox controls:   {}", sandbox.control_url());
    println!(
        "Account {DEFAULT_ACCOUNT_ID}: user {} or API key, password as configured",
        args.username
    );

    wait_for_stop_signal().await;
    sandbox.shutdown().await;
    Ok(())
}

/// Waits for Ctrl-C, or SIGTERM on Unix, so service managers can stop the sandbox cleanly.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};

        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "failed to listen for SIGTERM; only Ctrl-C stops the sandbox")
            }
        }
    }

    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::warn!(%error, "failed to listen for Ctrl-C; stopping");
    }
}

//! The `petra` command line.
//!
//! - `cli`: arguments (clap).
//! - `commands`: one module per command.
//! - `context`: loading the configuration, the credentials and the store.
//! - `output`: text and JSON output, progress bars.
//! - `failure`: errors for people and the documented exit codes.
//! - `stop`: the SIGINT and SIGTERM stop signal of long-running commands.

mod cli;
mod commands;
mod context;
mod failure;
mod output;
mod stop;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use cli::{Cli, Command};
use failure::{Exit, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose, &cli.command);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return Exit::Failure.into();
        }
    };

    let result = runtime.block_on(run(&cli));
    // Every command awaits its own blocking work before it returns, so after any command
    // the only work that can remain is a demo's catalog read that a stop signal
    // abandoned. It writes nothing, so the process does not wait for it. Work added
    // later that writes on a blocking thread must be awaited before `run` returns.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(exit) => {
            if let Some(summary) = exit.summary() {
                eprintln!("error: {summary}");
            }
            exit.into()
        }
        Err(failure) => {
            if cli.json && !failure.after_report {
                output::print_json(&failure.to_json());
            }
            eprintln!("error: {failure}");
            failure.exit.into()
        }
    }
}

async fn run(cli: &Cli) -> Result<Exit, Failure> {
    match &cli.command {
        Command::Init(args) => commands::init::run(cli, args),
        Command::Connection(cli::ConnectionCommand::Test) => commands::connection::test(cli).await,
        Command::Inventory(cli::InventoryCommand::Run(args)) => {
            commands::inventory::run(cli, args).await
        }
        Command::Orders(command) => commands::orders::run(cli, command).await,
        Command::Shipments(command) => commands::shipments::run(cli, command).await,
        Command::Schedule(command) => commands::schedule::run(cli, command).await,
        Command::Status => commands::status::run(cli).await,
        Command::Map(cli::MapCommand::Preview(args)) => commands::map::preview(cli, args),
        Command::Templates(command) => commands::templates::run(cli, command),
        Command::Sandbox(args) => commands::sandbox::run(cli, args).await,
        Command::Demo(args) => commands::demo::run(cli, args).await,
    }
}

/// Logs to stderr so stdout carries only the command's output. `PETRA_LOG` takes an
/// `EnvFilter` directive such as `petra_ops=debug`, and colours are used only when stderr
/// is a terminal.
fn init_tracing(verbose: u8, command: &Command) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let from_env = EnvFilter::try_from_env("PETRA_LOG").ok();
    let hide_reported = from_env.is_none() && verbose == 0 && !is_long_running(command);
    let filter = from_env.unwrap_or_else(|| EnvFilter::new(default));

    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .with_filter(filter)
                .with_filter(filter_fn(move |metadata| {
                    !(hide_reported && is_reported_failure(metadata))
                })),
        )
        .try_init();
}

/// Reports whether `metadata` is a warning with an `error` or `reason` field. A one-shot
/// command prints that failure itself, in its report or after `error:`, so by default
/// such warnings are left out rather than shown twice. `-v` or `PETRA_LOG` shows them.
// NOTE: a few such warnings are in no report, for example a lock holder row that could
// not be cleared, so they show only with `-v` or `PETRA_LOG`.
fn is_reported_failure(metadata: &tracing::Metadata<'_>) -> bool {
    let fields = metadata.fields();
    metadata.is_event()
        && *metadata.level() == tracing::Level::WARN
        && (fields.field("error").is_some() || fields.field("reason").is_some())
}

/// Reports whether the command keeps running and shows the failures of its runs only in
/// the log, so it keeps every warning.
fn is_long_running(command: &Command) -> bool {
    matches!(command, Command::Schedule(_) | Command::Sandbox(_))
}

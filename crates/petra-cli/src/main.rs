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

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use cli::{Cli, Command};
use failure::{Exit, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);

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

    match runtime.block_on(run(&cli)) {
        Ok(exit) => exit.into(),
        Err(failure) => {
            if cli.json {
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
/// `EnvFilter` directive such as `petra_ops=debug`.
fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("PETRA_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

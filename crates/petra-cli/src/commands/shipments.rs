//! `petra shipments fetch`: Get Shipments into the ledger.

use clap::{Args, Subcommand};
use petra_client::PetraApi;
use petra_ops::clock::{Clock, SystemClock};
use petra_ops::history::Operation;
use petra_ops::schedule::lock_name;
use petra_ops::settings::Config;
use petra_ops::shipments::{GetShipments, ShipmentsContext, ShipmentsReport};
use petra_store::SqliteStore;
use tokio_util::sync::CancellationToken;

use crate::cli::Cli;
use crate::commands::connection_error::{print_stopped, RunStop};
use crate::commands::orders::take_lock;
use crate::context;
use crate::failure::{Exit, Failure};
use crate::output;
use crate::output::outln;
use crate::stop;

#[derive(Debug, Subcommand)]
pub enum ShipmentsCommand {
    /// Fetch the shipments of the last days and attach them to their orders.
    Fetch(FetchArgs),
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Days back to fetch, instead of shipments.window_days (default 10).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: Option<u32>,
}

pub async fn run(cli: &Cli, command: &ShipmentsCommand) -> Result<Exit, Failure> {
    let ShipmentsCommand::Fetch(args) = command;
    let config = context::load_config_for(&cli.config, Operation::GetShipments)?;
    let store = context::open_store(&config)?;
    let client = context::client(&config)?;

    let report = fetch(
        &config,
        &client,
        &store,
        &SystemClock,
        args.days,
        stop::on_signals("stopping after the current batch of shipments"),
    )
    .await?;
    print_report(&report, cli.json);
    let exit = fetch_exit(&report);
    match fetch_failure_cause(&report) {
        Some(cause) if exit != Exit::Success => Err(Failure::after_api_report(exit, cause)),
        _ => Ok(exit),
    }
}

/// Returns why a fetch did not succeed, for the one line on stderr: the rejected login,
/// the error that cut the listing short, or the stop signal.
pub fn fetch_failure_cause(report: &ShipmentsReport) -> Option<&str> {
    let stopped = report
        .interrupted
        .then_some("interrupted by a stop signal; the next fetch reads the window again");
    report
        .fatal_error
        .as_deref()
        .or(report.retrieval_error.as_deref())
        .or(stopped)
}

/// Chooses the exit code of a fetch: rejected credentials or a listing that never reached
/// Petra fail like `petra connection test`, and any other listing cut short is incomplete.
pub fn fetch_exit(report: &ShipmentsReport) -> Exit {
    if report.fatal_error.is_some() || report.petra_unreachable {
        Exit::Connection
    } else if report.succeeded() {
        Exit::Success
    } else {
        Exit::Incomplete
    }
}

/// Builds the operation from the settings, with the template path resolved.
pub fn operation(config: &Config, days: Option<u32>) -> Result<GetShipments, Failure> {
    let source = config
        .source
        .clone()
        .validate_for(Operation::GetShipments)?;
    let mut settings = config.shipments.clone();
    settings.template = settings.template.map(|path| config.resolve(&path));
    let mut operation = GetShipments::new(source, settings)?;
    if let Some(days) = days {
        operation = operation.with_window_days(days);
    }
    Ok(operation)
}

/// Runs Get Shipments under the operation lock.
pub async fn fetch(
    config: &Config,
    client: &dyn PetraApi,
    store: &SqliteStore,
    clock: &dyn Clock,
    days: Option<u32>,
    stop: CancellationToken,
) -> Result<ShipmentsReport, Failure> {
    let operation = operation(config, days)?;
    let name = lock_name(&config.source.name, Operation::GetShipments);
    let _guard = take_lock(store, &name).await?;

    Ok(operation
        .run(ShipmentsContext {
            api: client,
            requests: store,
            sink: store,
            history: store,
            clock,
            stop,
        })
        .await?)
}

pub fn print_report(report: &ShipmentsReport, json: bool) {
    if json {
        output::print_json(report);
        return;
    }
    outln!(
        "Get Shipments for {} (shipped since {})",
        report.source,
        report.shipped_since.format("%Y-%m-%d %H:%M UTC")
    );
    outln!("  fetched     {}", report.fetched);
    outln!("  new         {}", report.new);
    outln!("  unchanged   {}", report.unchanged);
    outln!("  unmatched   {}", report.unmatched.len());
    outln!("  rejected    {}", report.rejected.len());
    outln!("  conflicts   {}", report.conflicts.len());
    if report.fetched == 0 && report.complete {
        outln!("  no shipments yet in this window");
    }
    for key in &report.unmatched {
        outln!(
            "  unmatched {} tracking {}: no fulfillment request has this PO; the shipment is kept",
            key.po_number,
            key.tracking_number
        );
    }
    for rejection in &report.rejected {
        outln!(
            "  rejected shipment {} ({} of PO {:?}) {}: {}",
            rejection.position,
            rejection.shipment_id,
            rejection.po_number,
            rejection.field,
            rejection.reason
        );
    }
    for order in &report.orders {
        if order.previous != Some(order.state) {
            outln!("  {} is now {}", order.po_number, order.state.as_str());
        }
    }
    for over in &report.over_shipped {
        outln!(
            "  over-shipped {} {}: {} shipped, {} ordered",
            over.po_number,
            over.item.sku,
            over.item.shipped,
            over.item.ordered
        );
    }
    let stop = RunStop {
        fatal_error: report.fatal_error.as_deref(),
        fatal_status: report.fatal_status,
        petra_unreachable: report.petra_unreachable,
        retrieval_error: report.retrieval_error.as_deref(),
        feed_host: None,
        feed_url_login: None,
    };
    let stopped = print_stopped(&stop, "connection.base_url");
    if let (false, Some(error)) = (stopped, &report.retrieval_error) {
        if report.fetched == 0 {
            outln!("  listing incomplete: {error}; nothing was read, run again to fetch it");
        } else {
            outln!(
                "  listing incomplete: {error}; the {} shipments read are stored, run again \
                 to fetch the rest",
                report.fetched
            );
        }
    }
    if report.interrupted {
        outln!(
            "  interrupted after {} shipments; the next run fetches the window again",
            report.fetched
        );
    }
}

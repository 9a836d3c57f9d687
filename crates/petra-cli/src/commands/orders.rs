//! `petra orders import|send|list|release|show`: the fulfillment request outbox.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use petra_client::{PetraApi, PoNumber};
use petra_ops::clock::{Clock, SystemClock};
use petra_ops::fulfillment::{
    read_requests_file, FulfillmentRequests, OutboxState, ReleaseOutcome, RequestResult,
    SendContext, SendFulfillmentRequests, SendReport,
};
use petra_ops::history::Operation;
use petra_ops::schedule::{lock_name, OperationLocks};
use petra_ops::settings::Config;
use petra_ops::shipments::ShipmentSink;
use petra_store::SqliteStore;
use tokio_util::sync::CancellationToken;

use crate::cli::Cli;
use crate::commands::connection_error::fatal_fix;
use crate::context;
use crate::failure::{fulfills_orders_fix, Exit, Failure};
use crate::output;
use crate::output::{outln, plural};
use crate::stop;

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// Add fulfillment requests from a JSON or CSV file to the outbox.
    Import(ImportArgs),
    /// Send pending requests to Petra, settling lost replies by PO lookup first.
    Send,
    /// List the requests in the outbox with their state.
    List(ListArgs),
    /// Let a held request be sent by the next `petra orders send`.
    Release(PoArgs),
    /// Show one request: its lines, state, Petra order id and shipments.
    Show(PoArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSON (an array of requests) or CSV (one row per line item) file; `.json` selects
    /// JSON, any other extension CSV.
    pub file: PathBuf,

    /// Hold the imported requests for review even when fulfillment.review_hold is off.
    #[arg(long)]
    pub hold: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only requests in this state: held, pending, submitting, submitted, rejected or
    /// outcome_unknown.
    #[arg(long, value_parser = parse_state)]
    pub state: Option<OutboxState>,
}

#[derive(Debug, Args)]
pub struct PoArgs {
    /// The PO (fulfillment request number); letter case is ignored.
    pub po: String,
}

fn parse_state(text: &str) -> Result<OutboxState, String> {
    OutboxState::parse(text).ok_or_else(|| {
        let names: Vec<&str> = OutboxState::ALL
            .iter()
            .map(|state| state.as_str())
            .collect();
        format!("unknown state {text:?}; use one of {}", names.join(", "))
    })
}

pub async fn run(cli: &Cli, command: &OrdersCommand) -> Result<Exit, Failure> {
    let config = context::load_config_for(&cli.config, Operation::SendFulfillmentRequests)?;
    let store = context::open_store(&config)?;
    match command {
        OrdersCommand::Import(args) => import(cli, &config, &store, args).await,
        OrdersCommand::Send => {
            let client = context::client(&config)?;
            let stop =
                stop::on_signals("stopping after the requests already sent get their replies");
            let report = send(&config, &client, &store, &SystemClock, stop).await?;
            print_send_report(&report, cli.json);
            let exit = send_exit(&report);
            match send_failure_cause(&report) {
                Some(cause) if exit != Exit::Success => {
                    Err(Failure::after_api_report(exit, &cause))
                }
                _ => Ok(exit),
            }
        }
        OrdersCommand::List(args) => list(cli, &config, &store, args.state).await,
        OrdersCommand::Release(args) => release(cli, &config, &store, &args.po).await,
        OrdersCommand::Show(args) => show(cli, &config, &store, &args.po).await,
    }
}

/// Builds the operation from the settings, with the template path resolved. A source
/// that does not fulfill orders gets no operation, so no order is imported or sent for it.
pub fn operation(config: &Config) -> Result<SendFulfillmentRequests, Failure> {
    if config.source.fulfillment_problem().is_some() {
        return Err(Failure::new(
            Exit::Config,
            format!(
                "source {:?} does not fulfill orders (source.fulfills_orders = false), so no \
                 order is imported or sent for it",
                config.source.name
            ),
        )
        .with_fix(fulfills_orders_fix(&config.file_name())));
    }
    let source = config.source.clone().validate()?;
    let mut settings = config.fulfillment.clone();
    settings.template = settings.template.map(|path| config.resolve(&path));
    Ok(SendFulfillmentRequests::new(source, settings))
}

async fn import(
    cli: &Cli,
    config: &Config,
    store: &SqliteStore,
    args: &ImportArgs,
) -> Result<Exit, Failure> {
    let mut config = config.clone();
    config.fulfillment.review_hold |= args.hold;
    let operation = operation(&config)?;

    let requests = read_requests_file(&args.file).map_err(|err| {
        let fix = if matches!(err, petra_ops::Error::ReadFile { .. }) {
            "check the file path; it must be"
        } else {
            "correct the file's content, which must be"
        };
        Failure::from(err).with_fix(format!(
            "{fix} a JSON array of requests, or a CSV file with one row per line item \
             (docs/operations.md lists the fields)"
        ))
    })?;
    let report = operation
        .import(store, requests, &SystemClock)
        .await
        .map_err(|err| {
            let fix = match &err {
                petra_ops::Error::MissingPo { .. } => Some("add the fr_number to those requests"),
                petra_ops::Error::RepeatedPo { .. } => Some("correct those requests"),
                _ => None,
            };
            let failure = Failure::from(err);
            match fix {
                Some(fix) => failure.with_fix(format!(
                    "{fix} in {} and import it again",
                    args.file.display()
                )),
                None => failure,
            }
        })?;

    if cli.json {
        output::print_json(&report);
        return Ok(Exit::Success);
    }
    let outcome = &report.outcome;
    let held = if report.held {
        " (held for review)"
    } else {
        ""
    };
    outln!("Imported {}{held}", args.file.display());
    outln!("  added     {}", outcome.added.len());
    outln!(
        "  replaced  {} (never sent, so the new version replaces them)",
        outcome.replaced.len()
    );
    outln!(
        "  skipped   {} (already sent or being sent)",
        outcome.skipped.len()
    );
    for po in &outcome.skipped {
        outln!("  skipped {po}");
    }
    // The position in the file, not the outbox id, because the file is what gets fixed.
    for request in &report.problems {
        for problem in &request.problems {
            outln!(
                "  {} (request {} in the file): {problem}",
                request.fr_number.trim(),
                request.position
            );
        }
    }
    match report.problems.len() {
        0 => {}
        1 => outln!("  1 request has problems; `petra orders send` rejects it, and importing a corrected file replaces it"),
        count => outln!("  {count} requests have problems; `petra orders send` rejects them, and importing a corrected file replaces them"),
    }
    Ok(Exit::Success)
}

/// Runs Send Fulfillment Requests under the operation lock.
pub async fn send(
    config: &Config,
    client: &dyn PetraApi,
    store: &SqliteStore,
    clock: &dyn Clock,
    stop: CancellationToken,
) -> Result<SendReport, Failure> {
    let operation = operation(config)?;
    let name = lock_name(
        operation.source().name(),
        Operation::SendFulfillmentRequests,
    );
    let _guard = take_lock(store, &name).await?;

    Ok(operation
        .run(SendContext {
            api: client,
            requests: store,
            pool: Some(store),
            history: store,
            clock,
            stop,
        })
        .await?)
}

/// Takes the lock `name` or fails with a message naming the holder.
pub async fn take_lock(
    store: &SqliteStore,
    name: &str,
) -> Result<petra_ops::schedule::LockGuard, Failure> {
    let guard = store
        .try_lock(name, "petra command line")
        .await
        .map_err(|err| {
            Failure::new(Exit::Failure, format!("cannot take the lock {name}: {err}"))
        })?;
    guard.ok_or_else(|| {
        Failure::new(
            Exit::Failure,
            format!("another run holds the lock {name}, so this one did not start"),
        )
        .with_fix("wait for the other run (a scheduler or another petra command) to finish")
    })
}

/// Chooses the exit code of a send. A run that could not reach Petra at all fails like
/// rejected credentials, and a run that left requests unsent, deferred or unknown, or was
/// stopped, is incomplete.
pub fn send_exit(report: &SendReport) -> Exit {
    if report.fatal_error.is_some() || report.petra_unreachable {
        Exit::Connection
    } else if report.succeeded() {
        Exit::Success
    } else {
        Exit::Incomplete
    }
}

/// Returns why a send did not succeed, for the one line on stderr: the rejected login, or
/// what the run left for the next one and the first connection error.
pub fn send_failure_cause(report: &SendReport) -> Option<String> {
    if let Some(error) = &report.fatal_error {
        return Some(error.clone());
    }

    let mut parts = Vec::new();
    if report.petra_unreachable {
        let detail = report
            .results
            .iter()
            .find_map(|result| result.error.as_deref())
            .map_or(String::new(), |error| format!(" ({error})"));
        let attempts = plural(report.unreachable_attempts, "attempt");
        parts.push(format!(
            "no request reached Petra in {} {attempts}{detail}",
            report.unreachable_attempts
        ));
    }
    if report.interrupted {
        parts.push("interrupted by a stop signal".to_owned());
    }
    if report.unknown > 0 {
        parts.push(format!(
            "{} with an unknown outcome",
            requests(report.unknown)
        ));
    }
    if report.not_sent > 0 && !report.petra_unreachable {
        parts.push(format!(
            "{} not sent because the connection failed",
            requests(report.not_sent)
        ));
    }
    if report.deferred > 0 {
        let first = report.results.iter().find(|result| result.deferred);
        let detail = match first {
            Some(RequestResult {
                po_number,
                error: Some(error),
                ..
            }) => format!(" ({po_number}: {error})"),
            _ => String::new(),
        };
        parts.push(format!("{} deferred{detail}", requests(report.deferred)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn requests(count: u64) -> String {
    match count {
        1 => "1 request".to_owned(),
        count => format!("{count} requests"),
    }
}

pub fn print_send_report(report: &SendReport, json: bool) {
    if json {
        output::print_json(report);
        return;
    }
    outln!("Send Fulfillment Requests for {}", report.source);
    outln!("  submitted   {}", report.submitted);
    outln!("  rejected    {}", report.rejected);
    outln!("  held        {}", report.held);
    outln!("  unknown     {}", report.unknown);
    outln!("  reconciled  {}", report.reconciled);
    outln!("  pending     {}", report.pending);
    outln!("  duration    {:.2} s", report.duration_ms as f64 / 1000.0);
    if report.interrupted {
        let after =
            report
                .stopped_after
                .map_or("before the first request".to_owned(), |outbox_id| {
                    let po = report
                        .results
                        .iter()
                        .find(|result| result.outbox_id == outbox_id)
                        .map(|result| result.po_number.as_str())
                        .unwrap_or("?");
                    format!("after {po} (outbox id {outbox_id})")
                });
        outln!("  interrupted {after}; the next run continues with what is still pending");
    }
    if let Some(error) = &report.fatal_error {
        outln!("  stopped: {error}");
        outln!("  fix: {}", fatal_fix(report.fatal_status));
    }
    if report.petra_unreachable {
        outln!(
            "  unreachable: no request reached Petra, so {} pending request(s) wait for the next \
             run. Check connection.base_url and the network",
            report.pending
        );
    } else if report.not_sent > 0 {
        outln!(
            "  not sent: {} request(s) failed to connect to Petra and wait for the next run; \
             the others reached Petra",
            report.not_sent
        );
    }
    if report.deferred > 0 {
        outln!(
            "  deferred: {} request(s) were rate limited past the 60 s wait or ran out of \
             retries (fulfillment.max_retries) and wait for the next run",
            report.deferred
        );
    }
    for result in &report.results {
        for reason in &result.reasons {
            outln!(
                "  {} (outbox id {}) rejected: {reason}",
                result.po_number,
                result.outbox_id
            );
        }
        if let (Some(sent), Some(held)) = (&result.sent_lines, &result.petra_lines) {
            outln!("    sent:  {}", lines_text(sent));
            outln!("    Petra: {}", lines_text(held));
        }
        for warning in &result.warnings {
            outln!(
                "  {} (outbox id {}) warning: {warning}",
                result.po_number,
                result.outbox_id
            );
        }
        if matches!(
            result.state,
            OutboxState::OutcomeUnknown | OutboxState::Pending
        ) {
            // The error that stopped the run is printed once, above.
            let error = result
                .error
                .as_ref()
                .filter(|error| report.fatal_error.as_ref() != Some(*error));
            if let Some(error) = error {
                outln!(
                    "  {} (outbox id {}) {}: {error}",
                    result.po_number,
                    result.outbox_id,
                    result.state
                );
            }
        }
    }
}

fn lines_text(lines: &[petra_client::wire::OrderLine]) -> String {
    let parts: Vec<String> = lines
        .iter()
        .map(|line| format!("{} x{}", line.sku, line.quantity))
        .collect();
    parts.join(", ")
}

async fn list(
    cli: &Cli,
    config: &Config,
    store: &SqliteStore,
    state: Option<OutboxState>,
) -> Result<Exit, Failure> {
    let source = config.source.name.as_str();
    let entries = store
        .list(source, state)
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot read the outbox: {err}")))?;
    let mut rows = Vec::new();
    for entry in entries {
        let shipping = store
            .order_shipping(source, &entry.po_number)
            .await
            .map_err(|err| Failure::new(Exit::Failure, format!("cannot read the ledger: {err}")))?;
        rows.push((entry, shipping));
    }

    if cli.json {
        let json: Vec<serde_json::Value> = rows
            .iter()
            .map(|(entry, shipping)| {
                serde_json::json!({
                    "outbox_id": entry.sequence,
                    "po_number": entry.po_number,
                    "state": entry.state,
                    "order_id": entry.order_id,
                    "attempts": entry.attempts,
                    "shipping": shipping.as_ref().map(|shipping| shipping.state),
                })
            })
            .collect();
        output::print_json(&json);
        return Ok(Exit::Success);
    }
    outln!(
        "{:>5}  {:<24} {:<16} {:<12} {:<18}",
        "id",
        "PO",
        "state",
        "order",
        "shipping"
    );
    for (entry, shipping) in &rows {
        outln!(
            "{:>5}  {:<24} {:<16} {:<12} {:<18}",
            entry.sequence,
            entry.po_number.as_str(),
            entry.state.as_str(),
            entry.order_id.as_deref().unwrap_or("-"),
            shipping
                .as_ref()
                .map_or("-", |shipping| shipping.state.as_str()),
        );
    }
    if rows.is_empty() {
        outln!("(no requests; add some with `petra orders import FILE`)");
    }
    Ok(Exit::Success)
}

async fn release(
    cli: &Cli,
    config: &Config,
    store: &SqliteStore,
    po: &str,
) -> Result<Exit, Failure> {
    let po = PoNumber::new(po);
    let outcome = store
        .release(&config.source.name, &po, SystemClock.now())
        .await
        .map_err(|err| Failure::new(Exit::Failure, format!("cannot release {po}: {err}")))?;
    match outcome {
        ReleaseOutcome::Released => {
            if cli.json {
                output::print_json(&serde_json::json!({ "po_number": po, "outcome": outcome }));
            } else {
                outln!("released {po}; the next `petra orders send` sends it");
            }
            Ok(Exit::Success)
        }
        ReleaseOutcome::NotHeld(state) => Err(Failure::new(
            Exit::Failure,
            format!("{po} is not held (it is {state}), so there is nothing to release"),
        )),
        ReleaseOutcome::NotFound => Err(Failure::new(
            Exit::Failure,
            format!("{po} is not in the outbox"),
        )
        .with_fix("check the PO with `petra orders list`")),
    }
}

async fn show(cli: &Cli, config: &Config, store: &SqliteStore, po: &str) -> Result<Exit, Failure> {
    let source = config.source.name.as_str();
    let po = PoNumber::new(po);
    let read_error = |err| Failure::new(Exit::Failure, format!("cannot read {po}: {err}"));
    let entry = store.get(source, &po).await.map_err(read_error)?;
    let shipping = store
        .order_shipping(source, &po)
        .await
        .map_err(read_error)?;
    let shipments = store.shipments(source, &po).await.map_err(read_error)?;

    let Some(entry) = entry else {
        if shipments.is_empty() {
            return Err(
                Failure::new(Exit::Failure, format!("{po} is not in the outbox"))
                    .with_fix("check the PO with `petra orders list`"),
            );
        }
        if cli.json {
            output::print_json(
                &serde_json::json!({ "po_number": po, "unmatched_shipments": shipments }),
            );
        } else {
            outln!(
                "{po} is not in the outbox, but it is the PO of {} unmatched {}:",
                shipments.len(),
                output::plural(shipments.len() as u64, "shipment")
            );
            for shipment in &shipments {
                outln!(
                    "  {} shipped {}",
                    shipment.record.tracking_number,
                    shipment.record.shipped_at
                );
            }
        }
        return Ok(Exit::Success);
    };

    if cli.json {
        output::print_json(&serde_json::json!({
            "entry": entry,
            "shipping": shipping,
            "shipments": shipments,
        }));
        return Ok(Exit::Success);
    }
    outln!("{} (outbox id {})", entry.po_number, entry.sequence);
    outln!("  state     {}", entry.state);
    outln!("  order     {}", entry.order_id.as_deref().unwrap_or("-"));
    outln!("  attempts  {}", entry.attempts);
    if let Some(error) = &entry.last_error {
        outln!("  last error {error}");
    }
    for reason in &entry.reasons {
        outln!("  rejected: {reason}");
    }
    let request = &entry.request;
    outln!(
        "  ship to   {}, {}, {}, {} {}",
        request.ship_to_name,
        request.address_line_1,
        request.city,
        request.state,
        request.postal_code
    );
    match &shipping {
        Some(shipping) => {
            outln!("  shipping  {}", shipping.state.as_str());
            for line in &shipping.lines {
                outln!(
                    "    {} shipped {} of {}",
                    line.sku,
                    line.shipped,
                    line.ordered
                );
            }
            for over in &shipping.over_shipped {
                outln!(
                    "    over-shipped {}: {} shipped, {} ordered",
                    over.sku,
                    over.shipped,
                    over.ordered
                );
            }
        }
        None => {
            outln!("  shipping  none yet");
            for line in &request.lines {
                outln!("    {} quantity {}", line.sku, line.quantity);
            }
        }
    }
    for shipment in &shipments {
        let items: Vec<String> = shipment
            .record
            .items
            .iter()
            .map(|item| format!("{} x{}", item.sku, item.quantity))
            .collect();
        outln!(
            "  shipment {} {} shipped {}: {}",
            shipment.record.tracking_number,
            shipment.record.method.as_deref().unwrap_or("-"),
            shipment.record.shipped_at,
            items.join(", ")
        );
    }
    Ok(Exit::Success)
}

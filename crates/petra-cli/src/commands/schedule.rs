//! `petra schedule run`: the scheduler in the foreground.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use clap::Subcommand;
use petra_client::PetraClient;
use petra_ops::clock::SystemClock;
use petra_ops::history::Operation;
use petra_ops::inventory::RunOptions;
use petra_ops::schedule::{Job, Schedule, ScheduledJob, Scheduler};
use petra_ops::settings::{stops_operation, Config};
use petra_store::SqliteStore;
use tokio_util::sync::CancellationToken;

use crate::cli::Cli;
use crate::commands::{inventory, orders, shipments};
use crate::context;
use crate::failure::{settings_fix, Exit, Failure};
use crate::output;
use crate::stop;

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Run every operation that has a schedule until SIGINT or SIGTERM. After downtime
    /// each operation runs once to catch up.
    Run,
}

pub async fn run(cli: &Cli, command: &ScheduleCommand) -> Result<Exit, Failure> {
    let ScheduleCommand::Run = command;
    let config = context::load_config(&cli.config)?;
    validate_scheduled(&config)?;
    let config = Arc::new(config);
    let store = context::open_store(&config)?;
    let client = context::client(&config)?;

    let interrupted = InterruptedRuns::default();
    let jobs = jobs(&config, &client, &store, &interrupted)?;
    if jobs.is_empty() {
        return Err(
            Failure::new(Exit::Config, "no operation has a schedule").with_fix(format!(
                "set inventory.schedule, fulfillment.schedule or shipments.schedule in {}, \
                 for example \"every 2 hours\"",
                config.file_name()
            )),
        );
    }
    // Installed before the schedule is printed, so a stop signal sent by someone who saw
    // that output ends the scheduler cleanly.
    let stop =
        stop::on_signals("stopping the scheduler; a run in progress ends after its current batch");
    for job in &jobs {
        eprintln!("{}: {}", job.operation, job.schedule);
    }

    let scheduler = Scheduler::new(
        config.source.name.clone(),
        jobs,
        &store,
        &store,
        &SystemClock,
    );
    scheduler.run(stop).await?;

    let interrupted = interrupted.take();
    if cli.json {
        let schedules: Vec<serde_json::Value> = schedules(&config)
            .iter()
            .map(|(operation, schedule)| {
                serde_json::json!({ "operation": operation, "schedule": schedule.to_string() })
            })
            .collect();
        output::print_json(&serde_json::json!({
            "stopped": true,
            "interrupted": interrupted,
            "schedules": schedules,
        }));
    }
    // A stop between runs leaves no work undone. A stop during a run exits 5, as the
    // command of that operation does when a stop signal interrupts it.
    if interrupted.is_empty() {
        return Ok(Exit::Success);
    }
    let names: Vec<String> = interrupted.iter().map(ToString::to_string).collect();
    Err(Failure::after_report(
        Exit::Incomplete,
        &format!(
            "a stop signal interrupted {}; the line of each run above says where it stopped",
            names.join(" and ")
        ),
    ))
}

/// The operations whose scheduled run a stop signal interrupted, as their reports state.
#[derive(Debug, Clone, Default)]
struct InterruptedRuns(Arc<Mutex<Vec<Operation>>>);

impl InterruptedRuns {
    fn push(&self, operation: Operation) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(operation);
    }

    fn take(&self) -> Vec<Operation> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Checks the settings that the operations with a `schedule` key read, or every setting
/// when none has one, so a problem of an unscheduled operation does not stop the others.
fn validate_scheduled(config: &Config) -> Result<(), Failure> {
    let scheduled: Vec<Operation> = [
        (
            Operation::GetInventory,
            &config.inventory.schedule,
            "inventory.schedule",
        ),
        (
            Operation::SendFulfillmentRequests,
            &config.fulfillment.schedule,
            "fulfillment.schedule",
        ),
        (
            Operation::GetShipments,
            &config.shipments.schedule,
            "shipments.schedule",
        ),
    ]
    .into_iter()
    // A schedule of the wrong type was set aside by parsing, but the operation is still
    // meant to run, so its problems must stop the scheduler instead of leaving it out.
    .filter(|(_, text, key)| {
        text.is_some()
            || config
                .invalid_values
                .iter()
                .any(|problem| problem.field == *key)
    })
    .map(|(operation, _, _)| operation)
    .collect();

    let problems: Vec<_> = config
        .problems()
        .into_iter()
        .filter(|problem| {
            scheduled.is_empty()
                || scheduled
                    .iter()
                    .any(|operation| stops_operation(&problem.field, *operation))
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    let error = petra_ops::Error::InvalidSettings { problems };
    Err(Failure::from(error).with_fix(settings_fix(&config.file_name())))
}

/// Parses the schedule of each operation that has one.
pub fn schedules(config: &Config) -> Vec<(Operation, Schedule)> {
    let texts = [
        (Operation::GetInventory, &config.inventory.schedule),
        (
            Operation::SendFulfillmentRequests,
            &config.fulfillment.schedule,
        ),
        (Operation::GetShipments, &config.shipments.schedule),
    ];
    texts
        .into_iter()
        .filter_map(|(operation, text)| Some((operation, text.as_deref()?.parse().ok()?)))
        .collect()
}

fn jobs(
    config: &Arc<Config>,
    client: &PetraClient,
    store: &SqliteStore,
    interrupted: &InterruptedRuns,
) -> Result<Vec<ScheduledJob>, Failure> {
    Ok(schedules(config)
        .into_iter()
        .map(|(operation, schedule)| {
            let job = CliJob {
                operation,
                config: Arc::clone(config),
                client: client.clone(),
                store: store.clone(),
                interrupted: interrupted.clone(),
            };
            ScheduledJob {
                operation,
                schedule,
                job: Box::new(job),
            }
        })
        .collect())
}

/// One operation run the way its command runs it. The scheduler already holds the
/// operation's lock, so the job calls the operations directly.
struct CliJob {
    operation: Operation,
    config: Arc<Config>,
    client: PetraClient,
    store: SqliteStore,
    interrupted: InterruptedRuns,
}

fn to_ops_error(failure: Failure) -> petra_ops::Error {
    petra_ops::Error::Internal {
        reason: failure.to_string(),
    }
}

#[async_trait]
impl Job for CliJob {
    async fn run(&self, stop: CancellationToken) -> Result<serde_json::Value, petra_ops::Error> {
        let config = &self.config;
        let store = &self.store;
        let summary = match self.operation {
            Operation::GetInventory => {
                let catalog = inventory::configured_source(config).map_err(to_ops_error)?;
                let options = RunOptions {
                    stop,
                    ..RunOptions::default()
                };
                let report = inventory::run_inventory(config, catalog, store, options, true)
                    .await
                    .map_err(to_ops_error)?;
                // The scheduler keeps running, so only its log shows a person that the
                // guard held back a mass archive. The history records the run as failed.
                if report.mass_archive_refused() {
                    tracing::warn!(
                        run_id = %report.run_id,
                        retrieved_from = %report.retrieved_from,
                        "the archive guard refused to archive more than inventory.archive_guard \
                         of the active items; check the catalog it read, then run `petra \
                         inventory run --allow-mass-archive`"
                    );
                }
                let cause = inventory::failure_cause(inventory::exit_for(&report), &report);
                serde_json::json!({
                    "succeeded": report.succeeded(),
                    "cause": cause,
                    "records": report.records,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "reactivated": report.reactivated,
                    "archived": report.archived,
                    "rejected": report.rejected,
                    "retrieval_complete": report.retrieval_complete,
                    "interrupted": report.interrupted,
                    "mass_archive_refused": report.mass_archive_refused(),
                })
            }
            Operation::SendFulfillmentRequests => {
                let report = orders::operation(config)
                    .map_err(to_ops_error)?
                    .run(petra_ops::fulfillment::SendContext {
                        api: &self.client,
                        requests: store,
                        pool: Some(store),
                        history: store,
                        clock: &SystemClock,
                        stop,
                    })
                    .await?;
                let cause = orders::send_failure_cause(&report).filter(|_| !report.succeeded());
                serde_json::json!({
                    "succeeded": report.succeeded(),
                    "cause": cause,
                    "submitted": report.submitted,
                    "rejected": report.rejected,
                    "unknown": report.unknown,
                    "interrupted": report.interrupted,
                })
            }
            Operation::GetShipments => {
                let report = shipments::operation(config, None)
                    .map_err(to_ops_error)?
                    .run(petra_ops::shipments::ShipmentsContext {
                        api: &self.client,
                        requests: store,
                        sink: store,
                        history: store,
                        clock: &SystemClock,
                        stop,
                    })
                    .await?;
                let cause = shipments::fetch_failure_cause(&report).filter(|_| !report.succeeded());
                serde_json::json!({
                    "succeeded": report.succeeded(),
                    "cause": cause,
                    "fetched": report.fetched,
                    "new": report.new,
                    "unchanged": report.unchanged,
                    "rejected": report.rejected.len(),
                    "conflicts": report.conflicts.len(),
                    "unmatched": report.unmatched.len(),
                    "interrupted": report.interrupted,
                })
            }
        };
        // The scheduler logs only warnings by default, so one line per finished run shows
        // an operator that it works, and whether the run did all its work.
        let outcome = if summary["succeeded"] == true {
            "succeeded"
        } else {
            "failed"
        };
        eprintln!("{} {outcome}: {summary}", self.operation);
        if summary["interrupted"] == true {
            self.interrupted.push(self.operation);
        }
        Ok(summary)
    }
}

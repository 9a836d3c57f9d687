//! Status per operation: Connected (the last Test Connection passed), Configured (the
//! settings the operation reads are valid) and Mapped (its template compiles against its
//! schemas).

mod checks;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::Clock;
use crate::error::Error;
use crate::history::{last_real_run, Operation, RunHistory, RunRecord, RunStatus};
use crate::schedule::{lock_name, OperationLocks};
use crate::settings::Config;
use checks::{
    configured, fulfillment_configured, fulfillment_mapped, inventory_mapped, shipments_mapped,
};

/// One yes/no check with the reason behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub ok: bool,
    pub detail: String,
}

impl Check {
    fn yes(detail: impl Into<String>) -> Self {
        Self {
            ok: true,
            detail: detail.into(),
        }
    }

    fn no(detail: impl Into<String>) -> Self {
        Self {
            ok: false,
            detail: detail.into(),
        }
    }
}

/// The end state of a run, judged by its report as well as by its recorded status. A
/// run that finished but whose every item failed is not a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Started and not finished: a live task or process holds the operation's lock, or
    /// the lock backend cannot tell.
    Running,
    /// Recorded as running, but its process stopped before it recorded an end (killed,
    /// or the machine went down): no live task or process holds the operation's lock, or
    /// a later run of the operation started.
    DidNotFinish,
    /// Finished with no rejected or conflicting item.
    Succeeded,
    /// Finished, and some items were rejected while others went through.
    CompletedWithProblems,
    /// Ended by an error, incomplete, or every item it handled was rejected.
    Failed,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::DidNotFinish => "did not finish",
            Self::Succeeded => "succeeded",
            Self::CompletedWithProblems => "completed with problems",
            Self::Failed => "failed",
        }
    }
}

/// The latest run of an operation, in brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastRun {
    pub started_at: DateTime<Utc>,
    pub status: RunOutcome,
    pub dry_run: bool,
    /// Items the run handled without a problem: records read and kept, orders submitted,
    /// shipments stored.
    pub done: u64,
    /// Items the run could not complete: rejected records, rejected orders or orders with
    /// an unknown outcome, rejected or conflicting shipments.
    pub problems: u64,
    /// The report's main counts in words, for example "0 submitted, 3 rejected, 0 unknown",
    /// followed by "; " and the `reason` when there is one.
    pub summary: String,
    /// Why a failed run failed, from its report: the rejected login, the incomplete
    /// retrieval, the refused mass archive or the stop. `None` for any other run.
    pub reason: Option<String>,
}

impl LastRun {
    /// Summarizes a run from its record, reading the counts of its report.
    pub fn from_record(run: &RunRecord) -> Self {
        let report = run.report.as_ref();
        let count = |field: &str| {
            report
                .and_then(|report| report.get(field))
                .map_or(0, |value| match value {
                    serde_json::Value::Array(items) => items.len() as u64,
                    other => other.as_u64().unwrap_or(0),
                })
        };

        let (done, problems, summary) = match run.operation {
            Operation::GetInventory => {
                let (records, rejected) = (count("records"), count("rejected"));
                let archived = match count("archived") {
                    0 => String::new(),
                    archived if run.dry_run => format!(", {archived} would be archived"),
                    archived => format!(", {archived} archived"),
                };
                (
                    records.saturating_sub(rejected),
                    rejected,
                    format!("{records} records, {rejected} rejected{archived}"),
                )
            }
            Operation::SendFulfillmentRequests => {
                let (submitted, rejected, unknown) =
                    (count("submitted"), count("rejected"), count("unknown"));
                (
                    submitted,
                    rejected + unknown,
                    format!("{submitted} submitted, {rejected} rejected, {unknown} unknown"),
                )
            }
            Operation::GetShipments => {
                let stored = count("new") + count("unchanged");
                let (rejected, conflicts) = (count("rejected"), count("conflicts"));
                (
                    stored,
                    rejected + conflicts,
                    format!(
                        "{} fetched, {rejected} rejected, {conflicts} conflicts",
                        count("fetched")
                    ),
                )
            }
        };
        let summary = match report.and_then(|report| report.get("error")) {
            Some(error) => error.as_str().unwrap_or_default().to_owned(),
            None => summary,
        };
        let reason = report
            .filter(|_| run.status == RunStatus::Failed)
            .and_then(failure_reason);
        let summary = match &reason {
            Some(reason) => format!("{summary}; {reason}"),
            None => summary,
        };

        let status = match run.status {
            RunStatus::Running => RunOutcome::Running,
            RunStatus::Failed => RunOutcome::Failed,
            RunStatus::Succeeded if problems > 0 && done == 0 => RunOutcome::Failed,
            RunStatus::Succeeded if problems > 0 => RunOutcome::CompletedWithProblems,
            RunStatus::Succeeded => RunOutcome::Succeeded,
        };
        Self {
            started_at: run.started_at,
            status,
            dry_run: run.dry_run,
            done,
            problems,
            summary,
            reason,
        }
    }

    /// Returns the summary without its `reason`: the counts, or the report's error.
    pub fn summary_without_reason(&self) -> &str {
        self.reason
            .as_deref()
            .and_then(|reason| self.summary.strip_suffix(reason))
            .and_then(|counts| counts.strip_suffix("; "))
            .unwrap_or(&self.summary)
    }

    /// Marks a run recorded as running as one whose process stopped before it recorded
    /// an end. Such a run has no report, so it has no counts either.
    fn did_not_finish(self) -> Self {
        Self {
            status: RunOutcome::DidNotFinish,
            summary: "the process stopped before the run recorded its end".to_owned(),
            reason: None,
            ..self
        }
    }
}

/// Summarizes a run, and marks a run recorded as running whose process stopped. Runs of
/// one operation of a source never overlap, because each takes the operation's lock, so
/// a run that is not the newest has ended. The newest is still going while a live task
/// or process holds the lock (`lock_held`).
fn describe_run(
    run: &RunRecord,
    newest: Option<uuid::Uuid>,
    lock_held: &Result<Option<bool>, String>,
) -> LastRun {
    let last = LastRun::from_record(run);
    if run.status != RunStatus::Running {
        return last;
    }
    if newest != Some(run.run_id) {
        return last.did_not_finish();
    }
    match lock_held {
        Ok(Some(false)) => last.did_not_finish(),
        Ok(_) => last,
        Err(error) => LastRun {
            summary: format!(
                "{}; whether its process still runs is unknown: {error}",
                last.summary
            ),
            ..last
        },
    }
}

/// Returns why a failed run failed, from its report: a rejected login, an incomplete
/// retrieval (a stop signal included), a refused mass archive, or a stop.
fn failure_reason(report: &serde_json::Value) -> Option<String> {
    let text = |field: &str| report.get(field).and_then(serde_json::Value::as_str);
    let flag = |pointer: &str| report.pointer(pointer) == Some(&serde_json::Value::Bool(true));

    if let Some(error) = text("fatal_error") {
        return Some(error.to_owned());
    }
    if let Some(error) = text("retrieval_error") {
        return Some(format!("incomplete: {error}"));
    }
    if flag("/archive/mass_archive") {
        return Some("the archive guard refused a mass archive".to_owned());
    }
    flag("/interrupted").then(|| "interrupted by a stop signal".to_owned())
}

/// Status of one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperationStatus {
    pub operation: Operation,
    pub connected: Check,
    pub configured: Check,
    pub mapped: Check,
    /// The latest run that was not a dry run, which the schedule counts from.
    pub last_run: Option<LastRun>,
    /// The latest run, when it was a dry run: it wrote nothing to the pool.
    pub last_dry_run: Option<LastRun>,
    /// The next scheduled run, when the operation has a schedule.
    pub next_run: Option<DateTime<Utc>>,
}

/// Status of every operation of a connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub connection: String,
    pub source: String,
    pub operations: Vec<OperationStatus>,
}

/// Computes the status from the configuration and the history. Nothing is sent to Petra:
/// Connected reflects the last recorded Test Connection. `locks` distinguishes a run
/// still going from one whose process stopped, without taking a lock. `clock` is the
/// clock the operations run by, so the next run agrees with the scheduler.
pub async fn status(
    config: &Config,
    history: &dyn RunHistory,
    locks: &dyn OperationLocks,
    clock: &dyn Clock,
) -> Result<Status, Error> {
    let connection = config.connection.name.clone();
    let last_test = history
        .last_connection_test(&connection)
        .await
        .map_err(|source| Error::History {
            action: "read the last connection test",
            source,
        })?;
    let connected = match last_test {
        Some(test) if test.passed => {
            Check::yes(format!("tested {}: {}", test.tested_at, test.message))
        }
        Some(test) => Check::no(format!("failed {}: {}", test.tested_at, test.message)),
        None => Check::no("never tested; run `petra connection test`"),
    };

    let mut operations = Vec::new();
    for operation in Operation::ALL {
        let (configured, mapped) = match operation {
            Operation::GetInventory => (configured(config, operation), inventory_mapped(config)),
            Operation::SendFulfillmentRequests => {
                (fulfillment_configured(config), fulfillment_mapped(config))
            }
            Operation::GetShipments => (configured(config, operation), shipments_mapped(config)),
        };
        let read_error = |source| Error::History {
            action: "read the last run",
            source,
        };
        let real_run = last_real_run(history, operation, &config.source.name)
            .await
            .map_err(read_error)?;
        let newest_run = history
            .recent_runs(operation, &config.source.name, 1)
            .await
            .map_err(read_error)?
            .into_iter()
            .next();
        let newest_id = newest_run.as_ref().map(|run| run.run_id);
        let newest_running = newest_run
            .as_ref()
            .is_some_and(|run| run.status == RunStatus::Running);
        let lock_held = if newest_running {
            lock_state(locks, &lock_name(&config.source.name, operation)).await
        } else {
            Ok(None)
        };
        let describe = |run: &RunRecord| describe_run(run, newest_id, &lock_held);
        let last_dry_run = newest_run.as_ref().filter(|run| run.dry_run).map(describe);

        let next_run = next_run(
            config,
            operation,
            real_run.as_ref().map(|run| run.started_at),
            clock.now(),
        );
        operations.push(OperationStatus {
            operation,
            connected: connected.clone(),
            configured,
            mapped,
            last_run: real_run.as_ref().map(describe),
            last_dry_run,
            next_run,
        });
    }

    Ok(Status {
        connection,
        source: config.source.name.clone(),
        operations,
    })
}

/// Checks with `locks` whether a live task or process holds the lock `name`. A failure is
/// logged and returned as text for the run's summary, because the rest of the status
/// does not depend on it.
async fn lock_state(locks: &dyn OperationLocks, name: &str) -> Result<Option<bool>, String> {
    locks.is_held(name).await.map_err(|error| {
        tracing::warn!(lock = %name, %error, "failed to check whether a live process holds the lock");
        format!("could not check the lock {name:?}: {error}")
    })
}

/// Returns the next slot of the operation's schedule, or now when a run is due (never
/// run, or a slot passed while nothing ran).
fn next_run(
    config: &Config,
    operation: Operation,
    last_start: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let text = match operation {
        Operation::GetInventory => config.inventory.schedule.as_deref(),
        Operation::SendFulfillmentRequests => config.fulfillment.schedule.as_deref(),
        Operation::GetShipments => config.shipments.schedule.as_deref(),
    }?;
    let schedule: crate::schedule::Schedule = text.parse().ok()?;
    let due = schedule.due(last_start, now);
    if due.now {
        Some(now)
    } else {
        due.next
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;
    use crate::memory::MemoryHistory;
    use crate::schedule::MemoryLocks;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap()
    }

    fn scheduled_config() -> Config {
        let text = "[connection]\nbase_url = \"http://127.0.0.1:9/v1\"\n\n\
                    [inventory]\nschedule = \"daily 02:00\"\n";
        Config::parse(text).unwrap()
    }

    async fn record_run(history: &MemoryHistory, config: &Config, started_at: DateTime<Utc>) {
        record_run_kind(history, config, started_at, false).await;
    }

    async fn record_run_kind(
        history: &MemoryHistory,
        config: &Config,
        started_at: DateTime<Utc>,
        dry_run: bool,
    ) {
        let run = RunRecord {
            run_id: uuid::Uuid::new_v4(),
            operation: Operation::GetInventory,
            source: config.source.name.clone(),
            dry_run,
            started_at,
            finished_at: None,
            status: RunStatus::Running,
            report: None,
        };
        history.start_run(run).await.unwrap();
    }

    fn inventory(status: &Status) -> &OperationStatus {
        &status.operations[0]
    }

    async fn configured_lines(text: &str) -> Vec<Check> {
        let config = Config::parse(text).unwrap();
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &MemoryHistory::new(), &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        status
            .operations
            .into_iter()
            .map(|operation| operation.configured)
            .collect()
    }

    #[tokio::test]
    async fn shipping_problem_stops_only_fulfillment() {
        let text = "[connection]\nbase_url = \"http://127.0.0.1:9/v1\"\n\
                    [source]\nfulfills_orders = true\n\
                    [source.ship_from]\naddress = \"1 Main St\"\ncity = \"Tempe\"\n\
                    postal_code = \"85282\"\ncountry_code = \"US\"\n";

        let lines = configured_lines(text).await;

        assert!(lines[0].ok, "{:?}", lines[0]);
        assert!(!lines[1].ok, "{:?}", lines[1]);
        assert!(
            lines[1].detail.contains("source.shipping_methods"),
            "{:?}",
            lines[1]
        );
        assert!(
            lines[1].detail.contains("source.ship_from.state_code"),
            "{:?}",
            lines[1]
        );
        assert!(lines[2].ok, "{:?}", lines[2]);
    }

    #[tokio::test]
    async fn inventory_problem_stops_only_inventory() {
        let text = "[connection]\nbase_url = \"http://127.0.0.1:9/v1\"\n\
                    [inventory]\nbatch_size = 0\n[shipments]\nwindow_dys = 3\n";

        let lines = configured_lines(text).await;

        assert_eq!(
            lines[0].detail,
            "inventory.batch_size is invalid: found 0, expected a whole number from 1 to 100000"
        );
        assert!(!lines[1].detail.contains("inventory"), "{:?}", lines[1]);
        assert!(!lines[1].detail.contains("shipments"), "{:?}", lines[1]);
        assert!(
            lines[2]
                .detail
                .starts_with("shipments.window_dys is not a known key"),
            "{:?}",
            lines[2]
        );
    }

    #[tokio::test]
    async fn non_fulfilling_source_lists_other_problems() {
        let text = "[connection]\nbase_url = \"\"\n[fulfillment]\nbatch_size = 0\n";

        let lines = configured_lines(text).await;

        let fulfillment = &lines[1].detail;
        assert!(
            fulfillment.starts_with("source.fulfills_orders is false"),
            "{fulfillment}"
        );
        assert!(
            fulfillment.contains("; connection.base_url is missing"),
            "{fulfillment}"
        );
        assert!(
            fulfillment.contains("; fulfillment.batch_size is invalid: found 0,"),
            "{fulfillment}"
        );
    }

    #[tokio::test]
    async fn mapped_compiles_configured_templates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.toml"), "[[fields]]\ntarget = 1\n").unwrap();
        let path = dir.path().join("petra.toml");
        let text = "[connection]\nbase_url = \"http://127.0.0.1:9/v1\"\n\
                    [fulfillment]\ntemplate = \"broken.toml\"\n\
                    [shipments]\ntemplate = \"missing.toml\"\n";
        std::fs::write(&path, text).unwrap();
        let config = Config::load(&path).unwrap();
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &MemoryHistory::new(), &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        let fulfillment = &status.operations[1].mapped;
        let shipments = &status.operations[2].mapped;
        assert!(!fulfillment.ok, "{fulfillment:?}");
        assert!(
            fulfillment.detail.contains("broken.toml"),
            "{fulfillment:?}"
        );
        assert!(!shipments.ok, "{shipments:?}");
        assert!(shipments.detail.contains("missing.toml"), "{shipments:?}");
        assert!(
            status.operations[0].mapped.ok,
            "{:?}",
            status.operations[0].mapped
        );
    }

    #[tokio::test]
    async fn invalid_mapping_keys_not_mapped() {
        let text = "[connection]\nbase_url = \"http://127.0.0.1:9/v1\"\n\
                    [fulfillment]\ntemplate = 5\n[shipments]\ntemplate = [\"a\"]\n";
        let cases = [
            (
                "retrieval = \"ftp\"",
                "inventory.retrieval is invalid: found \"ftp\"",
            ),
            (
                "retrieval = \"FEED\"",
                "inventory.retrieval is invalid: found \"FEED\"",
            ),
            ("template = 5", "inventory.template is invalid: found 5"),
        ];

        for (inventory, expected) in cases {
            let config = Config::parse(&format!("{text}[inventory]\n{inventory}\n")).unwrap();
            let clock = ManualClock::new(at(11, 9));

            let status = status(&config, &MemoryHistory::new(), &MemoryLocks::new(), &clock)
                .await
                .unwrap();

            let mapped: Vec<Check> = status
                .operations
                .into_iter()
                .map(|operation| operation.mapped)
                .collect();
            let [inventory_mapped, fulfillment_mapped, shipments_mapped]: [Check; 3] =
                mapped.try_into().unwrap();
            assert!(!inventory_mapped.ok, "{inventory_mapped:?}");
            assert!(
                inventory_mapped.detail.starts_with(expected),
                "{inventory_mapped:?}"
            );
            assert!(
                inventory_mapped
                    .detail
                    .ends_with(", so the mapping cannot be checked"),
                "{inventory_mapped:?}"
            );
            assert!(!fulfillment_mapped.ok, "{fulfillment_mapped:?}");
            assert!(
                fulfillment_mapped
                    .detail
                    .starts_with("fulfillment.template is invalid"),
                "{fulfillment_mapped:?}"
            );
            assert!(!shipments_mapped.ok, "{shipments_mapped:?}");
            assert!(
                shipments_mapped
                    .detail
                    .starts_with("shipments.template is invalid"),
                "{shipments_mapped:?}"
            );
        }
    }

    #[tokio::test]
    async fn mapped_names_default_templates() {
        let text = "[connection]\nbase_url = \"http://127.0.0.1:9/v1\"\n";
        let config = Config::parse(text).unwrap();
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &MemoryHistory::new(), &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        assert_eq!(
            status.operations[1].mapped,
            Check::yes("default template fulfillment-requests compiles")
        );
        assert_eq!(
            status.operations[2].mapped,
            Check::yes("default template shipments compiles")
        );
    }

    #[tokio::test]
    async fn connection_problem_stops_every_operation() {
        let text = "[connection]\nbase_url = \"\"\n[source]\nfulfills_orders = true\n\
                    [[source.shipping_methods]]\nname = \"UPS Ground\"\ncode = \"UPSG\"\n\
                    [source.ship_from]\naddress = \"1 Main St\"\ncity = \"Tempe\"\n\
                    state_code = \"AZ\"\npostal_code = \"85282\"\ncountry_code = \"US\"\n";

        let lines = configured_lines(text).await;

        for line in &lines {
            assert!(!line.ok, "{line:?}");
            assert!(
                line.detail.starts_with("connection.base_url is missing"),
                "{line:?}"
            );
        }
    }

    #[tokio::test]
    async fn next_run_follows_given_clock() {
        let config = scheduled_config();
        let history = MemoryHistory::new();
        record_run(&history, &config, at(11, 2)).await;
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &history, &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        assert_eq!(inventory(&status).next_run, Some(at(12, 2)));
    }

    #[tokio::test]
    async fn missed_slot_is_due_at_clock_now() {
        let config = scheduled_config();
        let history = MemoryHistory::new();
        record_run(&history, &config, at(11, 2)).await;
        let clock = ManualClock::new(at(13, 9));

        let status = status(&config, &history, &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        assert_eq!(inventory(&status).next_run, Some(at(13, 9)));
    }

    #[tokio::test]
    async fn dry_run_leaves_operation_due() {
        let config = scheduled_config();
        let history = MemoryHistory::new();
        record_run_kind(&history, &config, at(11, 9), true).await;
        let clock = ManualClock::new(at(11, 10));

        let status = status(&config, &history, &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        assert_eq!(inventory(&status).next_run, Some(at(11, 10)));
        assert_eq!(inventory(&status).last_run, None);
        let dry_run = inventory(&status).last_dry_run.as_ref();
        assert_eq!(dry_run.map(|run| run.started_at), Some(at(11, 9)));
    }

    #[tokio::test]
    async fn dry_run_keeps_last_real_run() {
        let config = scheduled_config();
        let history = MemoryHistory::new();
        record_run(&history, &config, at(11, 2)).await;
        for minute in 3..40 {
            record_run_kind(
                &history,
                &config,
                at(11, 2) + chrono::Duration::minutes(minute),
                true,
            )
            .await;
        }
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &history, &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        let last_run = inventory(&status).last_run.as_ref();
        assert_eq!(last_run.map(|run| run.started_at), Some(at(11, 2)));
        assert!(inventory(&status).last_dry_run.is_some());
        assert_eq!(inventory(&status).next_run, Some(at(12, 2)));
    }

    #[tokio::test]
    async fn real_run_after_dry_run_hides_it() {
        let config = scheduled_config();
        let history = MemoryHistory::new();
        record_run_kind(&history, &config, at(11, 1), true).await;
        record_run(&history, &config, at(11, 2)).await;
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &history, &MemoryLocks::new(), &clock)
            .await
            .unwrap();

        assert!(inventory(&status).last_dry_run.is_none());
        assert!(inventory(&status).last_run.is_some());
    }

    /// Locks that cannot tell whether a lock is held, as a backend that keeps the
    /// default `is_held` does.
    struct UnknownLocks;

    #[async_trait::async_trait]
    impl OperationLocks for UnknownLocks {
        async fn try_lock(
            &self,
            _name: &str,
            _owner: &str,
        ) -> Result<Option<crate::schedule::LockGuard>, crate::pool::PoolError> {
            Ok(None)
        }
    }

    /// Locks whose `is_held` fails, as a lock file that cannot be read does.
    struct FailingLocks;

    #[async_trait::async_trait]
    impl OperationLocks for FailingLocks {
        async fn try_lock(
            &self,
            _name: &str,
            _owner: &str,
        ) -> Result<Option<crate::schedule::LockGuard>, crate::pool::PoolError> {
            Ok(None)
        }

        async fn is_held(&self, _name: &str) -> Result<Option<bool>, crate::pool::PoolError> {
            Err("Permission denied (os error 13)".into())
        }
    }

    fn inventory_lock(config: &Config) -> String {
        lock_name(&config.source.name, Operation::GetInventory)
    }

    /// Records an inventory run that never recorded its end, and returns it as `status`
    /// reports it with `locks`.
    async fn unfinished_run(config: &Config, locks: &dyn OperationLocks) -> LastRun {
        let history = MemoryHistory::new();
        record_run(&history, config, at(11, 2)).await;
        let clock = ManualClock::new(at(11, 9));

        let status = status(config, &history, locks, &clock).await.unwrap();

        inventory(&status).last_run.clone().unwrap()
    }

    #[tokio::test]
    async fn running_without_holder_did_not_finish() {
        let last_run = unfinished_run(&scheduled_config(), &MemoryLocks::new()).await;

        assert_eq!(last_run.status, RunOutcome::DidNotFinish);
        assert_eq!(last_run.status.as_str(), "did not finish");
        assert_eq!(
            last_run.summary,
            "the process stopped before the run recorded its end"
        );
    }

    #[tokio::test]
    async fn running_with_holder_is_running() {
        let config = scheduled_config();
        let locks = MemoryLocks::new();
        let _guard = locks.try_lock(&inventory_lock(&config), "test").await;

        let last_run = unfinished_run(&config, &locks).await;

        assert_eq!(last_run.status, RunOutcome::Running);
    }

    #[tokio::test]
    async fn running_with_unknown_lock_is_running() {
        let last_run = unfinished_run(&scheduled_config(), &UnknownLocks).await;

        assert_eq!(last_run.status, RunOutcome::Running);
    }

    #[tokio::test]
    async fn failed_lock_check_named_in_summary() {
        let last_run = unfinished_run(&scheduled_config(), &FailingLocks).await;

        assert_eq!(last_run.status, RunOutcome::Running);
        assert!(
            last_run.summary.ends_with(
                "whether its process still runs is unknown: could not check the lock \
                 \"Petra Industries/get_inventory\": Permission denied (os error 13)"
            ),
            "{}",
            last_run.summary
        );
    }

    #[tokio::test]
    async fn running_before_later_run_did_not_finish() {
        let config = scheduled_config();
        let history = MemoryHistory::new();
        record_run(&history, &config, at(11, 2)).await;
        record_run_kind(&history, &config, at(11, 3), true).await;
        let locks = MemoryLocks::new();
        let _guard = locks.try_lock(&inventory_lock(&config), "dry run").await;
        let clock = ManualClock::new(at(11, 9));

        let status = status(&config, &history, &locks, &clock).await.unwrap();

        let last_run = inventory(&status).last_run.as_ref().unwrap();
        let dry_run = inventory(&status).last_dry_run.as_ref().unwrap();
        assert_eq!(last_run.status, RunOutcome::DidNotFinish);
        assert_eq!(dry_run.status, RunOutcome::Running);
    }

    fn finished_run(operation: Operation, report: serde_json::Value) -> RunRecord {
        RunRecord {
            run_id: uuid::Uuid::new_v4(),
            operation,
            source: "Petra Industries".to_owned(),
            dry_run: false,
            started_at: at(11, 2),
            finished_at: Some(at(11, 3)),
            status: RunStatus::Succeeded,
            report: Some(report),
        }
    }

    #[test]
    fn send_all_rejected_is_failed() {
        let report = serde_json::json!({ "submitted": 0, "rejected": 3, "unknown": 0 });

        let run = LastRun::from_record(&finished_run(Operation::SendFulfillmentRequests, report));

        assert_eq!(run.status, RunOutcome::Failed);
        assert_eq!(run.problems, 3);
        assert_eq!(run.summary, "0 submitted, 3 rejected, 0 unknown");
    }

    #[test]
    fn send_some_rejected_has_problems() {
        let report = serde_json::json!({ "submitted": 2, "rejected": 1, "unknown": 0 });

        let run = LastRun::from_record(&finished_run(Operation::SendFulfillmentRequests, report));

        assert_eq!(run.status, RunOutcome::CompletedWithProblems);
    }

    #[test]
    fn inventory_all_rejected_is_failed() {
        let report = serde_json::json!({ "records": 5, "rejected": 5 });

        let run = LastRun::from_record(&finished_run(Operation::GetInventory, report));

        assert_eq!(run.status, RunOutcome::Failed);
    }

    #[test]
    fn shipments_without_problems_succeed() {
        let report = serde_json::json!({
            "fetched": 2, "new": 2, "unchanged": 0, "rejected": [], "conflicts": []
        });

        let run = LastRun::from_record(&finished_run(Operation::GetShipments, report));

        assert_eq!(run.status, RunOutcome::Succeeded);
        assert_eq!(run.done, 2);
    }

    fn failed_run(operation: Operation, report: serde_json::Value) -> RunRecord {
        RunRecord {
            status: RunStatus::Failed,
            ..finished_run(operation, report)
        }
    }

    #[test]
    fn inventory_summary_counts_archived() {
        let report = serde_json::json!({ "records": 2137, "rejected": 0, "archived": 250 });

        let run = LastRun::from_record(&finished_run(Operation::GetInventory, report));

        assert_eq!(run.summary, "2137 records, 0 rejected, 250 archived");
    }

    #[test]
    fn dry_run_summary_would_archive() {
        let report = serde_json::json!({ "records": 2137, "rejected": 0, "archived": 250 });
        let dry_run = RunRecord {
            dry_run: true,
            ..finished_run(Operation::GetInventory, report)
        };

        let run = LastRun::from_record(&dry_run);

        assert_eq!(
            run.summary,
            "2137 records, 0 rejected, 250 would be archived"
        );
    }

    #[test]
    fn failed_inventory_says_why() {
        let cases = [
            (
                serde_json::json!({ "records": 9, "retrieval_error": "interrupted by a stop signal after line 12" }),
                "9 records, 0 rejected; incomplete: interrupted by a stop signal after line 12",
            ),
            (
                serde_json::json!({ "records": 9, "archive": { "mass_archive": true } }),
                "9 records, 0 rejected; the archive guard refused a mass archive",
            ),
            (
                serde_json::json!({ "records": 0, "fatal_error": "Petra returned 401", "retrieval_error": "Petra returned 401" }),
                "0 records, 0 rejected; Petra returned 401",
            ),
        ];

        for (report, summary) in cases {
            let run = LastRun::from_record(&failed_run(Operation::GetInventory, report));

            assert_eq!(run.status, RunOutcome::Failed);
            assert_eq!(run.summary, summary);
        }
    }

    #[test]
    fn interrupted_send_says_why() {
        let report =
            serde_json::json!({ "submitted": 1, "rejected": 0, "unknown": 0, "interrupted": true });

        let run = LastRun::from_record(&failed_run(Operation::SendFulfillmentRequests, report));

        assert_eq!(
            run.summary,
            "1 submitted, 0 rejected, 0 unknown; interrupted by a stop signal"
        );
    }

    #[test]
    fn failed_run_reason_apart() {
        let report = serde_json::json!({ "records": 9, "retrieval_error": "feed cut at line 12" });

        let run = LastRun::from_record(&failed_run(Operation::GetInventory, report));

        assert_eq!(
            run.reason.as_deref(),
            Some("incomplete: feed cut at line 12")
        );
        assert_eq!(run.summary_without_reason(), "9 records, 0 rejected");
    }

    #[test]
    fn succeeded_run_has_no_reason() {
        let report = serde_json::json!({ "records": 9, "rejected": 0 });

        let run = LastRun::from_record(&finished_run(Operation::GetInventory, report));

        assert_eq!(run.reason, None);
        assert_eq!(run.summary_without_reason(), "9 records, 0 rejected");
    }

    #[test]
    fn empty_send_run_succeeds() {
        let report = serde_json::json!({ "submitted": 0, "rejected": 0, "unknown": 0 });

        let run = LastRun::from_record(&finished_run(Operation::SendFulfillmentRequests, report));

        assert_eq!(run.status, RunOutcome::Succeeded);
    }
}

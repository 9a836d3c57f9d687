//! Running operations on schedules, one run of an operation of a source at a time.
//!
//! - [`spec`]: the [`Schedule`] forms and the catch-up rule.
//! - [`lock`]: the [`OperationLocks`] seam and in-process locks.
//! - this module: the [`Scheduler`] loop.

pub mod lock;
pub mod spec;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

pub use lock::{lock_name, LockGuard, MemoryLocks, OperationLocks};
pub use spec::{Due, Schedule};

use crate::clock::Clock;
use crate::error::Error;
use crate::history::{last_real_run, Operation, RunHistory};

/// The longest the loop sleeps before it looks at the schedules again, so a clock change
/// or a run by another process is noticed.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// One run of an operation, started by the scheduler. The operation records itself in
/// the run history; the scheduler reads the start of the last run from there.
#[async_trait]
pub trait Job: Send + Sync {
    /// Runs the operation once. `stop` is cancelled by SIGINT or SIGTERM; the job ends
    /// its current batch, records where it stopped, and returns.
    async fn run(&self, stop: CancellationToken) -> Result<serde_json::Value, Error>;
}

/// An operation with its schedule.
pub struct ScheduledJob {
    pub operation: Operation,
    pub schedule: Schedule,
    pub job: Box<dyn Job>,
}

/// What one look at the schedules did for one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TickOutcome {
    pub operation: Operation,
    pub due: Due,
    pub action: TickAction,
}

/// What the scheduler did with an operation in one tick.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TickAction {
    /// Not due yet.
    Waiting,
    /// Due, but another task or process holds the operation's lock.
    Locked,
    /// Ran, with the job's summary.
    Ran { summary: serde_json::Value },
    /// Ran and failed.
    Failed { error: String },
    /// Due, but the stop signal came first.
    Stopped,
}

/// Runs scheduled operations of one source.
///
/// ```no_run
/// # async fn run(jobs: Vec<petra_ops::schedule::ScheduledJob>) -> Result<(), petra_ops::Error> {
/// use petra_ops::clock::SystemClock;
/// use petra_ops::memory::MemoryHistory;
/// use petra_ops::schedule::{MemoryLocks, Scheduler};
///
/// let history = MemoryHistory::new();
/// let locks = MemoryLocks::new();
/// let scheduler = Scheduler::new("Petra Industries", jobs, &history, &locks, &SystemClock);
/// scheduler.run(tokio_util::sync::CancellationToken::new()).await?;
/// # Ok(()) }
/// ```
pub struct Scheduler<'a> {
    source: String,
    owner: String,
    jobs: Vec<ScheduledJob>,
    history: &'a dyn RunHistory,
    locks: &'a dyn OperationLocks,
    clock: &'a dyn Clock,
}

impl<'a> Scheduler<'a> {
    pub fn new(
        source: impl Into<String>,
        jobs: Vec<ScheduledJob>,
        history: &'a dyn RunHistory,
        locks: &'a dyn OperationLocks,
        clock: &'a dyn Clock,
    ) -> Self {
        Self {
            source: source.into(),
            owner: format!("scheduler pid {}", std::process::id()),
            jobs,
            history,
            locks,
            clock,
        }
    }

    /// Returns when the next run of each operation is due, without running anything.
    pub async fn plan(&self) -> Result<Vec<(Operation, Due)>, Error> {
        let now = self.clock.now();
        let mut plan = Vec::new();
        for job in &self.jobs {
            let last = last_start(self.history, job.operation, &self.source).await?;
            plan.push((job.operation, job.schedule.due(last, now)));
        }
        Ok(plan)
    }

    /// Looks at every schedule once and runs the operations that are due, one after the
    /// other.
    pub async fn tick(&self, stop: &CancellationToken) -> Result<Vec<TickOutcome>, Error> {
        let mut outcomes = Vec::new();
        for job in &self.jobs {
            let last = last_start(self.history, job.operation, &self.source).await?;
            let due = job.schedule.due(last, self.clock.now());
            let action = if !due.now {
                TickAction::Waiting
            } else if stop.is_cancelled() {
                TickAction::Stopped
            } else {
                self.run_locked(job, due, stop).await?
            };
            outcomes.push(TickOutcome {
                operation: job.operation,
                due,
                action,
            });
        }
        Ok(outcomes)
    }

    async fn run_locked(
        &self,
        job: &ScheduledJob,
        due: Due,
        stop: &CancellationToken,
    ) -> Result<TickAction, Error> {
        let name = lock_name(&self.source, job.operation);
        let guard = self
            .locks
            .try_lock(&name, &self.owner)
            .await
            .map_err(|source| Error::Lock {
                name: name.clone(),
                source,
            })?;
        let Some(_guard) = guard else {
            tracing::info!(operation = %job.operation, "due, but another run holds the lock");
            return Ok(TickAction::Locked);
        };

        if due.missed > 1 {
            tracing::info!(operation = %job.operation, missed = due.missed, "one catch-up run for the slots missed");
        }
        tracing::info!(operation = %job.operation, "scheduled run starting");
        Ok(match job.job.run(stop.clone()).await {
            Ok(summary) => TickAction::Ran { summary },
            Err(error) => {
                tracing::warn!(operation = %job.operation, %error, "scheduled run failed");
                TickAction::Failed {
                    error: error.to_string(),
                }
            }
        })
    }

    /// Runs until `stop` is cancelled: runs what is due, then sleeps until the next slot
    /// (at most a minute at a time).
    pub async fn run(&self, stop: CancellationToken) -> Result<(), Error> {
        tracing::info!(source = %self.source, jobs = self.jobs.len(), "scheduler started");
        while !stop.is_cancelled() {
            let outcomes = self.tick(&stop).await?;

            let now = self.clock.now();
            let next = outcomes.iter().filter_map(|outcome| outcome.due.next).min();
            let wait = next
                .map(|next| (next - now).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(MAX_SLEEP)
                .min(MAX_SLEEP)
                .max(Duration::from_millis(200));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = stop.cancelled() => {}
            }
        }
        tracing::info!(source = %self.source, "scheduler stopped");
        Ok(())
    }
}

/// Returns the start of the last run of an operation that was not a dry run, from the
/// history.
pub async fn last_start(
    history: &dyn RunHistory,
    operation: Operation,
    source: &str,
) -> Result<Option<DateTime<Utc>>, Error> {
    let run = last_real_run(history, operation, source)
        .await
        .map_err(|source| Error::History {
            action: "read the last run",
            source,
        })?;
    Ok(run.map(|run| run.started_at))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;
    use crate::clock::ManualClock;
    use crate::history::{RunRecord, RunStatus};
    use crate::memory::MemoryHistory;

    /// Records a run in the history, as an operation does, and counts its runs.
    struct CountingJob {
        runs: Arc<AtomicU32>,
        history: Arc<MemoryHistory>,
        clock: Arc<ManualClock>,
    }

    #[async_trait]
    impl Job for CountingJob {
        async fn run(&self, _stop: CancellationToken) -> Result<serde_json::Value, Error> {
            self.runs.fetch_add(1, Ordering::SeqCst);
            let record = RunRecord {
                run_id: Uuid::new_v4(),
                operation: Operation::GetShipments,
                source: "petra".into(),
                dry_run: false,
                started_at: self.clock.now(),
                finished_at: None,
                status: RunStatus::Running,
                report: None,
            };
            self.history.start_run(record).await.unwrap();
            Ok(serde_json::Value::Null)
        }
    }

    fn setup() -> (
        Arc<AtomicU32>,
        Arc<MemoryHistory>,
        Arc<ManualClock>,
        ScheduledJob,
    ) {
        let runs = Arc::new(AtomicU32::new(0));
        let history = Arc::new(MemoryHistory::new());
        let start = Utc.with_ymd_and_hms(2026, 6, 11, 0, 30, 0).unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let job = ScheduledJob {
            operation: Operation::GetShipments,
            schedule: "every 2 hours".parse().unwrap(),
            job: Box::new(CountingJob {
                runs: Arc::clone(&runs),
                history: Arc::clone(&history),
                clock: Arc::clone(&clock),
            }),
        };
        (runs, history, clock, job)
    }

    #[tokio::test]
    async fn downtime_runs_once() {
        let (runs, history, clock, job) = setup();
        let locks = MemoryLocks::new();
        let scheduler =
            Scheduler::new("petra", vec![job], history.as_ref(), &locks, clock.as_ref());
        let stop = CancellationToken::new();

        scheduler.tick(&stop).await.unwrap();
        clock.advance(chrono::Duration::hours(11));
        let outcomes = scheduler.tick(&stop).await.unwrap();
        scheduler.tick(&stop).await.unwrap();

        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(outcomes[0].due.missed, 5);
    }

    #[tokio::test]
    async fn dry_run_does_not_count() {
        let (runs, history, clock, job) = setup();
        let dry_run = RunRecord {
            run_id: Uuid::new_v4(),
            operation: Operation::GetShipments,
            source: "petra".into(),
            dry_run: true,
            started_at: clock.now(),
            finished_at: None,
            status: RunStatus::Succeeded,
            report: None,
        };
        history.start_run(dry_run).await.unwrap();
        let locks = MemoryLocks::new();
        let scheduler =
            Scheduler::new("petra", vec![job], history.as_ref(), &locks, clock.as_ref());

        let outcomes = scheduler.tick(&CancellationToken::new()).await.unwrap();

        assert!(outcomes[0].due.now);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn held_lock_skips_run() {
        let (runs, history, clock, job) = setup();
        let locks = MemoryLocks::new();
        let _other = locks
            .try_lock(&lock_name("petra", Operation::GetShipments), "other")
            .await
            .unwrap();
        let scheduler =
            Scheduler::new("petra", vec![job], history.as_ref(), &locks, clock.as_ref());

        let outcomes = scheduler.tick(&CancellationToken::new()).await.unwrap();

        assert_eq!(outcomes[0].action, TickAction::Locked);
        assert_eq!(runs.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn stopped_scheduler_runs_nothing() {
        let (runs, history, clock, job) = setup();
        let locks = MemoryLocks::new();
        let scheduler =
            Scheduler::new("petra", vec![job], history.as_ref(), &locks, clock.as_ref());
        let stop = CancellationToken::new();
        stop.cancel();

        scheduler.run(stop).await.unwrap();

        assert_eq!(runs.load(Ordering::SeqCst), 0);
    }
}

//! Run history and connection tests: what `petra status` and reports read back.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::pool::PoolError;

/// The three operations of a Petra connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    GetInventory,
    SendFulfillmentRequests,
    GetShipments,
}

impl Operation {
    pub const ALL: [Operation; 3] = [
        Operation::GetInventory,
        Operation::SendFulfillmentRequests,
        Operation::GetShipments,
    ];

    /// The stable identifier stored in run history.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GetInventory => "get_inventory",
            Self::SendFulfillmentRequests => "send_fulfillment_requests",
            Self::GetShipments => "get_shipments",
        }
    }

    /// Parses the identifier [`as_str`](Self::as_str) returns.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == text)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::GetInventory => "Get Inventory",
            Self::SendFulfillmentRequests => "Send Fulfillment Requests",
            Self::GetShipments => "Get Shipments",
        })
    }
}

/// The state of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Started and not finished: still going, or stopped before it could record an end.
    Running,
    Succeeded,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Running, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// One run of an operation as history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub run_id: Uuid,
    pub operation: Operation,
    pub source: String,
    pub dry_run: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: RunStatus,
    /// The operation's report as JSON, once the run finished.
    pub report: Option<serde_json::Value>,
}

/// The outcome of one Test Connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionTest {
    pub connection: String,
    pub tested_at: DateTime<Utc>,
    pub passed: bool,
    /// The account name on success, or the reason and fix on failure. Never a credential.
    pub message: String,
}

/// Durable history of runs and connection tests.
#[async_trait]
pub trait RunHistory: Send + Sync {
    /// Records a run as started, before it touches the pool.
    async fn start_run(&self, run: RunRecord) -> Result<(), PoolError>;

    /// Records the end of a run with its status and report.
    async fn finish_run(
        &self,
        run_id: Uuid,
        status: RunStatus,
        finished_at: DateTime<Utc>,
        report: serde_json::Value,
    ) -> Result<(), PoolError>;

    /// Returns the latest runs of an operation for a source, newest first.
    async fn recent_runs(
        &self,
        operation: Operation,
        source: &str,
        limit: usize,
    ) -> Result<Vec<RunRecord>, PoolError>;

    async fn record_connection_test(&self, test: ConnectionTest) -> Result<(), PoolError>;

    /// Returns the latest Test Connection outcome of a connection, if any.
    async fn last_connection_test(
        &self,
        connection: &str,
    ) -> Result<Option<ConnectionTest>, PoolError>;
}

/// Records the start of an operation's run with status `Running`.
pub(crate) async fn record_run_start(
    history: &dyn RunHistory,
    run_id: Uuid,
    operation: Operation,
    source: &str,
    dry_run: bool,
    started_at: DateTime<Utc>,
) -> Result<(), crate::Error> {
    let run = RunRecord {
        run_id,
        operation,
        source: source.to_owned(),
        dry_run,
        started_at,
        finished_at: None,
        status: RunStatus::Running,
        report: None,
    };

    history
        .start_run(run)
        .await
        .map_err(|source| crate::Error::History {
            action: "record the run start",
            source,
        })
}

/// Records the end of a run: its report when it produced one, or the error that ended it.
/// `succeeded` decides between `Succeeded` and `Failed` for a report.
pub(crate) async fn record_run_end<R: Serialize>(
    history: &dyn RunHistory,
    run_id: Uuid,
    result: &Result<R, crate::Error>,
    succeeded: fn(&R) -> bool,
    finished_at: DateTime<Utc>,
) -> Result<(), crate::Error> {
    let (status, record) = match result {
        Ok(report) if succeeded(report) => (RunStatus::Succeeded, serde_json::to_value(report)),
        Ok(report) => (RunStatus::Failed, serde_json::to_value(report)),
        Err(err) => (
            RunStatus::Failed,
            Ok(serde_json::json!({ "error": err.to_string() })),
        ),
    };
    let record = record.unwrap_or_else(|err| serde_json::json!({ "error": err.to_string() }));

    history
        .finish_run(run_id, status, finished_at, record)
        .await
        .map_err(|source| crate::Error::History {
            action: "record the run end",
            source,
        })
}

/// Returns the latest run of an operation that was not a dry run. Dry runs write nothing
/// to the pool, so neither the schedule nor `petra status` counts them as the last run.
pub async fn last_real_run(
    history: &dyn RunHistory,
    operation: Operation,
    source: &str,
) -> Result<Option<RunRecord>, PoolError> {
    // The history has no filter on dry runs, so read ever larger pages of the newest
    // runs until one is real or the history ends.
    let mut limit = 16;
    loop {
        let runs = history.recent_runs(operation, source, limit).await?;
        let read = runs.len();
        if let Some(run) = runs.into_iter().find(|run| !run.dry_run) {
            return Ok(Some(run));
        }
        if read < limit {
            return Ok(None);
        }
        limit = limit.saturating_mul(4);
    }
}

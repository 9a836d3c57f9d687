//! Run history and connection tests on the `runs` and `connection_tests` tables.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use petra_ops::history::{ConnectionTest, Operation, RunHistory, RunRecord, RunStatus};
use petra_ops::pool::PoolError;
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use crate::error::Error;
use crate::store::{timestamp, SqliteStore};

fn parse_time(text: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| Error::InvalidRow {
            what: "timestamp",
            value: text.to_owned(),
        })
}

struct RunRow {
    run_id: String,
    operation: String,
    source: String,
    dry_run: bool,
    started_at: String,
    finished_at: Option<String>,
    status: String,
    report: Option<String>,
}

impl RunRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            run_id: row.get(0)?,
            operation: row.get(1)?,
            source: row.get(2)?,
            dry_run: row.get(3)?,
            started_at: row.get(4)?,
            finished_at: row.get(5)?,
            status: row.get(6)?,
            report: row.get(7)?,
        })
    }

    fn into_record(self) -> Result<RunRecord, Error> {
        let invalid = |what, value: &str| Error::InvalidRow {
            what,
            value: value.to_owned(),
        };
        Ok(RunRecord {
            run_id: Uuid::parse_str(&self.run_id).map_err(|_| invalid("run id", &self.run_id))?,
            operation: Operation::parse(&self.operation)
                .ok_or_else(|| invalid("operation", &self.operation))?,
            source: self.source,
            dry_run: self.dry_run,
            started_at: parse_time(&self.started_at)?,
            finished_at: self.finished_at.as_deref().map(parse_time).transpose()?,
            status: RunStatus::parse(&self.status)
                .ok_or_else(|| invalid("run status", &self.status))?,
            report: match self.report {
                Some(text) => {
                    Some(serde_json::from_str(&text).map_err(|_| invalid("run report", &text))?)
                }
                None => None,
            },
        })
    }
}

#[async_trait]
impl RunHistory for SqliteStore {
    async fn start_run(&self, run: RunRecord) -> Result<(), PoolError> {
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO runs (run_id, operation, source, dry_run, started_at, status) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run.run_id.to_string(),
                    run.operation.as_str(),
                    run.source,
                    run.dry_run,
                    timestamp(run.started_at),
                    run.status.as_str()
                ],
            )
            .map_err(Error::sqlite("record a run start"))?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    async fn finish_run(
        &self,
        run_id: Uuid,
        status: RunStatus,
        finished_at: DateTime<Utc>,
        report: serde_json::Value,
    ) -> Result<(), PoolError> {
        let updated = self
            .with_conn(move |conn| {
                conn.execute(
                    "UPDATE runs SET status = ?2, finished_at = ?3, report = ?4 WHERE run_id = ?1",
                    params![
                        run_id.to_string(),
                        status.as_str(),
                        timestamp(finished_at),
                        report.to_string()
                    ],
                )
                .map_err(Error::sqlite("record a run end"))
            })
            .await?;
        if updated == 0 {
            return Err(format!("run {run_id} was never started").into());
        }
        Ok(())
    }

    async fn recent_runs(
        &self,
        operation: Operation,
        source: &str,
        limit: usize,
    ) -> Result<Vec<RunRecord>, PoolError> {
        let source = source.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let runs = self
            .with_conn(move |conn| {
                let mut select = conn
                    .prepare_cached(
                        "SELECT run_id, operation, source, dry_run, started_at, finished_at, \
                         status, report FROM runs WHERE operation = ?1 AND source = ?2 \
                         ORDER BY started_at DESC, rowid DESC LIMIT ?3",
                    )
                    .map_err(Error::sqlite("prepare the run listing"))?;
                let rows = select
                    .query_map(params![operation.as_str(), source, limit], RunRow::read)
                    .map_err(Error::sqlite("list runs"))?;
                let mut runs = Vec::new();
                for row in rows {
                    runs.push(row.map_err(Error::sqlite("list runs"))?.into_record()?);
                }
                Ok(runs)
            })
            .await?;
        Ok(runs)
    }

    async fn record_connection_test(&self, test: ConnectionTest) -> Result<(), PoolError> {
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO connection_tests (connection, tested_at, passed, message) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (connection) DO UPDATE SET \
                 tested_at = excluded.tested_at, passed = excluded.passed, \
                 message = excluded.message",
                params![
                    test.connection,
                    timestamp(test.tested_at),
                    test.passed,
                    test.message
                ],
            )
            .map_err(Error::sqlite("record a connection test"))?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    async fn last_connection_test(
        &self,
        connection: &str,
    ) -> Result<Option<ConnectionTest>, PoolError> {
        let connection = connection.to_owned();
        let test = self
            .with_conn(move |conn| {
                let row = conn
                    .query_row(
                        "SELECT connection, tested_at, passed, message FROM connection_tests \
                         WHERE connection = ?1",
                        params![connection],
                        |row| {
                            Ok((
                                row.get::<_, String>(0)?,
                                row.get::<_, String>(1)?,
                                row.get::<_, bool>(2)?,
                                row.get::<_, String>(3)?,
                            ))
                        },
                    )
                    .optional()
                    .map_err(Error::sqlite("read the last connection test"))?;
                row.map(|(connection, tested_at, passed, message)| {
                    Ok(ConnectionTest {
                        connection,
                        tested_at: parse_time(&tested_at)?,
                        passed,
                        message,
                    })
                })
                .transpose()
            })
            .await?;
        Ok(test)
    }
}

//! Looking up, in the run history, a mass archive that an earlier run refused and that no
//! run has resolved since.

use uuid::Uuid;

use super::guard::PendingRefusal;
use super::report::ArchiveOutcome;
use crate::history::{Operation, RunHistory, RunRecord};
use crate::pool::PoolError;

/// Runs of the history read back: a few first, since the newest run usually decided,
/// then eight times as many each time, dry runs included. A refusal older than the
/// largest read, 4,096 runs without an archive decision, is no longer pending, and the
/// lookup logs a warning when it reaches that far.
const RUNS_READ: [usize; 5] = [8, 64, 512, 2_048, 4_096];

/// Returns the pending mass-archive refusal of `source`, if any.
///
/// Reading back from the newest run, dry runs and runs that made no archive decision (an
/// incomplete retrieval, archiving switched off, an error) are passed over. The first
/// decision found settles it: a refused mass archive is pending, and an archive applied
/// (of zero items too) resolves any earlier refusal. `current` is the run asking, already
/// recorded as running.
pub(crate) async fn find(
    history: &dyn RunHistory,
    source: &str,
    current: Uuid,
) -> Result<Option<PendingRefusal>, PoolError> {
    for limit in RUNS_READ {
        let runs = history
            .recent_runs(Operation::GetInventory, source, limit)
            .await?;

        for run in runs
            .iter()
            .filter(|run| run.run_id != current && !run.dry_run)
        {
            match archive_decision(run) {
                Some(Decision::Refused(pending)) => return Ok(Some(pending)),
                Some(Decision::Applied) => return Ok(None),
                None => {}
            }
        }
        if runs.len() < limit {
            return Ok(None);
        }
    }

    tracing::warn!(
        runs = RUNS_READ[RUNS_READ.len() - 1],
        "no archive decision in the newest runs of the history; a mass archive refused \
         before them is no longer pending"
    );
    Ok(None)
}

enum Decision {
    Refused(PendingRefusal),
    Applied,
}

/// Reads the archive decision of a run's report, if the run made one.
fn archive_decision(run: &RunRecord) -> Option<Decision> {
    let archive = run.report.as_ref()?.get("archive")?;
    // A report written by another version may not parse; it then counts as no decision.
    let outcome: ArchiveOutcome = serde_json::from_value(archive.clone()).ok()?;

    match outcome {
        ArchiveOutcome::Applied { .. } => Some(Decision::Applied),
        ArchiveOutcome::Refused {
            mass_archive: true,
            guard_base: Some(active),
            refused_at,
            ..
        } => Some(Decision::Refused(PendingRefusal {
            at: refused_at.unwrap_or(run.started_at),
            active,
        })),
        ArchiveOutcome::Refused { .. } | ArchiveOutcome::Disabled => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::history::RunStatus;
    use crate::memory::MemoryHistory;

    const SOURCE: &str = "Petra Industries";

    fn mass_refusal(guard_base: Option<u64>) -> serde_json::Value {
        json!({ "archive": {
            "action": "refused",
            "would_archive": 250,
            "reason": "archiving 250 of 250 active items",
            "mass_archive": true,
            "guard_base": guard_base,
        }})
    }

    fn incomplete() -> serde_json::Value {
        json!({ "archive": {
            "action": "refused",
            "would_archive": null,
            "reason": "the retrieval was incomplete",
            "mass_archive": false,
        }})
    }

    fn applied() -> serde_json::Value {
        json!({ "archive": { "action": "applied", "count": 0 } })
    }

    /// Records runs oldest first, each a minute after the previous one, and returns the
    /// id of a run started after them all.
    async fn history(runs: &[(bool, Option<serde_json::Value>)]) -> (MemoryHistory, Uuid) {
        let history = MemoryHistory::new();
        let start: chrono::DateTime<chrono::Utc> = "2026-12-01T06:00:00Z".parse().unwrap();
        for (minute, (dry_run, report)) in runs.iter().enumerate() {
            let run_id = Uuid::new_v4();
            let started_at = start + chrono::Duration::minutes(minute as i64);
            let run = RunRecord {
                run_id,
                operation: Operation::GetInventory,
                source: SOURCE.to_owned(),
                dry_run: *dry_run,
                started_at,
                finished_at: None,
                status: RunStatus::Running,
                report: None,
            };
            history.start_run(run).await.unwrap();
            if let Some(report) = report {
                history
                    .finish_run(run_id, RunStatus::Failed, started_at, report.clone())
                    .await
                    .unwrap();
            }
        }
        (history, Uuid::new_v4())
    }

    #[tokio::test]
    async fn refusal_outlasts_runs_without_decision() {
        let (history, current) = history(&[
            (false, Some(applied())),
            (false, Some(mass_refusal(Some(250)))),
            (false, Some(incomplete())),
            (true, Some(applied())),
            (false, Some(json!({ "error": "the pool failed" }))),
            (false, None),
        ])
        .await;

        let pending = find(&history, SOURCE, current).await.unwrap();

        assert_eq!(
            pending,
            Some(PendingRefusal {
                at: "2026-12-01T06:01:00Z".parse().unwrap(),
                active: 250,
            })
        );
    }

    #[tokio::test]
    async fn refusal_found_past_first_page() {
        let mut runs = vec![(false, Some(mass_refusal(Some(250))))];
        runs.extend((0..20).map(|_| (false, Some(incomplete()))));
        let (history, current) = history(&runs).await;

        let pending = find(&history, SOURCE, current).await.unwrap();

        assert_eq!(pending.map(|refusal| refusal.active), Some(250));
    }

    #[tokio::test]
    async fn refusal_outlasts_many_dry_runs() {
        let mut runs = vec![(false, Some(mass_refusal(Some(100))))];
        runs.extend((0..100).map(|_| (true, Some(applied()))));
        let (history, current) = history(&runs).await;

        let pending = find(&history, SOURCE, current).await.unwrap();

        assert_eq!(pending.map(|refusal| refusal.active), Some(100));
    }

    #[tokio::test]
    async fn refusal_keeps_first_time() {
        let mut repeated = mass_refusal(Some(250));
        repeated["archive"]["refused_at"] = json!("2026-11-30T06:00:00Z");
        let (history, current) = history(&[(false, Some(repeated))]).await;

        let pending = find(&history, SOURCE, current).await.unwrap();

        assert_eq!(
            pending.map(|refusal| refusal.at),
            Some("2026-11-30T06:00:00Z".parse().unwrap())
        );
    }

    #[tokio::test]
    async fn applied_archive_ends_the_refusal() {
        let (history, current) = history(&[
            (false, Some(mass_refusal(Some(250)))),
            (false, Some(applied())),
        ])
        .await;

        assert_eq!(find(&history, SOURCE, current).await.unwrap(), None);
    }

    #[tokio::test]
    async fn refusal_without_base_is_ignored() {
        let (history, current) = history(&[(false, Some(mass_refusal(None)))]).await;

        assert_eq!(find(&history, SOURCE, current).await.unwrap(), None);
    }
}

//! Run history and connection tests in a real SQLite file.

use chrono::{TimeZone, Utc};
use petra_ops::history::{ConnectionTest, Operation, RunHistory, RunRecord, RunStatus};
use petra_store::SqliteStore;
use uuid::Uuid;

fn run(started_minute: u32) -> RunRecord {
    RunRecord {
        run_id: Uuid::new_v4(),
        operation: Operation::GetInventory,
        source: "Petra Industries".into(),
        dry_run: false,
        started_at: Utc
            .with_ymd_and_hms(2026, 6, 11, 15, started_minute, 0)
            .unwrap(),
        finished_at: None,
        status: RunStatus::Running,
        report: None,
    }
}

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();
    (dir, store)
}

#[tokio::test]
async fn finished_run_keeps_report() {
    let (_dir, store) = open();
    let started = run(0);
    let finished_at = started.started_at + chrono::Duration::seconds(3);
    store.start_run(started.clone()).await.unwrap();

    store
        .finish_run(
            started.run_id,
            RunStatus::Succeeded,
            finished_at,
            serde_json::json!({"created": 2387}),
        )
        .await
        .unwrap();

    let runs = store
        .recent_runs(Operation::GetInventory, "Petra Industries", 5)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, RunStatus::Succeeded);
    assert_eq!(runs[0].finished_at, Some(finished_at));
    assert_eq!(runs[0].report, Some(serde_json::json!({"created": 2387})));
}

#[tokio::test]
async fn recent_runs_newest_first() {
    let (_dir, store) = open();
    let older = run(0);
    let newer = run(5);
    store.start_run(older.clone()).await.unwrap();
    store.start_run(newer.clone()).await.unwrap();

    let runs = store
        .recent_runs(Operation::GetInventory, "Petra Industries", 5)
        .await
        .unwrap();

    let ids: Vec<Uuid> = runs.iter().map(|run| run.run_id).collect();
    assert_eq!(ids, [newer.run_id, older.run_id]);
}

#[tokio::test]
async fn finish_unknown_run_fails() {
    let (_dir, store) = open();

    let result = store
        .finish_run(
            Uuid::new_v4(),
            RunStatus::Failed,
            Utc::now(),
            serde_json::json!({}),
        )
        .await;

    assert!(result.is_err());
}

#[tokio::test]
async fn connection_test_keeps_latest() {
    let (_dir, store) = open();
    let test = |passed, minute| ConnectionTest {
        connection: "petra".into(),
        tested_at: Utc.with_ymd_and_hms(2026, 6, 11, 15, minute, 0).unwrap(),
        passed,
        message: if passed {
            "DEALER-1042".into()
        } else {
            "401".into()
        },
    };
    store.record_connection_test(test(false, 0)).await.unwrap();
    store.record_connection_test(test(true, 1)).await.unwrap();

    let last = store.last_connection_test("petra").await.unwrap().unwrap();

    assert!(last.passed);
    assert_eq!(last.message, "DEALER-1042");
    assert_eq!(store.last_connection_test("other").await.unwrap(), None);
}

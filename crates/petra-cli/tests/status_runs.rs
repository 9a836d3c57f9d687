//! `petra status` on a run recorded as running: "running" while a live process holds
//! the operation's lock, "did not finish" once its process is gone, even by `kill -9`.

mod common;

use std::io::BufReader;
use std::path::Path;
use std::process::Stdio;

use chrono::Utc;
use petra_ops::history::{Operation, RunHistory, RunRecord, RunStatus};
use petra_ops::schedule::{lock_name, OperationLocks};
use petra_ops::settings::Config;
use petra_store::SqliteStore;

use common::{
    closed_port_url, petra, petra_command, read_until, single_json, write_config,
    write_generated_feed,
};

/// Rows of the feed the killed run reads: enough that a debug build is still reading it
/// after its first progress line (100,000 rows read).
const ROWS: u64 = 300_000;

/// The text `petra status` prints for a run whose process stopped.
const DID_NOT_FINISH: &str = "did not finish (the process stopped before the run recorded its end)";

/// Returns the status and summary of the last Get Inventory run from `petra --json
/// status` in `dir`.
fn last_inventory_run(dir: &Path) -> (String, String) {
    let document = single_json(&petra(dir, &["--json", "status"]));
    let last_run = &document["operations"][0]["last_run"];
    let text = |key: &str| last_run[key].as_str().unwrap_or_default().to_owned();
    (text("status"), text("summary"))
}

/// Returns the text line of the last Get Inventory run from `petra status` in `dir`.
fn last_run_line(dir: &Path) -> String {
    let output = petra(dir, &["status"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.trim_start().starts_with("last run"))
        .unwrap_or_default();
    line.to_owned()
}

#[test]
fn killed_run_did_not_finish() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let feed = dir.path().join("ProdList.csv");
    write_generated_feed(&feed, ROWS, 3);

    let mut child = petra_command(dir.path())
        .args(["inventory", "run", "--feed"])
        .arg(&feed)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    read_until(&mut stderr, "the first progress line", |line| {
        line.contains(" rows read")
    });
    let (while_alive, _) = last_inventory_run(dir.path());
    // `Child::kill` sends SIGKILL, so the run records no end.
    child.kill().unwrap();
    child.wait().unwrap();
    let (after_kill, summary) = last_inventory_run(dir.path());
    let line = last_run_line(dir.path());

    assert_eq!(while_alive, "running");
    assert_eq!(after_kill, "did_not_finish");
    assert_eq!(
        summary,
        "the process stopped before the run recorded its end"
    );
    assert!(line.ends_with(DID_NOT_FINISH), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_lock_keeps_run_running() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let config = Config::load(&dir.path().join("petra.toml")).unwrap();
    let store = SqliteStore::open(config.resolve(&config.store.path)).unwrap();
    let name = lock_name(&config.source.name, Operation::GetInventory);
    let guard = store.try_lock(&name, "test holder").await.unwrap();
    let run = RunRecord {
        run_id: uuid::Uuid::new_v4(),
        operation: Operation::GetInventory,
        source: config.source.name.clone(),
        dry_run: false,
        started_at: Utc::now(),
        finished_at: None,
        status: RunStatus::Running,
        report: None,
    };
    store.start_run(run).await.unwrap();
    let work = dir.path().to_owned();

    let while_held = tokio::task::spawn_blocking(move || last_run_line(&work))
        .await
        .unwrap();
    drop(guard);
    let work = dir.path().to_owned();
    let after_release = tokio::task::spawn_blocking(move || last_run_line(&work))
        .await
        .unwrap();

    assert!(
        while_held.contains(" running (0 records, 0 rejected)"),
        "{while_held}"
    );
    assert!(after_release.ends_with(DID_NOT_FINISH), "{after_release}");
}

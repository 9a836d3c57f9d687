//! `petra schedule run` as an operator runs it: the line it prints per finished run, and
//! its exit code when SIGTERM stops it between runs or during one.

mod common;

use std::cell::Cell;
use std::path::{Path, PathBuf};

use petra_ops::history::{Operation, RunHistory};
use petra_ops::settings::Config;
use petra_store::SqliteStore;

use common::{
    closed_port_url, petra_command, single_json, terminate_after, write_generated_feed, Terminated,
};

/// Rows of the feed a stop signal interrupts: enough that a debug build is still reading
/// it when the signal arrives just after the run started.
const LARGE_FEED_ROWS: u64 = 300_000;

fn sample_feed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/sample-prodlist.csv")
}

/// Writes a `petra.toml` that reads Get Inventory from the file `feed` on `schedule`.
fn write_schedule_config(dir: &Path, feed: &Path, schedule: &str) {
    let config = format!(
        "[connection]\nbase_url = \"{}\"\nfeed_url = {:?}\n\n\
         [inventory]\nretrieval = \"feed\"\nschedule = \"{schedule}\"\n",
        closed_port_url(),
        feed.display().to_string()
    );
    std::fs::write(dir.join("petra.toml"), config).unwrap();
}

/// Builds `petra ARGS schedule run` in `dir` with a login, which the feed ignores.
fn schedule_command(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut command = petra_command(dir);
    command
        .env("PETRA_USERNAME", "dealer")
        .env("PETRA_PASSWORD", "schedule-pass-52")
        .args(args)
        .args(["schedule", "run"]);
    command
}

/// Returns the report of the newest Get Inventory run in the store of `dir/petra.toml`.
async fn newest_inventory_report(dir: &Path) -> serde_json::Value {
    let config = Config::load(&dir.join("petra.toml")).unwrap();
    let store = SqliteStore::open(config.resolve(&config.store.path)).unwrap();
    let runs = store
        .recent_runs(Operation::GetInventory, &config.source.name, 1)
        .await
        .unwrap();
    let run = runs.into_iter().next().expect("a run in the history");
    run.report.expect("the run has a report")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_line_has_report_counts() {
    let dir = tempfile::tempdir().unwrap();
    // Every two seconds, so the second run finds the first run's items unchanged.
    write_schedule_config(dir.path(), &sample_feed(), "*/2 * * * * *");

    let command = schedule_command(dir.path(), &["--json"]);
    let runs_finished = Cell::new(0);
    let Terminated {
        output,
        before_signal,
        ..
    } = tokio::task::spawn_blocking(move || {
        terminate_after(command, "the second run finished", |line| {
            if line.starts_with("Get Inventory ") && line.contains(": {") {
                runs_finished.set(runs_finished.get() + 1);
            }
            runs_finished.get() == 2
        })
    })
    .await
    .unwrap();
    let line = before_signal.lines().last().unwrap_or_default();
    let (_, counts) = line.split_once(": ").unwrap_or_default();
    let counts: serde_json::Value = serde_json::from_str(counts).unwrap();
    let report = newest_inventory_report(dir.path()).await;

    assert_eq!(counts["unchanged"], 9, "{line}");
    assert_eq!(counts["rejected"], 3, "{line}");
    for key in [
        "records",
        "created",
        "updated",
        "unchanged",
        "reactivated",
        "archived",
        "rejected",
    ] {
        assert_eq!(counts[key], report[key], "{key}: {line}\n{report}");
    }
    assert_eq!(output.status.code(), Some(0), "{before_signal}");
    let document = single_json(&output);
    assert_eq!(document["stopped"], true, "{document}");
    assert_eq!(document["interrupted"], serde_json::json!([]), "{document}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_during_run_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("ProdList.csv");
    write_generated_feed(&feed, LARGE_FEED_ROWS, 7);
    write_schedule_config(dir.path(), &feed, "every 1 hours");

    // `-v` logs the start of the run, so the signal arrives while it reads the feed.
    let command = schedule_command(dir.path(), &["--json", "-v"]);
    let Terminated {
        output,
        after_signal,
        ..
    } = tokio::task::spawn_blocking(move || {
        terminate_after(command, "the run started", |line| {
            line.contains("Get Inventory started")
        })
    })
    .await
    .unwrap();
    let document = single_json(&output);
    let report = newest_inventory_report(dir.path()).await;

    assert_eq!(output.status.code(), Some(5), "{after_signal}");
    assert_eq!(report["interrupted"], true, "{report}");
    assert!(
        after_signal.contains("Get Inventory failed: "),
        "{after_signal}"
    );
    assert!(
        after_signal.contains(
            "error: the run did not finish its work (exit 5): a stop signal interrupted \
             Get Inventory"
        ),
        "{after_signal}"
    );
    assert_eq!(
        document["interrupted"],
        serde_json::json!(["get_inventory"]),
        "{document}"
    );
}

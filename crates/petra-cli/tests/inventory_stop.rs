//! `petra inventory run` stopped by SIGTERM in the middle of a large feed: it applies the
//! batches read so far, archives nothing, records the run as finished and interrupted,
//! exits 5, and the next run completes the import.

mod common;

use std::path::Path;

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::history::{Operation, RunHistory, RunStatus};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::Config;
use petra_store::SqliteStore;

use common::{
    closed_port_url, petra, petra_command, single_json, terminate_after, write_config, Terminated,
};

/// Rows of the large feed: enough that a debug build is still reading when the signal
/// arrives after the first progress line (100,000 rows read).
const ROWS: u64 = 300_000;
/// Rows of the catalog imported before the interrupted run.
const OLD_ROWS: u64 = 1_000;

fn write_feed(path: &Path, rows: u64, seed: u64) {
    let file = std::fs::File::create(path).unwrap();
    generate(file, GeneratorOptions { rows, seed }).unwrap();
}

fn open_store(dir: &Path) -> (SqliteStore, String) {
    let config = Config::load(&dir.join("petra.toml")).unwrap();
    let store = SqliteStore::open(config.resolve(&config.store.path)).unwrap();
    (store, config.source.name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_import_at_batch() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let old_feed = dir.path().join("old.csv");
    let feed = dir.path().join("ProdList.csv");
    write_feed(&old_feed, OLD_ROWS, 9);
    write_feed(&feed, ROWS, 7);
    let old_feed = old_feed.display().to_string();
    let feed = feed.display().to_string();

    let first = petra(dir.path(), &["inventory", "run", "--feed", &old_feed]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");

    // --allow-mass-archive leaves the incomplete retrieval as the only reason not to
    // archive the old items.
    let mut command = petra_command(dir.path());
    command.args(["inventory", "run", "--allow-mass-archive", "--feed", &feed]);
    let Terminated {
        output,
        after_signal,
        ..
    } = terminate_after(command, "a batch was written", |line| {
        line.ends_with(" mapped\n")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(5), "{stdout}\n{after_signal}");
    assert!(stdout.contains("  interrupted: "), "{stdout}");
    assert!(
        after_signal
            .contains("stopping after the current batch; the records read so far are saved"),
        "{after_signal}"
    );

    let (store, source) = open_store(dir.path());
    let runs = store
        .recent_runs(Operation::GetInventory, &source, 1)
        .await
        .unwrap();
    let run = runs.first().expect("the interrupted run is in the history");
    let report = run
        .report
        .as_ref()
        .expect("the interrupted run has a report");
    let records = report["records"].as_u64().unwrap();
    let created = report["created"].as_u64().unwrap();
    let updated = report["updated"].as_u64().unwrap();
    let active = store.count(&source, ItemStatus::Active).await.unwrap();
    let archived = store.count(&source, ItemStatus::Archived).await.unwrap();

    assert_eq!(run.status, RunStatus::Failed, "{report}");
    assert!(run.finished_at.is_some(), "{report}");
    assert_eq!(report["interrupted"], true, "{report}");
    assert!(report["stopped_after"].as_u64().is_some(), "{report}");
    assert_eq!(report["retrieval_complete"], false, "{report}");
    assert!(records > 0, "{report}");
    assert!(records < ROWS, "{report}");
    assert_eq!(
        created + updated,
        records,
        "every record read is applied: {report}"
    );
    assert_eq!(archived, 0, "{report}");
    assert_eq!(active, OLD_ROWS + created, "{report}");

    let rerun = petra(
        dir.path(),
        &[
            "--json",
            "inventory",
            "run",
            "--allow-mass-archive",
            "--feed",
            &feed,
        ],
    );
    let report = single_json(&rerun);
    let active = store.count(&source, ItemStatus::Active).await.unwrap();

    assert_eq!(rerun.status.code(), Some(0), "{report}");
    assert_eq!(report["retrieval_complete"], true, "{report}");
    assert_eq!(report["interrupted"], false, "{report}");
    assert_eq!(report["records"], ROWS, "{report}");
    assert_eq!(active, ROWS, "{report}");
}

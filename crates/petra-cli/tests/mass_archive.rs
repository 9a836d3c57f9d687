//! `petra inventory run` on a feed that lost 40% of the catalog: the archive guard keeps
//! every item active, the upserts are applied, the run is recorded as failed and exits
//! 6 with the fix, and `--allow-mass-archive` archives them.

mod common;

use std::path::Path;

use petra_client::feed::{generate, GeneratorOptions};
use petra_ops::history::{Operation, RunHistory, RunStatus};
use petra_ops::pool::{InventoryPool, ItemStatus};
use petra_ops::settings::Config;
use petra_store::SqliteStore;

use common::{closed_port_url, petra, single_json, write_config};

const FULL_ROWS: u64 = 1_000;
/// The first rows of the same generated feed: 40% of the items are absent, above the
/// default guard of 20%.
const SHRUNK_ROWS: u64 = 600;
const SEED: u64 = 7;

fn write_feed(path: &Path, rows: u64) {
    let file = std::fs::File::create(path).unwrap();
    generate(file, GeneratorOptions { rows, seed: SEED }).unwrap();
}

/// Imports the full feed into a new store in `dir` and returns the path of the shrunk feed.
fn imported_store(dir: &Path) -> String {
    write_config(dir, &closed_port_url());
    let full = dir.join("full.csv");
    let shrunk = dir.join("shrunk.csv");
    write_feed(&full, FULL_ROWS);
    write_feed(&shrunk, SHRUNK_ROWS);

    let first = petra(
        dir,
        &["inventory", "run", "--feed", &full.display().to_string()],
    );
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    shrunk.display().to_string()
}

fn open_store(dir: &Path) -> (SqliteStore, String) {
    let config = Config::load(&dir.join("petra.toml")).unwrap();
    let store = SqliteStore::open(config.resolve(&config.store.path)).unwrap();
    (store, config.source.name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_mass_archive_exits_6() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = imported_store(dir.path());

    let output = petra(dir.path(), &["inventory", "run", "--feed", &shrunk]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(6), "{stdout}");
    assert!(stdout.contains("refused, 400 absent"), "{stdout}");
    assert!(
        stdout.contains("fix: check the feed; if the catalog really shrank, run again with --allow-mass-archive (the created"),
        "{stdout}"
    );
    assert_eq!(
        stderr.trim(),
        "error: the archive guard refused a mass archive (exit 6); check the feed, then run \
         again with --allow-mass-archive"
    );

    let (store, source) = open_store(dir.path());
    let runs = store
        .recent_runs(Operation::GetInventory, &source, 1)
        .await
        .unwrap();
    let run = runs.first().expect("the run is in the history");
    let report = run.report.as_ref().expect("the run has a report");
    let active = store.count(&source, ItemStatus::Active).await.unwrap();

    assert_eq!(run.status, RunStatus::Failed, "{report}");
    assert_eq!(report["archive"]["mass_archive"], true, "{report}");
    assert_eq!(report["retrieval_complete"], true, "{report}");
    assert_eq!(report["unchanged"], SHRUNK_ROWS, "{report}");
    assert_eq!(active, FULL_ROWS, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_mass_archive_json_exits_6() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = imported_store(dir.path());

    let output = petra(
        dir.path(),
        &["--json", "inventory", "run", "--feed", &shrunk],
    );
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(6), "{report}");
    assert_eq!(report["archive"]["action"], "refused", "{report}");
    assert_eq!(report["archive"]["would_archive"], 400, "{report}");
    assert_eq!(report["archive"]["mass_archive"], true, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_mass_archive_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = imported_store(dir.path());

    let output = petra(
        dir.path(),
        &[
            "inventory",
            "run",
            "--allow-mass-archive",
            "--feed",
            &shrunk,
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (store, source) = open_store(dir.path());
    let archived = store.count(&source, ItemStatus::Archived).await.unwrap();

    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(archived, FULL_ROWS - SHRUNK_ROWS, "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_feed_keeps_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = imported_store(dir.path());
    // Cutting the last line end makes the retrieval incomplete, which is exit 5 even
    // though 40% of the items are absent too.
    let mut bytes = std::fs::read(&shrunk).unwrap();
    bytes.truncate(bytes.len() - 2);
    std::fs::write(&shrunk, bytes).unwrap();

    let output = petra(
        dir.path(),
        &["--json", "inventory", "run", "--feed", &shrunk],
    );
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(5), "{report}");
    assert_eq!(report["archive"]["mass_archive"], false, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_dry_run_says_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = imported_store(dir.path());

    let output = petra(
        dir.path(),
        &["inventory", "run", "--dry-run", "--feed", &shrunk],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(6), "{stdout}");
    assert!(stdout.contains("(a dry run writes nothing)"), "{stdout}");
    assert!(!stdout.contains("are saved"), "{stdout}");
}

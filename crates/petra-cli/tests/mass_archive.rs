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

use common::{closed_port_url, petra, single_json, write_config, write_feed_without};

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
        format!(
            "error: the archive guard refused a mass archive (exit 6): {shrunk}: archiving 400 \
             of 1000 active items (40.0%) exceeds the archive guard of 20%; if the catalog \
             really shrank, run again with --allow-mass-archive"
        )
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

/// Runs `petra --json inventory run` with `extra` arguments and returns the exit code and
/// the report.
fn run_feed(dir: &Path, feed: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let feed = feed.display().to_string();
    let mut args = vec!["--json", "inventory", "run", "--feed", &feed];
    args.extend_from_slice(extra);
    let output = petra(dir, &args);
    (output.status.code(), single_json(&output))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusal_outlasts_its_own_creates() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let full = dir.path().join("full.csv");
    write_feed(&full, FULL_ROWS);
    // The store gets the first 100 items, and the next feed contains only the other 900,
    // so all 100 are absent. Once its 900 are created, 100 is 10% of the active items.
    let old = dir.path().join("old.csv");
    let other = dir.path().join("other.csv");
    write_feed_without(&full, &old, |row| row >= 100);
    write_feed_without(&full, &other, |row| row < 100);
    let truncated = dir.path().join("truncated.csv");
    let mut bytes = std::fs::read(&other).unwrap();
    bytes.truncate(bytes.len() - 2);
    std::fs::write(&truncated, bytes).unwrap();

    let (code, _) = run_feed(dir.path(), &old, &[]);
    assert_eq!(code, Some(0));
    let (code, refused) = run_feed(dir.path(), &other, &[]);
    assert_eq!(code, Some(6), "{refused}");
    assert_eq!(refused["created"], 900, "{refused}");
    assert_eq!(refused["archive"]["guard_base"], 100, "{refused}");

    // Neither an incomplete run nor a dry run makes an archive decision, so the refusal is
    // still pending.
    let (code, incomplete) = run_feed(dir.path(), &truncated, &[]);
    assert_eq!(code, Some(5), "{incomplete}");
    let (code, dry) = run_feed(dir.path(), &other, &["--dry-run"]);
    assert_eq!(code, Some(6), "{dry}");

    let (code, again) = run_feed(dir.path(), &other, &[]);
    let reason = again["archive"]["reason"].as_str().unwrap_or_default();
    assert_eq!(code, Some(6), "{again}");
    assert_eq!(
        again["archive"]["refused_at"], refused["archive"]["refused_at"],
        "{again}"
    );
    assert_eq!(again["archived"], 0, "{again}");
    assert!(
        reason.starts_with("archiving 100 items is 100.0% of the 100 items that were active"),
        "{reason}"
    );
    assert!(reason.contains("the 1000 items active now"), "{reason}");
    let (store, source) = open_store(dir.path());
    assert_eq!(
        store.count(&source, ItemStatus::Active).await.unwrap(),
        1_000
    );

    let (code, allowed) = run_feed(dir.path(), &other, &["--allow-mass-archive"]);
    assert_eq!(code, Some(0), "{allowed}");
    assert_eq!(allowed["archived"], 100, "{allowed}");
    let (code, after) = run_feed(dir.path(), &other, &[]);
    assert_eq!(code, Some(0), "{after}");
    assert_eq!(after["archive"]["action"], "applied", "{after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusal_lets_a_small_shrink_through() {
    let dir = tempfile::tempdir().unwrap();
    let shrunk = imported_store(dir.path());
    let full = dir.path().join("full.csv");
    let nearly_full = dir.path().join("nearly-full.csv");
    write_feed_without(&full, &nearly_full, |row| row % 100 == 0);

    let (code, refused) = run_feed(dir.path(), Path::new(&shrunk), &[]);
    assert_eq!(code, Some(6), "{refused}");
    let (code, recovered) = run_feed(dir.path(), &nearly_full, &[]);

    assert_eq!(code, Some(0), "{recovered}");
    assert_eq!(recovered["archived"], 10, "{recovered}");
}

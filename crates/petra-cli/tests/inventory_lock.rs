//! `petra inventory run` takes the Get Inventory lock, so it never overlaps another run
//! of the same operation on one store.

mod common;

use std::path::Path;
use std::process::Output;

use petra_ops::history::Operation;
use petra_ops::schedule::{lock_name, LockGuard, OperationLocks};
use petra_ops::settings::Config;
use petra_store::SqliteStore;

use common::{closed_port_url, petra, real_feed, write_config};

/// Takes the Get Inventory lock of the store that `dir/petra.toml` names, as another
/// process would.
async fn hold_lock(dir: &Path) -> LockGuard {
    let config = Config::load(&dir.join("petra.toml")).unwrap();
    let store = SqliteStore::open(config.resolve(&config.store.path)).unwrap();
    let name = lock_name(&config.source.name, Operation::GetInventory);
    let guard = store.try_lock(&name, "test holder").await.unwrap();
    guard.unwrap_or_else(|| panic!("the test could not take {name}"))
}

/// Runs `petra inventory run EXTRA --feed REAL_FEED` in `dir` on a blocking thread.
async fn run_inventory(dir: &Path, extra: &[&str]) -> Output {
    let feed = real_feed().display().to_string();
    let mut args = vec!["inventory".to_owned(), "run".to_owned()];
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    args.extend(["--feed".to_owned(), feed]);
    let dir = dir.to_owned();

    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        petra(&dir, &args)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_lock_rejects_inventory_run() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let _guard = hold_lock(dir.path()).await;

    let output = run_inventory(dir.path(), &[]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another run holds the lock"), "{stderr}");
    assert!(stderr.contains("get_inventory"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_also_takes_lock() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let _guard = hold_lock(dir.path()).await;

    let output = run_inventory(dir.path(), &["--dry-run"]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_lock_lets_inventory_run() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());

    let output = run_inventory(dir.path(), &[]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_lock_rejects_demo() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("demo.sqlite")).unwrap();
    let name = lock_name("Petra Industries", Operation::GetInventory);
    let _guard = store.try_lock(&name, "test holder").await.unwrap().unwrap();
    let work = dir.path().to_owned();

    let output =
        tokio::task::spawn_blocking(move || petra(&work, &["demo", "--store", "demo.sqlite"]))
            .await
            .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another run holds the lock"), "{stderr}");
}

//! `is_held` on the SQLite store distinguishes a held operation lock from a free one
//! without taking it, and checking never releases a lock this process holds.

use std::process::Command;

use petra_ops::schedule::OperationLocks;
use petra_store::SqliteStore;

const LOCK: &str = "Petra Industries/get_inventory";
const DB_VAR: &str = "PETRA_LOCK_CHECK_DB";

/// Exit code of the child when the lock was free and it took it.
const TOOK_LOCK: i32 = 10;
/// Exit code of the child when another process held the lock.
const LOCK_BUSY: i32 = 11;

/// Tries the lock as the child process of `check_keeps_lock_of_this_process`. Without
/// the database variable set it returns at once.
#[tokio::test]
#[ignore = "child process of check_keeps_lock_of_this_process"]
async fn try_lock_in_child() {
    let Ok(path) = std::env::var(DB_VAR) else {
        return;
    };
    let store = SqliteStore::open(path).unwrap();
    let guard = store.try_lock(LOCK, "child").await.unwrap();
    std::process::exit(if guard.is_some() {
        TOOK_LOCK
    } else {
        LOCK_BUSY
    });
}

/// Runs `try_lock_in_child` in a new process and returns its exit code.
fn lock_from_other_process(path: &std::path::Path) -> Option<i32> {
    Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "try_lock_in_child"])
        .env(DB_VAR, path)
        .output()
        .unwrap()
        .status
        .code()
}

#[tokio::test]
async fn is_held_follows_guard() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("petra.sqlite")).unwrap();

    let before = store.is_held(LOCK).await.unwrap();
    let guard = store
        .try_lock(LOCK, "test")
        .await
        .unwrap()
        .expect("lock free");
    let during = store.is_held(LOCK).await.unwrap();
    drop(guard);
    let after = store.is_held(LOCK).await.unwrap();

    assert_eq!(before, Some(false));
    assert_eq!(during, Some(true));
    assert_eq!(after, Some(false));
}

#[tokio::test]
async fn check_keeps_lock_of_this_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    let _guard = store
        .try_lock(LOCK, "test")
        .await
        .unwrap()
        .expect("lock free");

    // A check that opened and closed the lock file would drop this process's lock.
    store.is_held(LOCK).await.unwrap();
    let child = lock_from_other_process(&path);

    assert_eq!(child, Some(LOCK_BUSY));
}

#[tokio::test]
async fn lock_released_when_other_process_exits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petra.sqlite");
    let store = SqliteStore::open(&path).unwrap();

    // The child takes the lock and exits, which releases it.
    let child = lock_from_other_process(&path);
    let after_exit = store.is_held(LOCK).await.unwrap();

    assert_eq!(child, Some(TOOK_LOCK));
    assert_eq!(after_exit, Some(false));
}

//! Several processes or threads opening one new store file at the same moment.

use std::sync::{Arc, Barrier};

use petra_store::SqliteStore;

#[test]
fn concurrent_opens_of_new_store() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.sqlite");
        let openers = 6;
        let barrier = Arc::new(Barrier::new(openers));

        let handles: Vec<_> = (0..openers)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let path = path.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    SqliteStore::open(&path).map(|_| ())
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();

        for result in &results {
            assert!(result.is_ok(), "round {round}: {result:?}");
        }
        assert!(SqliteStore::open(&path).is_ok(), "round {round}: reopen");
    }
}

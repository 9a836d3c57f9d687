//! `petra demo --feed` stopped by SIGTERM while the sandbox loads a large feed exits 5
//! with an error stating that nothing was imported, and creates no store.

use std::io::{BufReader, Read};
use std::process::Stdio;

use petra_client::feed::{generate, GeneratorOptions};

mod common;

use common::{petra_command, read_until, terminate};

/// Rows of the feed: enough that a debug build is still loading it into the sandbox
/// when the signal arrives.
const ROWS: u64 = 300_000;

#[test]
fn sigterm_while_sandbox_loads_feed() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("ProdList.csv");
    let file = std::fs::File::create(&feed).unwrap();
    generate(
        file,
        GeneratorOptions {
            rows: ROWS,
            seed: 8,
        },
    )
    .unwrap();

    let mut child = petra_command(dir.path())
        .args(["demo", "--feed"])
        .arg(&feed)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    read_until(&mut stderr, "loading the feed", |line| {
        line.ends_with("into the sandbox\n")
    });
    terminate(child.id());
    let mut after_signal = String::new();
    stderr.read_to_string(&mut after_signal).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(5), "{stdout}\n{after_signal}");
    assert!(
        after_signal.contains("while the sandbox was loading its catalog"),
        "{after_signal}"
    );
    assert!(!stdout.contains("sandbox listening"), "{stdout}");
    assert!(!dir.path().join("petra-demo.sqlite").exists());
}

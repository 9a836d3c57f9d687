//! `petra demo --feed` stopped by SIGTERM while the sandbox loads a large feed exits 5
//! with an error stating that nothing was imported, and creates no store.

use petra_client::feed::{generate, GeneratorOptions};

mod common;

use common::{petra_command, terminate_after, Terminated};

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

    let mut command = petra_command(dir.path());
    command.args(["demo", "--feed"]).arg(&feed);
    let Terminated {
        output,
        after_signal,
        ..
    } = terminate_after(command, "loading the feed", |line| {
        line.ends_with("into the sandbox\n")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(5), "{stdout}\n{after_signal}");
    assert!(
        after_signal.contains("while the sandbox was loading its catalog"),
        "{after_signal}"
    );
    assert!(!stdout.contains("sandbox listening"), "{stdout}");
    assert!(
        after_signal.contains("stopping the demo after its current step"),
        "{after_signal}"
    );
    assert!(!after_signal.contains("current batch"), "{after_signal}");
    assert!(!dir.path().join("petra-demo.sqlite").exists());
}

//! What `petra` writes to stderr when a command fails: the error once, and no colour
//! escapes when stderr is not a terminal.

mod common;

use std::path::Path;
use std::process::Output;

use common::{closed_port_url, petra_command, real_feed, write_config};

/// Runs `inventory run --feed REAL_FEED` with the API inventory template, which does not
/// compile for a ProdList feed, with `PETRA_LOG` set to `log` when given.
fn failing_run(dir: &Path, log: Option<&str>) -> Output {
    write_config(dir, &closed_port_url());
    let template = fieldmap::defaults::export_toml("petra-api-inventory").unwrap();
    std::fs::write(dir.join("api-template.toml"), template).unwrap();
    let mut config = std::fs::read_to_string(dir.join("petra.toml")).unwrap();
    config.push_str("[inventory]\ntemplate = \"api-template.toml\"\n");
    std::fs::write(dir.join("petra.toml"), config).unwrap();

    let mut command = petra_command(dir);
    if let Some(log) = log {
        command.env("PETRA_LOG", log);
    }
    let feed = real_feed();
    command
        .args(["inventory", "run", "--feed"])
        .arg(feed)
        .output()
        .unwrap()
}

#[test]
fn failure_printed_once() {
    let dir = tempfile::tempdir().unwrap();

    let output = failing_run(dir.path(), None);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.matches("does not compile").count(), 1, "{stderr}");
    assert!(!stderr.contains(" WARN "), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn petra_log_shows_warnings_plain() {
    let dir = tempfile::tempdir().unwrap();

    let output = failing_run(dir.path(), Some("warn"));
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(stderr.contains(" WARN "), "{stderr}");
    assert!(stderr.contains("Get Inventory failed"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn verbose_shows_warnings() {
    let dir = tempfile::tempdir().unwrap();

    let output = failing_run(dir.path(), None);
    let quiet = String::from_utf8_lossy(&output.stderr).into_owned();
    let output = petra_command(dir.path())
        .args(["-v", "inventory", "run", "--feed"])
        .arg(real_feed())
        .output()
        .unwrap();
    let verbose = String::from_utf8_lossy(&output.stderr);

    assert!(!quiet.contains("Get Inventory failed"), "{quiet}");
    assert!(verbose.contains("Get Inventory failed"), "{verbose}");
}

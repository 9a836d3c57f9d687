//! `petra shipments fetch` when Petra cannot be reached: a closed port on 127.0.0.1 gives
//! exit 4 with the cause, like `petra orders send`, while a listing that reached Petra
//! and failed gives exit 5.

mod common;

use petra_sandbox::{FaultConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME};

use common::{closed_port_url, error_lines, run_json, start_sandbox, write_config};

#[test]
fn closed_port_fetch_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());

    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["shipments", "fetch"]);

    assert_eq!(code, Some(4), "{report}");
    assert_eq!(report["petra_unreachable"], true, "{report}");
    assert_eq!(report["complete"], false, "{report}");
    assert_eq!(report["fatal_error"], serde_json::Value::Null, "{report}");
}

#[test]
fn closed_port_fetch_names_cause() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());

    let (_, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["shipments", "fetch"]);
    let error = report["retrieval_error"].as_str().unwrap_or_default();

    assert!(error.contains("Connection refused"), "{report}");
}

#[test]
fn closed_port_fetch_text() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());

    let output = common::petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["shipments", "fetch"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("no request reached Petra"), "{stdout}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(stderr.contains("(exit 4): "), "{stderr}");
    assert!(stderr.contains("Connection refused"), "{stderr}");
    assert!(stdout.contains("connection.base_url"), "{stdout}");
    assert!(!stdout.contains("run again to fetch the rest"), "{stdout}");
}

#[test]
fn server_error_fetch_exits_5() {
    let (_runtime, sandbox) = start_sandbox();
    let faults: FaultConfig = "shipments:503".parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["shipments", "fetch"]);

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["petra_unreachable"], false, "{report}");
    assert_eq!(report["complete"], false, "{report}");
}

/// Runs `petra shipments fetch` with `flags` against a sandbox whose shipment listing
/// fails with the fault `spec`, such as `shipments:503`.
fn fetch_with_fault(spec: &str, flags: &[&str]) -> std::process::Output {
    let (_runtime, sandbox) = start_sandbox();
    let faults: FaultConfig = spec.parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    common::petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(flags)
        .args(["shipments", "fetch"])
        .output()
        .unwrap()
}

#[test]
fn server_error_fetch_error_line() {
    let output = fetch_with_fault("shipments:503", &["--json"]);
    let report = common::single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = report["retrieval_error"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(5), "{report}");
    assert!(!error.is_empty(), "{report}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the run did not finish its work (exit 5): {error}"
        )),
        "{stderr}"
    );
}

#[test]
fn dropped_listing_says_nothing_changed() {
    let output = fetch_with_fault("shipments:drop", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(!stdout.contains("may have reached Petra"), "{stdout}");
    assert!(!stderr.contains("may have reached Petra"), "{stderr}");
    assert!(stderr.contains("changes nothing at Petra"), "{stderr}");
}

#[test]
fn failed_first_page_says_nothing_read() {
    let output = fetch_with_fault("shipments:503", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(stdout.contains("nothing was read"), "{stdout}");
    assert!(!stdout.contains("what was read is stored"), "{stdout}");
}

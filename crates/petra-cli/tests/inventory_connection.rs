//! `petra inventory run` from the API when Petra rejects the login or cannot be reached:
//! exit 4 with `fatal_error`, `fatal_status` and a fix, like `petra shipments fetch`,
//! while a catalog listing that reached Petra and failed gives exit 5.

mod common;

use petra_sandbox::{FaultConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME};

use common::{closed_port_url, run_json, start_sandbox, write_config};

#[test]
fn wrong_password_exits_4() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, report) = run_json(dir.path(), "wrong-password", &["inventory", "run"]);

    assert_eq!(code, Some(4), "{report}");
    assert_eq!(report["fatal_status"], 401, "{report}");
    assert!(report["fatal_error"].is_string(), "{report}");
    assert_eq!(report["retrieval_complete"], false, "{report}");
}

#[test]
fn wrong_password_text_has_fix() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let output = common::petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", "wrong-password")
        .args(["inventory", "run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("stopped: "), "{stdout}");
    assert!(stdout.contains("fix: set PETRA_USERNAME"), "{stdout}");
}

#[test]
fn closed_port_inventory_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());

    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["inventory", "run"]);
    let error = report["retrieval_error"].as_str().unwrap_or_default();

    assert_eq!(code, Some(4), "{report}");
    assert_eq!(report["petra_unreachable"], true, "{report}");
    assert_eq!(report["fatal_error"], serde_json::Value::Null, "{report}");
    assert!(error.contains("Connection refused"), "{report}");
}

#[test]
fn closed_port_fix_names_base_url() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());

    let output = common::petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["inventory", "run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let fix = common::fix_line(&stdout);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(fix.contains("connection.base_url"), "{stdout}");
    assert!(!fix.contains("feed_url"), "{stdout}");
}

#[test]
fn server_error_inventory_exits_5() {
    let (_runtime, sandbox) = start_sandbox();
    let faults: FaultConfig = "catalog:503".parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["inventory", "run"]);

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["petra_unreachable"], false, "{report}");
    assert_eq!(report["fatal_error"], serde_json::Value::Null, "{report}");
}

//! `petra orders send` when requests stay pending after the run tried them: a `429` whose
//! `Retry-After` is past the 60 s cap, a `429` on every retry, and a lost reply whose
//! lookup finds no order on every retry. Each run exits 5 and counts the requests in
//! `deferred`, and a run without faults then submits each order once.

mod common;

use std::path::Path;

use petra_sandbox::{FaultConfig, RunningSandbox, DEFAULT_PASSWORD, DEFAULT_USERNAME};

use common::{run_json, start_sample_sandbox, write_config};

/// Writes the configuration with `max_retries` and imports one order.
fn setup(dir: &Path, sandbox: &RunningSandbox, max_retries: u32) {
    write_config(dir, &sandbox.base_url());
    let config = std::fs::read_to_string(dir.join("petra.toml")).unwrap();
    std::fs::write(
        dir.join("petra.toml"),
        format!("{config}\n[fulfillment]\nmax_retries = {max_retries}\n"),
    )
    .unwrap();

    let sku = petra_sandbox::sample_products()[0].variants[0]
        .sku
        .to_string();
    let order = serde_json::json!([
        {"fr_number": "LATER-1", "ship_to_name": "Dana Whitfield",
         "address_line_1": "1400 Harbor Blvd", "city": "Tempe", "state": "AZ",
         "postal_code": "85281", "lines": [{"sku": sku, "quantity": 1}]}
    ]);
    std::fs::write(dir.join("orders.json"), order.to_string()).unwrap();
    let (code, imported) = run_json(dir, DEFAULT_PASSWORD, &["orders", "import", "orders.json"]);
    assert_eq!(code, Some(0), "{imported}");
}

/// Sends the one order under `faults`, and returns the exit code and the report.
fn send_with_faults(faults: &str, max_retries: u32) -> (Option<i32>, serde_json::Value) {
    let (_runtime, sandbox) = start_sample_sandbox();
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &sandbox, max_retries);
    let faults: FaultConfig = faults.parse().unwrap();
    sandbox.set_faults(faults).unwrap();

    run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"])
}

#[test]
fn long_retry_after_exits_5() {
    let (code, report) = send_with_faults("orders.create:429=120", 5);

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["deferred"], 1, "{report}");
    assert_eq!(report["pending"], 1, "{report}");
    assert_eq!(report["results"][0]["deferred"], true, "{report}");
}

#[test]
fn rate_limit_budget_exits_5() {
    let (code, report) = send_with_faults("orders.create:429=0", 1);

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["deferred"], 1, "{report}");
    assert_eq!(report["pending"], 1, "{report}");
    let error = report["results"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("429"), "{report}");
}

#[test]
fn lost_replies_budget_exits_5() {
    let (code, report) = send_with_faults("orders.create:drop-before", 1);

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["deferred"], 1, "{report}");
    assert_eq!(report["unknown"], 0, "{report}");
    assert_eq!(report["results"][0]["state"], "pending", "{report}");
}

#[test]
fn server_errors_keep_their_cause() {
    let (_runtime, sandbox) = start_sample_sandbox();
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &sandbox, 1);
    let faults: FaultConfig = "orders.create:503".parse().unwrap();
    sandbox.set_faults(faults).unwrap();

    let output = common::petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["--json", "orders", "send"])
        .output()
        .unwrap();
    let report = common::single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = report["results"][0]["error"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(5), "{report}");
    assert_eq!(report["deferred"], 1, "{report}");
    assert!(error.contains("503"), "{error}");
    assert!(
        error.ends_with("; a later PO lookup found no order"),
        "{error}"
    );
    assert!(stderr.contains("1 request deferred (LATER-1: "), "{stderr}");
    assert!(stderr.contains("503"), "{stderr}");
}

#[test]
fn deferred_text_names_count() {
    let (_runtime, sandbox) = start_sample_sandbox();
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &sandbox, 5);
    let faults: FaultConfig = "orders.create:429=120".parse().unwrap();
    sandbox.set_faults(faults).unwrap();

    let output = common::petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["orders", "send"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(stdout.contains("deferred: 1 request(s)"), "{stdout}");
}

#[test]
fn deferred_order_sent_once_later() {
    let (_runtime, sandbox) = start_sample_sandbox();
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &sandbox, 1);
    let faults: FaultConfig = "orders.create:drop-before".parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    let (first, _) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);
    assert_eq!(first, Some(5));

    sandbox.clear_faults();
    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);

    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["submitted"], 1, "{report}");
    assert_eq!(report["deferred"], 0, "{report}");
    assert_eq!(report["stopped_after"], serde_json::Value::Null, "{report}");
    let stored = sandbox.admin().po("LATER-1").map(|record| record.stored);
    assert_eq!(stored, Some(1), "{report}");
}

//! `petra shipments fetch` names each order by the PO as the merchant wrote it, although
//! Petra returns POs upper-case and the ledger matches them ignoring case.

mod common;

use std::path::Path;

use petra_sandbox::{CatalogSource, ClockConfig, RunningSandbox, Sandbox, SandboxConfig};
use serde_json::json;

use common::{petra_command, run_json, single_json, write_config};

/// The PO of the one order, in lower case as a merchant may write it.
const PO: &str = "po-case-7";

/// Starts a sandbox on its own runtime whose clock starts at this machine's time, which
/// `petra shipments fetch` counts its window back from.
fn start_sandbox() -> (tokio::runtime::Runtime, RunningSandbox) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = SandboxConfig::default()
        .with_catalog(CatalogSource::Sample)
        .with_clock(ClockConfig::paused_at(chrono::Utc::now()));
    let sandbox = runtime.block_on(Sandbox::start(config)).unwrap();
    (runtime, sandbox)
}

/// Imports and sends the order `PO`, then moves the sandbox clock 5 days on, past the
/// time it ships.
fn send_order(dir: &Path, sandbox: &RunningSandbox) {
    let sku = petra_sandbox::sample_products()[0].variants[0]
        .sku
        .to_string();
    let request = json!([{
        "fr_number": PO,
        "ship_to_name": "Dana Whitfield",
        "address_line_1": "1400 Harbor Blvd",
        "city": "Tempe",
        "state": "AZ",
        "postal_code": "85281",
        "lines": [{ "sku": sku, "quantity": 2 }]
    }]);
    std::fs::write(dir.join("orders.json"), request.to_string()).unwrap();

    let password = petra_sandbox::DEFAULT_PASSWORD;
    let (code, imported) = run_json(dir, password, &["orders", "import", "orders.json"]);
    assert_eq!(code, Some(0), "{imported}");
    let (code, sent) = run_json(dir, password, &["orders", "send"]);
    assert_eq!(code, Some(0), "{sent}");
    assert_eq!(sent["submitted"], 1, "{sent}");
    sandbox.advance_clock(chrono::Duration::days(5));
}

/// Runs `petra shipments fetch` in `dir` with the sandbox's login, with `--json` first
/// when `json` is true.
fn fetch_shipments(dir: &Path, json: bool) -> std::process::Output {
    let mut command = petra_command(dir);
    command
        .env("PETRA_USERNAME", petra_sandbox::DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", petra_sandbox::DEFAULT_PASSWORD);
    if json {
        command.arg("--json");
    }
    command.args(["shipments", "fetch"]).output().unwrap()
}

#[test]
fn shipment_messages_keep_po_case() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());
    send_order(dir.path(), &sandbox);

    let output = fetch_shipments(dir.path(), false);
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(&format!("  {PO} is now ")), "{stdout}");
    assert!(!stdout.contains(&PO.to_uppercase()), "{stdout}");
}

#[test]
fn shipment_report_keeps_po_case() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());
    send_order(dir.path(), &sandbox);

    let output = fetch_shipments(dir.path(), true);
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(report["orders"][0]["po_number"], PO, "{report}");
    assert_eq!(report["unmatched"], json!([]), "{report}");
}

//! `petra orders` as an operator runs it, against an in-process sandbox: import, send,
//! a `kill -9` in the middle of a send, and the rerun that finishes the job without
//! sending any order twice.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use petra_sandbox::{
    AttemptOutcome, CatalogSource, ClockConfig, FaultConfig, RunningSandbox, Sandbox,
    SandboxConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME,
};
use serde_json::{json, Value};

use common::FULFILLING_SOURCE;

const ORDERS: usize = 200;

fn petra(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_petra"));
    command
        .current_dir(dir)
        .env("PETRA_CONFIG", dir.join("petra.toml"))
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .env_remove("PETRA_API_KEY")
        .env_remove("PETRA_LOG");
    command
}

/// Runs `petra ARGS` to its end on a blocking thread, so the sandbox keeps serving.
async fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = petra(dir);
    command.args(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn write_setup(dir: &Path, sandbox: &RunningSandbox) {
    write_setup_with_source(dir, sandbox, FULFILLING_SOURCE);
}

/// Writes `petra.toml` with `source` as its `[source]` table, and 200 orders to import.
fn write_setup_with_source(dir: &Path, sandbox: &RunningSandbox, source: &str) {
    let config = format!(
        "[connection]\nbase_url = \"{}\"\ntimeout_secs = 5\nrequests_per_second = 200\n\n\
         {source}[fulfillment]\nconcurrency = 8\n\n[store]\npath = \"petra.sqlite\"\n",
        sandbox.base_url()
    );
    std::fs::write(dir.join("petra.toml"), config).unwrap();

    let skus: Vec<String> = petra_sandbox::sample_products()
        .into_iter()
        .flat_map(|product| product.variants)
        .map(|variant| variant.sku.to_string())
        .collect();
    let requests: Vec<Value> = (1..=ORDERS)
        .map(|index| {
            json!({
                "fr_number": format!("KILL-{index:03}"),
                "ship_to_name": "Dana Whitfield",
                "address_line_1": "1400 Harbor Blvd",
                "city": "Tempe",
                "state": "AZ",
                "postal_code": "85281",
                "lines": [{ "sku": skus[index % skus.len()], "quantity": index % 4 + 1 }]
            })
        })
        .collect();
    std::fs::write(
        dir.join("orders.json"),
        serde_json::to_vec(&requests).unwrap(),
    )
    .unwrap();
}

async fn start_sandbox(faults: &str) -> RunningSandbox {
    let faults: FaultConfig = faults.parse().unwrap();
    // The command line reads the system clock, so the sandbox clock starts there too.
    let config = SandboxConfig::default()
        .with_catalog(CatalogSource::Sample)
        .with_clock(ClockConfig::paused_at(chrono::Utc::now()))
        .with_faults(faults);
    Sandbox::start(config).await.unwrap()
}

fn stored_orders(sandbox: &RunningSandbox) -> usize {
    sandbox
        .admin()
        .orders
        .iter()
        .filter(|record| record.stored > 0)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_mid_send_then_rerun() {
    let sandbox = start_sandbox("orders.create:latency=40").await;
    let dir = tempfile::tempdir().unwrap();
    write_setup(dir.path(), &sandbox);
    let imported = run(dir.path(), &["orders", "import", "orders.json"]).await;
    assert!(imported.status.success(), "{imported:?}");

    let mut child = petra(dir.path())
        .args(["orders", "send"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while stored_orders(&sandbox) < ORDERS / 4 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the send made no progress"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Child::kill sends SIGKILL on Unix: no handler runs, nothing is flushed.
    child.kill().unwrap();
    child.wait().unwrap();
    let at_kill = stored_orders(&sandbox);
    assert!(
        at_kill < ORDERS,
        "the send finished before the kill; raise the latency"
    );

    let rerun = run(dir.path(), &["orders", "send", "--json"]).await;
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let report: Value = serde_json::from_slice(&rerun.stdout).unwrap();

    let admin = sandbox.admin();
    assert_eq!(admin.orders.len(), ORDERS);
    for record in &admin.orders {
        assert_eq!(
            record.stored, 1,
            "{} stored {} times",
            record.po_number, record.stored
        );
        let duplicates = record
            .attempts
            .iter()
            .filter(|attempt| attempt.outcome == AttemptOutcome::DuplicatePo)
            .count();
        assert_eq!(
            duplicates, 0,
            "{} was sent again after Petra stored it",
            record.po_number
        );
    }
    assert_eq!(report["unknown"], 0);
    assert_eq!(report["pending"], 0);

    let listed = run(dir.path(), &["orders", "list", "--json"]).await;
    let entries: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(entries.len(), ORDERS);
    for entry in &entries {
        assert_eq!(entry["state"], "submitted", "{entry}");
        let po = entry["po_number"].as_str().unwrap();
        let held = admin.po(po).unwrap().order.as_ref().unwrap();
        assert_eq!(entry["order_id"], held.order_id.as_str(), "{po}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_commands_bad_input() {
    let sandbox = start_sandbox("").await;
    let dir = tempfile::tempdir().unwrap();
    write_setup(dir.path(), &sandbox);
    std::fs::write(
        dir.path().join("bad.csv"),
        "fr_number,ship_to_name,address_line_1,city,state,postal_code,item_sku,item_quantity\n\
         BAD-1,Lee Park,9 Elm St,Austin,Texas,7870,1KSK02U22GE02,1.5\n",
    )
    .unwrap();

    let imported = run(dir.path(), &["orders", "import", "bad.csv"]).await;
    let text = String::from_utf8_lossy(&imported.stdout);
    assert!(imported.status.success());
    assert!(
        text.contains("BAD-1 (request 1 in the file): state"),
        "{text}"
    );
    assert!(text.contains("postal_code"), "{text}");
    assert!(text.contains("lines[0].quantity"), "{text}");

    let sent = run(dir.path(), &["orders", "send", "--json"]).await;
    let report: Value = serde_json::from_slice(&sent.stdout).unwrap();
    assert_eq!(report["rejected"], 1);
    assert_eq!(
        sandbox.admin().total_attempts(),
        0,
        "an invalid request reached Petra"
    );
    let status = run(dir.path(), &["status", "--json"]).await;
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    let last_send = &status["operations"][1]["last_run"];
    assert_eq!(last_send["status"], "failed", "{last_send}");
    assert_eq!(last_send["problems"], 1, "{last_send}");
    let text = run(dir.path(), &["status"]).await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("failed (0 submitted, 1 rejected"), "{text}");

    let missing = run(dir.path(), &["orders", "import", "nope.json"]).await;
    assert!(!missing.status.success());
    let unknown = run(dir.path(), &["orders", "show", "NOPE-1"]).await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not in the outbox"));
    let release = run(dir.path(), &["orders", "release", "BAD-1"]).await;
    assert!(String::from_utf8_lossy(&release.stderr).contains("not held"));
    let state = run(dir.path(), &["orders", "list", "--state", "shipped"]).await;
    assert_eq!(state.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_release_send_show() {
    let sandbox = start_sandbox("").await;
    let dir = tempfile::tempdir().unwrap();
    write_setup(dir.path(), &sandbox);
    let imported = run(dir.path(), &["orders", "import", "orders.json", "--hold"]).await;
    assert!(imported.status.success());

    let first = run(dir.path(), &["orders", "send", "--json"]).await;
    let report: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(report["held"], ORDERS as u64);
    assert_eq!(sandbox.admin().total_attempts(), 0);

    let released = run(dir.path(), &["orders", "release", "kill-007"]).await;
    assert!(released.status.success(), "{released:?}");
    let second = run(dir.path(), &["orders", "send", "--json"]).await;
    let report: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["submitted"], 1);

    sandbox.advance_clock(chrono::Duration::hours(200));
    let fetched = run(
        dir.path(),
        &["shipments", "fetch", "--days", "30", "--json"],
    )
    .await;
    assert!(
        fetched.status.success(),
        "{}",
        String::from_utf8_lossy(&fetched.stderr)
    );
    let shown = run(dir.path(), &["orders", "show", "KILL-007", "--json"]).await;
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["entry"]["state"], "submitted");
    assert_eq!(shown["shipping"]["state"], "shipped");
    assert!(!shown["shipments"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_fulfilling_source_sends_nothing() {
    let sandbox = start_sandbox("").await;
    let dir = tempfile::tempdir().unwrap();
    write_setup_with_source(
        dir.path(),
        &sandbox,
        "[source]\nfulfills_orders = false\n\n",
    );

    let imported = run(dir.path(), &["orders", "import", "orders.json"]).await;
    let sent = run(dir.path(), &["orders", "send"]).await;
    let status = run(dir.path(), &["status", "--json"]).await;

    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(imported.status.code(), Some(3));
    assert_eq!(sent.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("fulfills_orders"), "{stderr}");
    assert_eq!(sandbox.admin().total_attempts(), 0);
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    let configured = &status["operations"][1]["configured"];
    assert_eq!(configured["ok"], false, "{configured}");
    assert!(
        configured["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("source.fulfills_orders"),
        "{configured}"
    );
}

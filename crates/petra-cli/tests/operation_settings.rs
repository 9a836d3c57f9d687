//! A settings problem stops only the operations that read the setting: `petra status`
//! shows the same per operation, the commands run or stop to match, and
//! `petra connection test` checks only the settings every operation shares.

mod common;

use std::path::{Path, PathBuf};

use common::{
    closed_port_url, petra, petra_command, single_json, start_sandbox, terminate_after, Terminated,
};
use petra_sandbox::{DEFAULT_PASSWORD, DEFAULT_USERNAME};

fn sample_feed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/sample-prodlist.csv")
}

/// Writes a `petra.toml` whose source fulfills orders but names no shipping method and no
/// ship-from state, which only Send Fulfillment Requests reads.
fn write_shipping_problem_config(dir: &Path) {
    write_shipping_problem_config_with(dir, "", "");
}

/// Writes the configuration of [`write_shipping_problem_config`] with `connection` added
/// to its `[connection]` table and `tables` after it.
fn write_shipping_problem_config_with(dir: &Path, connection: &str, tables: &str) {
    let config = format!(
        "[connection]\nbase_url = \"{}\"\ntimeout_secs = 2\n{connection}\n\
         [source]\nfulfills_orders = true\n\
         ship_from = {{ address = \"2101 S Hohokam Dr\", city = \"Tempe\", \
         postal_code = \"85282\", country_code = \"US\" }}\n\n{tables}",
        closed_port_url()
    );
    std::fs::write(dir.join("petra.toml"), config).unwrap();
}

#[test]
fn status_blames_only_fulfillment() {
    let dir = tempfile::tempdir().unwrap();
    write_shipping_problem_config(dir.path());

    let status = single_json(&petra(dir.path(), &["--json", "status"]));

    let operations = status["operations"].as_array().unwrap();
    let configured = |index: usize| &operations[index]["configured"];
    assert_eq!(operations[0]["operation"], "get_inventory", "{status}");
    assert_eq!(configured(0)["ok"], true, "{status}");
    assert_eq!(operations[0]["mapped"]["ok"], true, "{status}");
    assert_eq!(configured(1)["ok"], false, "{status}");
    let detail = configured(1)["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("source.shipping_methods"), "{status}");
    assert!(detail.contains("source.ship_from.state_code"), "{status}");
    assert_eq!(operations[2]["operation"], "get_shipments", "{status}");
    assert_eq!(configured(2)["ok"], true, "{status}");
}

#[test]
fn inventory_runs_despite_shipping_problem() {
    let dir = tempfile::tempdir().unwrap();
    write_shipping_problem_config(dir.path());
    let feed = sample_feed();

    let output = petra(
        dir.path(),
        &[
            "--json",
            "inventory",
            "run",
            "--feed",
            feed.to_str().unwrap(),
        ],
    );
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(
        report["created"].as_u64().unwrap_or_default() > 0,
        "{report}"
    );
}

#[test]
fn orders_send_stops_on_shipping_problem() {
    let dir = tempfile::tempdir().unwrap();
    write_shipping_problem_config(dir.path());

    let output = petra(dir.path(), &["orders", "send"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("(2 problems)"), "{stderr}");
    assert!(stderr.contains("source.shipping_methods"), "{stderr}");
    assert!(
        stderr.contains("source.ship_from.state_code is missing"),
        "{stderr}"
    );
}

#[test]
fn inventory_problem_stops_inventory_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\n\n[inventory]\nbatch_size = 0\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();
    let feed = sample_feed();

    let output = petra(
        dir.path(),
        &["inventory", "run", "--feed", feed.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("inventory.batch_size is invalid: found 0,"),
        "{stderr}"
    );
}

#[test]
fn schedule_runs_despite_shipping_problem() {
    let dir = tempfile::tempdir().unwrap();
    let feed = format!("feed_url = {:?}\n", sample_feed().display().to_string());
    let tables = "[inventory]\nretrieval = \"feed\"\nschedule = \"every 1 hours\"\n";
    write_shipping_problem_config_with(dir.path(), &feed, tables);

    let mut command = petra_command(dir.path());
    command
        .env("PETRA_USERNAME", "dealer")
        .env("PETRA_PASSWORD", "schedule-pass-52")
        .args(["schedule", "run"]);
    let Terminated {
        output,
        before_signal,
        after_signal,
    } = terminate_after(command, "the first run finished", |line| {
        line.starts_with("Get Inventory succeeded: ") || line.starts_with("Get Inventory failed: ")
    });

    assert_eq!(output.status.code(), Some(0), "{before_signal}");
    assert!(
        before_signal.contains("Get Inventory succeeded: {\"archived\":0,\"cause\":null,"),
        "{before_signal}"
    );
    assert!(
        after_signal
            .contains("stopping the scheduler; a run in progress ends after its current batch"),
        "{after_signal}"
    );
}

#[test]
fn schedule_stops_on_scheduled_operation_problem() {
    let dir = tempfile::tempdir().unwrap();
    let tables = "[fulfillment]\nschedule = \"every 1 hours\"\n";
    write_shipping_problem_config_with(dir.path(), "", tables);

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", "dealer")
        .env("PETRA_PASSWORD", "schedule-pass-52")
        .args(["schedule", "run"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("source.shipping_methods"), "{stderr}");
    assert!(
        stderr.contains("source.ship_from.state_code is missing"),
        "{stderr}"
    );
}

#[test]
fn connection_test_ignores_shipping_problem() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\n\n[source]\nfulfills_orders = true\n",
        sandbox.base_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["connection", "test"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("connected to account"), "{stdout}");
}

#[test]
fn connection_test_stops_on_connection_problem() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\ntimeout_secs = 0\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let output = petra(dir.path(), &["connection", "test"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("connection.timeout_secs is invalid: found 0,"),
        "{stderr}"
    );
}

#[test]
fn schedule_stops_on_wrong_type_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\n[inventory]\nschedule = 2\n\
         [shipments]\nschedule = \"every 2 hours\"\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let mut child = petra_command(dir.path())
        .env("PETRA_USERNAME", "dealer")
        .env("PETRA_PASSWORD", "schedule-pass-52")
        .args(["schedule", "run"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A scheduler that left inventory out would run shipments until stopped.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let started = child.try_wait().unwrap().is_none();
    if started {
        common::terminate(child.id());
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(!started, "the scheduler started: {stderr}");
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("inventory.schedule is invalid"), "{stderr}");
}

#[test]
fn status_stops_on_wrong_type_store_path() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\n[store]\npath = 5\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let output = petra(dir.path(), &["status"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("store.path is invalid"), "{stderr}");
    assert!(!dir.path().join("petra.sqlite").exists());
}

#[test]
fn wrong_type_fix_names_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\n[inventory]\nretrieval = \"ftp\"\n\
         [store]\npath = 5\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    for command in ["status", "inventory"] {
        let args: &[&str] = match command {
            "status" => &["status"],
            _ => &["inventory", "run"],
        };
        let output = petra(dir.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);

        assert_eq!(output.status.code(), Some(3), "{command}: {stderr}");
        assert!(
            stderr.contains("  fix: edit petra.toml;"),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains(
                "inventory.retrieval is invalid: found \"ftp\", expected one of \"api\", \"feed\""
            ),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn failed_scheduled_run_names_cause() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\ntimeout_secs = 2\n\
         [inventory]\nschedule = \"every 1 hours\"\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let mut command = petra_command(dir.path());
    command
        .env("PETRA_USERNAME", "dealer")
        .env("PETRA_PASSWORD", "schedule-pass-52")
        .args(["schedule", "run"]);
    let Terminated {
        output,
        before_signal,
        ..
    } = terminate_after(command, "the first run failed", |line| {
        line.starts_with("Get Inventory ")
            && (line.contains(" failed: ") || line.contains(" succeeded: "))
    });
    let line = before_signal
        .lines()
        .find(|line| line.starts_with("Get Inventory failed: "))
        .unwrap_or_default();

    assert_eq!(output.status.code(), Some(0), "{before_signal}");
    assert!(line.contains("\"cause\":\""), "{before_signal}");
    assert!(line.contains("Connection refused"), "{before_signal}");
}

//! `petra orders send` when Petra cannot be reached: a closed port on 127.0.0.1 gives
//! exit 4 with the cause, the orders stay pending, and a later send to a running sandbox
//! submits each of them once. A sandbox that stops part way through a run gives exit 5,
//! and a PO lookup that cannot connect names its cause.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use petra_sandbox::{FaultConfig, RunningSandbox, DEFAULT_PASSWORD, DEFAULT_USERNAME};

use common::{closed_port_url, error_lines, run_json, start_sample_sandbox, write_config};

/// Writes two orders for a sandbox SKU and imports them into the outbox.
fn import_orders(dir: &Path) {
    let sku = petra_sandbox::sample_products()[0].variants[0]
        .sku
        .to_string();
    let orders = serde_json::json!([
        {"fr_number": "DOWN-1", "ship_to_name": "Dana Whitfield",
         "address_line_1": "1400 Harbor Blvd", "city": "Tempe", "state": "AZ",
         "postal_code": "85281", "lines": [{"sku": sku, "quantity": 1}]},
        {"fr_number": "DOWN-2", "ship_to_name": "Luis Ortega",
         "address_line_1": "88 Mill Ave", "city": "Tempe", "state": "AZ",
         "postal_code": "85281", "lines": [{"sku": sku, "quantity": 2}]}
    ]);
    std::fs::write(dir.join("orders.json"), orders.to_string()).unwrap();

    let (code, imported) = run_json(dir, DEFAULT_PASSWORD, &["orders", "import", "orders.json"]);
    assert_eq!(code, Some(0), "{imported}");
}

#[test]
fn closed_port_send_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    import_orders(dir.path());

    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);

    assert_eq!(code, Some(4), "{report}");
    assert_eq!(report["petra_unreachable"], true, "{report}");
    assert_eq!(report["submitted"], 0, "{report}");
    assert_eq!(report["pending"], 2, "{report}");
}

#[test]
fn closed_port_error_names_cause() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    import_orders(dir.path());

    let (_, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);
    let error = report["results"][0]["error"].as_str().unwrap_or_default();

    assert!(error.contains("Connection refused"), "{report}");
}

/// Runs `petra orders send` with `flags` against a closed port, after importing two
/// orders, and returns its output.
fn send_to_closed_port(flags: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    import_orders(dir.path());

    common::petra_command(dir.path())
        .env("PETRA_USERNAME", petra_sandbox::DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(flags)
        .args(["orders", "send"])
        .output()
        .unwrap()
}

/// Runs [`send_to_closed_port`], checks that it exits 4, and returns stderr.
fn closed_port_stderr(flags: &[&str]) -> String {
    let output = send_to_closed_port(flags);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    stderr
}

#[test]
fn closed_port_text_says_unreachable() {
    let output = send_to_closed_port(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("no request reached Petra"), "{stdout}");
    assert!(stdout.contains("Connection refused"), "{stdout}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(
        stderr.contains("(exit 4): no request reached Petra in 2 attempts ("),
        "{stderr}"
    );
    assert!(stderr.contains("Connection refused"), "{stderr}");
}

#[test]
fn closed_port_failure_printed_once() {
    let stderr = closed_port_stderr(&[]);

    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("WARN"), "{stderr}");
    assert!(
        stderr.contains("no request reached Petra in 2 attempts"),
        "{stderr}"
    );
    assert!(stderr.contains("http://127.0.0.1:"), "{stderr}");
}

#[test]
fn closed_port_warning_shown_with_verbose() {
    let stderr = closed_port_stderr(&["-v"]);

    assert!(
        stderr.contains("no request reached Petra because"),
        "{stderr}"
    );
    assert!(stderr.contains("Connection refused"), "{stderr}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
}

#[test]
fn unreachable_orders_sent_once_later() {
    let (_runtime, sandbox) = start_sample_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    import_orders(dir.path());
    let (down, _) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);
    assert_eq!(down, Some(4));

    write_config(dir.path(), &sandbox.base_url());
    let (code, first) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);
    let (_, second) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);

    assert_eq!(code, Some(0), "{first}");
    assert_eq!(first["submitted"], 2, "{first}");
    assert_eq!(first["petra_unreachable"], false, "{first}");
    assert_eq!(second["submitted"], 0, "{second}");
    assert_eq!(second["pending"], 0, "{second}");
}

/// Waits until the sandbox's first fault rule has fired `count` times.
fn wait_for_fault(sandbox: &RunningSandbox, count: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while sandbox.fault_report().fired[0] < count {
        assert!(Instant::now() < deadline, "the fault never fired");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `petra orders send --json` one request at a time, stops the sandbox while the
/// first order waits in its latency fault, and returns the exit code, the report and
/// stderr. The
/// first order still gets its reply because the sandbox lets requests in flight finish,
/// and the next ones find the port closed.
fn send_while_sandbox_stops(dir: &Path) -> (Option<i32>, serde_json::Value, String) {
    let (runtime, sandbox) = start_sample_sandbox();
    let faults: FaultConfig = "orders.create:latency=1000".parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    write_config(dir, &sandbox.base_url());
    let config = std::fs::read_to_string(dir.join("petra.toml")).unwrap();
    std::fs::write(
        dir.join("petra.toml"),
        format!("{config}\n[fulfillment]\nconcurrency = 1\n"),
    )
    .unwrap();
    import_orders(dir);

    let child = common::petra_command(dir)
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["--json", "orders", "send"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_fault(&sandbox, 1);
    runtime.block_on(sandbox.shutdown());

    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), common::single_json(&output), stderr)
}

#[test]
fn partial_connect_failure_exits_5() {
    let dir = tempfile::tempdir().unwrap();

    let (code, report, _) = send_while_sandbox_stops(dir.path());

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["submitted"], 1, "{report}");
    assert_eq!(report["pending"], 1, "{report}");
    assert_eq!(report["not_sent"], 1, "{report}");
    assert_eq!(report["petra_unreachable"], false, "{report}");
}

#[test]
fn partial_connect_failure_error_line() {
    let dir = tempfile::tempdir().unwrap();

    let (_, _, stderr) = send_while_sandbox_stops(dir.path());

    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(
        stderr.contains(
            "error: the run did not finish its work (exit 5): 1 request not sent because \
             the connection failed"
        ),
        "{stderr}"
    );
}

#[test]
fn partial_connect_failure_names_cause() {
    let dir = tempfile::tempdir().unwrap();

    let (_, report, _) = send_while_sandbox_stops(dir.path());
    let second = &report["results"][1];

    assert_eq!(second["state"], "pending", "{report}");
    assert_eq!(second["not_sent"], true, "{report}");
    let error = second["error"].as_str().unwrap_or_default();
    assert!(error.contains("Connection refused"), "{report}");
}

/// Listens on a free 127.0.0.1 port, forwards the first connection to `target` in both
/// directions, and closes the listener, so every later connection is refused. Returns
/// the port.
fn one_connection_proxy(target: std::net::SocketAddr) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        drop(listener);
        let server = std::net::TcpStream::connect(target).unwrap();
        let (mut client_read, mut server_write) =
            (client.try_clone().unwrap(), server.try_clone().unwrap());
        let upstream = std::thread::spawn(move || {
            let _ = std::io::copy(&mut client_read, &mut server_write);
            let _ = server_write.shutdown(std::net::Shutdown::Write);
        });
        let (mut server_read, mut client_write) = (server, client);
        let _ = std::io::copy(&mut server_read, &mut client_write);
        let _ = client_write.shutdown(std::net::Shutdown::Both);
        let _ = upstream.join();
    });
    port
}

#[test]
fn failed_lookup_names_cause() {
    let (_runtime, sandbox) = start_sample_sandbox();
    let faults: FaultConfig = "orders.create:drop".parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    let port = one_connection_proxy(sandbox.local_addr());
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &format!("http://127.0.0.1:{port}/v1"));
    let config = std::fs::read_to_string(dir.path().join("petra.toml")).unwrap();
    std::fs::write(
        dir.path().join("petra.toml"),
        format!("{config}\n[fulfillment]\nconcurrency = 1\n"),
    )
    .unwrap();
    import_orders(dir.path());

    let (code, report) = run_json(dir.path(), DEFAULT_PASSWORD, &["orders", "send"]);
    let first = &report["results"][0];
    let error = first["error"].as_str().unwrap_or_default();

    assert_eq!(code, Some(5), "{report}");
    assert_eq!(first["state"], "outcome_unknown", "{report}");
    assert!(error.starts_with("PO lookup failed"), "{report}");
    assert!(error.contains("Connection refused"), "{report}");
}

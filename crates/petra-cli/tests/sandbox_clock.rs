//! `petra sandbox` as an operator starts it: a clock that follows the system clock, or
//! one pinned with --paused-at, read back through the control route, and the faults
//! --faults injects.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

mod common;

use common::{petra, petra_command, run_json, write_config};
use petra_sandbox::DEFAULT_PASSWORD;

/// Starts `petra sandbox --json` with `args` and returns the child and its first
/// document, read up to the closing brace at the start of a line.
fn start_sandbox(args: &[&str]) -> (Child, Value) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = petra_command(dir.path())
        .args(["sandbox", "--json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        text.push_str(&line);
        if line.starts_with('}') {
            break;
        }
    }
    let document = serde_json::from_str(&text).unwrap_or_else(|err| {
        let _ = child.kill();
        panic!("sandbox printed no JSON ({err}): {text}")
    });
    (child, document)
}

/// Reads `GET /sandbox/clock` with a plain HTTP/1.1 request.
fn clock_now(control_url: &str) -> DateTime<Utc> {
    let address = control_url
        .trim_start_matches("http://")
        .trim_end_matches("/sandbox");
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /sandbox/clock HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let reading: Value = serde_json::from_str(body).unwrap();
    reading["now"].as_str().unwrap().parse().unwrap()
}

#[test]
fn sandbox_clock_follows_system() {
    let (mut child, document) = start_sandbox(&[]);

    let now = clock_now(document["control_url"].as_str().unwrap_or_default());
    child.kill().unwrap();
    child.wait().unwrap();

    let drift = (now - Utc::now()).abs();
    assert!(drift < Duration::minutes(1), "sandbox clock {now}");
    assert_eq!(document["clock"]["paused"], false, "{document}");
}

#[test]
fn sandbox_clock_pins_paused_at() {
    let (mut child, document) = start_sandbox(&["--paused-at", "2026-06-11T15:00:00Z"]);

    let now = clock_now(document["control_url"].as_str().unwrap_or_default());
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(now.to_rfc3339(), "2026-06-11T15:00:00+00:00");
    assert_eq!(document["clock"]["paused"], true, "{document}");
}

#[test]
fn sandbox_faults_reach_connection_test() {
    let (mut child, document) = start_sandbox(&["--faults", "ping:503"]);
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        document["base_url"].as_str().unwrap_or_default(),
    );

    let (code, test) = run_json(dir.path(), DEFAULT_PASSWORD, &["connection", "test"]);
    child.kill().unwrap();
    child.wait().unwrap();

    let error = test["error"].as_str().unwrap_or_default();
    assert_eq!(code, Some(4), "{test}");
    assert!(error.contains("returned 503"), "{error}");
    assert_eq!(
        document["faults"]["rules"][0]["route"], "ping",
        "{document}"
    );
}

#[test]
fn sandbox_rejects_bad_fault_spec() {
    let dir = tempfile::tempdir().unwrap();

    let output = petra(
        dir.path(),
        &["sandbox", "--port", "0", "--faults", "catalog:explode"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown fault `explode`"), "{stderr}");
}

#[test]
fn port_in_use_has_fix() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();

    let output = petra(dir.path(), &["--json", "sandbox", "--port", &port]);
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fix = document["fix"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(1), "{document}");
    assert!(fix.contains("--port"), "{document}");
    assert!(fix.contains(&port), "{document}");
}

//! The `petra-sandbox` command, started as a child process on a free port.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use petra_sandbox::{DEFAULT_PASSWORD, DEFAULT_USERNAME};

/// Kills the child when the test ends, however it ends.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (ChildGuard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_petra-sandbox"))
        .args(["--port", "0", "--paused-at", "2026-06-11T15:00:00Z"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("petra-sandbox starts");
    let stdout = child.stdout.take().unwrap();
    let guard = ChildGuard(child);

    let first_line = BufReader::new(stdout).lines().next().unwrap().unwrap();
    let base_url = first_line.rsplit(' ').next().unwrap().to_owned();
    (guard, base_url)
}

#[tokio::test]
async fn command_serves_on_loopback() {
    let (_child, base_url) = start(&[]);

    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{base_url}/ping"))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["server_time"], "2026-06-11T15:00:00Z");
}

#[tokio::test]
async fn command_applies_fault_spec() {
    let (_child, base_url) = start(&["--faults", "ping:503"]);

    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{base_url}/ping"))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn command_serves_feed_file() {
    let feed = common::real_feed_path();
    let (_child, base_url) = start(&["--feed", feed.to_str().unwrap()]);

    let body = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap()
        .get(format!("{base_url}/feed/ProdList.csv"))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    assert_eq!(body.as_ref(), std::fs::read(&feed).unwrap().as_slice());
}

#[test]
fn redirected_log_has_no_colour() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_petra-sandbox"))
        .args(["--port", "0"])
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("petra-sandbox starts");
    let stderr = child.stderr.take().unwrap();
    let _guard = ChildGuard(child);

    let mut log = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("sandbox started") {
            break;
        }
    }

    assert!(log.contains("sandbox started"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "the log has ANSI escape codes: {log:?}"
    );
}

#[test]
fn command_rejects_missing_feed() {
    let output = Command::new(env!("CARGO_BIN_EXE_petra-sandbox"))
        .args(["--port", "0", "--feed", "/nonexistent/ProdList.csv"])
        .output()
        .unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("failed to read the catalog feed"),
        "{stderr}"
    );
}

#[test]
fn command_rejects_bad_fault_spec() {
    let output = Command::new(env!("CARGO_BIN_EXE_petra-sandbox"))
        .args(["--port", "0", "--faults", "catalog:explode"])
        .output()
        .unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown fault `explode`"), "{stderr}");
}

//! `petra inventory run` downloading the feed from a sandbox on 127.0.0.1, by `--feed` and
//! by `retrieval = "feed"`, and reporting a failed download as an incomplete retrieval.

mod common;

use std::path::Path;
use std::process::Output;

use petra_sandbox::{RunningSandbox, Sandbox, SandboxConfig, DEFAULT_GENERATED_ROWS};
use petra_sandbox::{DEFAULT_PASSWORD, DEFAULT_USERNAME};
use serde_json::Value;
use tokio::process::Command;

/// Writes a `petra.toml` for `sandbox` into `dir` with the given feed URL and retrieval.
fn write_config(dir: &Path, sandbox: &RunningSandbox, feed_url: &str, retrieval: &str) {
    let config = format!(
        "[connection]\nbase_url = \"{}\"\nfeed_url = \"{feed_url}\"\n\n\
         [inventory]\nretrieval = \"{retrieval}\"\n",
        sandbox.base_url()
    );
    std::fs::write(dir.join("petra.toml"), config).unwrap();
}

async fn petra(dir: &Path, args: &[&str]) -> Output {
    petra_as(dir, Some((DEFAULT_USERNAME, DEFAULT_PASSWORD)), args).await
}

/// Runs `petra args` in `dir` with `login` (username, password) as the connection's
/// secrets, or with none set.
async fn petra_as(dir: &Path, login: Option<(&str, &str)>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_petra"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("PETRA_CONFIG")
        .env_remove("PETRA_USERNAME")
        .env_remove("PETRA_API_KEY")
        .env_remove("PETRA_PASSWORD");
    if let Some((username, password)) = login {
        command
            .env("PETRA_USERNAME", username)
            .env("PETRA_PASSWORD", password);
    }
    command.output().await.unwrap()
}

fn report(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_option_downloads_http() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "api");

    let output = petra(
        dir.path(),
        &["inventory", "run", "--json", "--feed", &sandbox.feed_url()],
    )
    .await;

    let report = report(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(report["created"], DEFAULT_GENERATED_ROWS);
    assert_eq!(report["retrieved_from"], sandbox.feed_url());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_feed_url_downloads() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "feed");

    let output = petra(dir.path(), &["inventory", "run", "--json"]).await;

    let report = report(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(report["created"], DEFAULT_GENERATED_ROWS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_without_login_exits_4() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "feed");

    let output = petra_as(dir.path(), None, &["inventory", "run", "--json"]).await;

    let report = report(&output);
    let error = report["fatal_error"].as_str().unwrap_or_default();
    assert_eq!(output.status.code(), Some(4), "{report}");
    assert_eq!(report["fatal_status"], 401, "{report}");
    assert!(
        error.contains("requires a login and none was sent"),
        "{report}"
    );
    assert_eq!(report["created"], 0, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_wrong_password_exits_4() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "feed");
    let login = Some((DEFAULT_USERNAME, "wrong-feed-pass-93"));

    let output = petra_as(dir.path(), login, &["inventory", "run", "--json"]).await;

    let report = report(&output);
    let error = report["fatal_error"].as_str().unwrap_or_default();
    assert_eq!(output.status.code(), Some(4), "{report}");
    assert_eq!(report["fatal_status"], 401, "{report}");
    assert!(
        error.contains("rejected the connection's username (or API key) and password"),
        "{report}"
    );
    assert!(
        !report.to_string().contains("wrong-feed-pass-93"),
        "{report}"
    );
}

/// Returns the feed URL of `sandbox` with `user:password@` written in it.
fn feed_url_with_login(sandbox: &RunningSandbox, password: &str) -> String {
    sandbox.feed_url().replacen(
        "http://",
        &format!("http://{DEFAULT_USERNAME}:{password}@"),
        1,
    )
}

/// Checks the text report of a download whose feed URL carried a wrong password: the
/// fix names `setting`, the feed URL's login, and never the password.
fn assert_url_login_fix(output: &Output, setting: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let fix = common::fix_line(&stdout);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(fix.contains("in the feed URL"), "{stdout}");
    assert!(fix.contains(setting), "{stdout}");
    assert!(!fix.contains("PETRA_USERNAME"), "{stdout}");
    assert!(!fix.contains("connection test"), "{stdout}");
    assert!(!stdout.contains("wrong-url-pass-41"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_url_login_fix() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = feed_url_with_login(&sandbox, "wrong-url-pass-41");
    write_config(dir.path(), &sandbox, &url, "feed");

    let output = petra_as(dir.path(), None, &["inventory", "run"]).await;

    assert_url_login_fix(&output, "connection.feed_url");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_option_url_login_fix() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "api");
    let url = feed_url_with_login(&sandbox, "wrong-url-pass-41");

    let output = petra_as(dir.path(), None, &["inventory", "run", "--feed", &url]).await;

    assert_url_login_fix(&output, "--feed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_download_exits_incomplete() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("{}/feed/Missing.csv", sandbox.base_url());
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "api");

    let output = petra(dir.path(), &["inventory", "run", "--feed", &missing]).await;

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(stdout.contains("retrieval incomplete"), "{stdout}");
    assert!(stdout.contains("404"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_download_keeps_catalog() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "feed");
    let first = petra(dir.path(), &["inventory", "run", "--json"]).await;
    assert_eq!(first.status.code(), Some(0), "{}", report(&first));

    // Only the next feed request is cut short, so the download's retry gets the whole file.
    sandbox
        .set_faults("feed:truncate:next=1".parse().unwrap())
        .unwrap();
    let second = petra(dir.path(), &["inventory", "run", "--json"]).await;

    let report = report(&second);
    assert_eq!(second.status.code(), Some(0), "{report}");
    assert_eq!(report["unchanged"], DEFAULT_GENERATED_ROWS);
    assert_eq!(report["archived"], 0);
    assert_eq!(sandbox.fault_report().fired.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_feed_scheme_is_config_error() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "api");

    let output = petra(
        dir.path(),
        &[
            "inventory",
            "run",
            "--feed",
            "gopher://127.0.0.1/ProdList.csv",
        ],
    )
    .await;

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("\"gopher\""), "{stderr}");
    assert!(stderr.contains("fix:"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_feed_option_hides_login() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox, &sandbox.feed_url(), "api");
    let url = "http://dealer:s3cret-pw@127.0.0.1:99999/ProdList.csv";

    let output = petra(dir.path(), &["inventory", "run", "--feed", url]).await;

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("invalid port number"), "{stderr}");
    assert!(!stderr.contains("s3cret-pw"), "{stderr}");
}

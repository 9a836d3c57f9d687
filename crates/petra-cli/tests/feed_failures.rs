//! `petra inventory run` downloading a feed from a server that refuses the connection,
//! rejects the FTP login or fails with 5xx. The tests check the exit code, the report,
//! the retry warnings on stderr and the final message, which names the feed server and
//! never a credential.

mod common;

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use petra_sandbox::{FaultConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME};
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};

use common::{petra_command, single_json, start_sandbox, write_config};

const FTP_USER: &str = "dealer";
const FTP_PASSWORD: &str = "ftp-feed-pass-41";

/// Runs `petra args` in `dir` with `user` and `password` as the connection's secrets.
fn run_with_login(dir: &Path, user: &str, password: &str, args: &[&str]) -> Output {
    petra_command(dir)
        .env("PETRA_USERNAME", user)
        .env("PETRA_PASSWORD", password)
        .args(args)
        .output()
        .unwrap()
}

/// Returns a port on 127.0.0.1 that nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[derive(Debug)]
struct OneUser;

#[async_trait::async_trait]
impl Authenticator for OneUser {
    async fn authenticate(
        &self,
        username: &str,
        credentials: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        if username == FTP_USER && credentials.password.as_deref() == Some(FTP_PASSWORD) {
            Ok(Principal {
                username: username.to_owned(),
            })
        } else {
            Err(AuthenticationError::BadPassword)
        }
    }
}

/// Starts an FTP server on 127.0.0.1 on its own runtime, serving `feed` as
/// `ProdList.csv`, and returns the runtime, the port and the served folder.
fn start_ftp_server(feed: &[u8]) -> (tokio::runtime::Runtime, u16, tempfile::TempDir) {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("ProdList.csv"), feed).unwrap();
    let port = closed_port();
    let home = root.path().to_path_buf();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = libunftp::ServerBuilder::with_authenticator(
        Box::new(move || unftp_sbe_fs::Filesystem::new(home.clone()).unwrap()),
        Arc::new(OneUser),
    )
    .passive_host(std::net::Ipv4Addr::LOCALHOST)
    .passive_ports(42000..=42999)
    .build()
    .unwrap();
    runtime.spawn(server.listen(format!("127.0.0.1:{port}")));

    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (runtime, port, root)
}

#[test]
fn ftp_refused_connection_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &common::closed_port_url());
    let port = closed_port();
    let feed = format!("ftp://{FTP_USER}:{FTP_PASSWORD}@127.0.0.1:{port}/ProdList.csv");

    let output = run_with_login(
        dir.path(),
        FTP_USER,
        FTP_PASSWORD,
        &["inventory", "run", "--feed", &feed],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "cannot connect to the feed server 127.0.0.1:{port}"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("after 4 attempts"), "{stdout}");
    assert!(stdout.contains("Connection refused"), "{stdout}");
    assert!(!stdout.contains("reached Petra"), "{stdout}");
    assert!(
        stderr.contains("feed download attempt failed; retrying"),
        "{stderr}"
    );
    assert!(stderr.contains("attempt=3 max_attempts=4"), "{stderr}");
    assert!(!stderr.contains("attempt=4 "), "{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(FTP_PASSWORD), "password shown: {text}");
    }
}

#[test]
fn ftp_refused_connection_sets_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &common::closed_port_url());
    let feed = format!("ftp://127.0.0.1:{}/ProdList.csv", closed_port());

    let output = run_with_login(
        dir.path(),
        FTP_USER,
        FTP_PASSWORD,
        &["--json", "inventory", "run", "--feed", &feed],
    );
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(4), "{report}");
    assert_eq!(report["petra_unreachable"], true, "{report}");
    assert_eq!(report["fatal_error"], serde_json::Value::Null, "{report}");
    assert_eq!(report["retrieval_complete"], false, "{report}");
}

/// Runs `petra inventory run` on an FTP feed whose server rejects the password, with
/// `--json` first when `json`.
fn run_with_rejected_login(json: bool) -> Output {
    let (_runtime, port, _root) = start_ftp_server(b"not read\r\n");
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &common::closed_port_url());
    let feed = format!("ftp://127.0.0.1:{port}/ProdList.csv");
    let mut args = vec!["inventory", "run", "--feed", &feed];
    if json {
        args.insert(0, "--json");
    }

    run_with_login(dir.path(), FTP_USER, "wrong-ftp-pass-77", &args)
}

#[test]
fn ftp_rejected_login_exits_4() {
    let output = run_with_rejected_login(true);
    let report = single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = report["fatal_error"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(4), "{report}\n{stderr}");
    assert!(error.contains("logging in"), "{report}");
    assert!(error.contains("after 1 attempt"), "{report}");
    assert_eq!(report["fatal_status"], serde_json::Value::Null, "{report}");
    assert_eq!(report["petra_unreachable"], false, "{report}");
    assert!(
        !stderr.contains("retrying"),
        "a rejected login is not retried: {stderr}"
    );
    assert!(
        !report.to_string().contains("wrong-ftp-pass-77"),
        "{report}"
    );
}

#[test]
fn rejected_login_error_line_has_cause() {
    let output = run_with_rejected_login(true);
    let report = single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = report["fatal_error"].as_str().unwrap_or_default();
    let last_line = stderr.lines().last().unwrap_or_default();

    // A job that keeps only stderr still learns which login was rejected.
    assert_eq!(
        last_line,
        format!(
            "error: Petra or the feed server could not be reached or rejected the \
             credentials (exit 4): {error}"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
    assert!(!stderr.contains("wrong-ftp-pass-77"), "{stderr}");
}

#[test]
fn ftp_rejected_login_text_has_fix() {
    let output = run_with_rejected_login(false);
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("stopped: FTP feed download"), "{stdout}");
    assert!(stdout.contains("fix: set PETRA_USERNAME"), "{stdout}");
}

#[test]
fn ftp_right_login_downloads() {
    let feed = std::fs::read(common::real_feed()).unwrap();
    let (_runtime, port, _root) = start_ftp_server(&feed);
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &common::closed_port_url());
    let url = format!("ftp://127.0.0.1:{port}/ProdList.csv");

    let output = run_with_login(
        dir.path(),
        FTP_USER,
        FTP_PASSWORD,
        &["--json", "inventory", "run", "--feed", &url],
    );
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(report["retrieval_complete"], true, "{report}");
    assert!(
        report["created"].as_u64().unwrap_or_default() > 0,
        "{report}"
    );
}

#[test]
fn http_server_errors_warn_each_retry() {
    let (_runtime, sandbox) = start_sandbox();
    let faults: FaultConfig = "feed:503".parse().unwrap();
    sandbox.set_faults(faults).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());
    let feed = sandbox.feed_url();

    let output = run_with_login(
        dir.path(),
        DEFAULT_USERNAME,
        DEFAULT_PASSWORD,
        &["inventory", "run", "--feed", &feed],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let retries = stderr
        .lines()
        .filter(|line| line.contains("feed download attempt failed; retrying"))
        .count();

    assert_eq!(output.status.code(), Some(5), "{stdout}\n{stderr}");
    assert_eq!(retries, 3, "{stderr}");
    assert!(stderr.contains("HTTP 503"), "{stderr}");
    assert!(stderr.contains(&format!("url={feed}")), "{stderr}");
    assert!(
        stdout.contains("returned HTTP 503 after 4 attempts"),
        "{stdout}"
    );
    assert!(!stdout.contains("reached Petra"), "{stdout}");
    assert!(!stderr.contains(DEFAULT_PASSWORD), "{stderr}");
}

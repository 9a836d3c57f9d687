//! Helpers the `petra` integration tests share: running the binary with a clean
//! environment, and the path of Petra's real ProdList.csv.
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use petra_sandbox::{CatalogSource, RunningSandbox, Sandbox, SandboxConfig, DEFAULT_USERNAME};

/// Builds a `petra` command in `dir` that ignores the caller's configuration and secrets.
pub fn petra_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_petra"));
    command
        .current_dir(dir)
        .env_remove("PETRA_CONFIG")
        .env_remove("PETRA_USERNAME")
        .env_remove("PETRA_API_KEY")
        .env_remove("PETRA_PASSWORD")
        .env_remove("PETRA_LOG");
    command
}

/// Runs `petra args` in `dir` to its end.
pub fn petra(dir: &Path, args: &[&str]) -> Output {
    petra_command(dir).args(args).output().unwrap()
}

/// Petra's real ProdList.csv: `PETRA_REAL_FEED`, or the copy beside the repository.
pub fn real_feed() -> PathBuf {
    let path = std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        });
    assert!(
        path.is_file(),
        "real ProdList feed not found at {}; set PETRA_REAL_FEED to its path",
        path.display()
    );
    path
}

/// Writes a generated ProdList.csv of `rows` data rows to `path`.
pub fn write_generated_feed(path: &Path, rows: u64, seed: u64) {
    let file = std::fs::File::create(path).unwrap();
    petra_client::feed::generate(file, petra_client::feed::GeneratorOptions { rows, seed })
        .unwrap();
}

/// Copies the ProdList.csv at `from` to `to` without the data rows whose index (0-based)
/// `drop` accepts. Rows are CSV records, so quoted fields with line breaks stay whole.
pub fn write_feed_without(from: &Path, to: &Path, drop: impl Fn(usize) -> bool) {
    let bytes = std::fs::read(from).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for (index, record) in reader.byte_records().enumerate() {
        let record = record.unwrap();
        // The first three records are the two preamble lines and the header.
        if index < 3 || !drop(index - 3) {
            writer.write_byte_record(&record).unwrap();
        }
    }
    std::fs::write(to, writer.into_inner().unwrap()).unwrap();
}

/// Runs `petra --json args` in `dir` with the sandbox's username and `password`, and
/// returns the exit code and the one JSON document on stdout.
pub fn run_json(dir: &Path, password: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = petra_command(dir)
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", password)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let document = single_json(&output);
    (output.status.code(), document)
}

/// Parses stdout as JSON and fails unless it contains exactly one document.
pub fn single_json(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let documents: Result<Vec<serde_json::Value>, _> =
        serde_json::Deserializer::from_slice(&output.stdout)
            .into_iter()
            .collect();
    let documents = documents.unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(
        documents.len(),
        1,
        "stdout contains {} JSON documents: {stdout}",
        documents.len()
    );
    documents.into_iter().next().unwrap_or_default()
}

/// Starts a sandbox on its own runtime, so it keeps serving while the test blocks on
/// `petra`.
pub fn start_sandbox() -> (tokio::runtime::Runtime, RunningSandbox) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    (runtime, sandbox)
}

/// Starts a sandbox serving the sample catalog, so orders can use
/// `petra_sandbox::sample_products()` SKUs.
pub fn start_sample_sandbox() -> (tokio::runtime::Runtime, RunningSandbox) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = SandboxConfig::default().with_catalog(CatalogSource::Sample);
    let sandbox = runtime.block_on(Sandbox::start(config)).unwrap();
    (runtime, sandbox)
}

/// Returns a 127.0.0.1 URL whose port nothing listens on: the port was bound and
/// released, so a connection to it is refused.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// The `[source]` table of a source that fulfills orders.
pub const FULFILLING_SOURCE: &str = "[source]\nfulfills_orders = true\n\
     shipping_methods = [{ name = \"UPS Ground\", code = \"UPSG\" }]\n\
     ship_from = { address = \"2101 S Hohokam Dr\", city = \"Tempe\", state_code = \"AZ\", \
     postal_code = \"85282\", country_code = \"US\" }\n\n";

/// Writes a `petra.toml` for `base_url` whose source fulfills orders.
pub fn write_config(dir: &Path, base_url: &str) {
    let config =
        format!("[connection]\nbase_url = \"{base_url}\"\ntimeout_secs = 2\n\n{FULFILLING_SOURCE}");
    std::fs::write(dir.join("petra.toml"), config).unwrap();
}

/// Counts the lines of `stderr` that `petra` wrote as its error line, leaving out log
/// lines, whose causes may contain `error: ` too.
pub fn error_lines(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .count()
}

/// Returns the first `fix:` line of a text report, or "" when it has none.
pub fn fix_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|line| line.trim_start().starts_with("fix:"))
        .unwrap_or_default()
}

/// Sends SIGTERM to the process `pid`, as systemd or `kill` does.
pub fn terminate(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -TERM {pid} failed");
}

/// Reads `stderr` line by line up to the first line that `is_last` accepts, and returns
/// every line read. Fails the test, naming `waiting_for`, when the output ends first.
pub fn read_until(
    stderr: &mut impl BufRead,
    waiting_for: &str,
    is_last: impl Fn(&str) -> bool,
) -> String {
    let mut read_so_far = String::new();
    loop {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).unwrap();
        assert!(read > 0, "petra ended before {waiting_for}: {read_so_far}");
        read_so_far.push_str(&line);
        if is_last(&line) {
            return read_so_far;
        }
    }
}

/// A `petra` run stopped by SIGTERM: its output, and its stderr before and after the
/// signal. `output.stderr` is empty, because stderr was read into the two halves.
pub struct Terminated {
    pub output: Output,
    pub before_signal: String,
    pub after_signal: String,
}

/// Runs `command` with piped output, sends SIGTERM once a stderr line is accepted by
/// `is_last` (see [`read_until`]), and waits for the process to end.
pub fn terminate_after(
    mut command: Command,
    waiting_for: &str,
    is_last: impl Fn(&str) -> bool,
) -> Terminated {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let before_signal = read_until(&mut stderr, waiting_for, is_last);
    terminate(child.id());

    let mut after_signal = String::new();
    stderr.read_to_string(&mut after_signal).unwrap();
    let output = child.wait_with_output().unwrap();
    Terminated {
        output,
        before_signal,
        after_signal,
    }
}

//! `petra demo` as a user runs it: the sample catalog, and Petra's real ProdList.csv
//! imported, re-imported, shrunk, restored and broken.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

mod common;

use common::{error_lines, petra_command, real_feed, single_json, write_feed_without};

const ITEMS: u64 = 2_387;

/// Writes the real feed without the data rows whose index (0-based) `drop` accepts.
fn derived_feed(dir: &Path, name: &str, drop: impl Fn(usize) -> bool) -> PathBuf {
    let path = dir.join(name);
    write_feed_without(&real_feed(), &path, drop);
    path
}

/// Runs `petra demo --json` in `dir` and returns its exit code and report.
fn demo(dir: &Path, feed: Option<&Path>) -> (i32, Value) {
    let mut command = petra_command(dir);
    command.args(["demo", "--json"]);
    if let Some(feed) = feed {
        command.arg("--feed").arg(feed);
    }
    let output = command.output().unwrap();
    let document = single_json(&output);
    (output.status.code().unwrap_or(-1), document)
}

fn count(document: &Value, field: &str) -> u64 {
    document["report"][field].as_u64().unwrap()
}

#[test]
fn demo_runs_carry_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let before = Utc::now() - TimeDelta::seconds(1);

    let (code, document) = demo(dir.path(), None);

    let after = Utc::now() + TimeDelta::seconds(1);
    assert_eq!(code, 0, "{document}");
    let operations = document["status"]["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 3, "{document}");
    for operation in operations {
        let started = operation["last_run"]["started_at"]
            .as_str()
            .unwrap_or_default();
        let started: DateTime<Utc> = started.parse().unwrap();
        assert!(
            before <= started && started <= after,
            "{started} is not between {before} and {after}: {operation}"
        );
    }
}

#[test]
fn demo_imports_sample_catalog() {
    let dir = tempfile::tempdir().unwrap();

    let (code, document) = demo(dir.path(), None);

    assert_eq!(code, 0, "{document}");
    assert!(count(&document, "created") > 0);
    assert_eq!(count(&document, "rejected"), 0);
    assert!(dir.path().join("petra-demo.sqlite").is_file());
}

#[test]
fn real_feed_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    let full = real_feed();
    let shrunk = derived_feed(feeds.path(), "shrunk.csv", |index| {
        index % 23 == 0 && index < 2_300
    });
    let header_only = derived_feed(feeds.path(), "header-only.csv", |_| true);

    let (code, first) = demo(dir.path(), Some(&full));
    assert_eq!(code, 0, "{first}");
    assert_eq!(count(&first, "created"), ITEMS);
    assert_eq!(count(&first, "rejected"), 0);
    for operation in first["status"]["operations"].as_array().unwrap() {
        assert_eq!(operation["configured"]["ok"], true, "{operation}");
    }

    let (_, second) = demo(dir.path(), Some(&full));
    assert_eq!(count(&second, "unchanged"), ITEMS);

    let (_, removed) = demo(dir.path(), Some(&shrunk));
    assert_eq!(count(&removed, "archived"), 100);

    let (_, restored) = demo(dir.path(), Some(&full));
    assert_eq!(count(&restored, "reactivated"), 100);

    let (code, empty) = demo(dir.path(), Some(&header_only));
    assert_eq!(code, 5, "an incomplete retrieval exits with 5");
    assert_eq!(count(&empty, "archived"), 0);
    assert_eq!(empty["report"]["archive"]["action"], "refused");
    let reason = empty["report"]["archive"]["reason"].as_str().unwrap();
    assert!(reason.contains("incomplete"), "{reason}");
}

/// Writes the first half of the real feed to `truncated.csv` in `dir`, cut in the middle
/// of a row as an interrupted download leaves it, and returns its path.
fn write_truncated_feed(dir: &Path) -> PathBuf {
    let bytes = std::fs::read(real_feed()).unwrap();
    let truncated = dir.join("truncated.csv");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    truncated
}

#[test]
fn truncated_feed_archives_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    demo(dir.path(), Some(&real_feed()));
    // Cut the file in the middle of a row, as an interrupted download leaves it.
    let bytes = std::fs::read(real_feed()).unwrap();
    let truncated = feeds.path().join("truncated.csv");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    let (_, document) = demo(dir.path(), Some(&truncated));

    assert_eq!(count(&document, "archived"), 0);
    assert_eq!(document["report"]["archive"]["action"], "refused");
}

#[test]
fn truncated_feed_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = write_truncated_feed(dir.path());

    let output = petra_command(dir.path())
        .args(["demo", "--json", "--feed"])
        .arg(&truncated)
        .output()
        .unwrap();
    let document = single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = document["report"]["retrieval_error"]
        .as_str()
        .unwrap_or_default();

    assert_eq!(output.status.code(), Some(5), "{document}");
    assert!(!error.is_empty(), "{document}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the run did not finish its work (exit 5): {error}"
        )),
        "{stderr}"
    );
}

#[test]
fn truncated_feed_failure_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path(), Some(&real_feed()));
    let truncated = write_truncated_feed(dir.path());

    let output = petra_command(dir.path())
        .args(["demo", "--feed"])
        .arg(&truncated)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert_eq!(
        stdout.matches("looks truncated").count() + stderr.matches("looks truncated").count(),
        1,
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("retrieval incomplete: "), "{stdout}");
    assert!(
        stderr.contains("the Get Inventory report above"),
        "{stderr}"
    );
}

#[test]
fn feed_cut_in_header_is_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(real_feed()).unwrap();
    let header_end = bytes
        .windows(b"SUBCATEGORY2".len())
        .position(|window| window == b"SUBCATEGORY2")
        .unwrap();
    let cut = dir.path().join("cut-header.csv");
    std::fs::write(&cut, &bytes[..header_end + "SUBCAT".len()]).unwrap();

    let output = petra_command(dir.path())
        .args(["demo", "--feed"])
        .arg(&cut)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stdout.contains("ends inside line 3, before its header row is complete"),
        "{stdout}"
    );
    assert!(!stdout.contains("correct the template"), "{stdout}");
    assert!(!stderr.contains("correct the template"), "{stderr}");
}

#[test]
fn missing_feed_names_path() {
    let dir = tempfile::tempdir().unwrap();

    let output = common::petra(dir.path(), &["demo", "--feed", "no-such-file.csv"]);

    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-file.csv"), "{stderr}");
}

/// Runs `petra demo ARGS` in `dir` as text, and returns the exit code, stdout and stderr.
fn demo_text(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = petra_command(dir).arg("demo").args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stdout, stderr)
}

#[test]
fn store_in_missing_folder_fails_first() {
    let dir = tempfile::tempdir().unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &["--store", "missing/x.sqlite"]);

    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    assert!(
        stderr.contains("the folder missing of the store missing/x.sqlite does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fix: create the folder missing"),
        "{stderr}"
    );
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn store_in_missing_folder_json_fix() {
    let dir = tempfile::tempdir().unwrap();

    let output = petra_command(dir.path())
        .args(["demo", "--json", "--store", "missing/x.sqlite"])
        .output()
        .unwrap();
    let document = single_json(&output);
    let fix = document["fix"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(1), "{document}");
    assert_eq!(document["exit_code"], 1, "{document}");
    assert!(fix.contains("--store"), "{document}");
}

#[test]
fn store_not_a_database_fails_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("notes.sqlite"),
        "not a database\n".repeat(10),
    )
    .unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &["--store", "notes.sqlite"]);

    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    assert!(
        stderr.contains("the store notes.sqlite is not a SQLite database"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fix: point the store at a new file"),
        "{stderr}"
    );
}

#[test]
fn store_under_file_fails_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a folder").unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &["--store", "notes.txt/x.sqlite"]);

    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    assert!(stderr.contains("notes.txt is not a folder"), "{stderr}");
    assert!(stderr.contains("fix: "), "{stderr}");
}

#[test]
fn store_that_is_folder_fails_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stores")).unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &["--store", "stores"]);

    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    assert!(stderr.contains("store stores is a folder"), "{stderr}");
    assert!(
        stderr.contains("fix: pass --store with a file path"),
        "{stderr}"
    );
}

/// sysfs rejects new files even from root, so the check fails for any user.
#[cfg(target_os = "linux")]
#[test]
fn store_in_read_only_folder_fails_first() {
    let dir = tempfile::tempdir().unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &["--store", "/sys/petra-demo.sqlite"]);

    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    assert!(stderr.contains("cannot create files in /sys"), "{stderr}");
    assert!(
        stderr.contains("fix: pass --store with a path in a folder you can write"),
        "{stderr}"
    );
}

#[test]
fn other_catalog_refused_without_orders() {
    let dir = tempfile::tempdir().unwrap();
    let (code, sample) = demo(dir.path(), None);
    assert_eq!(code, 0, "{sample}");

    let output = petra_command(dir.path())
        .args(["demo", "--json", "--feed"])
        .arg(real_feed())
        .output()
        .unwrap();
    let document = single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(6), "{document}");
    assert!(document["orders"].is_null(), "{document}");
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
    assert!(
        stderr.contains(
            "petra-demo.sqlite contains 1000 active items that this catalog does not list"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--store NEW_FILE"), "{stderr}");
    assert!(stderr.contains("remove petra-demo.sqlite"), "{stderr}");
}

#[test]
fn other_catalog_text_says_once() {
    let dir = tempfile::tempdir().unwrap();
    let (code, sample) = demo(dir.path(), None);
    assert_eq!(code, 0, "{sample}");
    let feed = real_feed();

    let (code, stdout, stderr) = demo_text(dir.path(), &["--feed", feed.to_str().unwrap()]);

    assert_eq!(code, Some(6), "{stdout}\n{stderr}");
    assert!(
        !stdout.contains("Send Fulfillment Requests for"),
        "{stdout}"
    );
    assert!(!stdout.contains("Get Shipments for"), "{stdout}");
    assert!(
        stdout.contains("skips its orders and shipments"),
        "{stdout}"
    );
    let both = format!("{stdout}{stderr}");
    assert_eq!(both.matches("--store NEW_FILE").count(), 1, "{both}");
    assert_eq!(
        both.matches("exceeds the archive guard").count(),
        1,
        "{both}"
    );
    assert_eq!(error_lines(&stderr), 1, "{stderr}");
}

#[test]
fn demo_prints_working_status_command() {
    let dir = tempfile::tempdir().unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &[]);

    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("petra --config petra-demo.toml status"),
        "{stdout}"
    );
    let printed = stdout
        .lines()
        .find_map(|line| line.strip_prefix("To see this status again: "))
        .unwrap();
    let again = std::process::Command::new("sh")
        .args(["-c", printed])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(again.status.success(), "{printed}: {again:?}");
    let status = single_json(&common::petra(
        dir.path(),
        &["--config", "petra-demo.toml", "--json", "status"],
    ));
    assert_eq!(status["connection"], "sandbox", "{status}");
    for operation in status["operations"].as_array().unwrap() {
        assert_eq!(operation["connected"]["ok"], true, "{operation}");
        assert_eq!(operation["configured"]["ok"], true, "{operation}");
        assert_eq!(operation["last_run"]["status"], "succeeded", "{operation}");
    }
}

#[test]
fn demo_json_names_settings_file() {
    let dir = tempfile::tempdir().unwrap();

    let (code, document) = demo(dir.path(), None);

    assert_eq!(code, 0, "{document}");
    assert_eq!(document["config"], "petra-demo.toml", "{document}");
    assert!(dir.path().join("petra-demo.toml").is_file());
}

#[test]
fn demo_keeps_operator_config() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "http://127.0.0.1:9/v1");
    let config = std::fs::read_to_string(dir.path().join("petra.toml")).unwrap();

    let output = petra_command(dir.path())
        .args(["demo", "--json", "--store", "petra.sqlite"])
        .output()
        .unwrap();
    let document = single_json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(0), "{document}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("petra.toml")).unwrap(),
        config
    );
    assert!(document["config"].is_null(), "{document}");
    assert!(stderr.contains("petra.toml"), "{stderr}");
}

#[test]
fn demo_text_single_blank_lines() {
    let dir = tempfile::tempdir().unwrap();

    let (code, stdout, stderr) = demo_text(dir.path(), &[]);

    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(!stdout.contains("\n\n\n"), "{stdout}");
}

//! `petra` with its stdout closed early, as `petra … | head` does: no panic, and the
//! command's own exit code.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

mod common;

use common::{petra_command, real_feed};

/// Runs `petra args` in `dir` with stdout connected to a pipe whose read end is already
/// closed, so the first write fails with `BrokenPipe`.
///
/// The pipe is the stdin of a `true` process that has exited, which closed the only read
/// end (`std::io::pipe` needs Rust 1.87, above this workspace's minimum version).
fn run_with_closed_stdout(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();

    petra_command(dir)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn closed_stdout_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[&[&str]] = &[
        &["templates", "export", "petra-prodlist-inventory"],
        &["templates", "export", "petra-prodlist-inventory", "--json"],
        &["templates", "list"],
        &["init"],
    ];

    for args in cases {
        let output = run_with_closed_stdout(dir.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn closed_stdout_keeps_failure_code() {
    let dir = tempfile::tempdir().unwrap();

    let output = run_with_closed_stdout(dir.path(), &["status", "--json"]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(3), "{stderr}");
}

/// Reads one line of a preview far larger than a pipe buffer, then closes the pipe.
#[test]
fn early_reader_close_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let exported = common::petra(
        dir.path(),
        &["templates", "export", "petra-prodlist-inventory"],
    );
    let template = dir.path().join("inventory-template.toml");
    std::fs::write(&template, exported.stdout).unwrap();

    let mut child = petra_command(dir.path())
        .args([
            "map",
            "preview",
            "--explain",
            "--limit",
            "2000",
            "--template",
        ])
        .arg(&template)
        .arg("--input")
        .arg(real_feed())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let output = child.wait_with_output().unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!first_line.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

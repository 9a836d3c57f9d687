//! `petra map preview` on the sample ProdList: rows the feed reader keeps with a warning,
//! a truncated template, feeds cut short or without data rows, input files that are no
//! feed, a template that does not compile, and `--limit 0`.

mod common;

use std::path::PathBuf;

use serde_json::Value;

use common::{petra, single_json};

fn sample_prodlist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/sample-prodlist.csv")
}

fn preview_sample(dir: &std::path::Path) -> serde_json::Value {
    let template = petra(dir, &["templates", "export", "petra-prodlist-inventory"]);
    assert_eq!(template.status.code(), Some(0));
    std::fs::write(dir.join("template.toml"), &template.stdout).unwrap();
    let input = sample_prodlist();

    let output = petra(
        dir,
        &[
            "--json",
            "map",
            "preview",
            "--template",
            "template.toml",
            "--input",
            input.to_str().unwrap(),
            "--limit",
            "20",
        ],
    );

    assert_eq!(output.status.code(), Some(0));
    single_json(&output)
}

/// Returns the preview's record for the given physical line of the sample.
fn preview_line(dir: &std::path::Path, line: u64) -> serde_json::Value {
    let records = preview_sample(dir);
    records
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["line"] == line)
        .cloned()
        .unwrap_or_else(|| panic!("line {line} missing from the preview: {records}"))
}

#[test]
fn wrong_check_digit_row_kept() {
    let dir = tempfile::tempdir().unwrap();
    let record = preview_line(dir.path(), 9);

    assert_eq!(record["fields"]["sku"], "1SMTV55", "{record}");
    assert!(record["fields"]["upc"].is_null(), "{record}");
    assert!(record.get("rejected").is_none(), "{record}");
}

#[test]
fn wrong_check_digit_warning_shown() {
    let dir = tempfile::tempdir().unwrap();
    let record = preview_line(dir.path(), 9);
    let warning = record["warnings"][0].as_str().unwrap_or_default();

    assert!(warning.contains("1SMTV55"), "{record}");
    assert!(warning.contains("012345678906"), "{record}");
    assert!(warning.contains("check digit"), "{record}");
}

#[test]
fn truncated_json_template_says_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let export = petra(
        dir.path(),
        &[
            "templates",
            "export",
            "--format",
            "json",
            "petra-prodlist-inventory",
        ],
    );
    assert_eq!(export.status.code(), Some(0));
    let half = export.stdout.len() / 2;
    std::fs::write(dir.path().join("cut.json"), &export.stdout[..half]).unwrap();
    let input = sample_prodlist();

    let output = petra(
        dir.path(),
        &[
            "--json",
            "map",
            "preview",
            "--template",
            "cut.json",
            "--input",
            input.to_str().unwrap(),
        ],
    );
    let document = single_json(&output);
    let error = document["error"].as_str().unwrap_or_default();
    let fix = document["fix"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(3), "{document}");
    assert!(error.contains("cut.json"), "{error}");
    assert!(error.contains("incomplete"), "{error}");
    assert!(error.contains(" line "), "{error}");
    assert!(!fix.contains("path"), "{fix}");
}

/// Runs `map preview` with the default template on `feed`, written into `dir`.
fn preview_feed(dir: &std::path::Path, feed: &[u8], json: bool) -> std::process::Output {
    let template = petra(dir, &["templates", "export", "petra-prodlist-inventory"]);
    std::fs::write(dir.join("template.toml"), &template.stdout).unwrap();
    std::fs::write(dir.join("feed.csv"), feed).unwrap();
    let mut args = vec![
        "map",
        "preview",
        "--template",
        "template.toml",
        "--input",
        "feed.csv",
    ];
    if json {
        args.insert(0, "--json");
    }
    petra(dir, &args)
}

/// Returns the sample's preamble and header, then two whole rows and a third cut mid-row.
fn cut_feed() -> Vec<u8> {
    let sample = std::fs::read(sample_prodlist()).unwrap();
    let text = String::from_utf8_lossy(&sample);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let header = lines
        .iter()
        .position(|line| line.contains("PETRA SKU"))
        .unwrap();
    let mut feed = lines[..header + 3].concat();
    feed.push_str(&lines[header + 3][..12]);
    feed.into_bytes()
}

#[test]
fn cut_feed_preview_fails() {
    let dir = tempfile::tempdir().unwrap();

    let output = preview_feed(dir.path(), &cut_feed(), false);

    assert_eq!(output.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let records = stdout.lines().filter(|line| line.starts_with("line "));
    assert_eq!(records.count(), 2, "{stdout}");
    assert!(stderr.contains("feed.csv is incomplete"), "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");
}

#[test]
fn cut_feed_json_keeps_records() {
    let dir = tempfile::tempdir().unwrap();

    let output = preview_feed(dir.path(), &cut_feed(), true);

    assert_eq!(output.status.code(), Some(3));
    let document = single_json(&output);
    assert_eq!(document["details"]["records"].as_array().unwrap().len(), 2);
    assert_eq!(document["exit_code"], 3, "{document}");
}

#[test]
fn header_only_preview_fails() {
    let dir = tempfile::tempdir().unwrap();
    let feed = String::from_utf8(cut_feed()).unwrap();
    let header = feed.find("PETRA SKU").unwrap();
    let header_end = header + feed[header..].find('\n').unwrap() + 1;

    let output = preview_feed(dir.path(), &feed.as_bytes()[..header_end], false);

    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no data rows"), "{stderr}");
}

/// Runs `petra --json map preview` in `dir` with `template` on `input`, and returns the
/// exit code and the one JSON document.
fn preview_json(dir: &std::path::Path, template: &str, input: &str) -> (Option<i32>, Value) {
    let output = petra(
        dir,
        &[
            "--json",
            "map",
            "preview",
            "--template",
            template,
            "--input",
            input,
        ],
    );
    (output.status.code(), single_json(&output))
}

/// Writes the default ProdList template to `template.toml` in `dir`.
fn export_template(dir: &std::path::Path) -> String {
    let template = petra(dir, &["templates", "export", "petra-prodlist-inventory"]);
    assert_eq!(template.status.code(), Some(0));
    let text = String::from_utf8(template.stdout).unwrap();
    std::fs::write(dir.join("template.toml"), &text).unwrap();
    text
}

#[test]
fn non_feed_input_says_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    export_template(dir.path());
    let init = petra(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0));

    let (code, document) = preview_json(dir.path(), "template.toml", "petra.toml");
    let error = document["error"].as_str().unwrap_or_default();
    let fix = document["fix"].as_str().unwrap_or_default();

    assert_eq!(code, Some(3), "{document}");
    assert!(!error.contains("cannot read"), "{error}");
    assert!(
        error.contains("petra.toml is not a Petra ProdList feed"),
        "{error}"
    );
    assert!(
        error.contains("PETRA SKU, DESCRIPTION, AVAILABLE, PRICE"),
        "{error}"
    );
    assert!(
        error.contains("its first line is \"# Petra dropship connection."),
        "{error}"
    );
    assert!(fix.contains("--input"), "{fix}");
}

#[test]
fn binary_input_first_line_escaped() {
    let dir = tempfile::tempdir().unwrap();
    export_template(dir.path());
    std::fs::write(dir.path().join("store.bin"), b"SQLite format 3\0\x01\x02\n").unwrap();

    let (code, document) = preview_json(dir.path(), "template.toml", "store.bin");
    let error = document["error"].as_str().unwrap_or_default();

    assert_eq!(code, Some(3), "{document}");
    assert!(
        error.contains("store.bin is not a Petra ProdList feed"),
        "{error}"
    );
    assert!(
        error.contains(r#""SQLite format 3\0\u{1}\u{2}""#),
        "{error}"
    );
}

#[test]
fn empty_input_says_empty() {
    let dir = tempfile::tempdir().unwrap();
    export_template(dir.path());
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();

    let (code, document) = preview_json(dir.path(), "template.toml", "empty.csv");
    let error = document["error"].as_str().unwrap_or_default();

    assert_eq!(code, Some(3), "{document}");
    assert!(error.contains("empty.csv is empty"), "{error}");
    assert!(!error.contains("cannot read"), "{error}");
}

#[test]
fn uncompilable_template_has_fix() {
    let dir = tempfile::tempdir().unwrap();
    let template = export_template(dir.path());
    let broken = template.replace("source = \"BRAND NAME\"", "source = \"BRAND NAMEX\"");
    assert_ne!(broken, template);
    std::fs::write(dir.path().join("broken.toml"), broken).unwrap();
    let input = sample_prodlist();

    let (code, document) = preview_json(dir.path(), "broken.toml", input.to_str().unwrap());
    let error = document["error"].as_str().unwrap_or_default();
    let fix = document["fix"].as_str().unwrap_or_default();

    assert_eq!(code, Some(3), "{document}");
    assert!(error.contains("has 1 problem:"), "{error}");
    assert!(!error.contains("problem(s)"), "{error}");
    assert!(fix.contains("broken.toml"), "{fix}");
    assert!(
        fix.contains("`petra templates export petra-prodlist-inventory`"),
        "{fix}"
    );
}

#[test]
fn limit_zero_is_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    export_template(dir.path());
    let input = sample_prodlist();

    let output = petra(
        dir.path(),
        &[
            "map",
            "preview",
            "--template",
            "template.toml",
            "--input",
            input.to_str().unwrap(),
            "--limit",
            "0",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "{stderr}");
    assert!(stderr.contains("--limit"), "{stderr}");
    assert!(stderr.contains("at least 1"), "{stderr}");
}

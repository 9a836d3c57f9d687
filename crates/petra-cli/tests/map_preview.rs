//! `petra map preview` on the sample ProdList: rows the feed reader keeps with a warning,
//! and a truncated template.

mod common;

use std::path::PathBuf;

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

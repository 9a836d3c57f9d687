//! The synthetic feed generator and its command, read back by the reader.

use std::process::Command;

use petra_client::feed::{generate, GeneratorOptions, ProdListReader};

fn generated(rows: u64, seed: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    generate(&mut bytes, GeneratorOptions { rows, seed }).unwrap();
    bytes
}

#[test]
fn same_seed_same_bytes() {
    assert_eq!(generated(300, 7), generated(300, 7));
}

#[test]
fn other_seed_other_bytes() {
    assert_ne!(generated(300, 7), generated(300, 8));
}

#[test]
fn generated_feed_reads_cleanly() {
    let bytes = generated(5_000, 42);
    let mut reader = ProdListReader::new(bytes.as_slice()).unwrap();
    let rows: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
    let summary = reader.finish().unwrap();

    assert_eq!(rows.len(), 5_000);
    assert_eq!(summary.row_errors, 0);
    assert_eq!(summary.header_line, 3);
    assert!(summary.windows_1252_fields > 0);
    assert!(rows
        .iter()
        .any(|row| row.subcategory() == Some("Home Décor")));
    assert!(rows
        .iter()
        .any(|row| row.subcategory() == Some("Arts, Crafts & Sewing")));
    assert!(rows
        .iter()
        .any(|row| row.specs().is_some_and(|s| s.contains("&bull;"))));
    assert!(rows
        .iter()
        .any(|row| row.long_desc().is_some_and(|s| s.contains('\n'))));
    assert!(rows
        .iter()
        .any(|row| row.map().is_none() && row.field("MAP") == Some("0")));
    assert!(rows.iter().any(|row| row.msrp().is_none()));
    assert!(rows.iter().any(|row| row.upc().is_some()));
    assert!(rows.iter().any(|row| row.is_discontinued()));
    assert!(rows.iter().any(|row| row.available() >= 1_000));
}

#[test]
fn generated_feed_uses_crlf() {
    let bytes = generated(10, 1);

    assert!(bytes.starts_with(b"Petra Industries Product List\r\n"));
    assert!(bytes.ends_with(b"\r\n"));
}

#[test]
fn command_matches_library() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ProdList.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_petra-feedgen"))
        .args(["--rows", "200", "--seed", "9", "--out"])
        .arg(&out)
        .status()
        .unwrap();

    assert!(status.success());
    assert_eq!(std::fs::read(&out).unwrap(), generated(200, 9));
}

#[test]
fn command_reports_bad_path() {
    let output = Command::new(env!("CARGO_BIN_EXE_petra-feedgen"))
        .args(["--rows", "5", "--out", "/nonexistent-dir/ProdList.csv"])
        .output()
        .unwrap();

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent-dir/ProdList.csv"));
}

//! The default templates compile against their schemas, export as JSON and TOML that
//! read back unchanged, and map the real ProdList feed.

use std::path::PathBuf;

use fieldmap::{defaults, Template};

#[test]
fn every_default_compiles() {
    for default in defaults::ALL {
        let plan = defaults::plan(default.name);

        assert!(plan.is_ok(), "{}: {}", default.name, plan.unwrap_err());
    }
}

#[test]
fn json_export_reads_back() {
    for default in defaults::ALL {
        let exported = defaults::export_json(default.name).unwrap();

        assert_eq!(
            Template::from_json(&exported).unwrap(),
            defaults::template(default.name).unwrap(),
            "{}",
            default.name
        );
    }
}

#[test]
fn truncated_json_is_incomplete() {
    let exported = defaults::export_json("petra-prodlist-inventory").unwrap();
    let cut = &exported[..exported.len() / 2];

    let message = Template::from_json(cut).unwrap_err().to_string();

    assert!(message.contains("incomplete"), "{message}");
    assert!(message.contains(" line "), "{message}");
}

#[test]
fn invalid_json_is_not_incomplete() {
    let message = Template::from_json(r#"{"fields": 3}"#)
        .unwrap_err()
        .to_string();

    assert!(!message.contains("incomplete"), "{message}");
    assert!(message.contains("line 1"), "{message}");
}

#[test]
fn toml_export_reads_back() {
    for default in defaults::ALL {
        let exported = defaults::export_toml(default.name).unwrap();
        let read_back = Template::from_toml(&exported)
            .unwrap_or_else(|error| panic!("{}: {error}\n{exported}", default.name));

        assert_eq!(
            read_back,
            defaults::template(default.name).unwrap(),
            "{}",
            default.name
        );
    }
}

#[test]
fn unknown_default_lists_names() {
    let error = defaults::template("inventory").unwrap_err().to_string();

    assert!(error.contains("petra-prodlist-inventory"), "{error}");
}

fn real_feed_path() -> PathBuf {
    std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        })
}

/// Decodes a field as UTF-8, or as Windows-1252 when it is not valid UTF-8.
fn decode_field(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

#[test]
fn real_feed_maps_every_row() {
    let path = real_feed_path();
    let bytes = std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "real ProdList feed missing at {} ({error}); set PETRA_REAL_FEED",
            path.display()
        )
    });

    // Two preamble lines come before the header row.
    let body_start = bytes
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'\n')
        .nth(1)
        .map(|(position, _)| position + 1)
        .unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[body_start..]);
    let header: Vec<String> = reader
        .byte_headers()
        .unwrap()
        .iter()
        .map(decode_field)
        .collect();
    let source = fieldmap::SourceSchema::from_columns("prodlist", &header);
    let plan = fieldmap::compile(
        &defaults::template("petra-prodlist-inventory").unwrap(),
        &source,
        &fieldmap::schemas::inventory(),
    )
    .unwrap();

    let mut mapped = 0;
    let mut rejected = Vec::new();
    for (position, record) in reader.byte_records().enumerate() {
        let fields: Vec<String> = record.unwrap().iter().map(decode_field).collect();
        match plan.map(&fields, position as u64 + 4) {
            Ok(_) => mapped += 1,
            Err(error) => rejected.push(error.to_string()),
        }
    }

    assert_eq!(mapped, 2387, "rejected: {rejected:?}");
    assert!(rejected.is_empty(), "{rejected:?}");
}

#[test]
fn real_feed_keeps_windows_1252_letters() {
    let bytes = std::fs::read(real_feed_path()).expect("real ProdList feed; set PETRA_REAL_FEED");
    let decoded: Vec<String> = bytes
        .split(|byte| *byte == b',')
        .map(decode_field)
        .collect();

    assert!(decoded.iter().any(|field| field.contains("Décor")));
    assert!(!decoded.iter().any(|field| field.contains('\u{FFFD}')));
}

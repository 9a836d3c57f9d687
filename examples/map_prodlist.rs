//! Maps the rows of a ProdList.csv file through the default inventory template and prints
//! each mapped record as JSON, then each rejected row with its reasons.
//!
//! ```text
//! cargo run --example map_prodlist [path/to/ProdList.csv]
//! ```
//!
//! The default path is the synthetic sample `examples/data/sample-prodlist.csv`. This
//! example reads UTF-8 only; Petra's real feed mixes in Windows-1252 bytes, which the
//! feed reader in `petra-client` decodes field by field.

use std::error::Error;
use std::path::PathBuf;

use petra_sdk::fieldmap::{compile, defaults, schemas, SourceSchema};

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/data/sample-prodlist.csv"
            ))
        });
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("failed to read {}: {error}", path.display()))?;

    // Preamble lines come before the header, so look for the header instead of assuming line 1.
    let header_line = text
        .lines()
        .position(|line| line.contains("PETRA SKU"))
        .ok_or_else(|| format!("{}: no header row with a PETRA SKU column", path.display()))?;
    let body_start: usize = text
        .split_inclusive('\n')
        .take(header_line)
        .map(str::len)
        .sum();
    let mut reader = csv::Reader::from_reader(&text.as_bytes()[body_start..]);

    // Compile against the file's own header, so a reordered export still maps.
    let source = SourceSchema::from_columns("prodlist", reader.headers()?.iter());
    let template = defaults::template("petra-prodlist-inventory")?;
    let plan = compile(&template, &source, &schemas::inventory())?;

    let mut rejected = Vec::new();
    let mut mapped_count = 0;
    for record in reader.records() {
        let record = record?;
        // csv 1.4 reports the first record after the header as line 1 here, so the file
        // line adds the lines up to and including the header.
        let line = record.position().map_or(0, |position| position.line()) + header_line as u64 + 1;
        match plan.map(&record, line) {
            Ok(mapped) => {
                mapped_count += 1;
                println!("line {line}: {}", mapped.to_json());
            }
            Err(error) => rejected.push(error),
        }
    }

    println!();
    println!("{mapped_count} mapped, {} rejected", rejected.len());
    for error in &rejected {
        println!("{error}");
    }
    Ok(())
}

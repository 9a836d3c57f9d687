//! Maps the real ProdList feed N times through one path, for instruction counts under
//! `valgrind --tool=callgrind`, which stay stable on a loaded machine where wall-clock
//! figures do not.
//!
//! Usage: `prodlist_ir engine|engine_map|hand_written [records]` (default 100,000
//! records). `engine` calls `Plan::map_into` with one reused output record, and
//! `engine_map` calls `Plan::map`, which builds a new record each time.
//! `PETRA_REAL_FEED` overrides the feed path.

mod common;

use std::hint::black_box;

use fieldmap::{compile, defaults, schemas, MappedRecord, SourceSchema};

fn main() {
    let arguments: Vec<String> = std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with("--"))
        .collect();
    let Some(path) = arguments.first() else {
        // `cargo bench` runs every bench target without arguments; there is nothing to do.
        return;
    };
    let records: usize = arguments
        .get(1)
        .map(|count| count.parse().expect("records must be a whole number"))
        .unwrap_or(100_000);

    let (header, rows) = common::read_feed();
    let source = SourceSchema::from_columns("prodlist", &header);
    let template = defaults::template("petra-prodlist-inventory").unwrap();
    let plan = compile(&template, &source, &schemas::inventory()).unwrap();
    let columns = common::Columns::new(&header);
    common::check_agreement(&plan, &rows, &columns);

    let mut output = MappedRecord::default();
    let mut mapped = 0_usize;
    for index in 0..records {
        let row = &rows[index % rows.len()];
        let ok = match path.as_str() {
            "engine" => {
                let ok = plan.map_into(row, index as u64, &mut output).is_ok();
                black_box(&output);
                ok
            }
            "engine_map" => black_box(plan.map(row, index as u64)).is_ok(),
            "hand_written" => black_box(common::map_by_hand(row, &columns)).is_ok(),
            other => panic!("unknown path {other:?}; use engine, engine_map or hand_written"),
        };
        mapped += usize::from(ok);
    }
    println!("{path}: {mapped} of {records} records mapped");
}

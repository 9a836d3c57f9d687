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

use fieldmap::Plan;

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

    let common::Setup {
        rows,
        plan,
        columns,
    } = common::setup();

    let mapped = match path.as_str() {
        "engine" => common::map_engine(&plan, &rows, records),
        "engine_map" => map_new_records(&plan, &rows, records),
        "hand_written" => common::map_hand_written(&rows, &columns, records),
        other => panic!("unknown path {other:?}; use engine, engine_map or hand_written"),
    };
    println!("{path}: {mapped} of {records} records mapped");
}

/// Maps `records` records, cycling through the rows, with `Plan::map`, which builds a new
/// output record each time. Returns how many mapped.
fn map_new_records(plan: &Plan, rows: &[Vec<String>], records: usize) -> usize {
    let mut mapped = 0_usize;
    for index in 0..records {
        let row = &rows[index % rows.len()];
        if black_box(plan.map(row, index as u64)).is_ok() {
            mapped += 1;
        }
    }
    mapped
}

//! Reads one feed file in one way, for instruction counts under `valgrind --tool=callgrind`
//! (stable on a loaded machine, unlike wall time).
//!
//! `feed_profile bare|rows|reuse FILE`: `bare` parses `csv::ByteRecord`s only, `rows`
//! iterates owned [`ProdListRow`](petra_client::feed::ProdListRow)s and `reuse` reads
//! with [`ProdListReader::read_row`]. Both reader modes call the accessors of the
//! columns a catalog import maps, as the benchmark does.

use std::hint::black_box;

use common::consume;
use csv::ByteRecord;
use petra_client::feed::ProdListReader;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let path = args
        .next()
        .expect("usage: feed_profile bare|rows|reuse FILE");

    let count = match mode.as_str() {
        "bare" => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(64 * 1024)
                .from_path(&path)
                .expect("open the feed");
            let mut record = ByteRecord::new();
            let mut records = 0u64;
            while reader.read_byte_record(&mut record).expect("read a record") {
                records += 1;
            }
            records
        }
        "rows" => {
            let mut reader = ProdListReader::open(&path).expect("open the feed");
            let mut total = 0u64;
            for row in &mut reader {
                total += row.map_or(0, |row| consume(&row));
            }
            reader.finish().expect("complete read");
            total
        }
        "reuse" => {
            let mut reader = ProdListReader::open(&path).expect("open the feed");
            let mut total = 0u64;
            while let Some(row) = reader.read_row() {
                total += row.map_or(0, consume);
            }
            reader.finish().expect("complete read");
            total
        }
        other => panic!("unknown mode {other:?}; expected bare, rows or reuse"),
    };
    println!("{mode}: {}", black_box(count));
}

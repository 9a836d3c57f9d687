//! Reads one feed file in one way, for instruction counts under `valgrind --tool=callgrind`
//! (stable on a loaded machine, unlike wall time).
//!
//! `feed_profile MODE FILE`, where MODE is one of:
//!
//! - `bare`: parses `csv::ByteRecord`s only;
//! - `rows`: iterates owned [`ProdListRow`](petra_client::feed::ProdListRow)s;
//! - `reuse`: reads with
//!   [`ProdListReader::read_row`](petra_client::feed::ProdListReader::read_row);
//! - `split`: splits records with the reader's own `RecordSplitter` only;
//! - `simd`: splits records into `simd_csv::ByteRecord`s only;
//! - `simd-zero-copy`: splits records with `simd_csv::ZeroCopyReader` only.
//!
//! The reader modes, `rows` and `reuse`, call the accessors of the columns a catalog
//! import maps, as the benchmark does.

use std::hint::black_box;

use common::{bare_parse, bare_simd_parse, bare_simd_zero_copy, bare_split, lent_rows, owned_rows};

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let path = args
        .next()
        .expect("usage: feed_profile bare|rows|reuse|split|simd|simd-zero-copy FILE");

    let path = std::path::Path::new(&path);
    let count = match mode.as_str() {
        "bare" => bare_parse(path),
        "rows" => owned_rows(path),
        "reuse" => lent_rows(path),
        "split" => bare_split(path),
        "simd" => bare_simd_parse(path),
        "simd-zero-copy" => bare_simd_zero_copy(path),
        other => {
            panic!(
                "unknown mode {other:?}; expected bare, rows, reuse, split, simd or simd-zero-copy"
            )
        }
    };
    println!("{mode}: {}", black_box(count));
}

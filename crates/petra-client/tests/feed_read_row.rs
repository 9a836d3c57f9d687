//! `ProdListReader::read_row`, which refills one row, against the iterator's owned rows:
//! both must return the same rows, errors and summary for every fixture, so that no value
//! of one row leaks into the next.

use std::path::{Path, PathBuf};

use petra_client::feed::{
    generate, Column, FeedSummary, GeneratorOptions, ProdListReader, ProdListRow, RowError,
};

fn fixtures() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed");
    let mut paths: Vec<_> = std::fs::read_dir(folder)
        .expect("fixture folder exists")
        .map(|entry| entry.expect("fixture entry").path())
        .collect();
    paths.sort();
    paths
}

/// Formats every value a row exposes, so that two rows compare in one assert.
fn describe(row: &ProdListRow) -> String {
    let texts: Vec<_> = Column::ALL.iter().map(|&column| row.text(column)).collect();
    let fields: Vec<_> = (0..row.columns().names().len())
        .map(|position| row.field_at(position))
        .collect();
    let numbers = [
        row.price(),
        row.map(),
        row.msrp(),
        row.weight_unpacked(),
        row.length(),
        row.width(),
        row.height(),
        row.estimated_ship_weight(),
    ];
    format!(
        "line {} sku {} available {} numbers {numbers:?} upc {:?} refurb {} discontinued {} \
         texts {texts:?} fields {fields:?} warnings {:?}",
        row.line(),
        row.petra_sku(),
        row.available(),
        row.upc(),
        row.refurb(),
        row.is_discontinued(),
        row.warnings(),
    )
}

type Outcome = (Vec<Result<String, RowError>>, Result<FeedSummary, String>);

fn read_owned(path: &Path) -> Option<Outcome> {
    let mut reader = ProdListReader::open(path).ok()?;
    let rows = reader
        .by_ref()
        .map(|row| row.map(|row| describe(&row)))
        .collect();
    Some((rows, reader.finish().map_err(|error| error.to_string())))
}

fn read_lent(path: &Path) -> Option<Outcome> {
    let mut reader = ProdListReader::open(path).ok()?;
    let mut rows = Vec::new();
    while let Some(row) = reader.read_row() {
        rows.push(row.map(describe));
    }
    Some((rows, reader.finish().map_err(|error| error.to_string())))
}

#[test]
fn read_row_matches_iterator_on_fixtures() {
    for path in fixtures() {
        let owned = read_owned(&path);
        let lent = read_lent(&path);

        assert_eq!(lent, owned, "{}", path.display());
    }
}

#[test]
fn read_row_matches_iterator_on_generated() {
    let mut bytes = Vec::new();
    generate(
        &mut bytes,
        GeneratorOptions {
            rows: 2_000,
            seed: 5,
        },
    )
    .expect("generate");
    let feed = tempfile::NamedTempFile::new().expect("temporary file");
    std::fs::write(feed.path(), &bytes).expect("write feed");

    let owned = read_owned(feed.path()).expect("header found");
    let lent = read_lent(feed.path()).expect("header found");

    assert_eq!(lent.0.len(), 2_000);
    assert_eq!(lent, owned);
}

#[test]
fn read_row_matches_iterator_on_real_feed() {
    let path = std::env::var("PETRA_REAL_FEED").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/petra/prodlist-2026-06-11.csv"
        )
        .to_owned()
    });
    assert!(
        Path::new(&path).exists(),
        "real feed {path} is missing; set PETRA_REAL_FEED to its path"
    );

    let owned = read_owned(Path::new(&path)).expect("header found");
    let lent = read_lent(Path::new(&path)).expect("header found");

    assert_eq!(lent.0.len(), 2_387);
    assert_eq!(lent, owned);
}

//! `ProdListReader::read_row`, which refills one row, against the iterator's owned rows:
//! both must return the same rows, errors and summary for every fixture, so that no value
//! of one row leaks into the next.

mod common;

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
    let path = common::real_feed();

    let owned = read_owned(&path).expect("header found");
    let lent = read_lent(&path).expect("header found");

    assert_eq!(lent.0.len(), 2_387);
    assert_eq!(lent, owned);
}

/// The line of a row or of a row error.
fn line_of(row: &Result<String, RowError>) -> u64 {
    match row {
        Ok(described) => described
            .strip_prefix("line ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|line| line.parse().ok())
            .unwrap_or(0),
        Err(error) => error.line,
    }
}

/// Reads with `read_row_unless`, passing over the records on even lines.
fn read_odd_lines(path: &Path) -> Option<(Vec<Result<String, RowError>>, u64)> {
    let mut reader = ProdListReader::open(path).ok()?;
    let mut rows = Vec::new();
    let mut offered = 0u64;
    while let Some(row) = reader.read_row_unless(|_, line| {
        offered += 1;
        line % 2 == 0
    }) {
        rows.push(row.map(describe));
    }
    let passed_over = reader.summary().passed_over_rows;
    let _ = reader.finish();
    assert_eq!(
        offered,
        passed_over + rows.len() as u64,
        "{}",
        path.display()
    );
    Some((rows, passed_over))
}

#[test]
fn read_row_unless_keeps_the_other_rows() {
    for path in fixtures() {
        let Some((owned, _)) = read_owned(&path) else {
            continue;
        };
        let expected: Vec<_> = owned
            .into_iter()
            .filter(|row| line_of(row) % 2 == 1)
            .collect();

        let (kept, _) = read_odd_lines(&path).expect("header found");

        assert_eq!(kept, expected, "{}", path.display());
    }
}

#[test]
fn passing_over_every_row_is_complete() {
    let path = fixtures()
        .into_iter()
        .find(|path| path.ends_with("basic.csv"))
        .expect("basic.csv fixture");
    let mut reader = ProdListReader::open(&path).expect("header found");

    while reader.read_row_unless(|_, _| true).is_some() {}
    let summary = reader.finish().expect("complete read");

    assert_eq!(summary.passed_over_rows, 3);
    assert_eq!(summary.rows, 0);
}

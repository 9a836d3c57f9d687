//! The ProdList reader against one small fixture file per quirk.

use std::path::PathBuf;

use petra_client::feed::{
    AsyncProdListReader, Column, FeedSummary, ProdListReader, ProdListRow, ReaderOptions, RowError,
};
use petra_client::Error;
use rust_decimal::Decimal;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feed")
        .join(name)
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture exists")
}

/// Reads a whole fixture: every row result and the summary.
fn read_all(name: &str) -> (Vec<Result<ProdListRow, RowError>>, FeedSummary) {
    let mut reader = ProdListReader::open(fixture(name)).expect("header found");
    let rows: Vec<_> = reader.by_ref().collect();
    let summary = reader.finish().expect("complete read");
    (rows, summary)
}

fn ok_rows(name: &str) -> Vec<ProdListRow> {
    read_all(name)
        .0
        .into_iter()
        .map(|row| row.expect("row is valid"))
        .collect()
}

fn skus(rows: &[ProdListRow]) -> Vec<&str> {
    rows.iter().map(|row| row.petra_sku().as_str()).collect()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn basic_feed_reads_typed_rows() {
    let (rows, summary) = read_all("basic.csv");
    let second = rows[1].as_ref().unwrap();

    assert_eq!(rows.len(), 3);
    assert_eq!(summary.rows, 3);
    assert_eq!(summary.header_line, 3);
    assert_eq!(summary.preamble_rows, 2);
    assert_eq!(second.petra_sku().as_str(), "1TST0002");
    assert_eq!(second.vendor_sku(), Some("VND-2"));
    assert_eq!(second.description(), Some("SECOND ITEM"));
    assert_eq!(second.available(), 0);
    assert_eq!(second.price(), Some(dec("3.25")));
    assert_eq!(second.brand_name(), Some("ACME"));
    assert_eq!(second.image_url(), Some("https://images.invalid/2.jpg"));
    assert_eq!(second.line(), 5);
    assert_eq!(second.msrp(), None);
    assert_eq!(second.upc(), None);
}

#[test]
fn field_by_name_ignores_case() {
    let rows = ok_rows("basic.csv");

    assert_eq!(rows[0].field(" brand name "), Some("ACME"));
    assert_eq!(rows[0].field("NOTES2"), Some(""));
    assert_eq!(rows[0].field("NO SUCH COLUMN"), None);
}

#[test]
fn windows_1252_fields_fall_back() {
    let (rows, summary) = read_all("cp1252_mixed.csv");
    let first = rows[0].as_ref().unwrap();
    let second = rows[1].as_ref().unwrap();

    assert_eq!(
        first.description(),
        Some("Hose clamp 10 \u{2013} 20 mm \u{AE}")
    );
    assert_eq!(first.price(), Some(dec("4.50")));
    assert_eq!(first.subcategory(), Some("Home Décor"));
    assert_eq!(second.subcategory(), Some("Home Décor"));
    assert_eq!(summary.windows_1252_fields, 2);
}

#[test]
fn no_c1_or_replacement_chars() {
    let rows = ok_rows("cp1252_mixed.csv");
    let text = rows[0].field("DESCRIPTION").unwrap();

    assert!(!text.contains('\u{FFFD}'));
    assert!(!text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)));
}

#[test]
fn zero_width_space_trimmed() {
    let rows = ok_rows("cp1252_mixed.csv");

    assert_eq!(rows[1].description(), Some("TELLUS MT"));
    assert_eq!(rows[1].field("DESCRIPTION"), Some("TELLUS MT\u{200B}"));
}

#[test]
fn utf16_le_matches_bytes() {
    let expected = ok_rows("cp1252_mixed.csv");
    let (rows, summary) = read_all("cp1252_mixed_utf16le.csv");

    assert_eq!(rows.len(), expected.len());
    for (row, expected) in rows.iter().zip(&expected) {
        let row = row.as_ref().unwrap();
        for name in [
            "PETRA SKU",
            "DESCRIPTION",
            "PRICE",
            "AVAILABLE",
            "SUBCATEGORY",
        ] {
            assert_eq!(row.field(name), expected.field(name), "column {name}");
        }
        assert_eq!(row.line(), expected.line());
        assert_eq!(row.price(), expected.price());
    }
    assert_eq!(summary.windows_1252_fields, 0);
    assert_eq!(
        summary.utf16,
        Some(petra_client::feed::SourceEncoding::Utf16Le)
    );
}

#[test]
fn utf16_be_matches_bytes() {
    let expected = ok_rows("cp1252_mixed.csv");
    let rows = ok_rows("cp1252_mixed_utf16be.csv");

    assert_eq!(rows[0].description(), expected[0].description());
    assert_eq!(rows[1].subcategory(), expected[1].subcategory());
}

#[test]
fn bom_on_preamble_line() {
    let (rows, summary) = read_all("bom_preamble.csv");

    assert_eq!(rows.len(), 3);
    assert_eq!(summary.header_line, 3);
}

#[test]
fn bom_on_header_line() {
    let bytes = [b"\xEF\xBB\xBF".as_slice(), &fixture_bytes("preamble_0.csv")].concat();
    let mut reader = ProdListReader::new(bytes.as_slice()).unwrap();

    assert_eq!(reader.columns().position_of(Column::VendorSku), Some(0));
    assert_eq!(reader.next().unwrap().unwrap().vendor_sku(), Some("VND-1"));
}

#[test]
fn bom_in_middle_of_file() {
    // A BOM left at the start of the header line by a tool that joined two files.
    let bytes = [
        b"Petra Industries Product List\r\n\xEF\xBB\xBF".as_slice(),
        &fixture_bytes("preamble_0.csv"),
    ]
    .concat();
    let mut reader = ProdListReader::new(bytes.as_slice()).unwrap();

    assert_eq!(reader.columns().position_of(Column::VendorSku), Some(0));
    assert_eq!(reader.next().unwrap().unwrap().vendor_sku(), Some("VND-1"));
}

#[test]
fn any_preamble_length_works() {
    for (name, header_line) in [
        ("preamble_0.csv", 1),
        ("preamble_1.csv", 2),
        ("basic.csv", 3),
        ("preamble_3.csv", 4),
    ] {
        let (rows, summary) = read_all(name);
        assert_eq!(rows.len(), 3, "{name}");
        assert_eq!(summary.header_line, header_line, "{name}");
        assert!(rows.iter().all(Result::is_ok), "{name}");
    }
}

#[test]
fn missing_header_names_columns() {
    let error = ProdListReader::open(fixture("no_header.csv"))
        .err()
        .unwrap();

    assert!(matches!(
        error,
        Error::FeedHeaderNotFound {
            rows_searched: 6,
            ..
        }
    ));
    let message = error.to_string();
    for column in ["PETRA SKU", "DESCRIPTION", "AVAILABLE", "PRICE"] {
        assert!(message.contains(column), "{message}");
    }
}

#[test]
fn one_row_without_header_says_first_row() {
    let error = ProdListReader::new(b"name = \"not a feed\"\n".as_slice())
        .err()
        .unwrap();

    let message = error.to_string();

    assert!(message.contains("not found in its first row"), "{message}");
}

#[test]
fn header_search_window_bounded() {
    let options = ReaderOptions::default().header_search_rows(2);
    let error = ProdListReader::with_options(fixture_bytes("basic.csv").as_slice(), options)
        .err()
        .unwrap();

    assert!(matches!(
        error,
        Error::FeedHeaderNotFound {
            rows_searched: 2,
            ..
        }
    ));
}

#[test]
fn empty_file_has_no_header() {
    let error = ProdListReader::new(&b""[..]).err().unwrap();
    let message = error.to_string();

    assert!(matches!(error, Error::FeedHeaderNotFound { .. }));
    assert!(message.contains("feed is empty"), "{message}");
    assert!(!message.contains("first 0 rows"), "{message}");
}

#[test]
fn repeated_column_block_read() {
    let (rows, summary) = read_all("repeated_columns.csv");

    assert_eq!(
        skus(&rows.into_iter().map(Result::unwrap).collect::<Vec<_>>()),
        ["1TST0001", "1TST0002"]
    );
    assert_eq!(summary.skipped_rows, 1);
    assert!(summary
        .file_warnings
        .iter()
        .any(|warning| warning.message.contains("repeated header row")));
    assert!(summary
        .file_warnings
        .iter()
        .any(|warning| warning.raw_value == "PETRA SKU"));
}

#[test]
fn repeated_header_any_spelling_skipped() {
    let feed = "PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\n\
                1TST0001,CLAMP,3,4.50\r\n\
                \x20petra sku ,Description,available,Price\r\n\
                1TST0002,HOSE,5,9.00\r\n";
    let mut reader = ProdListReader::new(feed.as_bytes()).expect("header found");
    let rows: Vec<_> = reader
        .by_ref()
        .map(|row| row.expect("row is valid"))
        .collect();
    let summary = reader.finish().expect("complete read");

    assert_eq!(skus(&rows), ["1TST0001", "1TST0002"]);
    assert_eq!(summary.skipped_rows, 1);
}

#[test]
fn repeated_header_with_bom_skipped() {
    // A second export appended to the first keeps its own byte order mark.
    let feed = "PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\n\
                1TST0001,CLAMP,3,4.50\r\n\
                \u{FEFF}PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\n\
                1TST0002,HOSE,5,9.00\r\n";
    let mut reader = ProdListReader::new(feed.as_bytes()).expect("header found");
    let rows: Vec<_> = reader.by_ref().collect();
    let summary = reader.finish().expect("complete read");

    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(Result::is_ok));
    assert_eq!(summary.skipped_rows, 1);
}

#[test]
fn lf_and_crlf_read_same() {
    let crlf = ok_rows("basic.csv");
    let lf = ok_rows("lf_line_ends.csv");

    assert_eq!(skus(&crlf), skus(&lf));
    assert_eq!(lf[2].image_url(), crlf[2].image_url());
    assert_eq!(lf[2].line(), 6);
}

#[test]
fn blank_lines_skipped() {
    let (rows, summary) = read_all("blank_lines.csv");
    let rows: Vec<_> = rows.into_iter().map(Result::unwrap).collect();

    assert_eq!(skus(&rows), ["1TST0001", "1TST0002"]);
    assert_eq!(rows[0].line(), 6);
    assert_eq!(rows[1].line(), 10);
    assert_eq!(summary.row_errors, 0);
}

#[test]
fn trailing_empty_columns_ignored() {
    let (rows, summary) = read_all("trailing_empty_columns.csv");

    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(Result::is_ok));
    assert_eq!(summary.warnings, 0);
}

#[test]
fn values_past_header_warned() {
    let text = "PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\nA1,X,1,2.00,surprise\r\n";
    let mut reader = ProdListReader::new(text.as_bytes()).unwrap();
    let row = reader.next().unwrap().unwrap();
    let summary = reader.finish().unwrap();

    assert_eq!(row.petra_sku().as_str(), "A1");
    assert_eq!(summary.file_warnings[0].raw_value, "surprise");
}

#[test]
fn multiline_field_is_one_field() {
    let (rows, _) = read_all("multiline_quoted.csv");
    let first = rows[0].as_ref().unwrap();
    let second = rows[1].as_ref().unwrap();

    assert_eq!(first.long_desc(), Some("<p>one</p>\n<p>two</p>"));
    assert_eq!(first.description(), Some("12\" SCREEN, BLACK"));
    assert_eq!(second.long_desc(), Some("<p>Line\r\nbreak</p>"));
    assert_eq!(second.line(), 6);
}

#[test]
fn inch_mark_in_unquoted_field() {
    let text = "PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\nA1,5\" HOSE,1,2.00\r\nA2,CLAMP,3,4.00\r\n";
    let rows: Vec<_> = ProdListReader::new(text.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();

    assert_eq!(skus(&rows), ["A1", "A2"]);
    assert_eq!(rows[0].description(), Some("5\" HOSE"));
    assert_eq!(rows[1].line(), 3);
}

#[test]
fn lone_cr_ends_row() {
    let text = "PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\rA1,HOSE,1,2.00\rA2,CLAMP,3,4.00\r";
    let rows: Vec<_> = ProdListReader::new(text.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();

    assert_eq!(skus(&rows), ["A1", "A2"]);
    assert_eq!(rows[1].price(), Some(dec("4.00")));
}

#[test]
fn error_line_is_physical() {
    let (rows, _) = read_all("multiline_quoted.csv");
    let error = rows[2].as_ref().unwrap_err();

    assert_eq!(error.line, 8);
    assert_eq!(error.petra_sku.as_ref().unwrap().as_str(), "1TST0003");
    assert_eq!(error.fields[0].column, "AVAILABLE");
    assert_eq!(error.fields[0].raw_value, "-1");
    assert_eq!(error.fields[0].reason, "negative quantity");
}

#[test]
fn upc_rules() {
    let (rows, summary) = read_all("upc.csv");
    let upc = |i: usize| {
        rows[i]
            .as_ref()
            .unwrap()
            .upc()
            .map(|upc| upc.as_str().to_owned())
    };

    assert_eq!(upc(0).as_deref(), Some("036000291452"));
    assert_eq!(upc(1).as_deref(), Some("6970684277620"));
    assert_eq!(upc(2).as_deref(), Some("036000291452"));
    assert_eq!(upc(3), None);
    assert_eq!(upc(4), None);
    assert_eq!(upc(5), None);
    assert_eq!(upc(6).as_deref(), Some("0036000291452"));
    assert_eq!(summary.row_errors, 1);
    assert_eq!(summary.warnings, 4);
}

#[test]
fn upc_repair_is_reported() {
    let (rows, _) = read_all("upc.csv");
    let warnings = rows[2].as_ref().unwrap().warnings();

    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].raw_value, "36000291452");
    assert!(warnings[0].message.contains("036000291452"));
}

#[test]
fn scientific_upc_warns() {
    let (rows, _) = read_all("upc.csv");
    let warnings = rows[3].as_ref().unwrap().warnings();

    assert_eq!(warnings[0].column.as_deref(), Some("UPC"));
    assert_eq!(warnings[0].raw_value, "6.97068E+12");
}

#[test]
fn bad_upc_check_digits_absent() {
    let (rows, _) = read_all("upc.csv");
    let unrepairable = rows[4].as_ref().unwrap();
    let wrong_check = rows[5].as_ref().unwrap();

    assert_eq!(unrepairable.upc(), None);
    assert_eq!(unrepairable.warnings().len(), 1);
    assert_eq!(unrepairable.warnings()[0].raw_value, "36000291453");
    assert!(unrepairable.warnings()[0].message.contains("leading zero"));
    assert_eq!(wrong_check.upc(), None);
    assert_eq!(wrong_check.warnings().len(), 1);
}

#[test]
fn bad_upc_warning_names_row() {
    let (rows, _) = read_all("upc.csv");
    let warning = &rows[5].as_ref().unwrap().warnings()[0];

    assert_eq!(warning.line, 9);
    assert_eq!(
        warning.petra_sku.as_ref().map(|sku| sku.as_str()),
        Some("1TST0006")
    );
    assert_eq!(warning.column.as_deref(), Some("UPC"));
    assert_eq!(warning.raw_value, "036000291453");
    assert!(warning.message.contains("check digit"));
}

#[test]
fn malformed_upc_rejected() {
    let (rows, _) = read_all("upc.csv");
    let error = rows[7].as_ref().unwrap_err();

    assert_eq!(error.fields[0].column, "UPC");
    assert_eq!(error.fields[0].raw_value, "03600029145X");
}

#[test]
fn money_formats_read() {
    let (rows, _) = read_all("money.csv");
    let row = |i: usize| rows[i].as_ref().unwrap();

    assert_eq!(row(0).price(), Some(dec("10.00")));
    assert_eq!(row(0).msrp(), Some(dec("1249.99")));
    assert_eq!(row(0).map(), Some(dec("1499.00")));
    assert_eq!(row(1).price(), Some(dec("7.5")));
    assert_eq!(row(1).msrp(), None);
    assert_eq!(row(1).map(), None);
    assert_eq!(row(2).msrp(), Some(Decimal::ZERO));
    assert_eq!(row(4).price(), Some(dec("12.99")));
}

#[test]
fn map_zero_means_none() {
    let (rows, _) = read_all("money.csv");

    assert_eq!(rows[2].as_ref().unwrap().map(), None);
    assert_eq!(rows[4].as_ref().unwrap().map(), None);
}

#[test]
fn na_price_absent_with_warning() {
    let (rows, _) = read_all("money.csv");
    let row = rows[2].as_ref().unwrap();

    assert_eq!(row.price(), None);
    assert_eq!(row.warnings()[0].raw_value, "N/A");
}

#[test]
fn na_amount_position_is_not_available() {
    let (rows, _) = read_all("money.csv");
    let row = rows[2].as_ref().unwrap();
    let position = |name| row.columns().position(name).expect("column in the header");

    assert!(row.is_not_available(position("PRICE")));
    // MAP 0 is absent too, but it is not `N/A`.
    assert!(!row.is_not_available(position("MAP")));
    assert!(!row.is_not_available(position("DESCRIPTION")));
    assert!(!rows[0]
        .as_ref()
        .unwrap()
        .is_not_available(position("PRICE")));
}

#[test]
fn invalid_weight_warns_about_weight() {
    let header = String::from_utf8(fixture_bytes("money.csv")).expect("ASCII fixture");
    let header = header.lines().nth(2).expect("header line");
    let feed =
        format!("{header}\nVND-1,1TST0001,TEST ITEM 1,5,10.00,ACME,heavy,,,,,,,,N,,,,,,,,,,,,,\n");
    let mut reader = ProdListReader::new(feed.as_bytes()).expect("header found");

    let row = reader.next().expect("one row").expect("row is valid");

    assert_eq!(row.weight_unpacked(), None);
    assert_eq!(row.warnings().len(), 1);
    let warning = &row.warnings()[0];
    assert_eq!(warning.column.as_deref(), Some("WEIGHT-UNPACKED"));
    assert_eq!(warning.raw_value, "heavy");
    assert!(
        !warning.message.contains("UPC"),
        "message: {}",
        warning.message
    );
    assert!(warning.message.ends_with("so the value is read as absent"));
}

#[test]
fn european_price_is_field_error() {
    let (rows, summary) = read_all("money.csv");
    let error = rows[3].as_ref().unwrap_err();

    assert_eq!(error.fields[0].column, "PRICE");
    assert_eq!(error.fields[0].raw_value, "1.249,99");
    assert_eq!(error.line, 7);
    assert_eq!(summary.row_errors, 1);
    assert_eq!(summary.rows, 4);
}

#[test]
fn available_rules() {
    let (rows, _) = read_all("available.csv");

    assert_eq!(rows[0].as_ref().unwrap().available(), 1200);
    assert_eq!(
        rows[1].as_ref().unwrap_err().fields[0].reason,
        "negative quantity"
    );
    assert_eq!(
        rows[2].as_ref().unwrap_err().fields[0].reason,
        "fractional quantity"
    );
    assert_eq!(rows[3].as_ref().unwrap().available(), 7);
}

#[test]
fn plain_text_entities_decoded() {
    let rows = ok_rows("entities.csv");

    assert_eq!(rows[0].description(), Some("CABLE & ADAPTER \"6FT\""));
    assert_eq!(rows[0].keywords(), Some("Don\u{2019}t \u{2022} miss"));
    assert_eq!(rows[0].subcategory(), Some("Tools & Home Improvement"));
    assert_eq!(rows[1].description(), Some("DOUBLE & ENCODED"));
}

#[test]
fn html_columns_keep_markup() {
    let rows = ok_rows("entities.csv");

    assert_eq!(rows[0].long_desc(), Some("<p>&bull; Fast &amp; quiet</p>"));
    assert_eq!(
        rows[0].specs(),
        Some("&bull; 50 watt power draw;&bull; Covers 280 sq. ft.;")
    );
}

#[test]
fn html_never_double_encoded() {
    let rows = ok_rows("entities.csv");

    assert_eq!(rows[1].long_desc(), Some("<p>&bull; doubled</p>"));
    assert_eq!(rows[1].specs(), Some("&bull; twice"));
    assert_eq!(
        rows[1].field("LONG DESC"),
        Some("<p>&amp;bull; doubled</p>")
    );
}

#[test]
fn refurb_and_discontinued() {
    let (rows, _) = read_all("refurb_discontinued.csv");
    let row = |i: usize| rows[i].as_ref().unwrap();

    assert!(row(0).refurb());
    assert!(row(0).is_discontinued());
    assert!(!row(1).refurb());
    assert!(!row(1).is_discontinued());
    assert!(!row(2).refurb());
    assert_eq!(rows[3].as_ref().unwrap_err().fields[0].column, "REFURB");
}

#[test]
fn unterminated_quote_is_error() {
    let mut reader = ProdListReader::open(fixture("unterminated_quote.csv")).unwrap();
    let rows: Vec<_> = reader.by_ref().collect();
    let error = reader.finish().unwrap_err();

    assert_eq!(rows.len(), 2);
    assert!(
        matches!(error, Error::FeedUnterminatedQuote { line: 6 }),
        "{error:?}"
    );
}

#[test]
fn unterminated_quote_row_not_returned() {
    let mut reader = ProdListReader::open(fixture("unterminated_quote.csv")).unwrap();
    let mut skus = Vec::new();
    while let Some(row) = reader.read_row() {
        skus.push(row.unwrap().petra_sku().as_str().to_owned());
    }

    assert_eq!(skus, ["1TST0001", "1TST0002"]);
    assert!(reader.finish().is_err());
}

#[test]
fn cut_last_row_is_error() {
    let mut reader = ProdListReader::open(fixture("cut_last_row.csv")).unwrap();
    let rows: Vec<_> = reader.by_ref().collect();
    let error = reader.finish().unwrap_err();

    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(Result::is_ok));
    assert!(
        matches!(
            error,
            Error::FeedLastRowCut {
                line: 6,
                fields: 6,
                columns: 28
            }
        ),
        "{error:?}"
    );
}

#[test]
fn cut_last_row_not_returned() {
    let mut reader = ProdListReader::open(fixture("cut_last_row.csv")).unwrap();
    let mut skus = Vec::new();
    while let Some(row) = reader.read_row() {
        skus.push(row.unwrap().petra_sku().as_str().to_owned());
    }

    assert_eq!(skus, ["1TST0001", "1TST0002"]);
    assert!(matches!(reader.finish(), Err(Error::FeedLastRowCut { .. })));
}

#[test]
fn last_row_without_line_end_is_cut() {
    // Every column is there, but a cut inside the last one would look the same.
    let mut reader = ProdListReader::open(fixture("last_row_without_line_end.csv")).unwrap();
    let rows: Vec<_> = reader.by_ref().collect();
    let error = reader.finish().unwrap_err();

    assert_eq!(rows.len(), 2);
    assert!(
        matches!(
            error,
            Error::FeedLastRowCut {
                line: 6,
                fields: 28,
                columns: 28
            }
        ),
        "{error:?}"
    );
}

#[test]
fn short_body_is_truncated() {
    let bytes = fixture_bytes("basic.csv");
    let options = ReaderOptions::default().expected_len(bytes.len() as u64 + 10);
    let reader = ProdListReader::with_options(bytes.as_slice(), options).unwrap();
    let error = reader.finish().unwrap_err();

    assert!(matches!(
        error,
        Error::FeedTruncated { expected_bytes, received_bytes }
            if received_bytes == bytes.len() as u64 && expected_bytes == received_bytes + 10
    ));
}

#[test]
fn exact_length_is_complete() {
    let bytes = fixture_bytes("basic.csv");
    let options = ReaderOptions::default().expected_len(bytes.len() as u64);
    let reader = ProdListReader::with_options(bytes.as_slice(), options).unwrap();

    assert_eq!(reader.finish().unwrap().source_bytes, bytes.len() as u64);
}

#[test]
fn header_without_rows_is_error() {
    let reader = ProdListReader::open(fixture("header_only.csv")).unwrap();
    let error = reader.finish().unwrap_err();

    assert!(matches!(error, Error::FeedEmpty { header_line: 3 }));
}

#[test]
fn header_cut_short_is_error() {
    let error = ProdListReader::open(fixture("header_cut.csv"))
        .err()
        .unwrap();
    let message = error.to_string();

    assert!(matches!(error, Error::FeedHeaderCut { line: 3 }), "{error}");
    assert!(message.contains("header row"), "{message}");
}

#[test]
fn cut_before_header_is_header_cut() {
    let cases: [(&str, &[u8], u64); 4] = [
        ("inside the first line", b"Petra Industries Pro", 1),
        (
            "inside the second line",
            b"Petra Industries Product List\r\nDealer price fi",
            2,
        ),
        (
            "inside a quoted first line",
            b"\"Petra Industries Product List\r\n",
            1,
        ),
        (
            "inside the header before PRICE",
            b"Petra Industries Product List\r\nDealer price file\r\nVENDOR SKU,PETRA SKU,DESCRIP",
            3,
        ),
    ];

    for (name, bytes, line) in cases {
        let error = ProdListReader::new(bytes).err().unwrap();
        let message = error.to_string();

        assert!(
            matches!(error, Error::FeedHeaderCut { line: found } if found == line),
            "{name}: {error:?}"
        );
        assert!(
            message.contains("before its header row is complete"),
            "{name}: {message}"
        );
    }
}

#[test]
fn whole_lines_without_header_not_cut() {
    let bytes = b"Petra Industries Product List\r\nDealer price file\r\n";

    let error = ProdListReader::new(&bytes[..]).err().unwrap();

    assert!(
        matches!(
            error,
            Error::FeedHeaderNotFound {
                rows_searched: 2,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn empty_sku_is_row_error() {
    let text = "PETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\n  ,X,1,2.00\r\nB2,Y,1,2.00\r\n";
    let mut reader = ProdListReader::new(text.as_bytes()).unwrap();
    let error = reader.next().unwrap().unwrap_err();

    assert_eq!(error.petra_sku, None);
    assert_eq!(error.fields[0].column, "PETRA SKU");
    assert_eq!(reader.next().unwrap().unwrap().petra_sku().as_str(), "B2");
}

#[tokio::test]
async fn async_reader_matches_sync() {
    let file = tokio::fs::File::open(fixture("cp1252_mixed.csv"))
        .await
        .unwrap();
    let mut reader = AsyncProdListReader::new(file).await.unwrap();
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().await {
        rows.push(row.unwrap());
    }
    let summary = reader.finish().await.unwrap();

    assert_eq!(
        rows[0].description(),
        Some("Hose clamp 10 \u{2013} 20 mm \u{AE}")
    );
    assert_eq!(summary.rows, 2);
    assert_eq!(summary.windows_1252_fields, 2);
}

#[tokio::test]
async fn async_reader_reports_truncation() {
    let file = tokio::fs::File::open(fixture("unterminated_quote.csv"))
        .await
        .unwrap();
    let reader = AsyncProdListReader::new(file).await.unwrap();

    assert!(matches!(
        reader.finish().await,
        Err(Error::FeedUnterminatedQuote { .. })
    ));
}

#[tokio::test]
async fn async_reader_reports_cut_row() {
    let file = tokio::fs::File::open(fixture("cut_last_row.csv"))
        .await
        .unwrap();
    let reader = AsyncProdListReader::new(file).await.unwrap();

    assert!(matches!(
        reader.finish().await,
        Err(Error::FeedLastRowCut { line: 6, .. })
    ));
}

#[tokio::test]
async fn async_reader_header_error() {
    let file = tokio::fs::File::open(fixture("no_header.csv"))
        .await
        .unwrap();

    assert!(matches!(
        AsyncProdListReader::new(file).await,
        Err(Error::FeedHeaderNotFound { .. })
    ));
}

/// A source that returns its bytes in chunks of the given sizes, in turn.
struct ChunkedSource {
    bytes: Vec<u8>,
    at: usize,
    sizes: Vec<usize>,
    turn: usize,
}

impl std::io::Read for ChunkedSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()];
        self.turn += 1;
        let n = size.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Layout of one generated data row: the line feeds inside its quoted DESCRIPTION (none
/// leaves it unquoted), its line end, and the blank lines after it.
#[derive(Debug, Clone)]
struct LinePlan {
    inner_line_feeds: usize,
    crlf: bool,
    blank_lines_after: usize,
}

fn line_plan() -> impl proptest::strategy::Strategy<Value = LinePlan> {
    use proptest::prelude::*;
    (0..3usize, any::<bool>(), 0..3usize).prop_map(|(inner_line_feeds, crlf, blank)| LinePlan {
        inner_line_feeds,
        crlf,
        blank_lines_after: blank,
    })
}

proptest::proptest! {
    #[test]
    fn row_lines_match_physical_lines(
        plans in proptest::collection::vec(line_plan(), 1..12),
        sizes in proptest::collection::vec(1..9usize, 1..5),
        last_terminated in proptest::bool::ANY,
    ) {
        let mut feed = String::from("Title line\nPETRA SKU,DESCRIPTION,AVAILABLE,PRICE\r\n");
        let mut line = 3;
        let mut expected = Vec::new();
        for (index, plan) in plans.iter().enumerate() {
            expected.push(line);
            let description = if plan.inner_line_feeds == 0 {
                "CLAMP".to_owned()
            } else {
                format!("\"A{}B\"", "\n".repeat(plan.inner_line_feeds))
            };
            feed.push_str(&format!("SKU{index},{description},3,4.50"));
            line += plan.inner_line_feeds as u64;

            let last = index + 1 == plans.len();
            if last && !last_terminated {
                break;
            }
            feed.push_str(if plan.crlf { "\r\n" } else { "\n" });
            line += 1;
            for _ in 0..plan.blank_lines_after {
                feed.push_str(if plan.crlf { "\r\n" } else { "\n" });
                line += 1;
            }
        }
        // A last row without a line end may be cut short, so it is not returned.
        if !last_terminated {
            expected.pop();
        }
        let source = ChunkedSource { bytes: feed.into_bytes(), at: 0, sizes, turn: 0 };

        let mut reader = ProdListReader::new(source).expect("header found");
        let lines: Vec<u64> = reader
            .by_ref()
            .map(|row| row.expect("row is valid").line())
            .collect();
        let end = reader.finish();
        if last_terminated {
            proptest::prop_assert!(end.is_ok(), "{:?}", end.err());
        } else {
            proptest::prop_assert!(
                matches!(end, Err(Error::FeedLastRowCut { .. })),
                "{:?}",
                end.err()
            );
        }

        proptest::prop_assert_eq!(lines, expected);
    }
}

//! Fulfillment requests as the merchant gives them, and reading them from JSON or CSV.
//!
//! A request keeps the merchant's text exactly as written; mapping and validation happen
//! when it is sent, so a corrected template applies to requests already imported.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::Error;

/// One dropship order routed to Petra, as the merchant wrote it.
///
/// An unknown key is an error, because a misspelled key (`fr_numbr`) would otherwise
/// leave its field empty without a word.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FulfillmentRequest {
    /// The merchant's fulfillment request (FR) number, sent to Petra as the PO number.
    pub fr_number: String,
    pub ship_to_name: String,
    pub address_line_1: String,
    pub address_line_2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub shipping_method: Option<String>,
    pub lines: Vec<RequestLine>,
}

/// One line of a request. The quantity stays text until validation, so `2.5` or `two`
/// reach the report instead of failing the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestLine {
    pub sku: String,
    #[serde(deserialize_with = "number_or_text")]
    pub quantity: String,
}

fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(match value {
        serde_json::Value::String(text) => text,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// The file formats `read_requests` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFormat {
    /// An array of requests, or an object with a `requests` array.
    Json,
    /// One row per line item with the request's fields repeated on each row.
    Csv,
}

impl RequestFormat {
    /// Picks the format from the file extension: `.json` is JSON, anything else CSV.
    pub fn from_path(path: &Path) -> Self {
        let is_json = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
        if is_json {
            Self::Json
        } else {
            Self::Csv
        }
    }
}

/// CSV column names, in the order `petra orders import` documents them.
pub const CSV_COLUMNS: [&str; 13] = [
    "fr_number",
    "ship_to_name",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
    "email",
    "shipping_method",
    "item_sku",
    "item_quantity",
];

/// Reads requests from a file. The request order of the file is kept: it is the request
/// number validation problems refer to.
pub fn read_requests_file(path: &Path) -> Result<Vec<FulfillmentRequest>, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    parse_requests(&bytes, RequestFormat::from_path(path)).map_err(|reason| Error::Import {
        path: path.to_owned(),
        reason,
    })
}

/// Parses requests from JSON or CSV bytes.
///
/// CSV rows with the same FR number (ignoring letter case) form one request, whose
/// header fields come from its first row.
pub fn parse_requests(
    bytes: &[u8],
    format: RequestFormat,
) -> Result<Vec<FulfillmentRequest>, String> {
    match format {
        RequestFormat::Json => parse_json(bytes),
        RequestFormat::Csv => parse_csv(bytes),
    }
}

fn parse_json(bytes: &[u8]) -> Result<Vec<FulfillmentRequest>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wrapped {
        requests: Vec<FulfillmentRequest>,
    }

    // The first byte picks the shape, so serde_json's error can name the field, line and
    // column. An untagged enum that tried both shapes would replace them with "data did
    // not match any variant".
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    let invalid = |error: serde_json::Error| format!("invalid request JSON: {error}");
    match first {
        Some(b'[') => serde_json::from_slice(body).map_err(invalid),
        Some(b'{') => serde_json::from_slice::<Wrapped>(body)
            .map(|wrapped| wrapped.requests)
            .map_err(invalid),
        _ => Err("not a JSON array of requests or an object with a \"requests\" array".to_owned()),
    }
}

fn parse_csv(bytes: &[u8]) -> Result<Vec<FulfillmentRequest>, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|error| format!("the CSV file is not UTF-8: {error}"))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .flexible(true)
        .from_reader(text.as_bytes());

    let headers = reader
        .headers()
        .map_err(|error| format!("cannot read the CSV header: {error}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
    };
    // An unknown column is an error, like an unknown JSON key, because a misspelled
    // `shipping_metod` would drop its values without a word.
    let unknown = headers.iter().position(|header| {
        !CSV_COLUMNS
            .iter()
            .any(|name| header.eq_ignore_ascii_case(name))
    });
    if let Some(index) = unknown {
        return Err(format!(
            "unknown CSV column {:?} (column {}) in the header; expected columns {}",
            &headers[index],
            index + 1,
            CSV_COLUMNS.join(", ")
        ));
    }

    let positions: Vec<Option<usize>> = CSV_COLUMNS.iter().map(|name| column(name)).collect();
    if positions[0].is_none() || positions[11].is_none() {
        return Err(format!(
            "the CSV header needs at least fr_number and item_sku; expected columns {}",
            CSV_COLUMNS.join(", ")
        ));
    }

    if let Some(line) = unclosed_quote_line(text) {
        return Err(format!(
            "CSV line {line}: a quoted value starts here and is never closed; add the \
             closing quote, and write a quote inside a quoted value as two (\"\")"
        ));
    }

    let mut requests: Vec<FulfillmentRequest> = Vec::new();
    let mut index_by_fr: HashMap<String, usize> = HashMap::new();
    for (row_index, row) in reader.records().enumerate() {
        let row = row.map_err(|error| format!("CSV row {}: {error}", row_index + 2))?;
        check_row(&row, &headers)?;
        let cell = |position: usize| {
            positions[position]
                .and_then(|index| row.get(index))
                .unwrap_or_default()
                .to_owned()
        };
        let optional =
            |position: usize| Some(cell(position)).filter(|text| !text.trim().is_empty());

        let fr_number = cell(0);
        let line = RequestLine {
            sku: cell(11),
            quantity: cell(12),
        };
        // A blank FR number cannot be grouped, so each such row stays its own request,
        // which the import rejects by its position.
        let key = fr_number.trim().to_uppercase();
        if let Some(&index) = index_by_fr.get(&key).filter(|_| !key.is_empty()) {
            requests[index].lines.push(line);
            continue;
        }
        index_by_fr.insert(key, requests.len());
        requests.push(FulfillmentRequest {
            fr_number,
            ship_to_name: cell(1),
            address_line_1: cell(2),
            address_line_2: optional(3),
            city: cell(4),
            state: cell(5),
            postal_code: cell(6),
            country: optional(7),
            phone: optional(8),
            email: optional(9),
            shipping_method: optional(10),
            lines: vec![line],
        });
    }
    Ok(requests)
}

/// Rejects a row whose field count differs from the header's, or whose value spans
/// lines. Both come from a misplaced quote or an unquoted comma, and would shift or
/// merge values between columns and rows.
fn check_row(row: &csv::StringRecord, headers: &csv::StringRecord) -> Result<(), String> {
    let line = row.position().map_or(0, csv::Position::line);
    if row.len() != headers.len() {
        return Err(format!(
            "CSV line {line} has {} values but the header has {}; quote a value that \
             contains a comma",
            row.len(),
            headers.len()
        ));
    }

    let multi_line = row.iter().position(|value| value.contains(['\n', '\r']));
    if let Some(index) = multi_line {
        return Err(format!(
            "CSV line {line}: the {} value spans more than one line; check that its \
             quotes close on the same line",
            &headers[index]
        ));
    }
    Ok(())
}

/// Returns the line where a quoted value opens that is still open at the end of
/// `text`. The csv crate (csv-core 0.1.13) ends such a value at the end of input without
/// an error. So this scan follows its quoting rules: a quote opens a value only as its
/// first character, and two quotes inside a quoted value are one literal quote.
fn unclosed_quote_line(text: &str) -> Option<u64> {
    let mut line = 1;
    let mut at_value_start = true;
    let mut opened_on = None;
    let mut bytes = text.bytes().peekable();
    while let Some(byte) = bytes.next() {
        if opened_on.is_some() {
            if byte == b'"' && bytes.next_if_eq(&b'"').is_none() {
                opened_on = None;
                at_value_start = false;
            } else if byte == b'\n' {
                line += 1;
            }
            continue;
        }

        match byte {
            b'"' if at_value_start => opened_on = Some(line),
            b',' | b'\r' => at_value_start = true,
            b'\n' => {
                at_value_start = true;
                line += 1;
            }
            _ => at_value_start = false,
        }
    }
    opened_on
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str =
        "fr_number,ship_to_name,address_line_1,city,state,postal_code,item_sku,item_quantity\n\
        FR-1,Dana Whitfield,1400 Harbor Blvd,Tempe,AZ,85281,1KSK02,2\n\
        fr-1,ignored,ignored,ignored,ignored,ignored,2BTS01,1\n\
        FR-2,Lee Park,9 Elm St,Austin,TX,78701-1234,1KSK02,3\n";

    #[test]
    fn csv_rows_group_by_fr_number() {
        let requests = parse_requests(CSV.as_bytes(), RequestFormat::Csv).unwrap();

        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].lines.len(), 2);
        assert_eq!(requests[0].ship_to_name, "Dana Whitfield");
        assert_eq!(requests[1].postal_code, "78701-1234");
    }

    #[test]
    fn csv_without_sku_column_fails() {
        let error =
            parse_requests(b"fr_number,city\nFR-1,Tempe\n", RequestFormat::Csv).unwrap_err();

        assert!(error.contains("item_sku"), "{error}");
    }

    const HEADER: &str = "fr_number,ship_to_name,city,item_sku,item_quantity\n";

    fn csv_error(rows: &str) -> String {
        let text = format!("{HEADER}{rows}");
        parse_requests(text.as_bytes(), RequestFormat::Csv).unwrap_err()
    }

    #[test]
    fn csv_unclosed_quote_names_line() {
        let error =
            csv_error("FR-1,Dana,Tempe,A,1\nFR-2,\"Lee Park,Austin,A,2\nFR-3,Sam,Mesa,A,1\n");

        assert!(error.starts_with("CSV line 3:"), "{error}");
        assert!(error.contains("never closed"), "{error}");
    }

    #[test]
    fn csv_unclosed_last_value_found() {
        let error = csv_error("FR-1,Dana,Tempe,A,\"1");

        assert!(error.starts_with("CSV line 2:"), "{error}");
        assert!(error.contains("never closed"), "{error}");
    }

    #[test]
    fn csv_quote_closing_later_rejected() {
        let error = csv_error("FR-1,\"Dana,Tempe,A,1\nFR-2,\"Lee,Austin,A,2\n");

        assert!(error.starts_with("CSV line 2:"), "{error}");
        assert!(
            error.contains("ship_to_name value spans more than one line"),
            "{error}"
        );
    }

    #[test]
    fn csv_field_count_checked() {
        for row in ["FR-1,Dana,Tempe,A", "FR-1,Dana,1 Main St, Tempe,A,1"] {
            let error = csv_error(&format!("FR-0,Lee,Austin,A,1\n{row}\n"));

            assert!(error.starts_with("CSV line 3 has"), "{error}");
            assert!(error.contains("the header has 5"), "{error}");
        }
    }

    #[test]
    fn csv_quoted_comma_and_quote_read() {
        let text = format!("{HEADER}FR-1,\"Park, \"\"Lee\"\"\",Tempe,A,1\r\n");

        let requests = parse_requests(text.as_bytes(), RequestFormat::Csv).unwrap();

        assert_eq!(requests[0].ship_to_name, "Park, \"Lee\"");
        assert_eq!(requests[0].lines[0].quantity, "1");
    }

    #[test]
    fn csv_unknown_column_named() {
        let text = "fr_number,shipping_metod,item_sku\nFR-1,UPSG,A\n";

        let error = parse_requests(text.as_bytes(), RequestFormat::Csv).unwrap_err();

        assert!(error.contains("\"shipping_metod\" (column 2)"), "{error}");
        assert!(error.contains("shipping_method, item_sku"), "{error}");
    }

    #[test]
    fn csv_blank_fr_numbers_stay_apart() {
        let text = "fr_number,item_sku,item_quantity\n,A,1\n,B,1\n";

        let requests = parse_requests(text.as_bytes(), RequestFormat::Csv).unwrap();

        assert_eq!(requests.len(), 2);
    }

    #[test]
    fn json_quantity_number_or_text() {
        let text = r#"[{"fr_number":"FR-1","lines":[{"sku":"A","quantity":2},{"sku":"B","quantity":"2.5"}]}]"#;

        let requests = parse_requests(text.as_bytes(), RequestFormat::Json).unwrap();

        assert_eq!(requests[0].lines[0].quantity, "2");
        assert_eq!(requests[0].lines[1].quantity, "2.5");
    }

    #[test]
    fn json_wrapped_requests_read() {
        let text = r#"{"requests":[{"fr_number":"FR-1"}]}"#;

        let requests = parse_requests(text.as_bytes(), RequestFormat::Json).unwrap();

        assert_eq!(requests.len(), 1);
    }

    #[test]
    fn json_of_wrong_shape_fails() {
        let error = parse_requests(b"{\"orders\":3}", RequestFormat::Json).unwrap_err();

        assert!(error.contains("requests"), "{error}");
    }

    #[test]
    fn json_field_error_names_position() {
        let error = parse_requests(b"[\n  {\"fr_number\": 1}\n]", RequestFormat::Json).unwrap_err();

        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn json_unknown_key_named() {
        let text = "[\n  {\"fr_number\": \"A-1\"},\n  {\"fr_numbr\": \"A-2\"}\n]";

        let error = parse_requests(text.as_bytes(), RequestFormat::Json).unwrap_err();

        assert!(error.contains("unknown field `fr_numbr`"), "{error}");
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("`fr_number`, `ship_to_name`"), "{error}");
    }

    #[test]
    fn json_unknown_line_key_named() {
        let text = r#"[{"fr_number": "A-1", "lines": [{"sku": "A", "qty": 1}]}]"#;

        let error = parse_requests(text.as_bytes(), RequestFormat::Json).unwrap_err();

        assert!(error.contains("unknown field `qty`"), "{error}");
        assert!(error.contains("`quantity`"), "{error}");
    }

    #[test]
    fn json_scalar_names_shapes() {
        let error = parse_requests(b"42", RequestFormat::Json).unwrap_err();

        assert!(error.contains("JSON array of requests"), "{error}");
    }

    #[test]
    fn json_with_bom_read() {
        let requests = parse_requests(
            b"\xEF\xBB\xBF[{\"fr_number\": \"A-1\"}]",
            RequestFormat::Json,
        )
        .unwrap();

        assert_eq!(requests.len(), 1);
    }

    #[test]
    fn format_follows_extension() {
        assert_eq!(
            RequestFormat::from_path(Path::new("a.JSON")),
            RequestFormat::Json
        );
        assert_eq!(
            RequestFormat::from_path(Path::new("a.csv")),
            RequestFormat::Csv
        );
    }
}

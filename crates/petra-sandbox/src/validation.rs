//! Validation of `POST /orders` bodies, field by field, the way Petra reports it: every
//! missing or invalid field at once, never only the first.

use petra_client::wire::{CreateOrderRequest, FieldProblem};
use petra_client::{PoNumber, Sku};
use serde_json::{Map, Value};

use crate::catalog::Catalog;

/// Longest PO number accepted, in characters.
pub(crate) const MAX_PO_LEN: usize = 50;

const MISSING: &str = "missing";

/// Validates an order body and returns the typed request, or every problem found. The body must already be a JSON object.
pub(crate) fn validate_order(
    body: &Map<String, Value>,
    catalog: &Catalog,
) -> Result<CreateOrderRequest, Vec<FieldProblem>> {
    let mut problems = Problems::default();

    check_po_number(body.get("po_number"), &mut problems);
    check_ship_to(body.get("ship_to"), &mut problems);
    problems.optional_text("shipping_method", body.get("shipping_method"));
    check_lines(body.get("lines"), catalog, &mut problems);

    if !problems.list.is_empty() {
        return Err(problems.list);
    }
    serde_json::from_value(Value::Object(body.clone())).map_err(|error| {
        vec![FieldProblem {
            field: "body".to_owned(),
            reason: error.to_string(),
        }]
    })
}

/// Returns the PO number of a body, when it has one, for the admin record of a rejected request.
pub(crate) fn po_number_of(body: &Map<String, Value>) -> Option<PoNumber> {
    body.get("po_number")
        .and_then(Value::as_str)
        .map(PoNumber::new)
        .filter(|po| !po.is_empty())
}

#[derive(Default)]
struct Problems {
    list: Vec<FieldProblem>,
}

impl Problems {
    fn push(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.list.push(FieldProblem {
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Checks a required string: present, a string and not blank. Returns the trimmed text.
    fn required_text<'a>(&mut self, field: &str, value: Option<&'a Value>) -> Option<&'a str> {
        match value {
            None | Some(Value::Null) => self.push(field, MISSING),
            Some(Value::String(text)) if text.trim().is_empty() => self.push(field, MISSING),
            Some(Value::String(text)) => return Some(text.trim()),
            Some(_) => self.push(field, "must be a string"),
        }
        None
    }

    /// Checks an optional string: absent, null or a string.
    fn optional_text<'a>(&mut self, field: &str, value: Option<&'a Value>) -> Option<&'a str> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.trim()),
            Some(_) => {
                self.push(field, "must be a string or null");
                None
            }
        }
    }
}

fn check_po_number(value: Option<&Value>, problems: &mut Problems) {
    let Some(po) = problems.required_text("po_number", value) else {
        return;
    };

    if po.chars().count() > MAX_PO_LEN {
        problems.push(
            "po_number",
            format!("must be at most {MAX_PO_LEN} characters"),
        );
    }
    if po.chars().any(char::is_control) {
        problems.push("po_number", "must not contain control characters");
    }
}

fn check_ship_to(value: Option<&Value>, problems: &mut Problems) {
    let ship_to = match value {
        None | Some(Value::Null) => return problems.push("ship_to", MISSING),
        Some(Value::Object(ship_to)) => ship_to,
        Some(_) => return problems.push("ship_to", "must be an object"),
    };

    for field in ["name", "address1", "city"] {
        problems.required_text(&format!("ship_to.{field}"), ship_to.get(field));
    }
    let state = problems.required_text("ship_to.state", ship_to.get("state"));
    let postal_code = problems.required_text("ship_to.postal_code", ship_to.get("postal_code"));
    for field in ["address2", "phone"] {
        problems.optional_text(&format!("ship_to.{field}"), ship_to.get(field));
    }

    let country = problems
        .optional_text("ship_to.country", ship_to.get("country"))
        .unwrap_or("US");
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        problems.push(
            "ship_to.country",
            "must be a two-letter ISO 3166 country code",
        );
    }
    let domestic = country.eq_ignore_ascii_case("US");
    if let Some(state) = state.filter(|_| domestic) {
        if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_alphabetic()) {
            problems.push("ship_to.state", "must be a two-letter US state code");
        }
    }
    if let Some(zip) = postal_code.filter(|_| domestic) {
        if !is_us_zip(zip) {
            problems.push(
                "ship_to.postal_code",
                "must be a US ZIP code: 12345 or 12345-6789",
            );
        }
    }

    let email = problems.optional_text("ship_to.email", ship_to.get("email"));
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        let valid = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !valid {
            problems.push("ship_to.email", "must be an email address");
        }
    }
}

fn is_us_zip(zip: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match zip.split_once('-') {
        Some((five, four)) => digits(five, 5) && digits(four, 4),
        None => digits(zip, 5),
    }
}

fn check_lines(value: Option<&Value>, catalog: &Catalog, problems: &mut Problems) {
    let lines = match value {
        None | Some(Value::Null) => return problems.push("lines", MISSING),
        Some(Value::Array(lines)) => lines,
        Some(_) => return problems.push("lines", "must be a list"),
    };
    if lines.is_empty() {
        return problems.push("lines", "must contain at least one line");
    }

    for (index, line) in lines.iter().enumerate() {
        let Some(line) = line.as_object() else {
            problems.push(format!("lines[{index}]"), "must be an object");
            continue;
        };

        let sku_field = format!("lines[{index}].sku");
        if let Some(sku) = problems.required_text(&sku_field, line.get("sku")) {
            if !catalog.contains_sku(&Sku::new(sku)) {
                problems.push(sku_field, format!("unknown SKU {sku}"));
            }
        }

        let quantity_field = format!("lines[{index}].quantity");
        match line.get("quantity") {
            None | Some(Value::Null) => problems.push(quantity_field, MISSING),
            Some(quantity) => {
                let positive = quantity
                    .as_u64()
                    .is_some_and(|q| q >= 1 && q <= u64::from(u32::MAX));
                if !positive {
                    problems.push(quantity_field, "must be a positive integer");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::sample_products;
    use serde_json::json;

    fn problems(body: Value) -> Vec<(String, String)> {
        let catalog = Catalog::new(sample_products());
        match validate_order(body.as_object().unwrap(), &catalog) {
            Ok(_) => Vec::new(),
            Err(list) => list.into_iter().map(|p| (p.field, p.reason)).collect(),
        }
    }

    fn valid_body() -> Value {
        json!({
            "po_number": "PO-1",
            "ship_to": {
                "name": "Dana Whitfield", "address1": "1400 Harbor Blvd", "city": "Tempe",
                "state": "AZ", "postal_code": "85281"
            },
            "lines": [{ "sku": "1KSK02U22GE02", "quantity": 2 }]
        })
    }

    #[test]
    fn valid_order_passes() {
        assert_eq!(problems(valid_body()), Vec::new());
    }

    #[test]
    fn empty_body_lists_every_required_field() {
        let fields: Vec<String> = problems(json!({})).into_iter().map(|(f, _)| f).collect();

        assert_eq!(fields, ["po_number", "ship_to", "lines"]);
    }

    #[test]
    fn empty_ship_to_lists_its_fields() {
        let mut body = valid_body();
        body["ship_to"] = json!({});

        let fields: Vec<String> = problems(body).into_iter().map(|(f, _)| f).collect();

        assert_eq!(
            fields,
            [
                "ship_to.name",
                "ship_to.address1",
                "ship_to.city",
                "ship_to.state",
                "ship_to.postal_code"
            ]
        );
    }

    #[test]
    fn blank_po_is_missing() {
        let mut body = valid_body();
        body["po_number"] = json!("   ");

        assert_eq!(
            problems(body),
            [("po_number".to_owned(), "missing".to_owned())]
        );
    }

    #[test]
    fn long_po_is_invalid() {
        let mut body = valid_body();
        body["po_number"] = json!("P".repeat(51));

        assert_eq!(problems(body)[0].0, "po_number");
    }

    #[test]
    fn bad_lines_are_each_reported() {
        let mut body = valid_body();
        body["lines"] = json!([
            { "sku": "NOPE", "quantity": 1 },
            { "sku": "1KSK02U22GE02", "quantity": 0 },
            { "quantity": -3 },
            { "sku": "1KSK02U22GE02", "quantity": 1.5 },
            "text"
        ]);

        let found = problems(body);

        assert_eq!(
            found[0],
            ("lines[0].sku".to_owned(), "unknown SKU NOPE".to_owned())
        );
        assert_eq!(found[1].0, "lines[1].quantity");
        assert_eq!(found[2], ("lines[2].sku".to_owned(), "missing".to_owned()));
        assert_eq!(found[3].0, "lines[2].quantity");
        assert_eq!(found[4].0, "lines[3].quantity");
        assert_eq!(found[5].0, "lines[4]");
        assert_eq!(found.len(), 6);
    }

    #[test]
    fn no_lines_is_invalid() {
        let mut body = valid_body();
        body["lines"] = json!([]);

        assert_eq!(problems(body)[0].1, "must contain at least one line");
    }

    #[test]
    fn us_zip_and_state_are_checked() {
        let mut body = valid_body();
        body["ship_to"]["postal_code"] = json!("8528");
        body["ship_to"]["state"] = json!("Arizona");

        let fields: Vec<String> = problems(body).into_iter().map(|(f, _)| f).collect();

        assert_eq!(fields, ["ship_to.state", "ship_to.postal_code"]);
    }

    #[test]
    fn zip_plus_four_passes() {
        let mut body = valid_body();
        body["ship_to"]["postal_code"] = json!("85281-1234");

        assert!(problems(body).is_empty());
    }

    #[test]
    fn wrong_types_are_invalid() {
        let mut body = valid_body();
        body["po_number"] = json!(17);
        body["shipping_method"] = json!(3);
        body["ship_to"]["phone"] = json!(["480"]);

        let fields: Vec<String> = problems(body).into_iter().map(|(f, _)| f).collect();

        assert_eq!(fields, ["po_number", "ship_to.phone", "shipping_method"]);
    }

    #[test]
    fn bad_email_is_invalid() {
        let mut body = valid_body();
        body["ship_to"]["email"] = json!("dana-at-example");

        assert_eq!(problems(body)[0].0, "ship_to.email");
    }
}

//! Mapping a request through the Send Fulfillment Requests template and checking it
//! before anything is sent: required fields, US state code, ZIP code, quantities.

use fieldmap::{Plan, Record, Value, ValueRef};
use petra_client::wire::{CreateOrderRequest, OrderLine, ShipTo};
use petra_client::{PoNumber, Sku};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::request::{FulfillmentRequest, RequestLine};

/// One reason a request cannot be sent: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The request's field, for example `postal_code` or `lines[2].quantity`.
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// USPS two-letter codes: the states, DC, the territories and the military post codes.
const US_STATE_CODES: [&str; 63] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW", "AA", "AE", "AP",
];

/// The merchant request fields in the order of `fieldmap::schemas::merchant_fulfillment_request`.
struct LineRecord<'a> {
    request: &'a FulfillmentRequest,
    line: &'a RequestLine,
}

impl<'a> Record for LineRecord<'a> {
    fn get(&self, index: usize) -> ValueRef<'_> {
        let request = self.request;
        let optional =
            |value: &'a Option<String>| value.as_deref().map_or(ValueRef::Null, ValueRef::Text);
        match index {
            0 => ValueRef::Text(&request.fr_number),
            1 => ValueRef::Text(&request.ship_to_name),
            2 => ValueRef::Text(&request.address_line_1),
            3 => optional(&request.address_line_2),
            4 => ValueRef::Text(&request.city),
            5 => ValueRef::Text(&request.state),
            6 => ValueRef::Text(&request.postal_code),
            7 => optional(&request.country),
            8 => optional(&request.phone),
            9 => optional(&request.email),
            10 => optional(&request.shipping_method),
            11 => ValueRef::Text(&self.line.sku),
            12 => ValueRef::Text(&self.line.quantity),
            _ => ValueRef::Absent,
        }
    }
}

/// Maps `request` with the compiled template and validates the result. Returns the order
/// body to send, or every problem found.
pub fn prepare(
    plan: &Plan,
    request: &FulfillmentRequest,
) -> Result<CreateOrderRequest, Vec<Problem>> {
    let mut problems = Vec::new();
    if request.lines.is_empty() {
        problems.push(problem(
            "lines",
            "is missing; a request needs at least one line item",
        ));
    }

    // A request without lines still has its header mapped, through an empty line whose
    // own problems are dropped, so the missing lines do not hide the header's problems.
    let placeholder = [RequestLine::default()];
    let request_lines = if request.lines.is_empty() {
        &placeholder[..]
    } else {
        &request.lines[..]
    };

    // The fields that mapped are checked even when others failed, so an empty required
    // field does not hide an invalid state or ZIP code and one error lists them all.
    let mut header: Option<fieldmap::MappedRecord> = None;
    let mut lines = Vec::new();
    for (index, line) in request_lines.iter().enumerate() {
        let record = LineRecord { request, line };
        let (mapped, error) = plan.map_partial(&record, index as u64 + 1);
        for field_problem in error.map(|error| error.problems).unwrap_or_default() {
            if request.lines.is_empty() && is_line_field(&field_problem.field) {
                continue;
            }
            let field = line_field_name(&field_problem.field, index);
            push_once(
                &mut problems,
                field,
                format!("{} (value {:?})", field_problem.reason, field_problem.value),
            );
        }

        if !request.lines.is_empty() {
            if let Some(line) = order_line(&mapped, index, &mut problems) {
                lines.push(line);
            }
        }
        header.get_or_insert(mapped);
    }

    let order = header.and_then(|header| order_header(&header, lines, &mut problems));
    match order {
        Some(order) if problems.is_empty() => Ok(order),
        _ => {
            if problems.is_empty() {
                problems.push(problem("request", "could not be mapped"));
            }
            Err(problems)
        }
    }
}

fn problem(field: &str, reason: &str) -> Problem {
    Problem {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Adds a problem unless the same field already has one: header fields repeat on every
/// line, and one report per field is enough.
fn push_once(problems: &mut Vec<Problem>, field: String, reason: String) {
    if !problems.iter().any(|existing| existing.field == field) {
        problems.push(Problem { field, reason });
    }
}

fn is_line_field(target: &str) -> bool {
    matches!(target, "item_sku" | "item_quantity")
}

/// Names a template target field as the request field it came from. Line indexes count
/// from 0, as in Petra's own field paths (`lines[0].sku`).
fn line_field_name(target: &str, index: usize) -> String {
    match target {
        "item_sku" => format!("lines[{index}].sku"),
        "item_quantity" => format!("lines[{index}].quantity"),
        "po_number" => "fr_number".to_owned(),
        "address1" => "address_line_1".to_owned(),
        "address2" => "address_line_2".to_owned(),
        other => other.to_owned(),
    }
}

fn text(mapped: &fieldmap::MappedRecord, field: &str) -> Option<String> {
    match mapped.get(field) {
        Some(Value::Text(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    }
}

fn order_line(
    mapped: &fieldmap::MappedRecord,
    index: usize,
    problems: &mut Vec<Problem>,
) -> Option<OrderLine> {
    let sku_field = line_field_name("item_sku", index);
    let quantity_field = line_field_name("item_quantity", index);
    let sku = text(mapped, "item_sku");
    if sku.is_none() {
        push_once(problems, sku_field, "is missing".to_owned());
    }

    let quantity = match mapped.get("item_quantity") {
        Some(Value::Number(number)) => positive_integer(*number).or_else(|| {
            push_once(
                problems,
                quantity_field,
                format!("{number} is not a positive whole number"),
            );
            None
        }),
        _ => {
            push_once(problems, quantity_field, "is missing".to_owned());
            None
        }
    };

    Some(OrderLine {
        sku: Sku::new(sku?),
        quantity: quantity?,
    })
}

fn positive_integer(number: Decimal) -> Option<u32> {
    if number <= Decimal::ZERO || number.fract() != Decimal::ZERO {
        return None;
    }
    number.to_u32()
}

fn order_header(
    mapped: &fieldmap::MappedRecord,
    lines: Vec<OrderLine>,
    problems: &mut Vec<Problem>,
) -> Option<CreateOrderRequest> {
    let mut required = |target: &str| {
        let value = text(mapped, target);
        if value.is_none() {
            push_once(
                problems,
                line_field_name(target, 0),
                "is missing".to_owned(),
            );
        }
        value
    };
    let po_number = required("po_number");
    let name = required("ship_to_name");
    let address1 = required("address1");
    let city = required("city");
    let state = required("state");
    let postal_code = required("postal_code");

    if let Some(state) = &state {
        if !US_STATE_CODES.contains(&state.as_str()) {
            push_once(
                problems,
                "state".to_owned(),
                format!("{state:?} is not a two-letter US state code such as AZ"),
            );
        }
    }
    if let Some(postal_code) = &postal_code {
        if !is_zip(postal_code) {
            push_once(
                problems,
                "postal_code".to_owned(),
                format!("{postal_code:?} is not a ZIP code (5 digits, or ZIP+4 as 85281-1234)"),
            );
        }
    }

    Some(CreateOrderRequest {
        po_number: PoNumber::new(po_number?),
        ship_to: ShipTo {
            name: name?,
            address1: address1?,
            address2: text(mapped, "address2"),
            city: city?,
            state: state?,
            postal_code: postal_code?,
            country: text(mapped, "country").unwrap_or_else(|| "US".to_owned()),
            phone: text(mapped, "phone"),
            email: text(mapped, "email"),
        },
        shipping_method: text(mapped, "shipping_method"),
        lines,
    })
}

fn is_zip(code: &str) -> bool {
    let digits = |part: &str, count: usize| {
        part.len() == count && part.bytes().all(|byte| byte.is_ascii_digit())
    };
    match code.split_once('-') {
        Some((zip, plus_four)) => digits(zip, 5) && digits(plus_four, 4),
        None => digits(code, 5),
    }
}

/// Reports whether two orders hold the same lines: the same quantity of each SKU, in any
/// order and however the lines are split.
pub fn same_lines(left: &[OrderLine], right: &[OrderLine]) -> bool {
    totals(left) == totals(right)
}

fn totals(lines: &[OrderLine]) -> std::collections::BTreeMap<&Sku, u64> {
    let mut totals = std::collections::BTreeMap::new();
    for line in lines {
        *totals.entry(&line.sku).or_insert(0) += u64::from(line.quantity);
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        fieldmap::compile(
            &fieldmap::defaults::template("fulfillment-requests").unwrap(),
            &fieldmap::schemas::merchant_fulfillment_request(),
            &fieldmap::schemas::fulfillment_request(),
        )
        .unwrap()
    }

    fn valid() -> FulfillmentRequest {
        FulfillmentRequest {
            fr_number: " EBYUS05-14589-57987 ".into(),
            ship_to_name: "Dana Whitfield".into(),
            address_line_1: "1400 Harbor Blvd".into(),
            city: "Tempe".into(),
            state: "az".into(),
            postal_code: "85281".into(),
            lines: vec![RequestLine {
                sku: "1KSK02".into(),
                quantity: "2".into(),
            }],
            ..FulfillmentRequest::default()
        }
    }

    fn fields(request: FulfillmentRequest) -> Vec<String> {
        prepare(&plan(), &request)
            .unwrap_err()
            .into_iter()
            .map(|problem| problem.field)
            .collect()
    }

    #[test]
    fn valid_request_maps_to_order() {
        let order = prepare(&plan(), &valid()).unwrap();

        assert_eq!(order.po_number.as_str(), "EBYUS05-14589-57987");
        assert_eq!(order.ship_to.state, "AZ");
        assert_eq!(order.ship_to.country, "US");
        assert_eq!(order.lines[0].quantity, 2);
    }

    #[test]
    fn missing_fields_each_reported() {
        let request = FulfillmentRequest {
            lines: vec![RequestLine::default()],
            ..FulfillmentRequest::default()
        };

        let fields = fields(request);

        for expected in [
            "fr_number",
            "ship_to_name",
            "address_line_1",
            "city",
            "state",
            "postal_code",
            "lines[0].sku",
            "lines[0].quantity",
        ] {
            assert!(
                fields.contains(&expected.to_owned()),
                "{expected} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn empty_field_keeps_format_problems() {
        let mut request = valid();
        request.ship_to_name = String::new();
        request.state = "Arizona".into();
        request.postal_code = "852".into();
        request.lines[0].quantity = "-2".into();

        let fields = fields(request);

        assert_eq!(
            fields,
            ["ship_to_name", "lines[0].quantity", "state", "postal_code"]
        );
    }

    #[test]
    fn empty_sku_keeps_header_problems() {
        let mut request = valid();
        request.lines[0].sku = String::new();
        request.postal_code = "ABCDE".into();

        let fields = fields(request);

        assert_eq!(fields, ["lines[0].sku", "postal_code"]);
    }

    #[test]
    fn no_lines_is_a_problem() {
        let mut request = valid();
        request.lines.clear();

        assert_eq!(fields(request), ["lines"]);
    }

    #[test]
    fn no_lines_keeps_header_problems() {
        let mut request = valid();
        request.lines.clear();
        request.ship_to_name = String::new();
        request.state = "Arizona".into();
        request.postal_code = "852".into();

        let fields = fields(request);

        assert_eq!(fields, ["lines", "ship_to_name", "state", "postal_code"]);
    }

    #[test]
    fn state_name_is_rejected() {
        let mut request = valid();
        request.state = "Arizona".into();

        assert_eq!(fields(request), ["state"]);
    }

    #[test]
    fn zip_forms_checked() {
        for (code, ok) in [
            ("85281", true),
            ("85281-1234", true),
            ("8528", false),
            ("85281-12", false),
            ("ABCDE", false),
            ("852811234", false),
        ] {
            let mut request = valid();
            request.postal_code = code.into();

            assert_eq!(prepare(&plan(), &request).is_ok(), ok, "{code}");
        }
    }

    #[test]
    fn quantity_must_be_positive_integer() {
        for quantity in ["0", "-1", "2.5", "two", ""] {
            let mut request = valid();
            request.lines[0].quantity = quantity.into();

            assert_eq!(fields(request), ["lines[0].quantity"], "{quantity:?}");
        }
    }

    #[test]
    fn same_lines_ignores_split_and_order() {
        let line = |sku: &str, quantity| OrderLine {
            sku: Sku::new(sku),
            quantity,
        };

        assert!(same_lines(
            &[line("A", 2), line("B", 1)],
            &[line("B", 1), line("A", 1), line("A", 1)]
        ));
        assert!(!same_lines(&[line("A", 2)], &[line("A", 3)]));
    }
}

//! Shipping plans of accepted orders: one shipment or several, when each ships, the
//! carrier and service, and the `shipped_at` form. Pure functions of the order, the acceptance
//! time and a seeded random generator.

use chrono::{DateTime, Duration, Utc};
use petra_client::wire::{OrderLine, ShipmentItem};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::config::{ShippedAtMix, ShippingConfig};
use crate::tracking::Carrier;

/// One shipment of an order, before it has an id and a tracking number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedShipment {
    pub ship_at: DateTime<Utc>,
    pub service: Service,
    pub items: Vec<ShipmentItem>,
    pub shipped_at_form: ShippedAtForm,
}

/// A carrier service, whose name is the `shipping_method` of a shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Service {
    pub carrier: Carrier,
    pub name: &'static str,
    /// UPS service code or USPS service type code inside the tracking number.
    pub code: &'static str,
}

const UPS_GROUND: Service = Service {
    carrier: Carrier::Ups,
    name: "UPS Ground",
    code: "03",
};
const UPS_2DAY: Service = Service {
    carrier: Carrier::Ups,
    name: "UPS 2nd Day Air",
    code: "02",
};
const UPS_NEXT_DAY: Service = Service {
    carrier: Carrier::Ups,
    name: "UPS Next Day Air",
    code: "01",
};
const FEDEX_GROUND: Service = Service {
    carrier: Carrier::FedEx,
    name: "FedEx Ground",
    code: "",
};
const FEDEX_2DAY: Service = Service {
    carrier: Carrier::FedEx,
    name: "FedEx 2Day",
    code: "",
};
const FEDEX_OVERNIGHT: Service = Service {
    carrier: Carrier::FedEx,
    name: "FedEx Priority Overnight",
    code: "",
};
const USPS_PRIORITY: Service = Service {
    carrier: Carrier::Usps,
    name: "USPS Priority Mail",
    code: "055",
};
const USPS_GROUND: Service = Service {
    carrier: Carrier::Usps,
    name: "USPS Ground Advantage",
    code: "001",
};

/// Returns the carrier service for an order's `shipping_method` code, ignoring case and spaces.
/// Unknown or absent codes return `None` and the plan picks a ground service.
pub(crate) fn service_for_method(method: &str) -> Option<Service> {
    let code: String = method
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let service = match code.as_str() {
        "UPSG" | "UPSGROUND" | "UPS" => UPS_GROUND,
        "UPS2" | "UPS2DA" | "UPS2NDDAYAIR" => UPS_2DAY,
        "UPSN" | "UPS1DA" | "UPSNEXTDAYAIR" => UPS_NEXT_DAY,
        "FEDXG" | "FDXG" | "FEDEXG" | "FEDEXGROUND" | "FEDEX" => FEDEX_GROUND,
        "FEDX2" | "FDX2" | "FEDEX2DAY" => FEDEX_2DAY,
        "FEDXO" | "FDXO" | "FEDEXPRIORITYOVERNIGHT" => FEDEX_OVERNIGHT,
        "USPSP" | "USPSPRIORITY" | "USPSPRIORITYMAIL" | "USPS" => USPS_PRIORITY,
        "USPSG" | "USPSGROUNDADVANTAGE" => USPS_GROUND,
        _ => return None,
    };
    Some(service)
}

/// The form a shipment's `shipped_at` takes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShippedAtForm {
    WithOffset,
    LocalWithoutOffset,
    DateOnly,
    Missing,
}

impl ShippedAtForm {
    /// Renders `at` in Petra's time zone, America/Chicago, in this form.
    pub(crate) fn render(self, at: DateTime<Utc>) -> Option<String> {
        let local = at.with_timezone(&chrono_tz::America::Chicago);
        match self {
            ShippedAtForm::WithOffset => Some(local.format("%Y-%m-%dT%H:%M:%S%:z").to_string()),
            ShippedAtForm::LocalWithoutOffset => {
                Some(local.format("%Y-%m-%dT%H:%M:%S").to_string())
            }
            ShippedAtForm::DateOnly => Some(local.format("%Y-%m-%d").to_string()),
            ShippedAtForm::Missing => None,
        }
    }
}

/// The generator every random choice about one order comes from: seeded by the sandbox
/// seed and the PO number, so the plan does not depend on what other orders arrived.
/// ChaCha8 is used because its output is fixed across `rand` versions.
pub(crate) fn order_rng(seed: u64, po_key: &str) -> ChaCha8Rng {
    // FNV-1a: a stable 64-bit hash, unlike `DefaultHasher`, whose output may change
    // between Rust releases.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in po_key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ hash)
}

/// Splits an order into shipments and schedules them after `accepted_at`.
///
/// A partial order ships either some lines first and the rest later, or, when it has a
/// single line, part of that line's quantity first. A multi-line split may also split the
/// quantity of a later line, giving three shipments.
pub(crate) fn plan(
    lines: &[OrderLine],
    shipping_method: Option<&str>,
    accepted_at: DateTime<Utc>,
    config: &ShippingConfig,
    rng: &mut impl Rng,
) -> Vec<PlannedShipment> {
    let parts = split_lines(lines, config.partial_rate, rng);
    let service = shipping_method
        .and_then(service_for_method)
        .unwrap_or_else(|| [UPS_GROUND, FEDEX_GROUND, USPS_GROUND][rng.random_range(0..3)]);

    let mut ship_at = accepted_at
        + Duration::hours(i64::from(
            rng.random_range(config.min_hours_to_ship..=config.max_hours_to_ship),
        ));
    let mut shipments = Vec::with_capacity(parts.len());
    for items in parts {
        shipments.push(PlannedShipment {
            ship_at,
            service,
            items,
            shipped_at_form: pick_form(&config.shipped_at, rng),
        });
        ship_at += Duration::hours(i64::from(
            rng.random_range(1..=config.max_hours_between_parts),
        ));
    }
    shipments
}

fn split_lines(
    lines: &[OrderLine],
    partial_rate: f64,
    rng: &mut impl Rng,
) -> Vec<Vec<ShipmentItem>> {
    let items: Vec<ShipmentItem> = lines
        .iter()
        .map(|line| ShipmentItem {
            sku: line.sku.clone(),
            quantity_shipped: line.quantity,
        })
        .collect();
    let units: u64 = lines.iter().map(|line| u64::from(line.quantity)).sum();
    let partial = units >= 2 && rng.random_bool(partial_rate);
    if !partial {
        return vec![items];
    }

    if items.len() == 1 {
        let (first, rest) = split_quantity(&items[0], rng);
        return vec![vec![first], vec![rest]];
    }

    let cut = rng.random_range(1..items.len());
    let first = items[..cut].to_vec();
    let mut second = items[cut..].to_vec();
    let splittable = second.iter().position(|item| item.quantity_shipped >= 2);
    match splittable {
        Some(index) if rng.random_bool(0.5) => {
            let (now, later) = split_quantity(&second[index], rng);
            second[index] = now;
            vec![first, second, vec![later]]
        }
        _ => vec![first, second],
    }
}

/// Splits one item of quantity 2 or more into two non-empty parts.
fn split_quantity(item: &ShipmentItem, rng: &mut impl Rng) -> (ShipmentItem, ShipmentItem) {
    let first = rng.random_range(1..item.quantity_shipped);
    let part = |quantity| ShipmentItem {
        sku: item.sku.clone(),
        quantity_shipped: quantity,
    };
    (part(first), part(item.quantity_shipped - first))
}

fn pick_form(mix: &ShippedAtMix, rng: &mut impl Rng) -> ShippedAtForm {
    let weighted = [
        (mix.with_offset, ShippedAtForm::WithOffset),
        (mix.local_without_offset, ShippedAtForm::LocalWithoutOffset),
        (mix.date_only, ShippedAtForm::DateOnly),
        (mix.missing, ShippedAtForm::Missing),
    ];
    let mut roll = rng.random_range(0..mix.total().max(1));
    for (weight, form) in weighted {
        if roll < weight {
            return form;
        }
        roll -= weight;
    }
    ShippedAtForm::WithOffset
}

#[cfg(test)]
mod tests {
    use super::*;
    use petra_client::Sku;

    fn line(sku: &str, quantity: u32) -> OrderLine {
        OrderLine {
            sku: Sku::new(sku),
            quantity,
        }
    }

    fn shipped_units(shipments: &[PlannedShipment], sku: &str) -> u32 {
        shipments
            .iter()
            .flat_map(|s| &s.items)
            .filter(|item| item.sku.as_str() == sku)
            .map(|item| item.quantity_shipped)
            .sum()
    }

    fn accepted() -> DateTime<Utc> {
        DateTime::from_timestamp(1_781_190_000, 0).unwrap()
    }

    #[test]
    fn whole_order_ships_once() {
        let config = ShippingConfig::whole_orders();
        let lines = [line("A", 3), line("B", 1)];

        let plan = plan(
            &lines,
            Some("UPSG"),
            accepted(),
            &config,
            &mut order_rng(1, "PO-1"),
        );

        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].items.len(), 2);
        assert_eq!(plan[0].service.name, "UPS Ground");
    }

    #[test]
    fn partial_plans_ship_every_unit() {
        let config = ShippingConfig::always_partial();
        let lines = [line("A", 3), line("B", 2), line("C", 5)];

        for po in 0..200 {
            let plan = plan(
                &lines,
                None,
                accepted(),
                &config,
                &mut order_rng(9, &format!("PO-{po}")),
            );

            assert!(plan.len() >= 2, "PO-{po} shipped in {} parts", plan.len());
            assert_eq!(shipped_units(&plan, "A"), 3, "PO-{po} SKU A");
            assert_eq!(shipped_units(&plan, "B"), 2, "PO-{po} SKU B");
            assert_eq!(shipped_units(&plan, "C"), 5, "PO-{po} SKU C");
        }
    }

    #[test]
    fn single_line_splits_quantity() {
        let config = ShippingConfig::always_partial();

        let plan = plan(
            &[line("A", 4)],
            None,
            accepted(),
            &config,
            &mut order_rng(3, "PO-Q"),
        );

        assert_eq!(plan.len(), 2);
        assert_eq!(shipped_units(&plan, "A"), 4);
    }

    #[test]
    fn single_unit_never_splits() {
        let config = ShippingConfig::always_partial();

        let plan = plan(
            &[line("A", 1)],
            None,
            accepted(),
            &config,
            &mut order_rng(3, "PO-1"),
        );

        assert_eq!(plan.len(), 1);
    }

    #[test]
    fn shipments_follow_acceptance_in_order() {
        let config = ShippingConfig::always_partial();
        let lines = [line("A", 2), line("B", 2)];

        let plan = plan(&lines, None, accepted(), &config, &mut order_rng(5, "PO-T"));

        assert!(plan[0].ship_at >= accepted() + Duration::hours(2));
        assert!(plan[0].ship_at <= accepted() + Duration::hours(24));
        assert!(plan.windows(2).all(|w| w[0].ship_at < w[1].ship_at));
    }

    #[test]
    fn same_seed_same_plan() {
        let config = ShippingConfig::default();
        let lines = [line("A", 3), line("B", 2)];

        let first = plan(
            &lines,
            None,
            accepted(),
            &config,
            &mut order_rng(11, "PO-S"),
        );
        let second = plan(
            &lines,
            None,
            accepted(),
            &config,
            &mut order_rng(11, "PO-S"),
        );

        assert_eq!(first, second);
    }

    #[test]
    fn shipped_at_forms_render_chicago_time() {
        // 15:00 UTC on 2026-06-11 is 10:00 in Chicago, which is on daylight time (-05:00).
        let at = accepted();

        assert_eq!(
            ShippedAtForm::WithOffset.render(at).unwrap(),
            "2026-06-11T10:00:00-05:00"
        );
        assert_eq!(
            ShippedAtForm::LocalWithoutOffset.render(at).unwrap(),
            "2026-06-11T10:00:00"
        );
        assert_eq!(ShippedAtForm::DateOnly.render(at).unwrap(), "2026-06-11");
        assert_eq!(ShippedAtForm::Missing.render(at), None);
    }

    #[test]
    fn method_codes_ignore_case() {
        assert_eq!(service_for_method("fedx g").unwrap().name, "FedEx Ground");
        assert_eq!(service_for_method("usps").unwrap().carrier, Carrier::Usps);
        assert!(service_for_method("PIGEON").is_none());
    }
}

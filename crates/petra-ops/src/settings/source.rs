//! Source settings: what kind of source Petra is for the merchant, and how it ships.

use serde::{Deserialize, Serialize};

use super::stops_operation;
use crate::error::{Error, SettingsProblem};
use crate::history::Operation;

/// The role a source plays for the merchant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceType {
    #[default]
    VendorWarehouse,
    InternalWarehouse,
    ExternalWarehouse,
    /// Supplies product data only; it never fulfills orders.
    ProductDataSource,
}

/// A way the source ships, for example UPS Ground with code `UPSG`. A missing name or
/// code reads as empty, so validation lists it with every other problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShippingMethod {
    pub name: String,
    pub code: String,
}

/// The ship-from location of orders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShipFrom {
    pub address: String,
    pub city: String,
    /// Two-letter state or province code, for example `AZ`.
    pub state_code: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, for example `US`.
    pub country_code: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

/// Source settings as written in `petra.toml`, not yet validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceSettings {
    pub name: String,
    #[serde(rename = "type")]
    pub source_type: SourceType,
    pub fulfills_orders: bool,
    pub shipping_methods: Vec<ShippingMethod>,
    pub ship_from: Option<ShipFrom>,
}

impl Default for SourceSettings {
    fn default() -> Self {
        Self {
            name: "Petra Industries".to_owned(),
            source_type: SourceType::VendorWarehouse,
            fulfills_orders: false,
            shipping_methods: Vec::new(),
            ship_from: None,
        }
    }
}

impl SourceSettings {
    /// Builds the default source set up to fulfill orders with sample values: shipping
    /// method UPS Ground (`UPSG`) and a ship-from address in Tempe, AZ. `petra demo` and
    /// tests against the sandbox use it; a real source sets its own in `petra.toml`.
    pub fn sample_fulfilling() -> Self {
        Self {
            fulfills_orders: true,
            shipping_methods: vec![ShippingMethod {
                name: "UPS Ground".to_owned(),
                code: "UPSG".to_owned(),
            }],
            ship_from: Some(ShipFrom {
                address: "2101 S Hohokam Dr".to_owned(),
                city: "Tempe".to_owned(),
                state_code: "AZ".to_owned(),
                postal_code: "85282".to_owned(),
                country_code: "US".to_owned(),
                ..ShipFrom::default()
            }),
            ..Self::default()
        }
    }
}

/// Source settings that passed [`SourceSettings::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    settings: SourceSettings,
}

impl Source {
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    pub fn settings(&self) -> &SourceSettings {
        &self.settings
    }
}

impl SourceSettings {
    /// Checks every rule and returns all problems in one error, so a user fixes the file
    /// in one pass.
    pub fn validate(self) -> Result<Source, Error> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(Source { settings: self })
        } else {
            Err(Error::InvalidSettings { problems })
        }
    }

    /// Checks the rules that stop `operation`, so Get Inventory and Get Shipments run
    /// while only a setting of Send Fulfillment Requests, such as `ship_from`, is invalid.
    pub fn validate_for(self, operation: Operation) -> Result<Source, Error> {
        let problems: Vec<SettingsProblem> = self
            .problems()
            .into_iter()
            .filter(|problem| stops_operation(&problem.field, operation))
            .collect();
        if problems.is_empty() {
            Ok(Source { settings: self })
        } else {
            Err(Error::InvalidSettings { problems })
        }
    }

    /// Returns why Send Fulfillment Requests must not run for this source: it does not
    /// fulfill orders, so no order may be imported for it or sent to it.
    pub fn fulfillment_problem(&self) -> Option<SettingsProblem> {
        if self.fulfills_orders {
            return None;
        }
        Some(SettingsProblem {
            field: "source.fulfills_orders".into(),
            reason: "is false, so this source takes no fulfillment requests; set it to true \
                     (with shipping_methods and ship_from) to send orders to Petra"
                .into(),
        })
    }

    /// Lists every rule the settings break, empty when they are valid.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: &str| {
            problems.push(SettingsProblem {
                field: format!("source.{field}"),
                reason: reason.to_owned(),
            })
        };

        if self.name.trim().is_empty() {
            problem(
                "name",
                "is missing; name the source, for example \"Petra Industries\"",
            );
        }
        if self.fulfills_orders && self.source_type == SourceType::ProductDataSource {
            problem(
                "fulfills_orders",
                "must be false for a product-data-source, which never fulfills orders",
            );
        }
        if self.fulfills_orders && self.shipping_methods.is_empty() {
            problem(
                "shipping_methods",
                "needs at least one method (name and code, for example UPS Ground / UPSG) when the source fulfills orders",
            );
        }
        for (index, method) in self.shipping_methods.iter().enumerate() {
            if method.name.trim().is_empty() {
                problem(&format!("shipping_methods[{index}].name"), "is missing");
            }
            if method.code.trim().is_empty() {
                problem(&format!("shipping_methods[{index}].code"), "is missing");
            }
        }

        match &self.ship_from {
            Some(ship_from) => check_ship_from(ship_from, &mut problem),
            None if self.fulfills_orders => problem(
                "ship_from",
                "is missing; a source that fulfills orders needs a ship-from location",
            ),
            None => {}
        }

        problems
    }
}

fn check_ship_from(ship_from: &ShipFrom, problem: &mut impl FnMut(&str, &str)) {
    let required = [
        ("address", &ship_from.address),
        ("city", &ship_from.city),
        ("state_code", &ship_from.state_code),
        ("postal_code", &ship_from.postal_code),
        ("country_code", &ship_from.country_code),
    ];
    for (field, value) in required {
        if value.trim().is_empty() {
            problem(&format!("ship_from.{field}"), "is missing");
        }
    }

    let state = ship_from.state_code.trim();
    if !state.is_empty() && !is_upper_code(state, 2..=3) {
        problem(
            "ship_from.state_code",
            "must be a 2- or 3-letter code such as AZ",
        );
    }
    let country = ship_from.country_code.trim();
    if !country.is_empty() && !is_upper_code(country, 2..=2) {
        problem(
            "ship_from.country_code",
            "must be a 2-letter ISO 3166-1 code such as US",
        );
    }
    if let Some(email) = &ship_from.contact_email {
        if !email.trim().is_empty() && !email.contains('@') {
            problem("ship_from.contact_email", "is not an email address");
        }
    }
}

fn is_upper_code(code: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&code.len()) && code.bytes().all(|byte| byte.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_fields(settings: SourceSettings) -> Vec<String> {
        settings.problems().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn valid_fulfilling_source_passes() {
        assert!(SourceSettings::sample_fulfilling().validate().is_ok());
    }

    #[test]
    fn default_source_is_vendor_warehouse() {
        let settings = SourceSettings::default();
        assert_eq!(settings.source_type, SourceType::VendorWarehouse);
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn product_data_source_cannot_fulfill() {
        let mut settings = SourceSettings::sample_fulfilling();
        settings.source_type = SourceType::ProductDataSource;
        assert_eq!(problem_fields(settings), ["source.fulfills_orders"]);
    }

    #[test]
    fn fulfilling_needs_shipping_method() {
        let mut settings = SourceSettings::sample_fulfilling();
        settings.shipping_methods.clear();
        assert_eq!(problem_fields(settings), ["source.shipping_methods"]);
    }

    #[test]
    fn fulfilling_needs_ship_from() {
        let mut settings = SourceSettings::sample_fulfilling();
        settings.ship_from = None;
        assert_eq!(problem_fields(settings), ["source.ship_from"]);
    }

    #[test]
    fn every_problem_listed_once() {
        let settings = SourceSettings {
            name: " ".into(),
            source_type: SourceType::ProductDataSource,
            fulfills_orders: true,
            shipping_methods: vec![ShippingMethod {
                name: "".into(),
                code: "".into(),
            }],
            ship_from: Some(ShipFrom {
                state_code: "arizona".into(),
                country_code: "USA".into(),
                contact_email: Some("dock".into()),
                ..ShipFrom::default()
            }),
        };

        let fields = problem_fields(settings);

        assert_eq!(
            fields,
            [
                "source.name",
                "source.fulfills_orders",
                "source.shipping_methods[0].name",
                "source.shipping_methods[0].code",
                "source.ship_from.address",
                "source.ship_from.city",
                "source.ship_from.postal_code",
                "source.ship_from.state_code",
                "source.ship_from.country_code",
                "source.ship_from.contact_email",
            ]
        );
    }

    #[test]
    fn invalid_settings_error_lists_all() {
        let mut settings = SourceSettings::sample_fulfilling();
        settings.name.clear();
        settings.shipping_methods.clear();

        let message = settings.validate().unwrap_err().to_string();

        assert!(message.contains("source.name"), "{message}");
        assert!(message.contains("source.shipping_methods"), "{message}");
    }

    #[test]
    fn fulfilling_source_takes_requests() {
        assert_eq!(
            SourceSettings::sample_fulfilling().fulfillment_problem(),
            None
        );
    }

    #[test]
    fn non_fulfilling_source_rejects_requests() {
        let problem = SourceSettings::default().fulfillment_problem();

        let field = problem.map(|problem| problem.field);
        assert_eq!(field.as_deref(), Some("source.fulfills_orders"));
    }

    #[test]
    fn shipping_problem_spares_inventory() {
        let mut settings = SourceSettings::sample_fulfilling();
        settings.shipping_methods.clear();

        assert!(settings
            .clone()
            .validate_for(Operation::GetInventory)
            .is_ok());
        assert!(settings
            .clone()
            .validate_for(Operation::GetShipments)
            .is_ok());
        assert!(settings
            .validate_for(Operation::SendFulfillmentRequests)
            .is_err());
    }

    #[test]
    fn missing_name_stops_every_operation() {
        for operation in Operation::ALL {
            let mut settings = SourceSettings::sample_fulfilling();
            settings.name.clear();

            assert!(settings.validate_for(operation).is_err(), "{operation}");
        }
    }

    #[test]
    fn source_type_reads_kebab_case() {
        let settings: SourceSettings =
            toml::from_str("name = \"P\"\ntype = \"product-data-source\"").unwrap();
        assert_eq!(settings.source_type, SourceType::ProductDataSource);
    }
}

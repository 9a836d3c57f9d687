//! Default templates for the three operations, embedded in the crate so users can export
//! one, edit it and load it back.

use crate::compile::compile;
use crate::error::Error;
use crate::plan::Plan;
use crate::schema::{SourceSchema, TargetSchema};
use crate::schemas;
use crate::template::Template;

/// A default template and the schemas it is written for.
#[derive(Debug, Clone, Copy)]
pub struct DefaultTemplate {
    /// The name to ask for, for example `petra-prodlist-inventory`.
    pub name: &'static str,
    /// The embedded JSON text.
    pub json: &'static str,
    /// The source schema it compiles against.
    pub source: fn() -> SourceSchema,
    /// The target schema it compiles against.
    pub target: fn() -> TargetSchema,
}

/// Every default template.
pub const ALL: [DefaultTemplate; 4] = [
    DefaultTemplate {
        name: "petra-prodlist-inventory",
        json: include_str!("../templates/petra-prodlist-inventory.json"),
        source: schemas::prodlist,
        target: schemas::inventory,
    },
    DefaultTemplate {
        name: "petra-api-inventory",
        json: include_str!("../templates/petra-api-inventory.json"),
        source: schemas::petra_catalog_api,
        target: schemas::inventory,
    },
    DefaultTemplate {
        name: "fulfillment-requests",
        json: include_str!("../templates/fulfillment-requests.json"),
        source: schemas::merchant_fulfillment_request,
        target: schemas::fulfillment_request,
    },
    DefaultTemplate {
        name: "shipments",
        json: include_str!("../templates/shipments.json"),
        source: schemas::petra_shipment,
        target: schemas::shipment,
    },
];

/// Returns the default template called `name`.
pub fn find(name: &str) -> Result<&'static DefaultTemplate, Error> {
    ALL.iter()
        .find(|candidate| candidate.name == name)
        .ok_or_else(|| Error::UnknownDefault {
            name: name.to_owned(),
            available: ALL.map(|candidate| candidate.name).join(", "),
        })
}

/// Loads the default template called `name`.
///
/// ```
/// let template = fieldmap::defaults::template("shipments")?;
/// assert!(template.fields.contains_key("tracking_number"));
/// # Ok::<(), fieldmap::Error>(())
/// ```
pub fn template(name: &str) -> Result<Template, Error> {
    Template::from_json(find(name)?.json)
}

/// Exports the default template called `name` as JSON text, ready to edit.
pub fn export_json(name: &str) -> Result<String, Error> {
    Ok(find(name)?.json.to_owned())
}

/// Exports the default template called `name` as TOML text, ready to edit.
pub fn export_toml(name: &str) -> Result<String, Error> {
    template(name)?.to_toml()
}

/// Compiles the default template called `name` against its built-in schemas.
///
/// A feed whose columns differ from the built-in order needs [`compile`] with a schema
/// built from its header instead.
///
/// ```no_run
/// let plan = fieldmap::defaults::plan("petra-prodlist-inventory")?;
/// # Ok::<(), fieldmap::Error>(())
/// ```
pub fn plan(name: &str) -> Result<Plan, Error> {
    let default = find(name)?;
    let template = Template::from_json(default.json)?;
    Ok(compile(
        &template,
        &(default.source)(),
        &(default.target)(),
    )?)
}

//! The Configured and Mapped checks of each operation.

use std::path::Path;

use super::Check;
use crate::error::{Error, SettingsProblem};
use crate::history::Operation;
use crate::inventory::{GetInventory, TemplateChoice};
use crate::settings::{Config, Retrieval};
use crate::{fulfillment, shipments};

/// Checks the settings `operation` reads, so a problem that stops only another operation
/// does not mark this one as not configured.
pub(super) fn configured(config: &Config, operation: Operation) -> Check {
    problems_check(config.problems_for(operation))
}

fn problems_check(problems: Vec<SettingsProblem>) -> Check {
    if problems.is_empty() {
        Check::yes("settings are valid")
    } else {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        Check::no(list.join("; "))
    }
}

/// Returns a failed check when a key that picks the template or the records it maps
/// (`keys`) is invalid. Parsing set such a key aside, so checking the default in its
/// place would report a mapping the operation does not run.
fn invalid_mapping_key(config: &Config, keys: &[&str]) -> Option<Check> {
    let problem = config
        .problems()
        .into_iter()
        .find(|problem| keys.contains(&problem.field.as_str()))?;
    Some(Check::no(format!(
        "{problem}, so the mapping cannot be checked"
    )))
}

pub(super) fn inventory_mapped(config: &Config) -> Check {
    if let Some(check) = invalid_mapping_key(config, &["inventory.retrieval", "inventory.template"])
    {
        return check;
    }
    let source = match config.source.clone().validate_for(Operation::GetInventory) {
        Ok(source) => source,
        Err(_) => return Check::no("the source settings are invalid"),
    };
    let mut settings = config.inventory.clone();
    settings.template = settings.template.map(|path| config.resolve(&path));
    let operation = GetInventory::new(source, settings);
    let from_api = config.inventory.retrieval == Retrieval::Api;
    match operation.check_template(from_api) {
        Ok(()) => Check::yes(match &config.inventory.template {
            Some(path) => format!("template {} compiles", path.display()),
            None => "default template compiles".to_owned(),
        }),
        Err(err) => Check::no(err.to_string()),
    }
}

/// Lists a source that does not fulfill orders first, because that alone stops Send
/// Fulfillment Requests, and then the problems of the settings it reads.
pub(super) fn fulfillment_configured(config: &Config) -> Check {
    let mut problems: Vec<SettingsProblem> =
        config.source.fulfillment_problem().into_iter().collect();
    problems.extend(config.problems_for(Operation::SendFulfillmentRequests));
    problems_check(problems)
}

/// Compiles the template Send Fulfillment Requests uses: `fulfillment.template`, or the
/// built-in one.
pub(super) fn fulfillment_mapped(config: &Config) -> Check {
    if let Some(check) = invalid_mapping_key(config, &["fulfillment.template"]) {
        return check;
    }
    let template = config.fulfillment.template.as_deref();
    let compiled = fulfillment::compile_template(&template_choice(config, template));
    mapped_check(compiled, template, fulfillment::DEFAULT_TEMPLATE)
}

/// Compiles the template Get Shipments uses: `shipments.template`, or the built-in one.
pub(super) fn shipments_mapped(config: &Config) -> Check {
    if let Some(check) = invalid_mapping_key(config, &["shipments.template"]) {
        return check;
    }
    let template = config.shipments.template.as_deref();
    let compiled = shipments::compile_template(&template_choice(config, template));
    mapped_check(compiled, template, shipments::DEFAULT_TEMPLATE)
}

fn template_choice(config: &Config, template: Option<&Path>) -> TemplateChoice {
    match template {
        Some(path) => TemplateChoice::File(config.resolve(path)),
        None => TemplateChoice::Default,
    }
}

fn mapped_check(
    compiled: Result<fieldmap::Plan, Error>,
    template: Option<&Path>,
    default_name: &str,
) -> Check {
    match (compiled, template) {
        (Ok(_), Some(path)) => Check::yes(format!("template {} compiles", path.display())),
        (Ok(_), None) => Check::yes(format!("default template {default_name} compiles")),
        (Err(err), _) => Check::no(err.to_string()),
    }
}

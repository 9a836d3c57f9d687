//! Choosing and compiling the Get Inventory mapping template.

use std::path::{Path, PathBuf};

use fieldmap::{compile, defaults, schemas, Plan, SourceSchema, Template};

use super::collector::KeyFields;
use crate::error::Error;

/// Default template for catalogs read from a ProdList feed.
pub const PRODLIST_DEFAULT: &str = "petra-prodlist-inventory";
/// Default template for catalogs read from the HTTP API.
pub const API_DEFAULT: &str = "petra-api-inventory";

/// The mapping template a run uses.
#[derive(Debug, Clone, Default)]
pub enum TemplateChoice {
    /// The built-in default for the retrieval: ProdList or API.
    #[default]
    Default,
    /// A template file, TOML or JSON by extension.
    File(PathBuf),
    /// A template built in code.
    Template(Box<Template>),
}

/// A template ready to compile, with the name its errors use.
pub(crate) struct LoadedTemplate {
    pub name: String,
    pub template: Template,
}

impl TemplateChoice {
    /// Loads the template; `default_name` picks the built-in one.
    pub(crate) fn load(&self, default_name: &str) -> Result<LoadedTemplate, Error> {
        match self {
            Self::Default => {
                let template = defaults::template(default_name).map_err(|err| Error::Template {
                    template: default_name.to_owned(),
                    details: err.to_string(),
                })?;
                Ok(LoadedTemplate {
                    name: default_name.to_owned(),
                    template,
                })
            }
            Self::File(path) => Ok(LoadedTemplate {
                name: path.display().to_string(),
                template: read_template_file(path)?,
            }),
            Self::Template(template) => Ok(LoadedTemplate {
                name: "template given in code".to_owned(),
                template: (**template).clone(),
            }),
        }
    }
}

/// Reads a template file: JSON when the extension is `.json`, TOML otherwise.
pub fn read_template_file(path: &Path) -> Result<Template, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    let is_json = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
    let parsed = if is_json {
        Template::from_json(&text)
    } else {
        Template::from_toml(&text)
    };
    parsed.map_err(|err| Error::TemplateFile {
        path: path.to_owned(),
        reason: err.to_string(),
    })
}

/// Compiles a template against a source schema and the inventory target, and finds the
/// output fields the pool needs.
pub(crate) fn compile_inventory(
    loaded: &LoadedTemplate,
    source: &SourceSchema,
) -> Result<(Plan, KeyFields), Error> {
    let plan = compile(&loaded.template, source, &schemas::inventory()).map_err(|diagnostics| {
        Error::Template {
            template: loaded.name.clone(),
            details: diagnostics.to_string(),
        }
    })?;

    let position = |name: &str| {
        plan.target_index(name).ok_or_else(|| Error::Template {
            template: loaded.name.clone(),
            details: format!("the plan has no `{name}` output field"),
        })
    };
    let keys = KeyFields {
        sku: position("sku")?,
        quantity: position("quantity")?,
    };
    Ok((plan, keys))
}

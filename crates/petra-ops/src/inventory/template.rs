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
            details: format!("{}{diagnostics}", other_source_hint(loaded, source)),
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

/// Builds the hint for a compile failure caused by a template written for the other
/// catalog source: a ProdList template used with the API, or an API template used with
/// a feed.
/// Returns an empty string when the template does not compile for the other source
/// either.
fn other_source_hint(loaded: &LoadedTemplate, source: &SourceSchema) -> String {
    let api = schemas::petra_catalog_api();
    let (other, written_for, this_source, other_retrieval, this_default) =
        if source.name() == api.name() {
            let other = schemas::prodlist();
            (
                other,
                "the ProdList feed",
                "the catalog API",
                "feed",
                API_DEFAULT,
            )
        } else {
            (
                api,
                "the catalog API",
                "a ProdList feed",
                "api",
                PRODLIST_DEFAULT,
            )
        };
    if compile(&loaded.template, &other, &schemas::inventory()).is_err() {
        return String::new();
    }

    format!(
        "it is written for {written_for}, not {this_source}; set inventory.retrieval = \
         \"{other_retrieval}\", or start from `petra templates export {this_default}`. "
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in(name: &str) -> LoadedTemplate {
        LoadedTemplate {
            name: name.to_owned(),
            template: defaults::template(name).unwrap(),
        }
    }

    fn compile_error(loaded: &LoadedTemplate, source: &SourceSchema) -> String {
        match compile_inventory(loaded, source) {
            Ok(_) => panic!("{} compiled against {}", loaded.name, source.name()),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn prodlist_template_with_api_names_fix() {
        let error = compile_error(&built_in(PRODLIST_DEFAULT), &schemas::petra_catalog_api());

        assert!(error.contains("written for the ProdList feed"), "{error}");
        assert!(error.contains("inventory.retrieval = \"feed\""), "{error}");
        assert!(error.contains("export petra-api-inventory"), "{error}");
    }

    #[test]
    fn api_template_with_feed_names_fix() {
        let error = compile_error(&built_in(API_DEFAULT), &schemas::prodlist());

        assert!(error.contains("written for the catalog API"), "{error}");
        assert!(error.contains("inventory.retrieval = \"api\""), "{error}");
        assert!(error.contains("export petra-prodlist-inventory"), "{error}");
    }

    #[test]
    fn broken_template_has_no_source_hint() {
        // The API template with one source field that neither source has.
        let text =
            defaults::export_toml(API_DEFAULT)
                .unwrap()
                .replacen("\"sku\"", "\"NO SUCH FIELD\"", 1);
        let loaded = LoadedTemplate {
            name: "broken".to_owned(),
            template: Template::from_toml(&text).unwrap(),
        };

        let api_error = compile_error(&loaded, &schemas::petra_catalog_api());
        let feed_error = compile_error(&loaded, &schemas::prodlist());

        assert!(api_error.contains("NO SUCH FIELD"), "{api_error}");
        assert!(!api_error.contains("written for"), "{api_error}");
        assert!(!feed_error.contains("written for"), "{feed_error}");
    }
}

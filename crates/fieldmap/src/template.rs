//! The template format: plain data, read from JSON or TOML, described by a JSON Schema
//! generated from these types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::mapping_set::MappingSet;

/// A constant in a template: a string, number, boolean, list of strings, or JSON `null`.
/// It is converted to the target field's type when the template is compiled.
pub type Literal = serde_json::Value;

/// A mapping template: how to fill each target field from a source record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Name shown in messages, for example `petra-prodlist-inventory`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// What the template is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Named lookup tables used by `transform` mappings and `lookup` actions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mapping_sets: BTreeMap<String, MappingSet>,
    /// One mapping per target field, keyed by target field name. A target field missing
    /// here is skipped.
    pub fields: BTreeMap<String, FieldMapping>,
}

/// How one target field gets its value: exactly one of five kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldMapping {
    /// Copy a source field, then apply the transforms in order.
    Match {
        /// Source field name.
        source: String,
        /// Transforms applied in order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        transforms: Vec<Transform>,
    },
    /// A constant of the target's type. Omit `value` (or give JSON `null`) for null.
    Set {
        /// The constant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Literal>,
    },
    /// Look the source value up in a mapping set.
    Transform {
        /// Source field name.
        source: String,
        /// Mapping set name.
        set: String,
        /// Transforms applied to the source value before the lookup.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        transforms: Vec<Transform>,
        /// What happens when the set has no entry for the value.
        #[serde(default)]
        on_miss: OnMiss,
    },
    /// Ordered rules, first match wins, `otherwise` when none matches.
    SmartRules {
        /// Default source field of `transform` and `lookup` actions that name none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// Rules tried in order.
        rules: Vec<Rule>,
        /// Action taken when no rule matches.
        otherwise: Action,
    },
    /// Leave the target field unset.
    Skip,
}

/// What a mapping-set lookup does when the set has no entry for the value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OnMiss {
    /// Use the looked-up value itself.
    #[default]
    PassThrough,
    /// Use this constant.
    Default(Literal),
    /// Reject the record.
    Error,
}

/// `if condition then action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The condition.
    #[serde(rename = "if")]
    pub condition: Condition,
    /// The action when the condition holds.
    #[serde(rename = "then")]
    pub action: Action,
}

/// A test on a record. Text comparisons ignore case when `case_insensitive` is true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The field's text equals `value`.
    Equals {
        field: String,
        value: String,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// The field's text differs from `value`, or the field is empty.
    NotEquals {
        field: String,
        value: String,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// The field's text contains `value`.
    Contains {
        field: String,
        value: String,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// The field's text starts with `value`.
    StartsWith {
        field: String,
        value: String,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// The field's text ends with `value`.
    EndsWith {
        field: String,
        value: String,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// The field's text equals one of `values`.
    InList {
        field: String,
        values: Vec<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// The field is a number greater than `value`.
    GreaterThan { field: String, value: NumberArg },
    /// The field is a number greater than or equal to `value`.
    GreaterOrEqual { field: String, value: NumberArg },
    /// The field is a number less than `value`.
    LessThan { field: String, value: NumberArg },
    /// The field is a number less than or equal to `value`.
    LessOrEqual { field: String, value: NumberArg },
    /// The field is absent, null, empty text or an empty list.
    IsEmpty { field: String },
    /// The field has a value that is not empty text or an empty list.
    IsNotEmpty { field: String },
    /// The field's text matches the regular expression `pattern` (Rust `regex` syntax).
    Matches {
        field: String,
        pattern: String,
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Every condition holds (true when the list is empty).
    All { conditions: Vec<Condition> },
    /// At least one condition holds (false when the list is empty).
    Any { conditions: Vec<Condition> },
    /// The condition does not hold.
    Not { condition: Box<Condition> },
}

/// What a matching rule, or `otherwise`, does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Set a constant; omit `value` for null.
    Set {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Literal>,
    },
    /// Copy a source field, optionally through transforms.
    Copy {
        source: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        transforms: Vec<Transform>,
    },
    /// Apply transforms to `source`, or to the rules' `source` when omitted.
    Transform {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        transforms: Vec<Transform>,
    },
    /// Look `source` (or the rules' `source`) up in a mapping set.
    Lookup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        set: String,
        #[serde(default)]
        on_miss: OnMiss,
    },
    /// Leave the target field unset.
    Skip,
}

/// A number argument, written as a JSON/TOML number or as a decimal string (`"0.15"`)
/// when exact digits matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NumberArg {
    Number(serde_json::Number),
    Text(String),
}

/// Which character separates the fraction in `parse_number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Separator {
    /// `1,249.99`.
    #[default]
    Point,
    /// `1.249,99`.
    Comma,
}

/// What `gtin` does with a code that fails validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnInvalid {
    /// Reject the record.
    #[default]
    Error,
    /// Use null instead.
    Null,
}

/// One step of a transform chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transform {
    /// Remove leading and trailing whitespace.
    Trim,
    /// Upper-case every letter.
    Upper,
    /// Lower-case every letter.
    Lower,
    /// Upper-case the first letter, lower-case the rest.
    SentenceCase,
    /// Upper-case the first letter of each word, lower-case the rest.
    TitleCase,
    /// Replace every occurrence of `from` with `to`.
    Replace { from: String, to: String },
    /// Replace every match of `pattern` with `replacement` (`$1` refers to a group).
    RegexReplace {
        pattern: String,
        replacement: String,
    },
    /// Remove HTML tags, keeping their text.
    StripHtml,
    /// Decode HTML entities such as `&bull;` and `&amp;`.
    DecodeHtmlEntities,
    /// Put `value` in front.
    Prefix { value: String },
    /// Put `value` at the end.
    Suffix { value: String },
    /// Keep at most `max_chars` characters.
    Truncate { max_chars: usize },
    /// Use `value` when the value is absent, null, empty text or an empty list.
    DefaultIfEmpty { value: Literal },
    /// Split text into a list at `separator`, trimming each item and dropping empty ones.
    Split { separator: String },
    /// Join a list into text with `separator`.
    Join { separator: String },
    /// Round to `places` decimal places, halves away from zero.
    Round { places: u32 },
    /// Multiply by `by`.
    Multiply { by: NumberArg },
    /// Add `value` (negative to subtract).
    Add { value: NumberArg },
    /// Add `percent` percent: 25 turns 80 into 100.
    PercentMarkup { percent: NumberArg },
    /// Limit to the range `min..=max`; either bound may be omitted.
    Clamp {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<NumberArg>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<NumberArg>,
    },
    /// Parse text as a number (currency sign and thousands separators allowed).
    ParseNumber {
        #[serde(default, skip_serializing_if = "is_default_separator")]
        decimal_separator: Separator,
    },
    /// Parse text as a date with a `strftime` format, or `iso8601`.
    ParseDate { format: String },
    /// Format a date as text with a `strftime` format, or `iso8601`.
    FormatDate { format: String },
    /// Normalise a GTIN (UPC, EAN): digits only, an 11-digit UPC-A regains its leading
    /// zero, and the check digit must be valid.
    Gtin {
        #[serde(default, skip_serializing_if = "is_default_on_invalid")]
        on_invalid: OnInvalid,
    },
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

fn is_default_separator(separator: &Separator) -> bool {
    *separator == Separator::Point
}

fn is_default_on_invalid(on_invalid: &OnInvalid) -> bool {
    *on_invalid == OnInvalid::Error
}

impl Template {
    /// Reads a template from JSON text.
    ///
    /// ```
    /// let template = fieldmap::Template::from_json(
    ///     r#"{"fields": {"sku": {"kind": "match", "source": "PETRA SKU"}}}"#,
    /// )?;
    /// assert_eq!(template.fields.len(), 1);
    /// # Ok::<(), fieldmap::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|source| Error::TemplateJson { source })
    }

    /// Reads a template from TOML text.
    ///
    /// ```
    /// let template = fieldmap::Template::from_toml(
    ///     "[fields.sku]\nkind = \"match\"\nsource = \"PETRA SKU\"\n",
    /// )?;
    /// assert_eq!(template.fields.len(), 1);
    /// # Ok::<(), fieldmap::Error>(())
    /// ```
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        toml::from_str(text).map_err(|source| Error::TemplateToml { source })
    }

    /// Writes the template as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(self).map_err(|source| Error::TemplateJson { source })
    }

    /// Writes the template as TOML.
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string_pretty(self).map_err(|source| Error::TemplateTomlWrite { source })
    }

    /// Returns the JSON Schema of the template format, generated from these types.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(Template);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }
}

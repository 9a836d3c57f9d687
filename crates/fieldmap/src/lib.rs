//! The field-mapping engine: a mapping template is compiled once against a source and a
//! target schema into a [`Plan`], which then maps many records without re-parsing
//! anything. No I/O and no supplier knowledge live here, apart from the built-in schemas
//! and default templates that describe Petra's feeds.
//!
//! Modules:
//! - `value`: field types, owned output [`Value`]s, borrowed input [`ValueRef`]s.
//! - `number`: strict decimal and boolean parsing.
//! - [`schema`]: [`SourceSchema`] and [`TargetSchema`].
//! - [`schemas`]: built-in schemas for the three operations and Petra's sources.
//! - `template`: the template format ([`Template`]) read from JSON or TOML.
//! - `mapping_set`: [`MappingSet`] lookup tables, loadable from two-column CSV.
//! - `compile`: [`compile`], which checks everything and collects [`Diagnostics`].
//! - `diagnostic`: stable diagnostic [`Code`]s.
//! - `transform`: one file per transform family.
//! - `condition`: one file per Smart Rule operator family.
//! - `plan`: the compiled [`Plan`] and how it maps a record.
//! - `record`: the [`Record`] trait a source row implements.
//! - `mapped`: [`MappedRecord`], the output.
//! - `record_error`: [`RecordError`], a rejected record.
//! - `explain`: [`Explanation`] of how a field got its value.
//! - [`defaults`]: embedded default templates.
//! - `error`: the crate's [`Error`].
//! - `whitespace`: trimming with a quick path for text without edge whitespace.
//!
//! ```no_run
//! use fieldmap::{compile, defaults, schemas, SourceSchema};
//!
//! let template = defaults::template("petra-prodlist-inventory")?;
//! let header = ["VENDOR SKU", "PETRA SKU", "DESCRIPTION", "AVAILABLE", "PRICE"];
//! let source = SourceSchema::from_columns("prodlist", header);
//! let plan = compile(&template, &source, &schemas::inventory());
//! // This header lacks most columns, so compile reports each missing one.
//! assert!(plan.is_err());
//! # Ok::<(), fieldmap::Error>(())
//! ```

mod compile;
mod condition;
mod convert;
pub mod defaults;
mod diagnostic;
mod error;
mod explain;
mod literal;
mod mapped;
mod mapping_set;
mod number;
mod plan;
mod record;
mod record_error;
pub mod schema;
pub mod schemas;
mod template;
mod transform;
mod value;
mod whitespace;

pub use compile::compile;
pub use diagnostic::{Code, Diagnostic, Diagnostics};
pub use error::Error;
pub use explain::{Explanation, Fallback, MappingKind};
pub use mapped::MappedRecord;
pub use mapping_set::MappingSet;
pub use plan::Plan;
pub use record::Record;
pub use record_error::{FieldProblem, RecordError};
pub use schema::{SourceField, SourceSchema, TargetField, TargetSchema};
pub use template::{
    Action, Condition, FieldMapping, Literal, NumberArg, OnInvalid, OnMiss, Rule, Separator,
    Template, Transform,
};
pub use value::{DateValue, FieldType, Value, ValueRef};

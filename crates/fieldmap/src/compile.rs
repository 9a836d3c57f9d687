//! Compilation: resolve names to indices, check types and arguments, collect every
//! problem, and build a [`Plan`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use regex::{Regex, RegexBuilder};
use tracing::debug;

use crate::condition;
use crate::convert::convertible;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::explain::MappingKind;
use crate::literal;
use crate::mapping_set::MappingSet;
use crate::plan::{Action, FieldPlan, Lookup, Miss, Plan, Producer};
use crate::schema::{SourceSchema, TargetField, TargetSchema};
use crate::template::{self, FieldMapping, OnMiss, Template};
use crate::transform::{compile_chain, Chain, StaticType};
use crate::value::{FieldType, Value};

/// Compiles a template against a source and a target schema.
///
/// Every problem is collected, each with a stable code, its template path and a fix
/// hint; the result is a plan only when there are none.
///
/// ```no_run
/// use fieldmap::{compile, defaults, schemas};
///
/// let template = defaults::template("petra-prodlist-inventory")?;
/// let plan = compile(&template, &schemas::prodlist(), &schemas::inventory())?;
/// let row = ["K02-U22GE-02", "1KSK02U22GE02", "EPI236 AIR PURIFIER BLK", "0", "91.99"];
/// match plan.map(&row[..], 4) {
///     Ok(mapped) => println!("{}", mapped.to_json()),
///     Err(rejected) => eprintln!("{rejected}"),
/// }
/// # Ok::<(), fieldmap::Error>(())
/// ```
#[tracing::instrument(skip_all, fields(template = %template.name, source = source.name(), target = target.name()))]
pub fn compile(
    template: &Template,
    source: &SourceSchema,
    target: &TargetSchema,
) -> Result<Plan, Diagnostics> {
    let mut context = Context::new(source, &template.mapping_sets);

    for name in template.fields.keys() {
        if target.index_of(name).is_none() {
            let known: Vec<&str> = target
                .fields()
                .iter()
                .map(|field| field.name.as_str())
                .collect();
            context.push(
                Code::UnknownTargetField,
                &format!("fields.{name}"),
                format!("target {:?} has no field {name:?}", target.name()),
                &format!("use one of: {}", known.join(", ")),
            );
        }
    }

    let fields: Vec<FieldPlan> = target
        .fields()
        .iter()
        .map(|field| compile_field(field, template.fields.get(&field.name), &mut context))
        .collect();

    if !context.diagnostics.is_empty() {
        debug!(problems = context.diagnostics.len(), "template rejected");
        return Err(Diagnostics {
            template: template.name.clone(),
            items: context.diagnostics,
        });
    }
    Ok(Plan::new(template.name.clone(), fields, target.key()))
}

fn compile_field(
    field: &TargetField,
    mapping: Option<&FieldMapping>,
    context: &mut Context,
) -> FieldPlan {
    let path = format!("fields.{}", field.name);
    let (kind, producer) = match mapping {
        None | Some(FieldMapping::Skip) => {
            if field.required {
                let message = if mapping.is_none() {
                    format!("required field {:?} is not mapped", field.name)
                } else {
                    format!("required field {:?} is skipped", field.name)
                };
                context.push(
                    Code::RequiredTargetSkipped,
                    &path,
                    message,
                    "map it with match, set, transform or smart_rules",
                );
            }
            (MappingKind::Skip, Producer::Single(Action::Skip))
        }
        Some(FieldMapping::Match { source, transforms }) => {
            let action = compile_pipe(source, transforms, field, &path, "transforms", context);
            (MappingKind::Match, Producer::Single(action))
        }
        Some(FieldMapping::Set { value }) => {
            let action = compile_set(value.as_ref(), field, &format!("{path}.value"), context);
            (MappingKind::Set, Producer::Single(action))
        }
        Some(FieldMapping::Transform {
            source,
            set,
            transforms,
            on_miss,
        }) => {
            let action = compile_lookup(
                Some(source),
                set,
                transforms,
                on_miss,
                field,
                &path,
                context,
            );
            (MappingKind::Transform, Producer::Single(action))
        }
        Some(FieldMapping::SmartRules {
            source,
            rules,
            otherwise,
        }) => {
            let producer =
                compile_rules(source.as_deref(), rules, otherwise, field, &path, context);
            (MappingKind::SmartRules, producer)
        }
    };
    FieldPlan {
        name: field.name.as_str().into(),
        field_type: field.field_type,
        required: field.required,
        kind,
        producer,
    }
}

fn compile_rules(
    default_source: Option<&str>,
    rules: &[template::Rule],
    otherwise: &template::Action,
    field: &TargetField,
    path: &str,
    context: &mut Context,
) -> Producer {
    let mut compiled = Vec::with_capacity(rules.len());
    let mut always_from: Option<usize> = None;
    for (position, rule) in rules.iter().enumerate() {
        let rule_path = format!("{path}.rules[{position}]");
        if let Some(earlier) = always_from {
            context.push(
                Code::UnreachableRule,
                &rule_path,
                format!("rule {position} never runs because rule {earlier} always matches"),
                "move the always-true rule last, turn it into `otherwise`, or delete this rule",
            );
        }
        let condition = condition::compile(&rule.condition, &format!("{rule_path}.if"), context);
        let action = compile_action(
            default_source,
            &rule.action,
            field,
            &format!("{rule_path}.then"),
            context,
        );
        if let Some(condition) = condition {
            if condition.always_true() && always_from.is_none() {
                always_from = Some(position);
            }
            compiled.push((condition, action));
        }
    }
    if let Some(earlier) = always_from {
        context.push(
            Code::UnreachableRule,
            &format!("{path}.otherwise"),
            format!("otherwise never runs because rule {earlier} always matches"),
            "turn the always-true rule into `otherwise`",
        );
    }
    let otherwise = compile_action(
        default_source,
        otherwise,
        field,
        &format!("{path}.otherwise"),
        context,
    );
    Producer::Rules {
        rules: compiled,
        otherwise,
    }
}

fn compile_action(
    default_source: Option<&str>,
    action: &template::Action,
    field: &TargetField,
    path: &str,
    context: &mut Context,
) -> Action {
    match action {
        template::Action::Set { value } => {
            compile_set(value.as_ref(), field, &format!("{path}.value"), context)
        }
        template::Action::Copy { source, transforms } => {
            compile_pipe(source, transforms, field, path, "transforms", context)
        }
        template::Action::Transform { source, transforms } => {
            match source.as_deref().or(default_source) {
                Some(source) => {
                    compile_pipe(source, transforms, field, path, "transforms", context)
                }
                None => {
                    missing_source(path, context);
                    Action::Skip
                }
            }
        }
        template::Action::Lookup {
            source,
            set,
            on_miss,
        } => {
            let source = source.as_deref().or(default_source);
            if source.is_none() {
                missing_source(path, context);
            }
            compile_lookup(
                source.map(str::to_owned).as_ref(),
                set,
                &[],
                on_miss,
                field,
                path,
                context,
            )
        }
        template::Action::Skip => Action::Skip,
    }
}

fn missing_source(path: &str, context: &mut Context) {
    context.push(
        Code::MissingSource,
        &format!("{path}.source"),
        "the action names no source field and the smart_rules have no `source`".to_owned(),
        "add `source` to the action or to the smart_rules mapping",
    );
}

/// Compiles a source field and transform chain, and checks the result fits the target.
fn compile_pipe(
    source: &str,
    transforms: &[template::Transform],
    field: &TargetField,
    path: &str,
    transforms_key: &str,
    context: &mut Context,
) -> Action {
    let index = context.source_field(source, &format!("{path}.source"));
    let input = index
        .and_then(|index| context.source.field(index))
        .and_then(|field| field.field_type);
    let (steps, output) = compile_chain(
        transforms,
        input,
        &format!("{path}.{transforms_key}"),
        context,
    );
    context.check_fits(output, field, path);
    match index {
        Some(source) => Action::pipe(source, steps, field.field_type),
        None => Action::Skip,
    }
}

fn compile_set(
    value: Option<&template::Literal>,
    field: &TargetField,
    path: &str,
    context: &mut Context,
) -> Action {
    let converted = match value {
        None => Ok(Value::Null),
        Some(literal) => literal::to_value(literal, field.field_type),
    };
    match converted {
        Ok(Value::Null) if field.required => {
            context.push(
                Code::InvalidConstant,
                path,
                format!("required field {:?} cannot be set to null", field.name),
                "give a value, or map the field from the source",
            );
            Action::Skip
        }
        Ok(value) => Action::Const(value),
        Err(reason) => {
            let shown = value.map_or_else(|| "null".to_owned(), ToString::to_string);
            context.push(
                Code::InvalidConstant,
                path,
                format!("invalid {} constant {shown}: {reason}", field.field_type),
                &format!("write a {} constant", field.field_type),
            );
            Action::Skip
        }
    }
}

fn compile_lookup(
    source: Option<&String>,
    set: &str,
    transforms: &[template::Transform],
    on_miss: &OnMiss,
    field: &TargetField,
    path: &str,
    context: &mut Context,
) -> Action {
    let index = source.and_then(|source| context.source_field(source, &format!("{path}.source")));
    let input = index
        .and_then(|index| context.source.field(index))
        .and_then(|field| field.field_type);
    let (steps, output) = compile_chain(transforms, input, &format!("{path}.transforms"), context);
    let table = context.lookup(set, field.field_type, &format!("{path}.set"));

    let miss = match on_miss {
        OnMiss::PassThrough => {
            context.check_fits(output, field, path);
            Some(Miss::PassThrough)
        }
        OnMiss::Error => Some(Miss::Error),
        OnMiss::Default(literal) => match literal::to_value(literal, field.field_type) {
            Ok(value) => Some(Miss::Default(value)),
            Err(reason) => {
                context.push(
                    Code::InvalidConstant,
                    &format!("{path}.on_miss.default"),
                    format!("invalid {} default {literal}: {reason}", field.field_type),
                    &format!("write a {} default", field.field_type),
                );
                None
            }
        },
    };
    match (index, table, miss) {
        (Some(source), Some(table), Some(on_miss)) => Action::Lookup {
            source,
            steps: Chain::new(steps),
            table,
            on_miss,
        },
        _ => Action::Skip,
    }
}

/// Compile state: the schemas, the template's mapping sets, and the problems so far.
pub(crate) struct Context<'t> {
    pub(crate) source: &'t SourceSchema,
    sets: &'t BTreeMap<String, MappingSet>,
    lookups: HashMap<(String, FieldType), Arc<Lookup>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'t> Context<'t> {
    pub(crate) fn new(source: &'t SourceSchema, sets: &'t BTreeMap<String, MappingSet>) -> Self {
        Self {
            source,
            sets,
            lookups: HashMap::new(),
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, code: Code, path: &str, message: String, hint: &str) {
        self.diagnostics.push(Diagnostic {
            code,
            path: path.to_owned(),
            message,
            hint: hint.to_owned(),
        });
    }

    /// Resolves a source field name to its index, reporting an unknown name.
    pub(crate) fn source_field(&mut self, name: &str, path: &str) -> Option<usize> {
        if let Some(index) = self.source.index_of(name) {
            return Some(index);
        }
        let near = self.source.near_names(name);
        let hint = if let Some(first) = near.first() {
            format!("did you mean {first:?}?")
        } else {
            let names: Vec<&str> = self
                .source
                .fields()
                .iter()
                .map(|field| field.name.as_str())
                .take(40)
                .collect();
            format!("use one of: {}", names.join(", "))
        };
        self.push(
            Code::UnknownSourceField,
            path,
            format!("source {:?} has no field {name:?}", self.source.name()),
            &hint,
        );
        None
    }

    /// Compiles a regular expression, reporting a syntax error.
    pub(crate) fn regex(
        &mut self,
        pattern: &str,
        case_insensitive: bool,
        path: &str,
    ) -> Option<Regex> {
        match RegexBuilder::new(pattern)
            .case_insensitive(case_insensitive)
            .build()
        {
            Ok(regex) => Some(regex),
            Err(error) => {
                let first_line = error
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                self.push(
                    Code::InvalidRegex,
                    path,
                    format!("invalid regular expression {pattern:?}: {first_line}"),
                    "fix the pattern (Rust regex syntax; escape literal `.`, `(` and `[` with `\\`)",
                );
                None
            }
        }
    }

    /// Reports a value type that cannot become the target field's type.
    pub(crate) fn check_fits(&mut self, output: StaticType, field: &TargetField, path: &str) {
        let Some(output) = output else { return };
        if convertible(output, field.field_type) {
            return;
        }
        let hint = match (output, field.field_type) {
            (FieldType::List, FieldType::Text) => "add a join transform".to_owned(),
            (FieldType::Text, FieldType::List) | (_, FieldType::List) => {
                "add a split transform".to_owned()
            }
            (_, target) => format!("add transforms that produce a {target}, or map another field"),
        };
        self.push(
            Code::TypeMismatch,
            path,
            format!(
                "a {output} value cannot fill {} field {:?}",
                field.field_type, field.name
            ),
            &hint,
        );
    }

    /// Builds (once per set and type) the lookup table of a mapping set, converting its
    /// values to `field_type`.
    pub(crate) fn lookup(
        &mut self,
        name: &str,
        field_type: FieldType,
        path: &str,
    ) -> Option<Arc<Lookup>> {
        let cache_key = (name.to_owned(), field_type);
        if let Some(table) = self.lookups.get(&cache_key) {
            return Some(Arc::clone(table));
        }
        let Some(set) = self.sets.get(name) else {
            let known: Vec<&str> = self.sets.keys().map(String::as_str).collect();
            let hint = if known.is_empty() {
                "define it under `mapping_sets`".to_owned()
            } else {
                format!(
                    "define it under `mapping_sets` or use one of: {}",
                    known.join(", ")
                )
            };
            self.push(
                Code::UnknownMappingSet,
                path,
                format!("no mapping set named {name:?}"),
                &hint,
            );
            return None;
        };

        let mut entries = HashMap::with_capacity(set.entries.len());
        let mut ok = true;
        for (key, literal) in &set.entries {
            let entry_path = format!("mapping_sets.{name}.entries.{key}");
            let value = match literal::to_value(literal, field_type) {
                Ok(value) => value,
                Err(reason) => {
                    self.push(
                        Code::InvalidConstant,
                        &entry_path,
                        format!("invalid {field_type} value {literal} in mapping set {name:?}: {reason}"),
                        &format!("write a {field_type} value, or use this set only for {field_type} fields"),
                    );
                    ok = false;
                    continue;
                }
            };
            let folded = if set.case_insensitive {
                key.to_lowercase()
            } else {
                key.clone()
            };
            if entries
                .insert(folded.into_boxed_str(), (key.as_str().into(), value))
                .is_some()
            {
                self.push(
                    Code::DuplicateMappingKey,
                    &entry_path,
                    format!("key {key:?} repeats another key when case is ignored"),
                    "remove one of the keys, or make the set case-sensitive",
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }

        let table = Arc::new(Lookup::new(name, set.case_insensitive, entries));
        self.lookups.insert(cache_key, Arc::clone(&table));
        Some(table)
    }
}

//! The compiled plan and how it maps one record.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::condition::Cond;
use crate::convert::{into_target, is_empty};
use crate::explain::{Explanation, Fallback, MappingKind};
use crate::mapped::MappedRecord;
use crate::number::{parse_decimal, DecimalSeparator, NumberError};
use crate::record::Record;
use crate::record_error::{FieldProblem, RecordError};
use crate::transform::{Chain, Step};
use crate::value::{FieldType, Value, ValueRef, Work};
use crate::whitespace;

/// A template compiled against a source and a target schema, ready to map records.
///
/// A plan is immutable and `Send + Sync`; share one across threads to map in parallel.
#[derive(Debug, Clone)]
pub struct Plan {
    name: String,
    names: Arc<[Box<str>]>,
    fields: Vec<FieldPlan>,
    key: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct FieldPlan {
    pub(crate) name: Box<str>,
    pub(crate) field_type: FieldType,
    pub(crate) required: bool,
    pub(crate) kind: MappingKind,
    pub(crate) producer: Producer,
}

#[derive(Debug, Clone)]
pub(crate) enum Producer {
    Single(Action),
    Rules {
        rules: Vec<(Cond, Action)>,
        otherwise: Action,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Const(Value),
    Pipe {
        source: usize,
        steps: Chain,
        shape: Shape,
    },
    Lookup {
        source: usize,
        steps: Chain,
        table: Arc<Lookup>,
        on_miss: Miss,
    },
    Skip,
}

/// The run path of a `Pipe` for a text source value, chosen once at compile time so the
/// common cases skip the general step loop and its value wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A single trim into a text target, the most common chain in templates.
    Trim,
    /// Only text steps, into a text target: the steps run on the borrowed string.
    TextChain,
    /// No steps, into a number target: the text is parsed directly.
    Number,
    /// Any other chain runs through the general step loop.
    General,
}

impl Action {
    /// Builds a `Pipe` and picks its [`Shape`] for the target type.
    pub(crate) fn pipe(source: usize, steps: Vec<Step>, field_type: FieldType) -> Self {
        let shape = match field_type {
            FieldType::Text if matches!(steps.as_slice(), [Step::Trim]) => Shape::Trim,
            FieldType::Text if steps.iter().all(Step::is_text) => Shape::TextChain,
            FieldType::Number if steps.is_empty() => Shape::Number,
            _ => Shape::General,
        };
        Action::Pipe {
            source,
            steps: Chain::new(steps),
            shape,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Miss {
    PassThrough,
    Default(Value),
    Error,
}

/// A mapping set compiled for one target type: folded key to (original key, value).
#[derive(Debug)]
pub(crate) struct Lookup {
    pub(crate) name: Box<str>,
    pub(crate) case_insensitive: bool,
    pub(crate) entries: HashMap<Box<str>, (Box<str>, Value)>,
    /// The same entries for sets of up to `SMALL_SET` keys, where comparing a few short
    /// keys is faster than hashing.
    pub(crate) small: Vec<(Box<str>, Box<str>, Value)>,
}

/// Sets with at most this many keys are searched linearly.
pub(crate) const SMALL_SET: usize = 8;

impl Lookup {
    pub(crate) fn new(
        name: &str,
        case_insensitive: bool,
        entries: HashMap<Box<str>, (Box<str>, Value)>,
    ) -> Self {
        let small = if entries.len() <= SMALL_SET {
            entries
                .iter()
                .map(|(folded, (original, value))| {
                    (folded.clone(), original.clone(), value.clone())
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            name: name.into(),
            case_insensitive,
            entries,
            small,
        }
    }

    /// Returns the original key and value of a folded key.
    fn find(&self, folded: &str) -> Option<(&str, &Value)> {
        if self.entries.len() <= SMALL_SET {
            return self
                .small
                .iter()
                .find(|(key, _, _)| key.as_ref() == folded)
                .map(|(_, original, value)| (original.as_ref(), value));
        }
        self.entries
            .get(folded)
            .map(|(original, value)| (original.as_ref(), value))
    }
}

/// The route by which an action produced its value, for explanations. It is `Copy` and
/// allocation-free, so computing it costs nothing when no explanation is requested.
#[derive(Debug, Clone, Copy)]
enum Via<'p> {
    Direct,
    Entry { set: &'p str, key: &'p str },
    Miss { set: &'p str, fallback: Fallback },
}

/// The rule branch that produced one field's value.
#[derive(Debug, Clone, Copy)]
enum Branch {
    Single,
    Rule(usize),
    Otherwise,
}

/// Receives explanations; the no-op implementation compiles away.
trait Tracer {
    fn record(&mut self, make: impl FnOnce() -> Explanation);
    fn finish(self) -> Option<Vec<Explanation>>;
}

struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn record(&mut self, _make: impl FnOnce() -> Explanation) {}

    #[inline(always)]
    fn finish(self) -> Option<Vec<Explanation>> {
        None
    }
}

struct Trace(Vec<Explanation>);

impl Tracer for Trace {
    fn record(&mut self, make: impl FnOnce() -> Explanation) {
        self.0.push(make());
    }

    fn finish(self) -> Option<Vec<Explanation>> {
        Some(self.0)
    }
}

impl Plan {
    pub(crate) fn new(name: String, fields: Vec<FieldPlan>, key: Option<usize>) -> Self {
        let names = fields.iter().map(|field| field.name.clone()).collect();
        Self {
            name,
            names,
            fields,
            key,
        }
    }

    /// Returns the template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the target field names in output order.
    pub fn target_names(&self) -> &[Box<str>] {
        &self.names
    }

    /// Returns the output index of a target field.
    pub fn target_index(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|candidate| candidate.as_ref() == name)
    }

    /// Maps one record. `row` is the caller's row number, reported in a
    /// [`RecordError`] together with the record's key and every failing field.
    ///
    /// ```no_run
    /// # let template = fieldmap::defaults::template("petra-prodlist-inventory")?;
    /// # let plan = fieldmap::compile(&template, &fieldmap::schemas::prodlist(), &fieldmap::schemas::inventory())?;
    /// let row = csv::StringRecord::from(vec!["K02", "1KSK02", "PURIFIER", "3", "91.99"]);
    /// let mapped = plan.map(&row, 4)?;
    /// assert_eq!(mapped.get("sku").and_then(|sku| sku.as_text()), Some("1KSK02"));
    /// # Ok::<(), fieldmap::Error>(())
    /// ```
    pub fn map<R: Record + ?Sized>(
        &self,
        record: &R,
        row: u64,
    ) -> Result<MappedRecord, RecordError> {
        self.run(record, row, NoTrace)
    }

    /// Maps one record like [`Plan::map`], but returns the mapped record even when some
    /// fields fail, so a caller can still check the fields that mapped. A field that
    /// failed to convert is absent from the record, and the error lists every failure.
    ///
    /// ```no_run
    /// # let plan = fieldmap::defaults::plan("petra-prodlist-inventory")?;
    /// let row = csv::StringRecord::from(vec!["K02", "1KSK02", "PURIFIER", "3", "N/A"]);
    /// let (mapped, error) = plan.map_partial(&row, 4);
    /// assert_eq!(mapped.get("sku").and_then(|sku| sku.as_text()), Some("1KSK02"));
    /// assert!(error.is_some());
    /// # Ok::<(), fieldmap::Error>(())
    /// ```
    pub fn map_partial<R: Record + ?Sized>(
        &self,
        record: &R,
        row: u64,
    ) -> (MappedRecord, Option<RecordError>) {
        let mut values = Vec::new();
        let error = self.fill(record, row, &mut NoTrace, &mut values).err();
        let mapped = MappedRecord::new(Arc::clone(&self.names), values, None);
        (mapped, error)
    }

    /// Maps one record like [`Plan::map`] and explains each field: which mapping kind,
    /// rule, mapping-set entry or fallback produced it.
    pub fn map_explained<R: Record + ?Sized>(
        &self,
        record: &R,
        row: u64,
    ) -> Result<MappedRecord, RecordError> {
        self.run(record, row, Trace(Vec::with_capacity(self.fields.len())))
    }

    /// Maps one record like [`Plan::map`] into `output`, reusing its buffer, so a loop
    /// over many records allocates no output vector per record. On error `output` is
    /// left empty.
    ///
    /// ```no_run
    /// # let plan = fieldmap::defaults::plan("petra-prodlist-inventory")?;
    /// # let rows: Vec<csv::StringRecord> = Vec::new();
    /// let mut mapped = fieldmap::MappedRecord::default();
    /// for (row, record) in rows.iter().enumerate() {
    ///     plan.map_into(record, row as u64, &mut mapped)?;
    ///     println!("{}", mapped.to_json());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_into<R: Record + ?Sized>(
        &self,
        record: &R,
        row: u64,
        output: &mut MappedRecord,
    ) -> Result<(), RecordError> {
        let values = output.reset(&self.names);
        let result = self.fill(record, row, &mut NoTrace, values);
        if result.is_err() {
            values.clear();
        }
        result
    }

    fn run<R: Record + ?Sized, T: Tracer>(
        &self,
        record: &R,
        row: u64,
        mut tracer: T,
    ) -> Result<MappedRecord, RecordError> {
        let mut values = Vec::new();
        self.fill(record, row, &mut tracer, &mut values)?;
        Ok(MappedRecord::new(
            Arc::clone(&self.names),
            values,
            tracer.finish(),
        ))
    }

    /// Stores one value per target field in `values`. Slots left from an earlier record
    /// are overwritten, and a text slot keeps its `String` buffer for the new text.
    fn fill<R: Record + ?Sized, T: Tracer>(
        &self,
        record: &R,
        row: u64,
        tracer: &mut T,
        values: &mut Vec<Option<Value>>,
    ) -> Result<(), RecordError> {
        if values.len() != self.fields.len() {
            values.clear();
            values.resize_with(self.fields.len(), || None);
        }
        let mut problems = Vec::new();

        for (field, slot) in self.fields.iter().zip(values.iter_mut()) {
            let (branch, action) = field.choose(record);
            let mut via = Via::Direct;
            let outcome = if action.write_in_place(record, slot) {
                Ok(())
            } else {
                action
                    .run(record, field.field_type, &mut via)
                    .map(|produced| produced.store(slot))
            };
            tracer.record(|| explain(field, branch, via));

            if let Err(problem) = outcome {
                problems.push(FieldProblem {
                    field: field.name.to_string(),
                    value: problem.value,
                    reason: problem.reason,
                });
                *slot = None;
                continue;
            }
            if field.required && is_empty(slot.as_ref()) {
                problems.push(FieldProblem {
                    field: field.name.to_string(),
                    value: describe_output(slot.as_ref()),
                    reason: "required field is empty".to_owned(),
                });
            }
        }

        if problems.is_empty() {
            return Ok(());
        }
        let key = self
            .key
            .and_then(|index| values.get(index))
            .and_then(Option::as_ref)
            .map(ToString::to_string)
            .filter(|key| !key.trim().is_empty());
        Err(RecordError { row, key, problems })
    }
}

impl FieldPlan {
    fn choose<R: Record + ?Sized>(&self, record: &R) -> (Branch, &Action) {
        match &self.producer {
            Producer::Single(action) => (Branch::Single, action),
            Producer::Rules { rules, otherwise } => rules
                .iter()
                .enumerate()
                .find(|(_, (condition, _))| condition.holds(record))
                .map_or((Branch::Otherwise, otherwise), |(position, (_, action))| {
                    (Branch::Rule(position), action)
                }),
        }
    }
}

struct Problem {
    value: String,
    reason: String,
}

/// A converted value, or the problem boxed so that the common `Ok` path moves a small
/// result.
type Converted = Result<Option<Value>, Box<Problem>>;

/// The outcome of one action.
type Outcome<'p> = Result<Produced<'p>, Box<Problem>>;

/// A value an action produced: built for this record, or a constant of the plan.
enum Produced<'p> {
    Owned(Option<Value>),
    Shared(&'p Value),
}

impl Produced<'_> {
    /// Stores the value in `slot`. Shared text is copied into the `String` buffer the slot
    /// already holds, so `map_into` fills a text constant without allocating once the
    /// slot holds text.
    fn store(self, slot: &mut Option<Value>) {
        match (self, slot) {
            (Produced::Shared(Value::Text(text)), Some(Value::Text(buffer))) => {
                buffer.clear();
                buffer.push_str(text);
            }
            (Produced::Shared(value), slot) => *slot = Some(value.clone()),
            (Produced::Owned(value), slot) => *slot = value,
        }
    }
}

impl Action {
    /// Writes the result of a pipe on a text source straight into `slot` when its shape
    /// allows it. A text-only chain reuses the slot's `String` buffer, and a number
    /// target takes the parsed number. Returns `false` and leaves `slot` untouched for
    /// other actions, other source values and invalid numbers, which [`Action::run`] maps.
    fn write_in_place<R: Record + ?Sized>(&self, record: &R, slot: &mut Option<Value>) -> bool {
        let Action::Pipe {
            source,
            steps,
            shape,
        } = self
        else {
            return false;
        };
        let ValueRef::Text(text) = record.get(*source) else {
            return false;
        };

        let text = match shape {
            Shape::Trim => Cow::Borrowed(whitespace::trim(text)),
            Shape::TextChain => steps.run_text(text),
            Shape::Number => {
                // Invalid text goes to the general path, which builds the error.
                *slot = match parse_decimal(text, DecimalSeparator::Point) {
                    Ok(number) => Some(Value::Number(number)),
                    Err(NumberError::Empty) => Some(Value::Null),
                    Err(_) => return false,
                };
                return true;
            }
            Shape::General => return false,
        };
        match slot {
            Some(Value::Text(buffer)) => {
                buffer.clear();
                buffer.push_str(&text);
            }
            _ => *slot = Some(Value::Text(text.into_owned())),
        }
        true
    }

    /// Runs the action. A lookup also stores in `via` which entry or fallback produced
    /// the value, and every other action leaves `via` unchanged.
    fn run<'p, R: Record + ?Sized>(
        &'p self,
        record: &R,
        field_type: FieldType,
        via: &mut Via<'p>,
    ) -> Outcome<'p> {
        match self {
            Action::Skip => Ok(Produced::Owned(None)),
            Action::Const(value) => Ok(Produced::Shared(value)),
            Action::Pipe {
                source,
                steps,
                shape,
            } => pipe(record.get(*source), steps, *shape, field_type).map(Produced::Owned),
            Action::Lookup {
                source,
                steps,
                table,
                on_miss,
            } => {
                let value = record.get(*source);
                let work = match value {
                    ValueRef::Text(text) if steps.is_text_only() => {
                        Work::Text(steps.run_text(text))
                    }
                    _ => run_steps(Work::from_ref(value), steps.steps())?,
                };
                lookup(work, table, on_miss, field_type, via)
            }
        }
    }
}

fn pipe(value: ValueRef<'_>, steps: &Chain, shape: Shape, field_type: FieldType) -> Converted {
    match (shape, value) {
        (Shape::Trim, ValueRef::Text(text)) => {
            Ok(Some(Value::Text(whitespace::trim(text).to_owned())))
        }
        (Shape::TextChain, ValueRef::Text(text)) => {
            let text = steps.run_text(text);
            Ok(Some(Value::Text(text.into_owned())))
        }
        (Shape::Number, ValueRef::Text(text)) => match parse_decimal(text, DecimalSeparator::Point)
        {
            Ok(number) => Ok(Some(Value::Number(number))),
            Err(NumberError::Empty) => Ok(Some(Value::Null)),
            // The general conversion builds the error with its reason.
            Err(_) => convert(Work::Text(Cow::Borrowed(text)), field_type),
        },
        _ => run_steps(Work::from_ref(value), steps.steps())
            .and_then(|work| convert(work, field_type)),
    }
}

fn run_steps<'a>(mut work: Work<'a>, steps: &[Step]) -> Result<Work<'a>, Box<Problem>> {
    for step in steps {
        // Only a fallible step needs the input kept for the error message; text steps
        // never fail, so they take the value without a copy.
        let kept = step.can_fail().then(|| work.clone());
        work = step.apply(work).map_err(|reason| {
            Box::new(Problem {
                value: kept.map_or_else(String::new, |value| value.describe()),
                reason,
            })
        })?;
    }
    Ok(work)
}

fn convert(work: Work<'_>, field_type: FieldType) -> Converted {
    match (work, field_type) {
        (Work::Absent, _) => Ok(None),
        (Work::Null, _) => Ok(Some(Value::Null)),
        (Work::Text(text), FieldType::Text) => Ok(Some(Value::Text(text.into_owned()))),
        (Work::Text(text), FieldType::Number) => {
            match parse_decimal(&text, DecimalSeparator::Point) {
                Ok(number) => Ok(Some(Value::Number(number))),
                Err(NumberError::Empty) => Ok(Some(Value::Null)),
                Err(_) => Err(Box::new(Problem {
                    reason: crate::transform::parse_number_text(&text, DecimalSeparator::Point)
                        .err()
                        .unwrap_or_default(),
                    value: text.into_owned(),
                })),
            }
        }
        (other, _) => {
            let shown = other.clone();
            into_target(other, field_type).map_err(|reason| {
                Box::new(Problem {
                    value: shown.describe(),
                    reason,
                })
            })
        }
    }
}

fn lookup<'p>(
    work: Work<'_>,
    table: &'p Lookup,
    on_miss: &'p Miss,
    field_type: FieldType,
    via: &mut Via<'p>,
) -> Outcome<'p> {
    let key: Cow<'_, str> = match &work {
        Work::Absent => return Ok(Produced::Owned(None)),
        Work::Null => return Ok(Produced::Owned(Some(Value::Null))),
        Work::Text(text) => Cow::Borrowed(text.as_ref()),
        other => other
            .as_text()
            .map(|text| Cow::Owned(text.into_owned()))
            .unwrap_or_default(),
    };
    let folded = if table.case_insensitive {
        crate::condition::fold_case(&key)
    } else {
        Cow::Borrowed(key.as_ref())
    };

    let set = &table.name;
    if let Some((original, value)) = table.find(&folded) {
        *via = Via::Entry { set, key: original };
        return Ok(Produced::Shared(value));
    }
    match on_miss {
        Miss::PassThrough => {
            *via = Via::Miss {
                set,
                fallback: Fallback::PassThrough,
            };
            convert(work, field_type).map(Produced::Owned)
        }
        Miss::Default(value) => {
            *via = Via::Miss {
                set,
                fallback: Fallback::Default,
            };
            Ok(Produced::Shared(value))
        }
        Miss::Error => {
            *via = Via::Miss {
                set,
                fallback: Fallback::Error,
            };
            Err(Box::new(Problem {
                value: key.into_owned(),
                reason: format!("no entry in mapping set {set:?}"),
            }))
        }
    }
}

fn describe_output(value: Option<&Value>) -> String {
    match value {
        None => "(absent)".to_owned(),
        Some(value) => value.to_string(),
    }
}

fn explain(field: &FieldPlan, branch: Branch, via: Via<'_>) -> Explanation {
    let (rule, otherwise) = match branch {
        Branch::Single => (None, false),
        Branch::Rule(position) => (Some(position), false),
        Branch::Otherwise => (None, true),
    };
    let (set, entry, fallback) = match via {
        Via::Direct => (None, None, None),
        Via::Entry { set, key } => (Some(set.to_owned()), Some(key.to_owned()), None),
        Via::Miss { set, fallback } => (Some(set.to_owned()), None, Some(fallback)),
    };
    Explanation {
        field: field.name.to_string(),
        kind: field.kind,
        rule,
        otherwise,
        set,
        entry,
        fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(action: &Action) -> Option<Shape> {
        match action {
            Action::Pipe { shape, .. } => Some(*shape),
            _ => None,
        }
    }

    #[test]
    fn single_trim_picks_trim_shape() {
        let action = Action::pipe(0, vec![Step::Trim], FieldType::Text);

        assert_eq!(shape_of(&action), Some(Shape::Trim));
    }

    #[test]
    fn trim_then_upper_is_chain() {
        let action = Action::pipe(0, vec![Step::Trim, Step::Upper], FieldType::Text);

        assert_eq!(shape_of(&action), Some(Shape::TextChain));
    }

    #[test]
    fn trim_shape_trims_text() {
        let outcome = pipe(
            ValueRef::Text(" 1KSK02\t"),
            &Chain::new(vec![Step::Trim]),
            Shape::Trim,
            FieldType::Text,
        );

        assert_eq!(outcome.ok(), Some(Some(Value::Text("1KSK02".to_owned()))));
    }

    #[test]
    fn trim_shape_passes_null() {
        let chain = Chain::new(vec![Step::Trim]);
        let outcome = pipe(ValueRef::Null, &chain, Shape::Trim, FieldType::Text);

        assert_eq!(outcome.ok(), Some(Some(Value::Null)));
    }
}

//! Property tests: compiling any well-formed template never panics, and a template of
//! plain matches copies values unchanged.

use std::collections::BTreeMap;

use fieldmap::{
    compile, Action, Condition, FieldMapping, FieldType, MappingSet, NumberArg, OnMiss, Rule,
    SourceField, SourceSchema, TargetField, TargetSchema, Template, Transform, Value,
};
use proptest::prelude::*;

const NAMES: [&str; 4] = ["A", "B", "C", "missing"];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned)
}

fn literal() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|number| serde_json::json!(number)),
        any::<f64>()
            .prop_filter("finite", |number| number.is_finite())
            .prop_map(|number| serde_json::json!(number)),
        ".{0,8}".prop_map(serde_json::Value::String),
        prop::collection::vec(".{0,4}", 0..3).prop_map(|items| serde_json::json!(items)),
    ]
}

fn number_arg() -> impl Strategy<Value = NumberArg> {
    prop_oneof![
        any::<i32>().prop_map(|number| NumberArg::Number(number.into())),
        ".{0,6}".prop_map(NumberArg::Text),
        "-?[0-9]{1,30}(\\.[0-9]{0,30})?".prop_map(NumberArg::Text),
    ]
}

fn transform() -> impl Strategy<Value = Transform> {
    prop_oneof![
        Just(Transform::Trim),
        Just(Transform::Upper),
        Just(Transform::TitleCase),
        Just(Transform::StripHtml),
        Just(Transform::DecodeHtmlEntities),
        (".{0,3}", ".{0,3}").prop_map(|(from, to)| Transform::Replace { from, to }),
        (".{0,6}", ".{0,3}").prop_map(|(pattern, replacement)| Transform::RegexReplace {
            pattern,
            replacement
        }),
        any::<usize>().prop_map(|max_chars| Transform::Truncate { max_chars }),
        literal().prop_map(|value| Transform::DefaultIfEmpty { value }),
        ".{0,2}".prop_map(|separator| Transform::Split { separator }),
        ".{0,2}".prop_map(|separator| Transform::Join { separator }),
        any::<u32>().prop_map(|places| Transform::Round { places }),
        number_arg().prop_map(|by| Transform::Multiply { by }),
        number_arg().prop_map(|percent| Transform::PercentMarkup { percent }),
        (
            prop::option::of(number_arg()),
            prop::option::of(number_arg())
        )
            .prop_map(|(min, max)| Transform::Clamp { min, max }),
        Just(Transform::ParseNumber {
            decimal_separator: fieldmap::Separator::Comma
        }),
        ".{0,6}".prop_map(|format| Transform::ParseDate { format }),
        prop_oneof![
            Just("iso8601".to_owned()),
            "%[a-zA-Z%:]{0,4}".prop_map(|format| format)
        ]
        .prop_map(|format| Transform::FormatDate { format }),
        Just(Transform::Gtin {
            on_invalid: fieldmap::OnInvalid::Null
        }),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    let leaf = prop_oneof![
        (name(), ".{0,4}", any::<bool>()).prop_map(|(field, value, case_insensitive)| {
            Condition::Equals {
                field,
                value,
                case_insensitive,
            }
        }),
        (name(), ".{0,4}", any::<bool>()).prop_map(|(field, value, case_insensitive)| {
            Condition::Contains {
                field,
                value,
                case_insensitive,
            }
        }),
        (name(), prop::collection::vec(".{0,3}", 0..3), any::<bool>()).prop_map(
            |(field, values, case_insensitive)| Condition::InList {
                field,
                values,
                case_insensitive
            }
        ),
        (name(), number_arg()).prop_map(|(field, value)| Condition::LessOrEqual { field, value }),
        name().prop_map(|field| Condition::IsEmpty { field }),
        (name(), ".{0,6}", any::<bool>()).prop_map(|(field, pattern, case_insensitive)| {
            Condition::Matches {
                field,
                pattern,
                case_insensitive,
            }
        }),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3)
                .prop_map(|conditions| Condition::All { conditions }),
            prop::collection::vec(inner.clone(), 0..3)
                .prop_map(|conditions| Condition::Any { conditions }),
            inner.prop_map(|condition| Condition::Not {
                condition: Box::new(condition)
            }),
        ]
    })
}

fn on_miss() -> impl Strategy<Value = OnMiss> {
    prop_oneof![
        Just(OnMiss::PassThrough),
        Just(OnMiss::Error),
        literal().prop_map(OnMiss::Default)
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        prop::option::of(literal()).prop_map(|value| Action::Set { value }),
        (name(), prop::collection::vec(transform(), 0..3))
            .prop_map(|(source, transforms)| Action::Copy { source, transforms }),
        (
            prop::option::of(name()),
            prop::collection::vec(transform(), 0..3)
        )
            .prop_map(|(source, transforms)| Action::Transform { source, transforms }),
        (prop::option::of(name()), ".{0,3}", on_miss()).prop_map(|(source, set, on_miss)| {
            Action::Lookup {
                source,
                set,
                on_miss,
            }
        }),
        Just(Action::Skip),
    ]
}

fn mapping() -> impl Strategy<Value = FieldMapping> {
    prop_oneof![
        (name(), prop::collection::vec(transform(), 0..4))
            .prop_map(|(source, transforms)| FieldMapping::Match { source, transforms }),
        prop::option::of(literal()).prop_map(|value| FieldMapping::Set { value }),
        (
            name(),
            prop_oneof![Just("s".to_owned()), ".{0,2}"],
            prop::collection::vec(transform(), 0..2),
            on_miss()
        )
            .prop_map(
                |(source, set, transforms, on_miss)| FieldMapping::Transform {
                    source,
                    set,
                    transforms,
                    on_miss
                }
            ),
        (
            prop::option::of(name()),
            prop::collection::vec((condition(), action()), 0..4),
            action()
        )
            .prop_map(|(source, rules, otherwise)| FieldMapping::SmartRules {
                source,
                rules: rules
                    .into_iter()
                    .map(|(condition, action)| Rule { condition, action })
                    .collect(),
                otherwise,
            }),
        Just(FieldMapping::Skip),
    ]
}

fn template() -> impl Strategy<Value = Template> {
    let set = (
        any::<bool>(),
        prop::collection::btree_map(".{0,3}", literal(), 0..4),
    )
        .prop_map(|(case_insensitive, entries)| MappingSet {
            case_insensitive,
            entries,
        });
    (
        prop::collection::btree_map(
            prop::sample::select(vec!["t", "n", "d", "b", "l", "x"]).prop_map(str::to_owned),
            mapping(),
            0..6,
        ),
        prop::collection::btree_map(prop_oneof![Just("s".to_owned()), ".{0,2}"], set, 0..2),
    )
        .prop_map(|(fields, mapping_sets)| Template {
            name: String::new(),
            description: String::new(),
            mapping_sets,
            fields,
        })
}

fn source() -> SourceSchema {
    SourceSchema::new(
        "props",
        vec![
            SourceField {
                name: "A".into(),
                field_type: None,
            },
            SourceField {
                name: "B".into(),
                field_type: Some(FieldType::Number),
            },
            SourceField {
                name: "C".into(),
                field_type: Some(FieldType::List),
            },
        ],
    )
}

fn target() -> TargetSchema {
    let field = |name: &str, field_type, required| TargetField {
        name: name.into(),
        field_type,
        required,
        description: String::new(),
    };
    TargetSchema::new(
        "props",
        vec![
            field("t", FieldType::Text, true),
            field("n", FieldType::Number, false),
            field("d", FieldType::Date, false),
            field("b", FieldType::Boolean, false),
            field("l", FieldType::List, false),
        ],
        Some("t"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compile_and_map_never_panic(template in template(), row in prop::collection::vec(".{0,12}", 0..4)) {
        // The template went through JSON, the form the JSON Schema describes.
        let json = serde_json::to_string(&template).unwrap();
        let template = Template::from_json(&json).unwrap();

        if let Ok(plan) = compile(&template, &source(), &target()) {
            let _ = plan.map(&row, 1);
            let _ = plan.map_explained(&row, 1);
        }
    }

    #[test]
    fn match_only_copies_values(row in prop::collection::vec(".{0,16}", 3)) {
        let fields: BTreeMap<String, FieldMapping> = ["A", "B", "C"]
            .iter()
            .map(|name| (name.to_lowercase(), FieldMapping::Match { source: (*name).to_owned(), transforms: vec![] }))
            .collect();
        let template = Template { name: String::new(), description: String::new(), mapping_sets: BTreeMap::new(), fields };
        let source = SourceSchema::from_columns("props", ["A", "B", "C"]);
        let text = |name: &str| TargetField { name: name.into(), field_type: FieldType::Text, required: false, description: String::new() };
        let target = TargetSchema::new("props", vec![text("a"), text("b"), text("c")], None);

        let plan = compile(&template, &source, &target).unwrap();
        let mapped = plan.map(&row, 1).unwrap();

        for (position, name) in ["a", "b", "c"].iter().enumerate() {
            prop_assert_eq!(mapped.get(name), Some(&Value::Text(row[position].clone())));
        }
    }
}

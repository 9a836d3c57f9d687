//! The committed JSON Schema must match the one generated from the template types.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test -p fieldmap --test schema`.

use std::path::Path;

#[test]
fn committed_schema_matches_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("template.schema.json");
    let generated = fieldmap::Template::json_schema();

    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; run with UPDATE_SCHEMA=1 to create it",
            path.display()
        )
    });

    assert!(
        committed == generated,
        "template.schema.json is out of date; run `UPDATE_SCHEMA=1 cargo test -p fieldmap --test schema`"
    );
}

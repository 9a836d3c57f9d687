//! `Plan::map_into` and `Plan::map_partial` against `Plan::map` on the default ProdList
//! inventory template.

use fieldmap::{defaults, MappedRecord};

fn row(sku: &str, price: &str) -> csv::StringRecord {
    csv::StringRecord::from(vec!["K02", sku, "PURIFIER", "3", price])
}

#[test]
fn map_into_matches_map() {
    let plan = defaults::plan("petra-prodlist-inventory").unwrap();
    let mut output = MappedRecord::default();

    for (index, record) in [row("1KSK02", "91.99"), row("1KSK03", "$1,249.99")]
        .iter()
        .enumerate()
    {
        plan.map_into(record, index as u64, &mut output).unwrap();
        let mapped = plan.map(record, index as u64).unwrap();
        assert_eq!(output, mapped, "record {index}");
    }
}

#[test]
fn map_into_error_empties_output() {
    let plan = defaults::plan("petra-prodlist-inventory").unwrap();
    let mut output = MappedRecord::default();
    plan.map_into(&row("1KSK02", "91.99"), 1, &mut output)
        .unwrap();

    let error = plan
        .map_into(&row("1KSK03", "N/A"), 2, &mut output)
        .unwrap_err();

    assert_eq!(error.row, 2);
    assert_eq!(error.key.as_deref(), Some("1KSK03"));
    assert_eq!(output.get("sku"), None);
    assert_eq!(output.iter().count(), 0);
}

#[test]
fn map_into_recovers_after_error() {
    let plan = defaults::plan("petra-prodlist-inventory").unwrap();
    let mut output = MappedRecord::default();
    let _ = plan.map_into(&row("1KSK03", "N/A"), 1, &mut output);

    plan.map_into(&row("1KSK02", "91.99"), 2, &mut output)
        .unwrap();

    assert_eq!(output, plan.map(&row("1KSK02", "91.99"), 2).unwrap());
}

#[test]
fn default_record_has_no_fields() {
    let output = MappedRecord::default();

    assert_eq!(output.iter().count(), 0);
    assert_eq!(output.get("sku"), None);
    assert_eq!(output.explanations(), None);
}

#[test]
fn map_into_switches_plans() {
    let first = defaults::plan("petra-prodlist-inventory").unwrap();
    let second = defaults::plan("petra-prodlist-inventory").unwrap();
    let mut output = MappedRecord::default();
    first
        .map_into(&row("1KSK02", "91.99"), 1, &mut output)
        .unwrap();

    second
        .map_into(&row(" 1KSK03 ", "4.50"), 2, &mut output)
        .unwrap();

    assert_eq!(output, second.map(&row(" 1KSK03 ", "4.50"), 2).unwrap());
    assert_eq!(
        output.get("sku").and_then(|sku| sku.as_text()),
        Some("1KSK03")
    );
}

#[test]
fn map_partial_matches_map() {
    let plan = defaults::plan("petra-prodlist-inventory").unwrap();
    let record = row("1KSK02", "91.99");

    let (mapped, error) = plan.map_partial(&record, 1);

    assert_eq!(error, None);
    assert_eq!(mapped, plan.map(&record, 1).unwrap());
}

#[test]
fn map_partial_keeps_mapped_fields() {
    let plan = defaults::plan("petra-prodlist-inventory").unwrap();
    let record = row("1KSK03", "N/A");

    let (mapped, error) = plan.map_partial(&record, 2);

    assert_eq!(error, plan.map(&record, 2).err());
    assert_eq!(
        mapped.get("sku").and_then(|sku| sku.as_text()),
        Some("1KSK03")
    );
    assert_eq!(mapped.get("cost"), None);
}

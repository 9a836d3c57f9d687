//! `petra orders import` with files an operator gets wrong: what is rejected, what the
//! messages name, and that nothing reaches the outbox.

mod common;

use std::path::Path;

use common::{petra, write_config};
use serde_json::Value;

/// Writes `petra.toml` for a fulfilling source and `name` with `content` in a new
/// directory. Import never contacts Petra, so the base URL points at a closed port.
fn setup(name: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "http://127.0.0.1:9");
    std::fs::write(dir.path().join(name), content).unwrap();
    dir
}

fn listed(dir: &Path) -> Vec<Value> {
    let output = petra(dir, &["orders", "list", "--json"]);
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn misspelled_po_key_rejected() {
    let dir = setup(
        "typo.json",
        "[\n  {\"fr_numbr\": \"PO-1001\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1}]}\n]\n",
    );

    let output = petra(dir.path(), &["orders", "import", "typo.json"]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("unknown field `fr_numbr`"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("expected one of `fr_number`"), "{stderr}");
    assert!(listed(dir.path()).is_empty());
}

#[test]
fn empty_po_never_stored() {
    let dir = setup(
        "orders.json",
        r#"[{"fr_number": "PO-1", "lines": []}, {"fr_number": " ", "lines": []}]"#,
    );

    let first = petra(dir.path(), &["orders", "import", "orders.json"]);
    let second = petra(dir.path(), &["orders", "import", "orders.json"]);

    for output in [&first, &second] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.contains("request 2 in the file has no fr_number"),
            "{stderr}"
        );
        assert!(stderr.contains("orders.json"), "{stderr}");
        assert!(!String::from_utf8_lossy(&output.stdout).contains("replaced"));
    }
    assert!(listed(dir.path()).is_empty());
}

#[test]
fn unclosed_csv_quote_rejected() {
    let dir = setup(
        "orders.csv",
        "fr_number,ship_to_name,address_line_1,city,state,postal_code,item_sku,item_quantity\n\
         PO-3001,Dana,1 Main,Tempe,AZ,85281,1KSK02,1\n\
         PO-3002,\"Lee Park,9 Elm St,Austin,TX,78701,1KSK02,2\n",
    );

    let output = petra(dir.path(), &["orders", "import", "orders.csv"]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("CSV line 3"), "{stderr}");
    assert!(stderr.contains("never closed"), "{stderr}");
    assert!(listed(dir.path()).is_empty());
}

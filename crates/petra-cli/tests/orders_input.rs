//! `petra orders import` with files an operator gets wrong: what is rejected, what the
//! messages name, and that nothing reaches the outbox. Also how import and send name a
//! request: by its position in the file and by its outbox id, each with the PO.

mod common;

use std::path::Path;

use common::{petra, petra_command, start_sample_sandbox, write_config};
use petra_sandbox::{DEFAULT_PASSWORD, DEFAULT_USERNAME};
use serde_json::{json, Value};

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

/// Writes a JSON file of requests for one unit of a sample SKU, shipped to `state`.
fn write_requests(dir: &Path, name: &str, requests: &[(&str, &str)]) {
    let sku = petra_sandbox::sample_products()[0].variants[0]
        .sku
        .to_string();
    let requests: Vec<Value> = requests
        .iter()
        .map(|(po, state)| {
            json!({
                "fr_number": po,
                "ship_to_name": "Dana Whitfield",
                "address_line_1": "1400 Harbor Blvd",
                "city": "Tempe",
                "state": state,
                "postal_code": "85281",
                "lines": [{ "sku": sku, "quantity": 1 }]
            })
        })
        .collect();
    std::fs::write(dir.join(name), serde_json::to_vec(&requests).unwrap()).unwrap();
}

#[test]
fn file_position_and_outbox_id_distinct() {
    let (_runtime, sandbox) = start_sample_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());
    write_requests(
        dir.path(),
        "first.json",
        &[("PO-1001", "AZ"), ("PO-1002", "AZ")],
    );
    write_requests(
        dir.path(),
        "second.json",
        &[("PO-2001", "AZ"), ("PO-2002", "Texas")],
    );
    assert!(petra(dir.path(), &["orders", "import", "first.json"])
        .status
        .success());

    let imported = petra(dir.path(), &["orders", "import", "second.json"]);
    let sent = petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .args(["orders", "send"])
        .output()
        .unwrap();

    let imported = String::from_utf8_lossy(&imported.stdout);
    let sent_text = String::from_utf8_lossy(&sent.stdout);
    assert!(
        imported.contains("PO-2002 (request 2 in the file): state"),
        "{imported}"
    );
    assert!(sent.status.success(), "{sent:?}");
    assert!(
        sent_text.contains("PO-2002 (outbox id 4) rejected: state"),
        "{sent_text}"
    );
    let entries = listed(dir.path());
    let rejected = entries
        .iter()
        .find(|entry| entry["po_number"] == "PO-2002")
        .unwrap();
    assert_eq!(rejected["outbox_id"], 4, "{rejected}");
    assert_eq!(rejected["state"], "rejected", "{rejected}");
}

//! `--json` prints exactly one JSON document on stdout, whatever the outcome: every
//! command is run on a failure path here, against a sandbox on 127.0.0.1 and files the
//! test writes.

mod common;

use common::{run_json, start_sandbox, write_config};

const WRONG_PASSWORD: &str = "wrong-password";

#[test]
fn failed_connection_test_one_document() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, document) = run_json(dir.path(), WRONG_PASSWORD, &["connection", "test"]);

    assert_eq!(code, Some(4), "{document}");
    assert_eq!(document["exit_code"], 4, "{document}");
    assert_eq!(document["details"]["passed"], false, "{document}");
    assert!(document["error"].is_string(), "{document}");
}

#[test]
fn every_command_failure_one_document() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    let order = r#"[{"fr_number": "JSON-1", "ship_to_name": "Dana Whitfield",
        "address_line_1": "1400 Harbor Blvd", "city": "Tempe", "state": "AZ",
        "postal_code": "85281", "lines": [{"sku": "SKU-1", "quantity": 1}]}]"#;
    std::fs::write(dir.path().join("orders.json"), order).unwrap();
    let (code, imported) = run_json(
        dir.path(),
        WRONG_PASSWORD,
        &["orders", "import", "orders.json"],
    );
    assert_eq!(code, Some(0), "{imported}");
    let busy_port = sandbox.base_url();
    let busy_port = busy_port
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/v1");

    let cases: &[(&[&str], i32)] = &[
        (&["init"], 3),
        (&["connection", "test"], 4),
        (&["inventory", "run", "--feed", "missing.csv"], 3),
        (&["orders", "import", "missing.json"], 3),
        (&["orders", "send"], 4),
        (&["orders", "release", "NOPE-1"], 1),
        (&["orders", "show", "NOPE-1"], 1),
        (&["orders", "list", "--config", "missing.toml"], 3),
        (&["shipments", "fetch"], 4),
        (&["schedule", "run"], 3),
        (&["status", "--config", "missing.toml"], 3),
        (
            &[
                "map",
                "preview",
                "--template",
                "missing.toml",
                "--input",
                "empty.csv",
            ],
            3,
        ),
        (&["templates", "export", "no-such-template"], 3),
        (&["sandbox", "--port", busy_port], 1),
        (&["demo", "--feed", "missing.csv"], 3),
    ];

    for (args, expected) in cases {
        let (code, document) = run_json(dir.path(), WRONG_PASSWORD, args);

        assert_eq!(code, Some(*expected), "{args:?}: {document}");
        assert!(document.is_object(), "{args:?}: {document}");
    }
}

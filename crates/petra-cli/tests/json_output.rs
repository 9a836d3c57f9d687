//! `--json` prints exactly one JSON document on stdout, whatever the outcome: every
//! command is run on a failure path here, against a sandbox on 127.0.0.1 and files the
//! test writes.

use std::path::Path;

use petra_sandbox::{RunningSandbox, Sandbox, SandboxConfig, DEFAULT_USERNAME};

mod common;

use common::{petra_command, single_json};

/// Starts a sandbox on its own runtime, so it keeps serving while the test blocks on
/// `petra`.
fn start_sandbox() -> (tokio::runtime::Runtime, RunningSandbox) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    (runtime, sandbox)
}

/// Writes a `petra.toml` for `base_url` whose source fulfills orders.
fn write_config(dir: &Path, base_url: &str) {
    let config = format!(
        "[connection]\nbase_url = \"{base_url}\"\ntimeout_secs = 2\n\n\
         [source]\nfulfills_orders = true\n\
         shipping_methods = [{{ name = \"UPS Ground\", code = \"UPSG\" }}]\n\
         ship_from = {{ address = \"2101 S Hohokam Dr\", city = \"Tempe\", state_code = \"AZ\", \
         postal_code = \"85282\", country_code = \"US\" }}\n"
    );
    std::fs::write(dir.join("petra.toml"), config).unwrap();
}

/// Runs `petra --json args` with a wrong password and returns the exit code and the one
/// document on stdout.
fn run_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = petra_command(dir)
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", "wrong-password")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let document = single_json(&output);
    (output.status.code(), document)
}

#[test]
fn failed_connection_test_one_document() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, document) = run_json(dir.path(), &["connection", "test"]);

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
    let (code, imported) = run_json(dir.path(), &["orders", "import", "orders.json"]);
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
        (&["shipments", "fetch"], 5),
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
        let (code, document) = run_json(dir.path(), args);

        assert_eq!(code, Some(*expected), "{args:?}: {document}");
        assert!(document.is_object(), "{args:?}: {document}");
    }
}

//! Errors as a user meets them: the value, the fix, and the documented exit code.

mod common;

use petra_sandbox::{DEFAULT_PASSWORD, DEFAULT_USERNAME, DISABLED_USERNAME};

use common::{petra, petra_command, run_json, single_json, start_sandbox, write_config};

#[test]
fn missing_template_is_config_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ProdList.csv"), "").unwrap();

    let output = petra(
        dir.path(),
        &[
            "map",
            "preview",
            "--template",
            "missing.toml",
            "--input",
            "ProdList.csv",
        ],
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("missing.toml"), "{stderr}");
    assert!(
        stderr.contains("fix: check the --template path"),
        "{stderr}"
    );
}

#[test]
fn missing_password_gives_fix() {
    let dir = tempfile::tempdir().unwrap();
    let init = petra(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0));

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", "dealer")
        .args(["connection", "test", "--json"])
        .output()
        .unwrap();

    let document = single_json(&output);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(document["error"], "the Petra password is missing");
    let fix = document["fix"].as_str().unwrap_or_default();
    assert!(fix.contains("PETRA_PASSWORD"), "{fix}");
}

#[test]
fn help_shows_summary() {
    let dir = tempfile::tempdir().unwrap();

    let output = petra(dir.path(), &["--help"]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout.starts_with("Dropship integration with Petra Industries"),
        "{stdout}"
    );
}

#[test]
fn rejected_password_fix_not_repeated() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, document) = run_json(dir.path(), "wrong-password", &["connection", "test"]);

    let error = document["error"].as_str().unwrap_or_default();
    let fix = document["fix"].as_str().unwrap_or_default();
    assert_eq!(code, Some(4), "{document}");
    assert!(error.contains("rejected the credentials"), "{error}");
    assert!(!error.contains("of this connection"), "{error}");
    assert!(fix.contains("PETRA_PASSWORD"), "{fix}");
    assert_eq!(fix.matches("check the").count(), 1, "{fix}");
}

#[test]
fn shipments_rejected_password_exits_4() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (code, report) = run_json(dir.path(), "wrong-password", &["shipments", "fetch"]);

    let fatal = report["fatal_error"].as_str().unwrap_or_default();
    assert_eq!(code, Some(4), "{report}");
    assert!(fatal.contains("401"), "{report}");
    assert_eq!(report["complete"], false, "{report}");
}

#[test]
fn shipments_rejected_password_text() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", DEFAULT_USERNAME)
        .env("PETRA_PASSWORD", "wrong-password")
        .args(["shipments", "fetch"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("PETRA_PASSWORD"), "{stdout}");
    assert!(!stdout.contains("run again to fetch the rest"), "{stdout}");
}

/// Runs `petra --json args` against a running sandbox as the account without API
/// access, and returns the exit code and the JSON document.
fn json_without_api_access(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", DISABLED_USERNAME)
        .env("PETRA_PASSWORD", DEFAULT_PASSWORD)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    (output.status.code(), single_json(&output))
}

#[test]
fn shipments_account_without_api_exits_4() {
    let (code, report) = json_without_api_access(&["shipments", "fetch"]);

    assert_eq!(code, Some(4), "{report}");
    assert!(report["fatal_error"].is_string(), "{report}");
}

/// Runs `petra args` against a running sandbox as `username` with `password`, after
/// importing one order so `orders send` has something to send, and returns stdout.
fn stdout_as(username: &str, password: &str, args: &[&str]) -> String {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());
    let order = r#"[{"fr_number": "ADVICE-1", "ship_to_name": "Dana Whitfield",
        "address_line_1": "1400 Harbor Blvd", "city": "Tempe", "state": "AZ",
        "postal_code": "85281", "lines": [{"sku": "SKU-1", "quantity": 1}]}]"#;
    std::fs::write(dir.path().join("orders.json"), order).unwrap();
    let imported = petra(dir.path(), &["orders", "import", "orders.json"]);
    assert_eq!(imported.status.code(), Some(0));

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", username)
        .env("PETRA_PASSWORD", password)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn send_401_advice_said_once() {
    let stdout = stdout_as(DEFAULT_USERNAME, "wrong-password", &["orders", "send"]);

    assert_eq!(stdout.matches("check the").count(), 1, "{stdout}");
}

#[test]
fn fetch_401_advice_said_once() {
    let stdout = stdout_as(DEFAULT_USERNAME, "wrong-password", &["shipments", "fetch"]);

    assert_eq!(stdout.matches("check the").count(), 1, "{stdout}");
}

#[test]
fn fetch_403_advice_said_once() {
    let stdout = stdout_as(DISABLED_USERNAME, DEFAULT_PASSWORD, &["shipments", "fetch"]);

    assert_eq!(stdout.matches("ask Petra").count(), 1, "{stdout}");
}

#[test]
fn fetch_403_fact_said_once() {
    let stdout = stdout_as(DISABLED_USERNAME, DEFAULT_PASSWORD, &["shipments", "fetch"]);

    assert_eq!(stdout.matches("not enabled").count(), 1, "{stdout}");
}

#[test]
fn send_403_fact_said_once() {
    let stdout = stdout_as(DISABLED_USERNAME, DEFAULT_PASSWORD, &["orders", "send"]);

    assert_eq!(stdout.matches("not enabled").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("ask Petra").count(), 1, "{stdout}");
}

#[test]
fn fetch_403_fix_skips_credentials() {
    let stdout = stdout_as(DISABLED_USERNAME, DEFAULT_PASSWORD, &["shipments", "fetch"]);

    assert!(!stdout.contains("PETRA_PASSWORD"), "{stdout}");
    assert!(stdout.contains("petra connection test"), "{stdout}");
}

#[test]
fn send_403_fix_skips_credentials() {
    let stdout = stdout_as(DISABLED_USERNAME, DEFAULT_PASSWORD, &["orders", "send"]);

    assert!(!stdout.contains("PETRA_PASSWORD"), "{stdout}");
    assert!(stdout.contains("petra connection test"), "{stdout}");
}

#[test]
fn fetch_403_report_status() {
    let (_, report) = json_without_api_access(&["shipments", "fetch"]);

    assert_eq!(report["fatal_status"], 403, "{report}");
}

#[test]
fn shipments_401_report_status() {
    let (_runtime, sandbox) = start_sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &sandbox.base_url());

    let (_, report) = run_json(dir.path(), "wrong-password", &["shipments", "fetch"]);

    assert_eq!(report["fatal_status"], 401, "{report}");
}

#[test]
fn connection_test_403_fact_once() {
    let (code, document) = json_without_api_access(&["connection", "test"]);
    let error = document["error"].as_str().unwrap_or_default();
    let fix = document["fix"].as_str().unwrap_or_default();

    assert_eq!(code, Some(4), "{document}");
    assert_eq!(error.matches("not enabled").count(), 1, "{document}");
    assert!(fix.contains("ask Petra"), "{document}");
}

#[test]
fn unreachable_host_names_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &format!("http://127.0.0.1:{port}/v1"));

    let (code, document) = run_json(dir.path(), DEFAULT_PASSWORD, &["connection", "test"]);

    let error = document["error"].as_str().unwrap_or_default();
    let fix = document["fix"].as_str().unwrap_or_default();
    assert_eq!(code, Some(4), "{document}");
    assert!(
        error.contains(&format!("http://127.0.0.1:{port}/v1/ping")),
        "{error}"
    );
    assert!(fix.contains("connection.base_url"), "{fix}");
}

/// Runs `petra connection test --json` against a sandbox that injects `faults`, with
/// `path` after the sandbox's base URL, and returns the exit code and the fix.
fn connection_test_fix(faults: &str, path: &str) -> (Option<i32>, String) {
    let (_runtime, sandbox) = start_sandbox();
    sandbox.set_faults(faults.parse().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &format!("{}{path}", sandbox.base_url()));

    let (code, document) = run_json(dir.path(), DEFAULT_PASSWORD, &["connection", "test"]);

    let fix = document["fix"].as_str().unwrap_or_default().to_owned();
    (code, fix)
}

#[test]
fn unavailable_server_fix_says_retry() {
    for faults in ["ping:503", "ping:500"] {
        let (code, fix) = connection_test_fix(faults, "");

        assert_eq!(code, Some(4), "{faults}: {fix}");
        assert!(fix.contains("again later"), "{faults}: {fix}");
        assert!(!fix.contains("connection.base_url"), "{faults}: {fix}");
    }
}

#[test]
fn rate_limited_fix_says_wait() {
    let (code, fix) = connection_test_fix("ping:429=0", "");

    assert_eq!(code, Some(4), "{fix}");
    assert!(fix.contains("wait as long as it asked"), "{fix}");
    assert!(!fix.contains("connection.base_url"), "{fix}");
}

#[test]
fn wrong_path_fix_names_base_url() {
    let (code, fix) = connection_test_fix("", "/wrong");

    assert_eq!(code, Some(4), "{fix}");
    assert!(fix.contains("connection.base_url"), "{fix}");
    assert!(fix.contains("/wrong"), "{fix}");
}

#[test]
fn other_config_named_in_fix() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "http://127.0.0.1:9/v1");
    let valid = std::fs::read_to_string(dir.path().join("petra.toml")).unwrap();
    std::fs::remove_file(dir.path().join("petra.toml")).unwrap();
    std::fs::write(dir.path().join("orders.json"), "[]").unwrap();
    let no_orders = valid.replace("fulfills_orders = true", "fulfills_orders = false");
    let files = [
        ("invalid.toml", "[connection]\nbase_url = \"\"\n".to_owned()),
        ("syntax.toml", "[connection\n".to_owned()),
        ("no-orders.toml", no_orders),
        ("closed.toml", valid),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }

    let cases: &[(&str, &[&str])] = &[
        ("invalid.toml", &["connection", "test"]),
        ("syntax.toml", &["status"]),
        ("no-orders.toml", &["orders", "import", "orders.json"]),
        ("closed.toml", &["connection", "test"]),
    ];
    for (file, args) in cases {
        let mut full = vec!["--config", file];
        full.extend_from_slice(args);

        let (_, document) = run_json(dir.path(), DEFAULT_PASSWORD, &full);

        let fix = document["fix"].as_str().unwrap_or_default();
        assert!(fix.contains(file), "{file} {args:?}: {document}");
        assert!(!fix.contains("petra.toml"), "{file} {args:?}: {document}");
    }
}

#[test]
fn existing_bad_file_fix_content() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "http://127.0.0.1:9/v1");
    std::fs::write(dir.path().join("orders.json"), r#"[{"fr_number": 1}]"#).unwrap();
    std::fs::write(dir.path().join("orders.csv"), "name,city\nDana,Tempe\n").unwrap();
    std::fs::write(dir.path().join("not-prodlist.csv"), "a,b\n1,2\n").unwrap();
    let template = petra(
        dir.path(),
        &["templates", "export", "petra-prodlist-inventory"],
    );
    std::fs::write(dir.path().join("inventory.toml"), template.stdout).unwrap();

    let cases: &[&[&str]] = &[
        &["orders", "import", "orders.json"],
        &["orders", "import", "orders.csv"],
        &[
            "map",
            "preview",
            "--template",
            "inventory.toml",
            "--input",
            "not-prodlist.csv",
        ],
    ];
    for args in cases {
        let (code, document) = run_json(dir.path(), DEFAULT_PASSWORD, args);

        let fix = document["fix"].as_str().unwrap_or_default();
        assert_eq!(code, Some(3), "{args:?}: {document}");
        assert!(!fix.contains("path"), "{args:?}: {document}");
    }
}

/// Writes a `petra.toml` for a closed port whose `connection.secrets_file` is
/// `petra.secrets.toml` in `dir`, without creating that file.
fn write_config_with_secrets_file(dir: &std::path::Path) {
    write_config(dir, "http://127.0.0.1:9/v1");
    let config = std::fs::read_to_string(dir.join("petra.toml")).unwrap();
    let config = config.replace(
        "[connection]\n",
        "[connection]\nsecrets_file = \"petra.secrets.toml\"\n",
    );
    std::fs::write(dir.join("petra.toml"), config).unwrap();
}

#[test]
fn secrets_file_error_names_line() {
    let dir = tempfile::tempdir().unwrap();
    write_config_with_secrets_file(dir.path());
    std::fs::write(
        dir.path().join("petra.secrets.toml"),
        "username = \"dealer\"\npassword = \"hunter2\n",
    )
    .unwrap();

    let output = petra(dir.path(), &["--json", "connection", "test"]);
    let document = single_json(&output);
    let error = document["error"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(3), "{document}");
    assert!(error.contains("petra.secrets.toml"), "{error}");
    assert!(error.contains("line 2"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");
}

#[test]
fn missing_secrets_file_names_key() {
    let dir = tempfile::tempdir().unwrap();
    write_config_with_secrets_file(dir.path());

    let output = petra_command(dir.path())
        .env("PETRA_USERNAME", "dealer")
        .args(["connection", "test"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("connection.secrets_file"), "{stderr}");
    assert!(stderr.contains("PETRA_PASSWORD is not set"), "{stderr}");
    assert!(stderr.contains("create the secrets file"), "{stderr}");
}

#[test]
fn secrets_file_password_with_line_break() {
    let dir = tempfile::tempdir().unwrap();
    write_config_with_secrets_file(dir.path());
    std::fs::write(
        dir.path().join("petra.secrets.toml"),
        "username = \"dealer\"\npassword = \"\"\"\nhun\nter2\"\"\"\n",
    )
    .unwrap();

    let output = petra_command(dir.path())
        .env_remove("PETRA_USERNAME")
        .env_remove("PETRA_PASSWORD")
        .args(["connection", "test"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("petra.secrets.toml (key password)"),
        "{stderr}"
    );
    assert!(stderr.contains("line break"), "{stderr}");
    assert!(!stderr.contains("ter2"), "{stderr}");
}

#[test]
fn paused_at_error_shows_format() {
    let dir = tempfile::tempdir().unwrap();

    let output = petra(dir.path(), &["sandbox", "--paused-at", "yesterday"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("2026-06-11T15:00:00Z"), "{stderr}");
}

#[test]
fn one_problem_reads_singular() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "");

    let (code, document) = run_json(dir.path(), DEFAULT_PASSWORD, &["connection", "test"]);

    let error = document["error"].as_str().unwrap_or_default();
    assert_eq!(code, Some(3), "{document}");
    assert!(
        error.starts_with("invalid settings (1 problem):"),
        "{error}"
    );
}

#[test]
fn bad_input_files_exit_three() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "http://127.0.0.1:9/v1");
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    std::fs::write(dir.path().join("bad.toml"), "mappings = [").unwrap();
    std::fs::write(dir.path().join("bad.json"), "{").unwrap();
    let inventory = petra(
        dir.path(),
        &["templates", "export", "petra-prodlist-inventory"],
    );
    std::fs::write(dir.path().join("inventory.toml"), inventory.stdout).unwrap();
    std::fs::write(
        dir.path().join("bad-template.toml"),
        std::fs::read_to_string(dir.path().join("petra.toml")).unwrap()
            + "\n[inventory]\ntemplate = \"bad.toml\"\n",
    )
    .unwrap();

    let cases: &[&[&str]] = &[
        &[
            "map",
            "preview",
            "--template",
            "inventory.toml",
            "--input",
            "missing.csv",
        ],
        &[
            "map",
            "preview",
            "--template",
            "missing.toml",
            "--input",
            "empty.csv",
        ],
        &[
            "map",
            "preview",
            "--template",
            "bad.toml",
            "--input",
            "empty.csv",
        ],
        &["inventory", "run", "--feed", "missing.csv"],
        &[
            "--config",
            "bad-template.toml",
            "inventory",
            "run",
            "--feed",
            "empty.csv",
        ],
        &["orders", "import", "missing.json"],
        &["orders", "import", "bad.json"],
        &["--config", "missing.toml", "status"],
    ];

    for args in cases {
        let (code, document) = run_json(dir.path(), DEFAULT_PASSWORD, args);

        assert_eq!(code, Some(3), "{args:?}: {document}");
        assert!(document["fix"].is_string(), "{args:?}: {document}");
    }
}

#[test]
fn feed_cut_in_first_line_is_truncated() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "http://127.0.0.1:9/v1");
    std::fs::write(dir.path().join("cut.csv"), "Petra Industries Pro").unwrap();

    let output = petra(dir.path(), &["inventory", "run", "--feed", "cut.csv"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("ends inside line 1, before its header row is complete"),
        "{stderr}"
    );
    assert!(!stderr.contains("header row not found"), "{stderr}");
}

#[test]
fn missing_input_names_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = petra(
        dir.path(),
        &["templates", "export", "petra-prodlist-inventory"],
    );
    std::fs::write(dir.path().join("inventory.toml"), inventory.stdout).unwrap();

    let output = petra(
        dir.path(),
        &[
            "map",
            "preview",
            "--template",
            "inventory.toml",
            "--input",
            "missing.csv",
        ],
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("missing.csv").count(), 1, "{stderr}");
    assert!(stderr.contains("No such file"), "{stderr}");
}

/// Returns the fix of `petra --json ARGS status` in `dir`, which has no configuration.
fn missing_config_fix(dir: &std::path::Path, config_args: &[&str]) -> String {
    let mut args = config_args.to_vec();
    args.push("status");
    let (code, document) = run_json(dir, DEFAULT_PASSWORD, &args);
    assert_eq!(code, Some(3), "{document}");
    document["fix"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn missing_named_config_fix_writes_it() {
    let dir = tempfile::tempdir().unwrap();

    let fix = missing_config_fix(dir.path(), &["--config", "nothere.toml"]);

    assert!(fix.contains("`petra --config nothere.toml init`"), "{fix}");
    let init = petra(dir.path(), &["--config", "nothere.toml", "init"]);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    assert!(dir.path().join("nothere.toml").is_file());
}

#[test]
fn missing_default_config_fix_is_init() {
    let dir = tempfile::tempdir().unwrap();

    let fix = missing_config_fix(dir.path(), &[]);

    assert!(fix.contains("`petra init`"), "{fix}");
    assert!(!fix.contains("--config petra.toml"), "{fix}");
}

#[test]
fn missing_config_in_spaced_path_quoted() {
    let dir = tempfile::tempdir().unwrap();

    let fix = missing_config_fix(dir.path(), &["--config", "my settings.toml"]);

    assert!(
        fix.contains("`petra --config 'my settings.toml' init`"),
        "{fix}"
    );
}

#[test]
fn missing_config_folder_named_in_fix() {
    let dir = tempfile::tempdir().unwrap();

    let fix = missing_config_fix(dir.path(), &["--config", "conf/petra.toml"]);

    assert!(fix.contains("create the folder conf"), "{fix}");
    assert!(
        fix.contains("`petra --config conf/petra.toml init`"),
        "{fix}"
    );
}

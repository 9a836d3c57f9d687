//! Messages for inputs a new user gets wrong: a folder or an empty file as the feed, a
//! misspelt key in the secrets file or in `petra.toml`, values of the wrong type in
//! `petra.toml`, a config path in a missing folder, and the help of `petra demo`.

mod common;

use common::{closed_port_url, petra, petra_command, write_config};

#[test]
fn feed_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    std::fs::create_dir(dir.path().join("feeds")).unwrap();

    let output = petra(dir.path(), &["inventory", "run", "--feed", "feeds"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("is a directory"), "{stderr}");
    assert!(!stderr.contains("not found"), "{stderr}");
}

#[test]
fn empty_feed_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    std::fs::write(dir.path().join("ProdList.csv"), "").unwrap();

    let output = petra(
        dir.path(),
        &["--json", "inventory", "run", "--feed", "ProdList.csv"],
    );
    let report = common::single_json(&output);
    let error = report["retrieval_error"].as_str().unwrap_or_default();

    assert_eq!(output.status.code(), Some(5), "{report}");
    assert!(error.contains("feed is empty"), "{report}");
    assert!(!error.contains("first 0 rows"), "{report}");
}

#[test]
fn misspelt_secret_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\nsecrets_file = \"petra.secrets.toml\"\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();
    std::fs::write(
        dir.path().join("petra.secrets.toml"),
        "username = \"dealer\"\npasword = \"hunter2\"\n",
    )
    .unwrap();

    let output = petra(dir.path(), &["connection", "test"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("unknown key \"pasword\""), "{stderr}");
    assert!(stderr.contains("username, api_key, password"), "{stderr}");
    assert!(!stderr.contains("TOML syntax"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn misspelt_config_key_listed_with_others() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\ntiemout_secs = 5\n\
         [source]\nfulfills_orders = true\n\
         [[source.shipping_methods]]\nname = \"UPS Ground\"\ncode = \"UPSG\"\n\
         [source.ship_from]\naddress = \"2101 S Hohokam Dr\"\ncity = \"Tempe\"\n\
         postal_code = \"85282\"\ncountry_code = \"US\"\n\
         [fulfillment]\nbatch_size = 0\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let output = petra(dir.path(), &["orders", "send"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("(3 problems)"), "{stderr}");
    assert!(
        stderr
            .contains("connection.tiemout_secs is not a known key; did you mean \"timeout_secs\"?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fulfillment.batch_size is invalid: found 0,"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source.ship_from.state_code is missing"),
        "{stderr}"
    );
}

#[test]
fn wrong_value_types_listed_together() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\ntimeout_secs = \"30\"\n\
         [inventory]\nbatch_size = \"many\"\n[fulfillment]\nconcurrency = -1\n",
        closed_port_url()
    );
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();

    let run = petra(dir.path(), &["inventory", "run"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let status = petra(dir.path(), &["status"]);
    let stdout = String::from_utf8_lossy(&status.stdout);

    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("(2 problems)"), "{stderr}");
    assert!(
        stderr
            .contains("connection.timeout_secs is invalid: found \"30\", expected a whole number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("inventory.batch_size is invalid: found \"many\""),
        "{stderr}"
    );
    assert!(!stderr.contains("fulfillment.concurrency"), "{stderr}");
    assert_eq!(status.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "fulfillment.concurrency is invalid: found -1, expected a whole number from 1 to 64"
        ),
        "{stdout}"
    );
}

#[test]
fn init_missing_folder_has_fix() {
    let dir = tempfile::tempdir().unwrap();

    let output = petra(dir.path(), &["init", "--config", "sub/petra.toml"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("fix: create the folder sub"), "{stderr}");
}

#[test]
fn demo_help_explains_config() {
    let dir = tempfile::tempdir().unwrap();

    let output = petra_command(dir.path())
        .args(["demo", "--help"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("ignores --config"), "{stdout}");
}

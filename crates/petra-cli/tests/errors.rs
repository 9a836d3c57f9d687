//! Errors as a user meets them: the value, the fix, and the documented exit code.

mod common;

use common::{petra, petra_command, single_json};

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

//! A dry run of `petra inventory run` writes nothing, so it is not the last run for the
//! schedule or `petra status`, which mentions it on its own line.

mod common;

use common::{closed_port_url, petra, real_feed, single_json, write_config};

#[test]
fn dry_run_is_not_last_run() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &closed_port_url());
    let mut config = std::fs::read_to_string(dir.path().join("petra.toml")).unwrap();
    config.push_str("[inventory]\nschedule = \"every 2 hours\"\n");
    std::fs::write(dir.path().join("petra.toml"), config).unwrap();
    let feed = real_feed().display().to_string();

    let dry_run = petra(
        dir.path(),
        &["inventory", "run", "--dry-run", "--feed", &feed],
    );
    assert_eq!(dry_run.status.code(), Some(0), "{dry_run:?}");
    let before = chrono::Utc::now();
    let json = single_json(&petra(dir.path(), &["status", "--json"]));
    let text = petra(dir.path(), &["status"]);
    let text = String::from_utf8_lossy(&text.stdout);

    let inventory = &json["operations"][0];
    assert_eq!(inventory["operation"], "get_inventory", "{json}");
    assert_eq!(inventory["last_run"], serde_json::Value::Null, "{json}");
    assert_ne!(inventory["last_dry_run"], serde_json::Value::Null, "{json}");
    let next_run: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(inventory["next_run"].clone()).unwrap();
    assert!(next_run >= before, "next run {next_run} is not now: {json}");
    assert!(text.contains("last run   never"), "{text}");
    assert!(text.contains("dry run    "), "{text}");
}

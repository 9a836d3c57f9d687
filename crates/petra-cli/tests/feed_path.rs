//! `connection.feed_url` given as a path: a relative path is read from the folder of
//! `petra.toml`, whatever the working directory.

mod common;

use std::path::Path;

use common::{closed_port_url, petra, real_feed, single_json};

/// Writes `config/petra.toml` under `dir` with `retrieval = "feed"` and `feed_url`.
fn write_feed_config(dir: &Path, feed_url: &str) {
    std::fs::create_dir(dir.join("config")).unwrap();
    let config = format!(
        "[connection]\nbase_url = \"{}\"\nfeed_url = \"{feed_url}\"\n\n\
         [inventory]\nretrieval = \"feed\"\n",
        closed_port_url()
    );
    std::fs::write(dir.join("config/petra.toml"), config).unwrap();
}

#[test]
fn relative_feed_path_reads_beside_config() {
    let dir = tempfile::tempdir().unwrap();
    write_feed_config(dir.path(), "../feeds/ProdList.csv");
    std::fs::create_dir(dir.path().join("feeds")).unwrap();
    std::os::unix::fs::symlink(real_feed(), dir.path().join("feeds/ProdList.csv")).unwrap();

    let output = petra(
        dir.path(),
        &[
            "--json",
            "--config",
            "config/petra.toml",
            "inventory",
            "run",
        ],
    );
    let report = single_json(&output);

    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(report["retrieval_complete"], true, "{report}");
    assert!(report["records"].as_u64().unwrap_or(0) > 0, "{report}");
}

#[test]
fn missing_feed_path_names_resolved_file() {
    let dir = tempfile::tempdir().unwrap();
    write_feed_config(dir.path(), "ProdList.csv");

    let output = petra(
        dir.path(),
        &["--config", "config/petra.toml", "inventory", "run"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("config/ProdList.csv"), "{stderr}");
    assert!(stderr.contains("not found"), "{stderr}");
}

#[test]
fn invalid_feed_url_still_rejected() {
    let dir = tempfile::tempdir().unwrap();
    write_feed_config(dir.path(), "http://[bad");

    let output = petra(
        dir.path(),
        &["--config", "config/petra.toml", "inventory", "run"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("connection.feed_url"), "{stderr}");
}

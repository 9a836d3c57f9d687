//! Helpers the `petra` integration tests share: running the binary with a clean
//! environment, and the path of Petra's real ProdList.csv.
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A `petra` command in `dir` that ignores the caller's configuration and secrets.
pub fn petra_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_petra"));
    command
        .current_dir(dir)
        .env_remove("PETRA_CONFIG")
        .env_remove("PETRA_USERNAME")
        .env_remove("PETRA_API_KEY")
        .env_remove("PETRA_PASSWORD")
        .env_remove("PETRA_LOG");
    command
}

/// Runs `petra args` in `dir` to its end.
pub fn petra(dir: &Path, args: &[&str]) -> Output {
    petra_command(dir).args(args).output().unwrap()
}

/// Petra's real ProdList.csv: `PETRA_REAL_FEED`, or the copy beside the repository.
pub fn real_feed() -> PathBuf {
    let path = std::env::var_os("PETRA_REAL_FEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/petra/prodlist-2026-06-11.csv"
            ))
        });
    assert!(
        path.is_file(),
        "real ProdList feed not found at {}; set PETRA_REAL_FEED to its path",
        path.display()
    );
    path
}

/// Parses stdout as JSON and fails unless it holds exactly one document.
pub fn single_json(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let documents: Result<Vec<serde_json::Value>, _> =
        serde_json::Deserializer::from_slice(&output.stdout)
            .into_iter()
            .collect();
    let documents = documents.unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(
        documents.len(),
        1,
        "stdout holds {} JSON documents: {stdout}",
        documents.len()
    );
    documents.into_iter().next().unwrap_or_default()
}

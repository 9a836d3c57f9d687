//! The files of `petra demo` besides its store: the check that the store can be created
//! before anything starts, and the settings file that lets `petra --config FILE status`
//! read the store later.

use std::path::{Path, PathBuf};

use petra_ops::settings::Config;

use crate::failure::{Exit, Failure};
use crate::output::shell_word;

/// First line of the settings file. Only a file that starts with it is replaced, so the
/// demo never overwrites an operator's configuration.
const SETTINGS_MARKER: &str = "# Settings written by `petra demo` for the store beside this file.";

/// Checks the `--store` path before anything starts: it is not a folder, and its folder
/// exists and accepts new files, which SQLite needs beside the database for its journal.
pub fn check_store_path(store: &Path) -> Result<(), Failure> {
    let store_name = store.display();
    if store.is_dir() {
        return Err(
            Failure::new(Exit::Failure, format!("the store {store_name} is a folder"))
                .with_fix("pass --store with a file path, such as petra-demo.sqlite"),
        );
    }
    let folder = match store.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if !folder.exists() {
        return Err(Failure::new(
            Exit::Failure,
            format!(
                "the folder {} of the store {store_name} does not exist",
                folder.display()
            ),
        )
        .with_fix(format!(
            "create the folder {} first, or pass --store with a path in an existing folder",
            folder.display()
        )));
    }
    if !folder.is_dir() {
        return Err(Failure::new(
            Exit::Failure,
            format!(
                "{} is not a folder, so the store {store_name} cannot be created in it",
                folder.display()
            ),
        )
        .with_fix("pass --store with a path in an existing folder"));
    }

    // Creating a file is the one check that is right for every user, root included, and
    // for every file system, read-only mounts included.
    let probe = folder.join(format!(".petra-demo-check-{}", std::process::id()));
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match created {
        Ok(_) => {
            if let Err(err) = std::fs::remove_file(&probe) {
                tracing::warn!(path = %probe.display(), error = %err, "cannot remove the store folder check file");
            }
            Ok(())
        }
        Err(err) => Err(Failure::new(
            Exit::Failure,
            format!(
                "cannot create files in {} for the store {store_name}: {err}",
                folder.display()
            ),
        )
        .with_fix(format!(
            "pass --store with a path in a folder you can write, or make {} writable",
            folder.display()
        ))),
    }
}

/// Writes the demo's settings beside `store`, as the store's name with the extension
/// `.toml`, so `petra --config FILE status` shows the store later. Returns the file, or
/// `None` with a warning when a file that the demo did not write has that name.
pub fn write_settings(config: &Config, store: &Path) -> Result<Option<PathBuf>, Failure> {
    let file = store.with_extension("toml");
    if let Ok(existing) = std::fs::read_to_string(&file) {
        if !existing.starts_with(SETTINGS_MARKER) {
            eprintln!(
                "warning: {} exists and petra demo did not write it, so the demo's settings \
                 are not saved; pass --store with another file name to get a settings file \
                 for `petra status`",
                file.display()
            );
            return Ok(None);
        }
    } else if file.exists() {
        // A file that is not text, such as the store itself when it is named *.toml.
        eprintln!(
            "warning: {} exists and petra demo did not write it, so the demo's settings are \
             not saved; pass --store with another file name",
            file.display()
        );
        return Ok(None);
    }

    // Paths in the file are relative to its folder, which is the store's folder.
    let mut saved = config.clone();
    saved.store.path = store
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| store.to_owned());
    let settings = toml::to_string(&saved).map_err(|err| {
        Failure::new(
            Exit::Failure,
            format!("cannot write the demo's settings as TOML: {err}"),
        )
    })?;
    let text = format!(
        "{SETTINGS_MARKER}\n# `petra --config {} status` reads them.\n# The sandbox at \
         connection.base_url stopped when the demo ended.\n\n{settings}",
        shell_word(&file.to_string_lossy())
    );
    std::fs::write(&file, text).map_err(|err| {
        Failure::new(
            Exit::Failure,
            format!(
                "cannot write the demo's settings to {}: {err}",
                file.display()
            ),
        )
        .with_fix("check that the store's folder is writable, or pass --store with another path")
    })?;
    Ok(Some(file))
}

//! The check of `petra demo` that its store can be created, made before anything starts.

use std::path::Path;

use crate::failure::{Exit, Failure};

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

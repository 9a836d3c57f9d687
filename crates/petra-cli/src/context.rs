//! Loading what most commands share: the configuration, the credentials and the store.

use std::path::Path;

use petra_client::PetraClient;
use petra_ops::history::Operation;
use petra_ops::settings::Config;
use petra_store::SqliteStore;

use crate::cli::DEFAULT_CONFIG;
use crate::failure::{settings_fix, Exit, Failure};
use crate::output::shell_word;

/// Reads `petra.toml`. When the file is missing, the fix names the `petra init` command
/// that writes it.
pub fn load_config(path: &Path) -> Result<Config, Failure> {
    if !path.exists() {
        return Err(Failure::new(
            Exit::Config,
            format!("configuration file {} not found", path.display()),
        )
        .with_fix(missing_config_fix(path)));
    }
    Ok(Config::load(path)?)
}

/// Builds the fix for a missing configuration file at `path`: the `petra init` command
/// that writes that file, after creating its folder when the folder is missing too.
fn missing_config_fix(path: &Path) -> String {
    let init = if path == Path::new(DEFAULT_CONFIG) {
        "petra init".to_owned()
    } else {
        format!(
            "petra --config {} init",
            shell_word(&path.to_string_lossy())
        )
    };
    let missing_folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty() && !folder.exists());
    match missing_folder {
        Some(folder) => format!(
            "create the folder {} and run `{init}` to write the file, or pass --config \
             with the path of an existing file",
            folder.display()
        ),
        None => {
            format!("run `{init}` to write it, or pass --config with the path of an existing file")
        }
    }
}

/// Reads `petra.toml` and checks the settings every operation reads (the connection, the
/// source's name, the store), which is all a connection test needs.
pub fn load_shared_config(path: &Path) -> Result<Config, Failure> {
    let config = load_config(path)?;
    config
        .validate_shared()
        .map_err(|err| Failure::from(err).with_fix(settings_fix(&config.file_name())))?;
    Ok(config)
}

/// Reads `petra.toml` and checks the settings `operation` reads, the ones `petra status`
/// judges it by, so a problem that stops only another operation does not stop this one.
pub fn load_config_for(path: &Path, operation: Operation) -> Result<Config, Failure> {
    let config = load_config(path)?;
    config
        .validate_for(operation)
        .map_err(|err| Failure::from(err).with_fix(settings_fix(&config.file_name())))?;
    Ok(config)
}

/// Builds the API client from the configuration and the environment's secrets.
pub fn client(config: &Config) -> Result<PetraClient, Failure> {
    let env = |name: &str| std::env::var(name).ok();
    let credentials = config.credentials(&env)?;
    let client_config = config.client_config(credentials)?;
    PetraClient::new(client_config).map_err(|err| Failure::new(Exit::Config, err.to_string()))
}

/// Opens the store named in the configuration.
pub fn open_store(config: &Config) -> Result<SqliteStore, Failure> {
    Ok(SqliteStore::open(config.resolve(&config.store.path))?)
}

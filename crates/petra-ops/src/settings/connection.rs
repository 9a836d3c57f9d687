//! Connection settings and the secrets that go with them.
//!
//! Secrets never come from `petra.toml` or the command line: they are read from
//! environment variables or from a separate secrets file, and held in `secrecy` types.

use std::path::{Path, PathBuf};

use petra_client::Credentials;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, SettingsProblem};
use crate::settings::accepts;

/// Environment variable holding the Petra username.
pub const USERNAME_VAR: &str = "PETRA_USERNAME";
/// Environment variable holding a Petra API key, used in place of the username.
pub const API_KEY_VAR: &str = "PETRA_API_KEY";
/// Environment variable holding the Petra password.
pub const PASSWORD_VAR: &str = "PETRA_PASSWORD";

/// The `[connection]` table of `petra.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionSettings {
    /// A name for this connection, used in status and run history.
    pub name: String,
    /// Base URL of Petra's HTTP API, for example `https://api.petra.example/v1`.
    pub base_url: String,
    /// This dealer's `ProdList.csv`: a `file://`, `http(s)://` or `ftp(s)://` URL, or a
    /// path, which is relative to `petra.toml` when it is not absolute.
    pub feed_url: Option<String>,
    /// A TOML file with `username` (or `api_key`) and `password`, read when the
    /// environment variables are not set. Relative to `petra.toml`.
    pub secrets_file: Option<PathBuf>,
    /// Seconds one HTTP request may take.
    pub timeout_secs: u64,
    /// Requests per second the connection may send, shared by every operation of the
    /// process; the client's default (5) when unset.
    pub requests_per_second: Option<u32>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            name: "petra".to_owned(),
            base_url: String::new(),
            feed_url: None,
            secrets_file: None,
            timeout_secs: 30,
            requests_per_second: None,
        }
    }
}

impl ConnectionSettings {
    /// Lists every rule the settings break.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: String| {
            problems.push(SettingsProblem {
                field: format!("connection.{field}"),
                reason,
            })
        };

        if self.name.trim().is_empty() {
            problem("name", "is missing".to_owned());
        }
        if self.base_url.trim().is_empty() {
            problem(
                "base_url",
                "is missing; set the API base URL, for example https://api.petra.example/v1"
                    .to_owned(),
            );
        } else if let Err(err) = Url::parse(self.base_url.trim()) {
            problem(
                "base_url",
                format!("{:?} is not a URL ({err})", self.base_url),
            );
        }
        // A value without `://` is a path, which the command line checks when it reads
        // the feed.
        if let Some(feed_url) = self.feed_url().filter(|url| url.contains("://")) {
            if let Err(err) = Url::parse(feed_url) {
                let redacted = url_without_login(feed_url);
                problem(
                    "feed_url",
                    format!(
                        "{redacted:?} is not a valid URL ({err}); use a file://, http(s):// \
                         or ftp(s):// URL, or a path"
                    ),
                );
            }
        }
        if self.requests_per_second == Some(0) {
            problems.push(SettingsProblem::invalid(
                "connection.requests_per_second",
                0,
                accepts::REQUESTS_PER_SECOND,
            ));
        }
        if self.timeout_secs == 0 {
            problems.push(SettingsProblem::invalid(
                "connection.timeout_secs",
                0,
                accepts::TIMEOUT_SECS,
            ));
        }

        problems
    }

    /// The feed URL, if one is set and not blank.
    pub fn feed_url(&self) -> Option<&str> {
        self.feed_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
    }
}

/// Replaces the user and password and the query of a URL text with `***`, so a message
/// can quote the rest even when the URL does not parse. The `url` crate cannot redact a URL it
/// rejects, so the parts are found by their delimiters.
pub fn url_without_login(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = match authority.rfind('@') {
        Some(at) => format!("***@{}", &authority[at + 1..]),
        None => authority.to_owned(),
    };
    let path = match path.split_once('?') {
        Some((before, _)) => format!("{before}?***"),
        None => path.to_owned(),
    };
    format!("{scheme}://{host}{path}")
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    username: Option<SecretString>,
    api_key: Option<SecretString>,
    password: Option<SecretString>,
}

/// Reads environment variables through a function, so tests pass their own.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Loads the credentials: environment variables first, then the secrets file when set.
///
/// The secrets file is read only when the variables leave the login or the password
/// unset, so a missing or unreadable file does not matter while they set both.
/// `secrets_file` is resolved by the caller. [`Credentials`] trims surrounding
/// whitespace and rejects control characters, such as a pasted line break.
pub fn load_credentials(
    secrets_file: Option<&Path>,
    env: EnvLookup<'_>,
) -> Result<Credentials, Error> {
    // Each secret is kept with where it was read, so an error about its value names that.
    let from_env = |var: &str| {
        let secret = non_blank(env(var).map(SecretString::from))?;
        Some((secret, format!("the environment variable {var}")))
    };
    let env_login = from_env(USERNAME_VAR).or_else(|| from_env(API_KEY_VAR));
    let env_password = from_env(PASSWORD_VAR);

    let unset = match (&env_login, &env_password) {
        (None, None) => Some(format!(
            "{USERNAME_VAR} (or {API_KEY_VAR}) and {PASSWORD_VAR} are not set"
        )),
        (None, Some(_)) => Some(format!("{USERNAME_VAR} (or {API_KEY_VAR}) is not set")),
        (Some(_), None) => Some(format!("{PASSWORD_VAR} is not set")),
        (Some(_), Some(_)) => None,
    };
    let file = match (secrets_file, unset) {
        (Some(path), Some(unset)) => read_secrets_file(path, unset)?,
        _ => SecretsFile::default(),
    };

    let where_to = match secrets_file {
        Some(path) => format!(
            "set {USERNAME_VAR} (or {API_KEY_VAR}) and {PASSWORD_VAR}, or add them to {}",
            path.display()
        ),
        None => format!(
            "set {USERNAME_VAR} (or {API_KEY_VAR}) and {PASSWORD_VAR}, or name a secrets_file in [connection]"
        ),
    };
    let from_file = |secret: Option<SecretString>, key: &str| {
        let secret = non_blank(secret)?;
        let path = secrets_file.map(|path| path.display().to_string());
        Some((
            secret,
            format!("the secrets file {} (key {key})", path.unwrap_or_default()),
        ))
    };
    // A variable of either login kind wins over the file, then the file's username over
    // its API key, as when the variables are read alone.
    let login = env_login
        .or_else(|| from_file(file.username, "username"))
        .or_else(|| from_file(file.api_key, "api_key"));
    let Some(login) = login else {
        return Err(Error::MissingSecret {
            name: "username or API key",
            fix: where_to,
        });
    };
    let Some(password) = env_password.or_else(|| from_file(file.password, "password")) else {
        return Err(Error::MissingSecret {
            name: "password",
            fix: where_to,
        });
    };

    let ((login, login_origin), (password, password_origin)) = (login, password);
    Credentials::from_secrets(login, password).map_err(|source| match source {
        petra_client::Error::Configuration { setting, reason } => {
            let origin = if setting == "password" {
                password_origin
            } else {
                login_origin
            };
            Error::InvalidSecret {
                setting,
                origin,
                reason,
            }
        }
        source => Error::Client {
            context: "check the credentials",
            source,
        },
    })
}

/// Returns the secret unless it is empty or only whitespace, which counts as unset.
fn non_blank(secret: Option<SecretString>) -> Option<SecretString> {
    secret.filter(|secret| !secret.expose_secret().trim().is_empty())
}

/// The keys a secrets file may set.
const SECRET_KEYS: [&str; 3] = ["username", "api_key", "password"];

/// Reads the secrets file, which the run needs because the variables leave `unset`
/// without a value.
fn read_secrets_file(path: &Path, unset: String) -> Result<SecretsFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::SecretsFileUnreadable {
        path: path.to_owned(),
        unset,
        source,
    })?;
    let invalid = |reason: String| Error::SecretsFile {
        path: path.to_owned(),
        reason,
    };

    // The TOML error could quote a secret, so only its position is kept. Key names are
    // shown, because they are not secret.
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| invalid(syntax_error(&text, &err)))?;
    if let Some(key) = table
        .keys()
        .find(|key| !SECRET_KEYS.contains(&key.as_str()))
    {
        return Err(invalid(format!(
            "unknown key {key:?}; the accepted keys are {}",
            SECRET_KEYS.join(", ")
        )));
    }
    if let Some((key, _)) = table.iter().find(|(_, value)| !value.is_str()) {
        return Err(invalid(format!("{key:?} must be a string in quotes")));
    }

    toml::from_str(&text).map_err(|err| invalid(syntax_error(&text, &err)))
}

/// Builds the message for a TOML error from its position only.
fn syntax_error(text: &str, err: &toml::de::Error) -> String {
    match err.span() {
        Some(span) => {
            let (line, column) = line_and_column(text, span.start);
            format!("invalid TOML at line {line} column {column}")
        }
        None => "invalid TOML".to_owned(),
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn invalid_feed_url_hides_login() {
        let settings = ConnectionSettings {
            base_url: "http://127.0.0.1:9/v1".to_owned(),
            feed_url: Some("http://dealer:s3cret-pw@127.0.0.1:99999/ProdList.csv".to_owned()),
            ..ConnectionSettings::default()
        };

        let problems = settings.problems();
        let reason = problems
            .iter()
            .find(|problem| problem.field == "connection.feed_url")
            .map(|problem| problem.reason.as_str())
            .unwrap_or_default();

        assert!(reason.contains("is not a valid URL"), "{reason}");
        assert!(reason.contains("127.0.0.1:99999/ProdList.csv"), "{reason}");
        assert!(!reason.contains("s3cret-pw"), "{reason}");
        assert!(!reason.contains("dealer"), "{reason}");
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn credentials_from_environment() {
        let env = env_of(&[(USERNAME_VAR, "dealer"), (PASSWORD_VAR, "pw")]);
        let credentials = load_credentials(None, &env).unwrap();
        assert_eq!(credentials.login().expose_secret(), "dealer");
        assert_eq!(credentials.password().expose_secret(), "pw");
    }

    #[test]
    fn credentials_trim_whitespace() {
        let env = env_of(&[(USERNAME_VAR, " dealer "), (PASSWORD_VAR, "pw")]);
        let credentials = load_credentials(None, &env).unwrap();
        assert_eq!(credentials.login().expose_secret(), "dealer");
        assert_eq!(credentials.trimmed().len(), 1);
    }

    #[test]
    fn credentials_reject_line_break() {
        let env = env_of(&[(USERNAME_VAR, "dealer"), (PASSWORD_VAR, "p\nw")]);

        let err = load_credentials(None, &env).unwrap_err();

        assert!(matches!(err, Error::InvalidSecret { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(PASSWORD_VAR), "{message}");
        assert!(message.contains("line break"), "{message}");
    }

    #[test]
    fn bad_file_password_names_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        let file = "username = \"dealer\"\npassword = \"\"\"\nhun\nter2\"\"\"\n";
        std::fs::write(&path, file).unwrap();

        let message = load_credentials(Some(&path), &env_of(&[]))
            .unwrap_err()
            .to_string();

        assert!(message.contains("petra.secrets.toml"), "{message}");
        assert!(message.contains("key password"), "{message}");
        assert!(!message.contains("hun"), "{message}");
    }

    #[test]
    fn bad_login_names_its_variable() {
        let env = env_of(&[(API_KEY_VAR, "key:part"), (PASSWORD_VAR, "pw")]);

        let message = load_credentials(None, &env).unwrap_err().to_string();

        assert!(message.contains(API_KEY_VAR), "{message}");
        assert!(message.contains("username or API key"), "{message}");
    }

    #[test]
    fn missing_password_names_variable() {
        let env = env_of(&[(API_KEY_VAR, "key")]);
        let message = load_credentials(None, &env).unwrap_err().to_string();
        assert!(message.contains(PASSWORD_VAR), "{message}");
    }

    #[test]
    fn secrets_file_fills_gaps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "api_key = \"k-1\"\npassword = \"from-file\"\n").unwrap();
        let env = env_of(&[(PASSWORD_VAR, "from-env")]);

        let credentials = load_credentials(Some(&path), &env).unwrap();

        assert_eq!(credentials.login().expose_secret(), "k-1");
        assert_eq!(credentials.password().expose_secret(), "from-env");
    }

    #[test]
    fn variables_spare_missing_secrets_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        let env = env_of(&[(USERNAME_VAR, "dealer"), (PASSWORD_VAR, "pw")]);

        let credentials = load_credentials(Some(&path), &env).unwrap();

        assert_eq!(credentials.login().expose_secret(), "dealer");
        assert_eq!(credentials.password().expose_secret(), "pw");
    }

    #[test]
    fn missing_secrets_file_fails_when_needed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        let env = env_of(&[(USERNAME_VAR, "dealer")]);

        let err = load_credentials(Some(&path), &env).unwrap_err();

        let message = err.to_string();

        assert!(matches!(err, Error::SecretsFileUnreadable { .. }), "{err}");
        assert!(message.contains("petra.secrets.toml"), "{message}");
        assert!(message.contains("connection.secrets_file"), "{message}");
        assert!(message.contains("PETRA_PASSWORD is not set"), "{message}");
    }

    #[test]
    fn login_variable_wins_over_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "username = \"from-file\"\n").unwrap();
        let env = env_of(&[(API_KEY_VAR, "k-env"), (PASSWORD_VAR, "pw")]);

        let credentials = load_credentials(Some(&path), &env).unwrap();

        assert_eq!(credentials.login().expose_secret(), "k-env");
    }

    #[test]
    fn bad_secrets_file_hides_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "password = \"hunter2\nusername = 1").unwrap();
        let message = load_credentials(Some(&path), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn bad_secrets_file_names_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "username = \"dealer\"\npassword = \"hunter2\n").unwrap();

        let message = load_credentials(Some(&path), &env_of(&[]))
            .unwrap_err()
            .to_string();

        assert!(message.contains("petra.secrets.toml"), "{message}");
        assert!(message.contains("line 2 column"), "{message}");
    }

    #[test]
    fn unknown_secret_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "username = \"dealer\"\npasword = \"hunter2\"\n").unwrap();

        let message = load_credentials(Some(&path), &env_of(&[]))
            .unwrap_err()
            .to_string();

        assert!(message.contains("unknown key \"pasword\""), "{message}");
        assert!(message.contains("username, api_key, password"), "{message}");
        assert!(!message.contains("invalid TOML"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn non_string_secret_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "username = \"dealer\"\npassword = 1234\n").unwrap();

        let message = load_credentials(Some(&path), &env_of(&[]))
            .unwrap_err()
            .to_string();

        assert!(
            message.contains("\"password\" must be a string"),
            "{message}"
        );
        assert!(!message.contains("1234"), "{message}");
    }

    #[test]
    fn line_and_column_count_from_one() {
        let text = "ab\ncdé\nf";

        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 3), (2, 1));
        assert_eq!(line_and_column(text, 7), (2, 4));
        assert_eq!(line_and_column(text, text.len()), (3, 2));
    }
}

//! Connection settings and the secrets that go with them.
//!
//! Secrets never come from `petra.toml` or the command line: they are read from
//! environment variables or from a separate secrets file, and held in `secrecy` types.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, SettingsProblem};

/// Environment variable holding the Petra username.
pub const USERNAME_VAR: &str = "PETRA_USERNAME";
/// Environment variable holding a Petra API key, used in place of the username.
pub const API_KEY_VAR: &str = "PETRA_API_KEY";
/// Environment variable holding the Petra password.
pub const PASSWORD_VAR: &str = "PETRA_PASSWORD";

/// The `[connection]` table of `petra.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionSettings {
    /// A name for this connection, used in status and run history.
    pub name: String,
    /// Base URL of Petra's HTTP API, for example `https://api.petra.example/v1`.
    pub base_url: String,
    /// URL of this dealer's `ProdList.csv` (file, http or ftp).
    pub feed_url: Option<String>,
    /// A TOML file with `username` (or `api_key`) and `password`, read when the
    /// environment variables are not set. Relative to `petra.toml`.
    pub secrets_file: Option<PathBuf>,
    /// Seconds one HTTP request may take.
    pub timeout_secs: u64,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            name: "petra".to_owned(),
            base_url: String::new(),
            feed_url: None,
            secrets_file: None,
            timeout_secs: 30,
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
        if let Some(feed_url) = &self.feed_url {
            if !feed_url.trim().is_empty() && Url::parse(feed_url.trim()).is_err() {
                problem(
                    "feed_url",
                    format!("{feed_url:?} is not a URL; use file://, http(s):// or ftp://"),
                );
            }
        }
        if self.timeout_secs == 0 {
            problem("timeout_secs", "must be at least 1".to_owned());
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

/// The user half of Petra's Basic authentication.
#[derive(Clone)]
pub enum Login {
    Username(SecretString),
    ApiKey(SecretString),
}

impl Login {
    pub fn expose(&self) -> &str {
        match self {
            Self::Username(secret) | Self::ApiKey(secret) => secret.expose_secret(),
        }
    }

    /// Which credential this is, in the words a fix message uses.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Username(_) => "username",
            Self::ApiKey(_) => "API key",
        }
    }
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Login::{}([REDACTED])", self.describe())
    }
}

/// Credentials of a connection, trimmed of surrounding whitespace.
#[derive(Clone)]
pub struct Secrets {
    pub login: Login,
    pub password: SecretString,
    /// Credentials that had leading or trailing whitespace, which was removed.
    pub trimmed: Vec<&'static str>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("login", &self.login)
            .field("password", &"[REDACTED]")
            .finish()
    }
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

/// Loads the secrets: environment variables first, then the secrets file when set.
///
/// `secrets_file` is resolved by the caller. Values are trimmed; a value holding a control
/// character (for example a pasted line break) is rejected.
pub fn load_secrets(secrets_file: Option<&Path>, env: EnvLookup<'_>) -> Result<Secrets, Error> {
    let file = match secrets_file {
        Some(path) => read_secrets_file(path)?,
        None => SecretsFile::default(),
    };
    let from_file = |secret: Option<SecretString>| secret.map(|s| s.expose_secret().to_owned());

    let mut trimmed = Vec::new();
    let username = pick(
        env(USERNAME_VAR),
        from_file(file.username),
        "username",
        &mut trimmed,
    )?;
    let api_key = pick(
        env(API_KEY_VAR),
        from_file(file.api_key),
        "API key",
        &mut trimmed,
    )?;
    let password = pick(
        env(PASSWORD_VAR),
        from_file(file.password),
        "password",
        &mut trimmed,
    )?;

    let where_to = match secrets_file {
        Some(path) => format!(
            "set {USERNAME_VAR} (or {API_KEY_VAR}) and {PASSWORD_VAR}, or add them to {}",
            path.display()
        ),
        None => format!(
            "set {USERNAME_VAR} (or {API_KEY_VAR}) and {PASSWORD_VAR}, or name a secrets_file in [connection]"
        ),
    };
    let login = match (username, api_key) {
        (Some(username), _) => Login::Username(username.into()),
        (None, Some(api_key)) => Login::ApiKey(api_key.into()),
        (None, None) => {
            return Err(Error::MissingSecret {
                name: "username or API key",
                fix: where_to,
            })
        }
    };
    let Some(password) = password else {
        return Err(Error::MissingSecret {
            name: "password",
            fix: where_to,
        });
    };

    Ok(Secrets {
        login,
        password: password.into(),
        trimmed,
    })
}

fn read_secrets_file(path: &Path) -> Result<SecretsFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    // The TOML error could quote a secret, so only its position is kept.
    toml::from_str(&text).map_err(|err| Error::SecretsFile {
        path: path.to_owned(),
        reason: match err.span() {
            Some(span) => format!("invalid TOML near byte {}", span.start),
            None => "invalid TOML".to_owned(),
        },
    })
}

fn pick(
    from_env: Option<String>,
    from_file: Option<String>,
    name: &'static str,
    trimmed: &mut Vec<&'static str>,
) -> Result<Option<String>, Error> {
    let Some(raw) = from_env.filter(|v| !v.is_empty()).or(from_file) else {
        return Ok(None);
    };

    let value = raw.trim();
    if value.len() != raw.len() {
        trimmed.push(name);
    }
    if value.chars().any(char::is_control) {
        return Err(Error::InvalidSecret {
            name,
            reason: "contains a control character such as a line break; paste it again on one line",
        });
    }
    if value.is_empty() {
        return Ok(None);
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn secrets_from_environment() {
        let env = env_of(&[(USERNAME_VAR, "dealer"), (PASSWORD_VAR, "pw")]);
        let secrets = load_secrets(None, &env).unwrap();
        assert_eq!(secrets.login.expose(), "dealer");
        assert_eq!(secrets.password.expose_secret(), "pw");
    }

    #[test]
    fn secrets_trim_and_say_so() {
        let env = env_of(&[(USERNAME_VAR, " dealer "), (PASSWORD_VAR, "pw")]);
        let secrets = load_secrets(None, &env).unwrap();
        assert_eq!(secrets.login.expose(), "dealer");
        assert_eq!(secrets.trimmed, ["username"]);
    }

    #[test]
    fn secrets_reject_line_break() {
        let env = env_of(&[(USERNAME_VAR, "dealer"), (PASSWORD_VAR, "p\nw")]);
        let err = load_secrets(None, &env).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidSecret {
                name: "password",
                ..
            }
        ));
    }

    #[test]
    fn missing_password_names_variable() {
        let env = env_of(&[(API_KEY_VAR, "key")]);
        let message = load_secrets(None, &env).unwrap_err().to_string();
        assert!(message.contains(PASSWORD_VAR), "{message}");
    }

    #[test]
    fn secrets_file_fills_gaps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "api_key = \"k-1\"\npassword = \"from-file\"\n").unwrap();
        let env = env_of(&[(PASSWORD_VAR, "from-env")]);

        let secrets = load_secrets(Some(&path), &env).unwrap();

        assert_eq!(secrets.login.describe(), "API key");
        assert_eq!(secrets.password.expose_secret(), "from-env");
    }

    #[test]
    fn secrets_debug_hides_values() {
        let env = env_of(&[(USERNAME_VAR, "dealer"), (PASSWORD_VAR, "hunter2")]);
        let debug = format!("{:?}", load_secrets(None, &env).unwrap());
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("dealer"), "{debug}");
    }

    #[test]
    fn bad_secrets_file_hides_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("petra.secrets.toml");
        std::fs::write(&path, "password = \"hunter2\nusername = 1").unwrap();
        let message = load_secrets(Some(&path), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(!message.contains("hunter2"), "{message}");
    }
}

//! Connection credentials: a username or API key and a password, kept in secret types.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// A credential named in errors and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialField {
    /// The username or API key, sent as the HTTP Basic user.
    Login,
    Password,
}

impl fmt::Display for CredentialField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Login => f.write_str("username or API key"),
            Self::Password => f.write_str("password"),
        }
    }
}

/// A username or API key and a password for HTTP Basic authentication.
///
/// Loading trims surrounding whitespace from both values, because values pasted from a
/// mail or a spreadsheet often carry a trailing space or line break. Which credential was
/// trimmed is recorded (never the value) so an authentication failure can
/// point at it.
/// `Debug` prints neither value.
#[derive(Clone)]
pub struct Credentials {
    login: SecretString,
    password: SecretString,
    trimmed: Vec<CredentialField>,
}

impl Credentials {
    /// Loads credentials from plain strings.
    ///
    /// # Errors
    ///
    /// [`Error::Configuration`] when a value is empty after trimming, contains a control
    /// character, or (for the login) contains `:`, which HTTP Basic authentication cannot
    /// carry in the user part. The error names the credential, never its value.
    ///
    /// ```no_run
    /// use petra_client::Credentials;
    ///
    /// let credentials = Credentials::new("DEALER-1042", std::env::var("PETRA_PASSWORD")?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(login: impl Into<String>, password: impl Into<String>) -> Result<Self, Error> {
        Self::from_secrets(
            SecretString::from(login.into()),
            SecretString::from(password.into()),
        )
    }

    /// Loads credentials already held in secret types. Same rules as [`Credentials::new`].
    pub fn from_secrets(login: SecretString, password: SecretString) -> Result<Self, Error> {
        let mut trimmed = Vec::new();
        let login = trim_secret(login, CredentialField::Login, &mut trimmed);
        let password = trim_secret(password, CredentialField::Password, &mut trimmed);

        validate(&login, CredentialField::Login)?;
        validate(&password, CredentialField::Password)?;
        if login.expose_secret().contains(':') {
            return Err(invalid(
                CredentialField::Login,
                "contains `:`, which HTTP Basic authentication cannot send in a username; \
                 check that the username or API key was copied alone",
            ));
        }

        if !trimmed.is_empty() {
            tracing::debug!(
                trimmed = ?trimmed,
                "trimmed leading or trailing whitespace from credentials"
            );
        }
        Ok(Self {
            login,
            password,
            trimmed,
        })
    }

    /// Returns the username or API key.
    pub fn login(&self) -> &SecretString {
        &self.login
    }

    pub fn password(&self) -> &SecretString {
        &self.password
    }

    /// Credentials that had leading or trailing whitespace removed when they were loaded.
    pub fn trimmed(&self) -> &[CredentialField] {
        &self.trimmed
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &"[REDACTED]")
            .field("password", &"[REDACTED]")
            .field("trimmed", &self.trimmed)
            .finish()
    }
}

fn trim_secret(
    secret: SecretString,
    field: CredentialField,
    trimmed: &mut Vec<CredentialField>,
) -> SecretString {
    let raw = secret.expose_secret();
    let inner = raw.trim();
    if inner.len() == raw.len() {
        return secret;
    }

    trimmed.push(field);
    SecretString::from(inner)
}

fn validate(secret: &SecretString, field: CredentialField) -> Result<(), Error> {
    let value = secret.expose_secret();
    if value.is_empty() {
        return Err(invalid(field, "is empty; set it on the connection"));
    }

    if value.chars().any(char::is_control) {
        return Err(invalid(
            field,
            "contains a control character (such as a line break or tab) that cannot be sent \
             in an HTTP header; enter the value again without it",
        ));
    }
    Ok(())
}

fn invalid(field: CredentialField, reason: &str) -> Error {
    Error::configuration(field.to_string(), reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "s3cr3t-Pa55-zq9";

    #[test]
    fn clean_credentials_are_not_trimmed() {
        let credentials = Credentials::new("DEALER-1", PASSWORD).unwrap();

        assert!(credentials.trimmed().is_empty());
        assert_eq!(credentials.password().expose_secret(), PASSWORD);
    }

    #[test]
    fn surrounding_whitespace_is_trimmed_and_recorded() {
        let credentials = Credentials::new(" DEALER-1", format!("{PASSWORD}\r\n")).unwrap();

        assert_eq!(credentials.login().expose_secret(), "DEALER-1");
        assert_eq!(credentials.password().expose_secret(), PASSWORD);
        assert_eq!(
            credentials.trimmed(),
            &[CredentialField::Login, CredentialField::Password]
        );
    }

    #[test]
    fn inner_control_character_is_rejected() {
        let error = Credentials::new("DEALER-1", format!("{PASSWORD}\nline2")).unwrap_err();
        let message = error.to_string();

        assert!(message.contains("password"), "{message}");
        assert!(message.contains("control character"), "{message}");
        assert!(!message.contains(PASSWORD), "{message}");
        assert!(!format!("{error:?}").contains(PASSWORD));
    }

    #[test]
    fn empty_login_is_rejected() {
        let error = Credentials::new("   ", PASSWORD).unwrap_err();

        assert!(error.to_string().contains("username or API key is empty"));
    }

    #[test]
    fn empty_password_is_rejected() {
        let error = Credentials::new("DEALER-1", "").unwrap_err();

        assert!(error.to_string().contains("password is empty"));
    }

    #[test]
    fn colon_in_login_is_rejected() {
        let error = Credentials::new("DEALER:1", PASSWORD).unwrap_err();
        let message = error.to_string();

        assert!(message.contains("`:`"), "{message}");
        assert!(!message.contains("DEALER:1"), "{message}");
    }

    #[test]
    fn debug_hides_both_values() {
        let credentials = Credentials::new("api-key-7731", PASSWORD).unwrap();
        let debug = format!("{credentials:?}");

        assert!(!debug.contains("api-key-7731"), "{debug}");
        assert!(!debug.contains(PASSWORD), "{debug}");
    }
}

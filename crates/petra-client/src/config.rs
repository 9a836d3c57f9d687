//! Connection settings: where Petra is, how to authenticate, and how patiently to talk.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::credentials::Credentials;
use crate::error::Error;
use crate::rate_limit::RateLimit;
use crate::retry::RetryPolicy;

/// Connect and per-request timeouts. `None` disables a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time allowed to open a TCP and TLS connection.
    pub connect: Option<Duration>,
    /// Time allowed for one attempt, from sending the request to the end of the body.
    pub request: Option<Duration>,
    /// Time an unused pooled connection is kept open before it is closed.
    pub pool_idle: Option<Duration>,
}

impl Timeouts {
    /// Disables every timeout and timer of the HTTP client.
    ///
    /// Under Tokio's paused test clock the runtime jumps to the next timer whenever it
    /// waits on a socket, so any armed timeout fires at once. Tests that pause time use
    /// this so the only timers left are the retry waits they measure.
    pub fn none() -> Self {
        Self {
            connect: None,
            request: None,
            pool_idle: None,
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Some(Duration::from_secs(10)),
            request: Some(Duration::from_secs(60)),
            pool_idle: Some(Duration::from_secs(90)),
        }
    }
}

/// Everything one Petra connection needs. Build it with [`ConnectionConfig::new`], then
/// adjust the public fields or use the `with_` methods.
///
/// `Debug` redacts the credentials and prints the feed URL without its query string,
/// because dealer feed URLs often carry a token there.
#[derive(Clone)]
pub struct ConnectionConfig {
    /// Name used in logs and errors to tell connections apart.
    pub name: String,
    /// API base URL, always ending in `/` so endpoint paths join below it.
    pub base_url: Url,
    pub credentials: Credentials,
    /// Download URL of the ProdList.csv feed. `None` means the API's feed path.
    pub feed_url: Option<Url>,
    pub timeouts: Timeouts,
    /// Client-side rate limit; `None` sends requests as fast as they come.
    pub rate_limit: Option<RateLimit>,
    pub retry: RetryPolicy,
}

impl ConnectionConfig {
    /// Builds a configuration with default timeouts, rate limit and retry policy.
    ///
    /// # Errors
    ///
    /// [`Error::Configuration`] when the name is blank or `base_url` is not an absolute
    /// `http` or `https` URL without user info, query or fragment.
    ///
    /// ```no_run
    /// use petra_client::{ConnectionConfig, Credentials};
    ///
    /// let credentials = Credentials::new("DEALER-1042", std::env::var("PETRA_PASSWORD")?)?;
    /// let config = ConnectionConfig::new("petra-main", "https://api.petra.example/v1", credentials)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        base_url: &str,
        credentials: Credentials,
    ) -> Result<Self, Error> {
        let name = name.into().trim().to_owned();
        if name.is_empty() {
            return Err(Error::configuration(
                "connection name",
                "is empty; give the connection a name",
            ));
        }

        Ok(Self {
            name,
            base_url: parse_base_url(base_url)?,
            credentials,
            feed_url: None,
            timeouts: Timeouts::default(),
            rate_limit: Some(RateLimit::default()),
            retry: RetryPolicy::default(),
        })
    }

    /// Sets the feed URL.
    ///
    /// # Errors
    ///
    /// [`Error::Configuration`] when `feed_url` is not an absolute URL with one of the
    /// schemes the feed download supports: `file`, `http`, `https`, `ftp` or `ftps`.
    pub fn with_feed_url(mut self, feed_url: &str) -> Result<Self, Error> {
        let parsed = Url::parse(feed_url.trim())
            .map_err(|error| Error::configuration("feed URL", format!("is not a URL: {error}")))?;
        check_feed_scheme(&parsed)?;

        self.feed_url = Some(parsed);
        Ok(self)
    }

    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    pub fn with_rate_limit(mut self, rate_limit: Option<RateLimit>) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

impl fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An FTP feed URL may carry a user and password, so those go too.
        let feed_url = self.feed_url.as_ref().map(crate::feed::download::redact);
        f.debug_struct("ConnectionConfig")
            .field("name", &self.name)
            .field("base_url", &self.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("feed_url", &feed_url)
            .field("timeouts", &self.timeouts)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .finish()
    }
}

fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let mut url = Url::parse(raw.trim())
        .map_err(|error| Error::configuration("base URL", format!("is not a URL: {error}")))?;
    check_scheme(&url, "base URL")?;

    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::configuration(
            "base URL",
            "contains user info; put the username or API key and the password in the \
             connection's credentials instead",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::configuration(
            "base URL",
            "has a query string or fragment; give only scheme, host and path",
        ));
    }

    // `Url::join` replaces the last segment unless the path ends in `/`.
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn check_scheme(url: &Url, setting: &str) -> Result<(), Error> {
    match url.scheme() {
        "http" | "https" if url.has_host() => Ok(()),
        "http" | "https" => Err(Error::configuration(setting, "has no host")),
        other => Err(Error::configuration(
            setting,
            format!("uses scheme `{other}`; use http or https"),
        )),
    }
}

fn check_feed_scheme(url: &Url) -> Result<(), Error> {
    match url.scheme() {
        "file" => Ok(()),
        "http" | "https" | "ftp" | "ftps" if url.has_host() => Ok(()),
        "http" | "https" | "ftp" | "ftps" => Err(Error::configuration("feed URL", "has no host")),
        other => Err(Error::configuration(
            "feed URL",
            format!("uses scheme `{other}`; use file, http, https, ftp or ftps"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials::new("DEALER-1", "pw-0192").unwrap()
    }

    #[test]
    fn base_url_gets_trailing_slash() {
        let config = ConnectionConfig::new("main", "http://127.0.0.1:9/v1", credentials()).unwrap();

        assert_eq!(config.base_url.as_str(), "http://127.0.0.1:9/v1/");
        assert_eq!(config.base_url.join("ping").unwrap().path(), "/v1/ping");
    }

    #[test]
    fn base_url_with_user_info_rejected() {
        let error =
            ConnectionConfig::new("main", "https://bob:hunter2@api.example/v1", credentials())
                .unwrap_err();
        let message = error.to_string();

        assert!(message.contains("user info"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn base_url_with_query_rejected() {
        let error = ConnectionConfig::new("main", "https://api.example/v1?key=x", credentials())
            .unwrap_err();

        assert!(error.to_string().contains("query string"));
    }

    #[test]
    fn base_url_ftp_scheme_rejected() {
        let error = ConnectionConfig::new("main", "ftp://api.example/", credentials()).unwrap_err();

        assert!(error.to_string().contains("scheme `ftp`"));
    }

    #[test]
    fn base_url_not_a_url_rejected() {
        let error = ConnectionConfig::new("main", "api.example/v1", credentials()).unwrap_err();

        assert!(error.to_string().contains("base URL is not a URL"));
    }

    #[test]
    fn blank_name_rejected() {
        let error = ConnectionConfig::new("  ", "http://127.0.0.1:9/", credentials()).unwrap_err();

        assert!(error.to_string().contains("connection name"));
    }

    #[test]
    fn debug_hides_feed_query_and_secrets() {
        let config = ConnectionConfig::new("main", "http://127.0.0.1:9/", credentials())
            .unwrap()
            .with_feed_url("http://127.0.0.1:9/ProdList.csv?token=feedtoken-55")
            .unwrap();
        let debug = format!("{config:?}");

        assert!(!debug.contains("feedtoken-55"), "{debug}");
        assert!(!debug.contains("pw-0192"), "{debug}");
        assert!(debug.contains("ProdList.csv"), "{debug}");
    }

    fn feed_url(url: &str) -> Result<ConnectionConfig, Error> {
        ConnectionConfig::new("main", "http://127.0.0.1:9/", credentials())
            .unwrap()
            .with_feed_url(url)
    }

    #[test]
    fn feed_url_download_schemes_accepted() {
        let urls = [
            "file:///var/feeds/ProdList.csv",
            "http://127.0.0.1:9/ProdList.csv",
            "https://127.0.0.1:9/ProdList.csv",
            "ftp://127.0.0.1:2121/ProdList.csv",
            "ftps://127.0.0.1:2121/ProdList.csv",
        ];
        for url in urls {
            let config = feed_url(url);

            assert!(config.is_ok(), "{url}: {:?}", config.err());
        }
    }

    #[test]
    fn feed_url_other_scheme_rejected() {
        let error = feed_url("sftp://127.0.0.1:22/ProdList.csv").unwrap_err();

        assert!(error.to_string().contains("scheme `sftp`"), "{error}");
    }

    #[test]
    fn feed_url_mailto_rejected() {
        let error = feed_url("mailto:feeds@127.0.0.1").unwrap_err();

        assert!(error.to_string().contains("scheme `mailto`"), "{error}");
    }

    #[test]
    fn debug_hides_ftp_feed_password() {
        let config = feed_url("ftp://dealer:ftp-pw-7781@127.0.0.1:2121/ProdList.csv").unwrap();
        let debug = format!("{config:?}");

        assert!(!debug.contains("ftp-pw-7781"), "{debug}");
        assert!(!debug.contains("dealer"), "{debug}");
        assert!(debug.contains("ProdList.csv"), "{debug}");
    }

    #[test]
    fn defaults_are_bounded() {
        let config = ConnectionConfig::new("main", "http://127.0.0.1:9/", credentials()).unwrap();

        assert_eq!(config.timeouts.connect, Some(Duration::from_secs(10)));
        assert_eq!(config.timeouts.request, Some(Duration::from_secs(60)));
        assert_eq!(config.retry.max_retries, 3);
        assert!(config.rate_limit.is_some());
    }
}

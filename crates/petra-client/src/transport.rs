//! Sending one API call: rate limit, retries, per-attempt tracing, and turning the reply
//! into a typed value or a typed error.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use tracing::{debug, field, warn, Instrument};
use url::Url;

use crate::config::ConnectionConfig;
use crate::error::Error;
use crate::error_context::{
    error_chain, ApiError, AuthHint, Delivery, NotFoundTarget, RequestInfo,
};
use crate::ids::PoNumber;
use crate::rate_limit::SharedLimiter;
use crate::retry::{self, Decision, Outcome, StopReason};
use crate::wire::{ErrorBody, FieldProblem};

/// Maximum characters of a non-JSON error body kept in [`ApiError::message`].
const MAX_MESSAGE_CHARS: usize = 300;

/// One API call, described as data.
pub(crate) struct Call<'a> {
    pub method: Method,
    /// Path segments below the base URL. Each is percent-encoded on its own, so a PO
    /// containing `/` or `?` stays one segment.
    pub segments: Vec<&'a str>,
    pub query: Vec<(&'static str, String)>,
    /// JSON request body.
    pub body: Option<Vec<u8>>,
    /// The PO the call is about, so a `404` or `409` can name it.
    pub po: Option<&'a PoNumber>,
}

/// Splits a path constant of the contract (`catalog/products`) into segments. Values such
/// as PO numbers are never split, so they go into [`Call::segments`] whole.
pub(crate) fn static_segments(path: &'static str) -> Vec<&'static str> {
    path.split('/').collect()
}

impl<'a> Call<'a> {
    pub(crate) fn get(segments: Vec<&'a str>) -> Self {
        Self {
            method: Method::GET,
            segments,
            query: Vec::new(),
            body: None,
            po: None,
        }
    }
}

/// The HTTP side of a connection; shared by all clones of a client.
pub(crate) struct Transport {
    http: reqwest::Client,
    config: ConnectionConfig,
    limiter: Option<SharedLimiter>,
}

/// The step after one attempt.
enum Step<T> {
    Retry(Duration),
    Done(Result<T, Error>),
}

/// A complete response: status, the headers that matter, and the body.
struct Received {
    status: StatusCode,
    retry_after: Option<String>,
    body: Bytes,
}

impl Transport {
    pub(crate) fn new(config: ConnectionConfig) -> Result<Self, Error> {
        // Redirects are not followed, because a redirected POST turns into a GET and a
        // redirect to another host would be a surprise for a dealer API.
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("petra-sdk/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(config.timeouts.pool_idle);
        if let Some(connect) = config.timeouts.connect {
            builder = builder.connect_timeout(connect);
        }
        if let Some(request) = config.timeouts.request {
            builder = builder.timeout(request);
        }

        let http = builder.build().map_err(|error| {
            Error::configuration("HTTP client", format!("could not be built: {error}"))
        })?;
        let limiter = config.rate_limit.map(SharedLimiter::new);
        Ok(Self {
            http,
            config,
            limiter,
        })
    }

    pub(crate) fn config(&self) -> &ConnectionConfig {
        &self.config
    }

    /// Builds the URL of a call: base URL, encoded segments, query.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&'static str, String)]) -> Url {
        let mut url = self.config.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    pub(crate) fn request_info(&self, method: Method, url: &Url) -> RequestInfo {
        RequestInfo::new(&self.config.name, method, url)
    }

    /// Sends `call`, retrying as the policy allows, and decodes a 2xx body into `T`.
    pub(crate) async fn send<T: DeserializeOwned>(&self, mut call: Call<'_>) -> Result<T, Error> {
        let url = self.url(&call.segments, &call.query);
        let request_info = self.request_info(call.method.clone(), &url);
        let body = call.body.take().map(Bytes::from);
        let mut attempt: u32 = 0;

        loop {
            attempt += 1;
            if let Some(limiter) = &self.limiter {
                limiter.until_ready().await;
            }

            let span = tracing::info_span!(
                "petra_http",
                connection = %request_info.connection,
                method = %request_info.method,
                path = %request_info.path,
                attempt,
                status = field::Empty,
            );
            let result = self
                .attempt(&call.method, &url, body.clone())
                .instrument(span.clone())
                .await;

            let step = span.in_scope(|| {
                let now = SystemTime::now();
                self.next_step(&call, &request_info, attempt, result, now)
            });
            match step {
                Step::Retry(wait) => tokio::time::sleep(wait).await,
                Step::Done(result) => return result,
            }
        }
    }

    /// Decides what follows one attempt: a retry after a wait, or the call's result.
    fn next_step<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        request_info: &RequestInfo,
        attempt: u32,
        result: Result<Received, reqwest::Error>,
        now: SystemTime,
    ) -> Step<T> {
        let policy = &self.config.retry;

        let received = match result {
            Ok(received) => received,
            Err(source) => {
                // reqwest's message repeats the URL with its query string, which
                // `request_info` already names without it.
                let source = source.without_url();
                let (outcome, delivery) = classify(&source);
                match retry::decide(&call.method, &outcome, attempt, policy, now) {
                    Decision::RetryAfter(wait) => {
                        log_retry(
                            request_info,
                            attempt,
                            policy.max_retries,
                            &error_chain(&source),
                            wait,
                        );
                        return Step::Retry(wait);
                    }
                    Decision::Stop(reason) => {
                        let error = Error::Transport {
                            request: Box::new(request_info.clone()),
                            delivery,
                            attempts: attempt,
                            source,
                        };
                        log_stop(reason, &error);
                        return Step::Done(Err(error));
                    }
                }
            }
        };

        let status = received.status.as_u16();
        tracing::Span::current().record("status", status);
        let outcome = Outcome::Response {
            status,
            retry_after: received.retry_after.as_deref(),
        };
        match retry::decide(&call.method, &outcome, attempt, policy, now) {
            Decision::RetryAfter(wait) => {
                let cause = format!("HTTP {status}");
                log_retry(request_info, attempt, policy.max_retries, &cause, wait);
                Step::Retry(wait)
            }
            Decision::Stop(_) if received.status.is_success() => {
                debug!(status, "received");
                Step::Done(decode(request_info, status, &received.body))
            }
            Decision::Stop(reason) => {
                let error = self.status_error(request_info, call.po, received, attempt, now);
                log_stop(reason, &error);
                Step::Done(Err(error))
            }
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        body: Option<Bytes>,
    ) -> Result<Received, reqwest::Error> {
        let credentials = &self.config.credentials;
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .basic_auth(
                credentials.login().expose_secret(),
                Some(credentials.password().expose_secret()),
            )
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }

        debug!("sending");
        let response = request.send().await?;
        let status = response.status();
        let retry_after = header_text(response.headers());
        let body = response.bytes().await?;
        Ok(Received {
            status,
            retry_after,
            body,
        })
    }

    /// Maps a non-2xx response to the error variant for its status.
    fn status_error(
        &self,
        request_info: &RequestInfo,
        po: Option<&PoNumber>,
        received: Received,
        attempts: u32,
        now: SystemTime,
    ) -> Error {
        let status = received.status.as_u16();
        let (code, message, problems) = parse_error_body(&received.body);
        let api = Box::new(ApiError {
            request: request_info.clone(),
            status,
            code,
            message,
        });

        match status {
            401 => Error::Authentication {
                hint: AuthHint {
                    check: credentials_named(&problems),
                    whitespace_trimmed: self.config.credentials.trimmed().to_vec(),
                },
                api,
            },
            403 => Error::AccessNotEnabled { api },
            404 => {
                let target = match po {
                    Some(po) => NotFoundTarget::Order(po.clone()),
                    None => NotFoundTarget::Path(request_info.path.clone()),
                };
                Error::NotFound { target, api }
            }
            409 => match po {
                Some(po) => Error::DuplicatePo {
                    po: po.clone(),
                    api,
                },
                None => Error::UnexpectedStatus { api },
            },
            400 | 422 => Error::Validation { problems, api },
            429 => Error::RateLimited {
                retry_after: received
                    .retry_after
                    .as_deref()
                    .and_then(|raw| retry::parse_retry_after(raw, now)),
                attempts,
                api,
            },
            500..=599 => Error::Server { attempts, api },
            _ => Error::UnexpectedStatus { api },
        }
    }
}

fn header_text(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(RETRY_AFTER)?;
    value.to_str().ok().map(str::to_owned)
}

/// Decodes a 2xx body, naming the JSON path of the first value that does not fit.
pub(crate) fn decode<T: DeserializeOwned>(
    request_info: &RequestInfo,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let json_path = error.path().to_string();
        Error::Decode {
            request: Box::new(request_info.clone()),
            status,
            json_path,
            source: error.into_inner(),
        }
    })
}

/// Reads Petra's error body, or keeps the start of the text when it is not one.
fn parse_error_body(body: &[u8]) -> (String, String, Vec<FieldProblem>) {
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        let detail = parsed.error;
        return (detail.code, detail.message, detail.details);
    }

    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let message = if text.is_empty() {
        "empty response body".to_owned()
    } else {
        text.chars().take(MAX_MESSAGE_CHARS).collect()
    };
    ("unknown".to_owned(), message, Vec::new())
}

/// Lists the credentials a `401` body names in its details, or both when it names none.
fn credentials_named(problems: &[FieldProblem]) -> Vec<crate::CredentialField> {
    use crate::CredentialField::{Login, Password};

    let mut named = Vec::new();
    for problem in problems {
        let field = match problem.field.as_str() {
            "username" | "api_key" | "login" => Login,
            "password" => Password,
            _ => continue,
        };
        if !named.contains(&field) {
            named.push(field);
        }
    }

    if named.is_empty() {
        vec![Login, Password]
    } else {
        named
    }
}

/// Sorts a reqwest failure into a retry outcome and whether the request may have been
/// delivered.
fn classify(error: &reqwest::Error) -> (Outcome<'static>, Delivery) {
    // A connect timeout reports both `is_connect` and `is_timeout`; the request was not
    // written in either case, so connect errors are checked first.
    if error.is_connect() || error.is_builder() {
        (Outcome::ConnectFailed, Delivery::NotSent)
    } else if error.is_timeout() {
        (Outcome::TimedOut, Delivery::OutcomeUnknown)
    } else {
        (Outcome::ConnectionLost, Delivery::OutcomeUnknown)
    }
}

/// Logs a failed attempt that will be retried, as feed downloads do, so a long wait on an
/// unreachable or failing server is never silent. The URL in `request_info` has no user
/// info or query.
fn log_retry(
    request_info: &RequestInfo,
    attempt: u32,
    max_retries: u32,
    cause: &str,
    wait: Duration,
) {
    // The field is named `cause` because the CLI hides warnings with an `error` field by
    // default, as it prints those failures itself.
    warn!(
        attempt,
        max_attempts = max_retries.saturating_add(1),
        url = %request_info.url,
        cause = %cause,
        delay = ?wait,
        "Petra API attempt failed; retrying"
    );
}

/// Logs why the client gave up, at warn when retries ran out and at debug otherwise.
fn log_stop(reason: StopReason, error: &Error) {
    match reason {
        StopReason::RetriesExhausted | StopReason::WaitTooLong(_) => {
            warn!(reason = ?reason, error = %error, "giving up");
        }
        StopReason::Final | StopReason::NotRetryable => {
            debug!(reason = ?reason, error = %error, "request failed");
        }
    }
}

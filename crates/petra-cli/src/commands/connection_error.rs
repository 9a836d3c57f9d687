//! A failed Test Connection described for people: what failed, with the URL it tried,
//! and the fix.

use petra_client::{ApiError, Delivery, Error};
use petra_ops::settings::Config;

use crate::failure::root_cause;
use crate::output::{outln, plural};

/// The sources of the credentials, named in the fix of a rejected login.
pub const CREDENTIAL_SOURCES: &str = "set PETRA_USERNAME (or PETRA_API_KEY) and PETRA_PASSWORD, \
     or add them to the secrets_file named in [connection]";

/// Builds the fix printed after a run that Petra stopped with `status`: `403` means the
/// account has no API access, which the error's own advice covers, and any other status
/// means rejected credentials.
pub fn fatal_fix(status: Option<u16>) -> String {
    if status == Some(403) {
        "run `petra connection test` once Petra has enabled API access, or with an account \
         that has it"
            .to_owned()
    } else {
        format!("{CREDENTIAL_SOURCES}, then run `petra connection test`")
    }
}

/// The report fields of a run that ended short, which `inventory run` and
/// `shipments fetch` share.
pub struct RunStop<'a> {
    pub fatal_error: Option<&'a str>,
    pub fatal_status: Option<u16>,
    pub petra_unreachable: bool,
    pub retrieval_error: Option<&'a str>,
    /// Host (and port) of the feed server when the run downloaded a feed, which is then
    /// the server that could not be reached.
    pub feed_host: Option<&'a str>,
    /// The source of the feed URL (`--feed` or `connection.feed_url`) when the download
    /// sent the user and password written in that URL, as it does when the connection
    /// has no credentials.
    pub feed_url_login: Option<&'a str>,
}

/// Prints the failure and its fix of a run that Petra stopped by rejecting the
/// credentials, or that never reached Petra, and returns whether it printed anything.
/// `settings` names the URL settings to check.
pub fn print_stopped(stop: &RunStop<'_>, settings: &str) -> bool {
    if let Some(error) = stop.fatal_error {
        outln!("  stopped: {error}");
        match stop.feed_url_login {
            Some(setting) => outln!(
                "  fix: check the user and password written in the feed URL ({setting}); the \
                 download sent them because the connection has no credentials"
            ),
            None => outln!("  fix: {}", fatal_fix(stop.fatal_status)),
        }
        return true;
    }

    let Some(error) = stop.retrieval_error.filter(|_| stop.petra_unreachable) else {
        return false;
    };
    match stop.feed_host {
        Some(host) => {
            outln!("  unreachable: cannot connect to the feed server {host}: {error}");
            outln!(
                "  fix: check connection.feed_url (or --feed), and that the feed server is \
                 running and reachable from this machine"
            );
        }
        None => {
            outln!("  unreachable: no request reached Petra: {error}");
            outln!("  fix: check {settings} and the network, then run `petra connection test`");
        }
    }
    true
}

/// Builds the message and the fix of a failed ping to the connection of `config`.
pub fn describe(config: &Config, err: &Error) -> (String, String) {
    let base_url = &config.connection.base_url;
    let file = config.file_name();
    match err {
        Error::Authentication { hint, api } => (
            format!("Petra rejected the credentials: {}", api_reply(api)),
            format!("{hint}: {CREDENTIAL_SOURCES}"),
        ),
        // Petra's reply states that API access is not enabled, so the message does not.
        Error::AccessNotEnabled { api } => (
            format!("Petra denied access: {}", api_reply(api)),
            "ask Petra to enable API access for the account, or use an account that has it"
                .to_owned(),
        ),
        Error::Transport {
            request,
            delivery: Delivery::NotSent,
            attempts,
            source,
        } => (
            format!(
                "cannot reach Petra at {} after {attempts} {}: {}",
                request.url,
                plural(*attempts, "attempt"),
                root_cause(source)
            ),
            format!(
                "check connection.base_url ({base_url}) in {file}, and that the server \
                 is running and reachable from this machine"
            ),
        ),
        Error::Transport {
            request,
            attempts,
            source,
            ..
        } => (
            format!(
                "no complete response from Petra at {} after {attempts} {}: {}",
                request.url,
                plural(*attempts, "attempt"),
                root_cause(source)
            ),
            format!(
                "try again later; if it keeps failing, raise connection.timeout_secs in {file}"
            ),
        ),
        // A 5xx comes from a server that is reachable, so the URL is not what to change.
        Error::Server { .. } => (
            err.to_string(),
            "Petra is reachable but cannot serve requests now; run `petra connection test` \
             again later, and contact Petra if it keeps failing"
                .to_owned(),
        ),
        Error::RateLimited { .. } => (
            err.to_string(),
            "Petra limits the requests of this account; wait as long as it asked, then run \
             `petra connection test` again"
                .to_owned(),
        ),
        other => (
            other.to_string(),
            format!("check connection.base_url ({base_url}) in {file}"),
        ),
    }
}

/// Describes Petra's reply without the connection name, which the caller already shows.
fn api_reply(api: &ApiError) -> String {
    format!(
        "{} {} returned {} `{}` ({:?})",
        api.request.method, api.request.url, api.status, api.code, api.message
    )
}

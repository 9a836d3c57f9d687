//! Sends 2,000 fulfillment requests through a proxy that allows a set rate in front of the
//! sandbox, and reports the rate the client sustained and the 429s it met.
//!
//! `cargo bench -p petra-store --bench send_rate -- [RATE] [REQUESTS]` (defaults 100 and
//! 2000). The proxy answers `429` with `Retry-After: 1` above RATE requests per second;
//! the client's shared rate limit is set to the same RATE.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use governor::{DefaultDirectRateLimiter, Quota};
use petra_client::{ConnectionConfig, Credentials, PetraClient, RateLimit};
use petra_ops::clock::SystemClock;
use petra_ops::fulfillment::{
    FulfillmentRequest, FulfillmentRequests, FulfillmentSettings, RequestLine, SendContext,
    SendFulfillmentRequests,
};
use petra_ops::settings::SourceSettings;
use petra_sandbox::{CatalogSource, Sandbox, SandboxConfig, DEFAULT_PASSWORD, DEFAULT_USERNAME};
use petra_store::SqliteStore;

// Shared with the fault tests for their source settings.
#[path = "../tests/sandbox_support/mod.rs"]
mod sandbox_support;

struct Proxy {
    limiter: DefaultDirectRateLimiter,
    upstream: String,
    http: reqwest::Client,
    limited: AtomicU64,
    forwarded: AtomicU64,
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    if proxy.limiter.check().is_err() {
        proxy.limited.fetch_add(1, Ordering::Relaxed);
        let body = r#"{"error":{"code":"rate_limited","message":"slow down","details":[]}}"#;
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1"), ("content-type", "application/json")],
            body,
        )
            .into_response();
    }
    proxy.forwarded.fetch_add(1, Ordering::Relaxed);

    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let mut upstream = proxy
        .http
        .request(parts.method.clone(), format!("{}{path}", proxy.upstream))
        .body(bytes);
    for (name, value) in &parts.headers {
        if name != "host" {
            upstream = upstream.header(name, value);
        }
    }
    match upstream.send().await {
        Ok(reply) => {
            let status = reply.status();
            let headers = reply.headers().clone();
            let body = reply.bytes().await.unwrap_or_default();
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

fn requests(count: usize, skus: &[String]) -> Vec<FulfillmentRequest> {
    (1..=count)
        .map(|index| FulfillmentRequest {
            fr_number: format!("BENCH-{index:05}"),
            ship_to_name: "Dana Whitfield".into(),
            address_line_1: "1400 Harbor Blvd".into(),
            city: "Tempe".into(),
            state: "AZ".into(),
            postal_code: "85281".into(),
            lines: vec![RequestLine {
                sku: skus[index % skus.len()].clone(),
                quantity: "1".into(),
            }],
            ..FulfillmentRequest::default()
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"));
    let rate: u32 = args.next().and_then(|arg| arg.parse().ok()).unwrap_or(100);
    let count: usize = args
        .next()
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(2_000);

    let sandbox = Sandbox::start(SandboxConfig::default().with_catalog(CatalogSource::Sample))
        .await
        .expect("sandbox starts");
    let rate_nonzero = NonZeroU32::new(rate).expect("rate above 0");
    let proxy = Arc::new(Proxy {
        limiter: DefaultDirectRateLimiter::direct(Quota::per_second(rate_nonzero)),
        upstream: format!("http://{}", sandbox.local_addr()),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        limited: AtomicU64::new(0),
        forwarded: AtomicU64::new(0),
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(Arc::clone(&proxy));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let base_url = format!("http://{address}/v1");
    let credentials = Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD).unwrap();
    let config = ConnectionConfig::new("bench", &base_url, credentials)
        .unwrap()
        .with_rate_limit(Some(RateLimit::per_second(rate_nonzero)));
    let client = PetraClient::new(config).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("bench.sqlite")).unwrap();
    let skus: Vec<String> = petra_sandbox::sample_products()
        .into_iter()
        .flat_map(|product| product.variants)
        .map(|variant| variant.sku.to_string())
        .collect();
    store
        .import("bench", requests(count, &skus), false, chrono::Utc::now())
        .await
        .unwrap();

    let source = SourceSettings {
        name: "bench".into(),
        ..SourceSettings::sample_fulfilling()
    };
    let settings = FulfillmentSettings {
        concurrency: 8,
        ..FulfillmentSettings::default()
    };
    let operation = SendFulfillmentRequests::new(source.validate().unwrap(), settings);
    let started = Instant::now();
    let report = operation
        .run(SendContext {
            api: &client,
            requests: &store,
            pool: None,
            history: &store,
            clock: &SystemClock,
            stop: Default::default(),
        })
        .await
        .unwrap();
    let elapsed = started.elapsed().as_secs_f64();

    let stored = sandbox
        .admin()
        .orders
        .iter()
        .filter(|record| record.stored == 1)
        .count();
    let sustained = report.submitted as f64 / elapsed;
    println!("allowed rate      {rate}/s");
    println!("requests          {count}");
    println!("submitted         {}", report.submitted);
    println!("stored at sandbox {stored}");
    println!("not submitted     {}", count as u64 - report.submitted);
    println!(
        "429 responses     {}",
        proxy.limited.load(Ordering::Relaxed)
    );
    println!("elapsed           {elapsed:.2} s");
    println!(
        "sustained         {sustained:.1}/s = {:.1}% of the allowed rate",
        sustained / f64::from(rate) * 100.0
    );

    // Both token buckets start full, so the first `rate` requests go out at once. The
    // steady figure counts only the requests after that burst.
    let steady = (report.submitted as f64 - f64::from(rate)) / elapsed;
    println!(
        "steady            {steady:.1}/s = {:.1}% of the allowed rate",
        steady / f64::from(rate) * 100.0
    );
}

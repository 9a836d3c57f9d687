//! `GET /catalog/products`: paging, the loop guard, decode errors, retries and
//! `Retry-After` under paused time.

mod common;

use std::time::Duration;

use futures::TryStreamExt;
use petra_client::wire::Product;
use petra_client::{Error, PetraClient, Timeouts};
use rust_decimal::Decimal;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{client, config, fast_retry, fixture, json, server};

async fn mount_first_page(server: &MockServer, body: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/v1/catalog/products"))
        .and(query_param("limit", "200"))
        .and(query_param_is_missing("cursor"))
        .respond_with(body)
        .expect(times)
        .mount(server)
        .await;
}

async fn collect(client: &PetraClient) -> Result<Vec<Product>, Error> {
    client.catalog().try_collect().await
}

#[tokio::test]
async fn catalog_streams_all_pages() {
    let server = server().await;
    mount_first_page(&server, json(200, "catalog_page1.json"), 1).await;
    Mock::given(path("/v1/catalog/products"))
        .and(query_param("cursor", "cursor-2"))
        .respond_with(json(200, "catalog_page2.json"))
        .expect(1)
        .mount(&server)
        .await;

    let products = collect(&client(&server)).await.unwrap();

    let ids: Vec<&str> = products.iter().map(|p| p.product_id.as_str()).collect();
    assert_eq!(ids, ["K02-U22GE-02", "K10-BT-SPK", "Z99-CABLE-6FT"]);
    assert_eq!(products[1].variants.len(), 2);
    assert_eq!(
        products[0].variants[0].pricing.dealer_price,
        Decimal::new(9199, 2)
    );
    assert!(products[2].variants[0].discontinued);
}

#[tokio::test]
async fn catalog_page_size_is_clamped() {
    let server = server().await;
    Mock::given(path("/v1/catalog/products"))
        .and(query_param("limit", "1000"))
        .respond_with(json(200, "catalog_page2.json"))
        .expect(1)
        .mount(&server)
        .await;

    let products: Vec<Product> = client(&server)
        .catalog_with_page_size(50_000)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(products.len(), 1);
}

#[tokio::test]
async fn repeated_cursor_stops_stream() {
    let server = server().await;
    let mut page2 = fixture("catalog_page2.json");
    page2["next_cursor"] = "cursor-2".into();
    mount_first_page(&server, json(200, "catalog_page1.json"), 1).await;
    Mock::given(path("/v1/catalog/products"))
        .and(query_param("cursor", "cursor-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page2))
        .expect(1)
        .mount(&server)
        .await;

    let error = collect(&client(&server)).await.unwrap_err();

    let Error::RepeatedPage {
        repeated,
        pages_read,
        request,
    } = &error
    else {
        panic!("expected a repeated-page error, got {error:?}");
    };
    assert_eq!(repeated, "cursor `cursor-2`");
    assert_eq!(*pages_read, 2);
    assert_eq!(request.path, "/v1/catalog/products");
}

#[tokio::test]
async fn repeated_page_stops_stream() {
    let server = server().await;
    let mut page1_again = fixture("catalog_page1.json");
    page1_again["next_cursor"] = "cursor-3".into();
    mount_first_page(&server, json(200, "catalog_page1.json"), 1).await;
    Mock::given(path("/v1/catalog/products"))
        .and(query_param("cursor", "cursor-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page1_again))
        .expect(1)
        .mount(&server)
        .await;

    let mut stream = client(&server).catalog();
    let mut read = 0;
    let error = loop {
        match stream.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("stream ended without detecting the repeated page"),
            Err(error) => break error,
        }
    };

    assert_eq!(read, 2, "the first page's products are delivered once");
    assert!(
        matches!(&error, Error::RepeatedPage { repeated, .. } if repeated.contains("already read")),
        "{error:?}"
    );
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn bad_price_names_json_path() {
    let server = server().await;
    mount_first_page(&server, json(200, "catalog_bad_price.json"), 1).await;

    let error = collect(&client(&server)).await.unwrap_err();

    let Error::Decode {
        json_path, status, ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(json_path, "products[0].variants[0].pricing.dealer_price");
    assert_eq!(*status, 200);
    assert!(error
        .to_string()
        .contains("products[0].variants[0].pricing.dealer_price"));
}

#[tokio::test]
async fn non_json_body_is_decode_error() {
    let server = server().await;
    mount_first_page(
        &server,
        ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"),
        1,
    )
    .await;

    let error = collect(&client(&server)).await.unwrap_err();

    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn server_error_retried_configured_times() {
    let server = server().await;
    mount_first_page(&server, json(503, "error_server.json"), 3).await;

    let error = collect(&client(&server)).await.unwrap_err();

    let Error::Server { attempts, api } = &error else {
        panic!("expected a server error, got {error:?}");
    };
    assert_eq!(*attempts, 3);
    assert_eq!(api.status, 503);
    assert_eq!(api.code, "server_error");
    assert_eq!(api.message, "upstream inventory service unavailable");
}

#[tokio::test]
async fn server_error_names_url_without_query() {
    let server = server().await;
    mount_first_page(&server, json(503, "error_server.json"), 3).await;

    let message = collect(&client(&server)).await.unwrap_err().to_string();

    let expected = format!("GET {}/v1/catalog/products (connection", server.uri());
    assert!(message.contains(&expected), "{message}");
    assert!(!message.contains("limit="), "{message}");
}

#[tokio::test]
async fn zero_retries_sends_once() {
    let server = server().await;
    mount_first_page(&server, json(500, "error_server.json"), 1).await;
    let client = PetraClient::new(config(&server).with_retry(fast_retry(0))).unwrap();

    let error = collect(&client).await.unwrap_err();

    assert!(
        matches!(error, Error::Server { attempts: 1, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn server_error_then_success() {
    let server = server().await;
    Mock::given(path("/v1/catalog/products"))
        .respond_with(json(502, "error_server.json"))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_first_page(&server, json(200, "catalog_page2.json"), 1).await;

    let products = collect(&client(&server)).await.unwrap();

    assert_eq!(products.len(), 1);
}

/// Builds a client without timeouts or pool timers, because under paused time Tokio jumps
/// the clock to the next timer whenever the runtime waits on the mock server's socket.
fn paused_time_client(server: &MockServer) -> PetraClient {
    let config = config(server).with_timeouts(Timeouts::none());
    PetraClient::new(config).unwrap()
}

/// Mounts a `429` with `retry_after` for the first catalog request, then a page.
async fn mount_rate_limited_then_page(server: &MockServer, retry_after: &str) {
    Mock::given(path("/v1/catalog/products"))
        .respond_with(
            json(429, "error_rate_limited.json").insert_header("retry-after", retry_after),
        )
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(server)
        .await;
    mount_first_page(server, json(200, "catalog_page2.json"), 1).await;
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_respected() {
    let server = server().await;
    mount_rate_limited_then_page(&server, "7").await;
    let client = paused_time_client(&server);

    let started = tokio::time::Instant::now();
    let products = collect(&client).await.unwrap();
    let waited = started.elapsed();

    assert_eq!(products.len(), 1);
    assert!(waited >= Duration::from_secs(7), "waited {waited:?}");
    assert!(waited < Duration::from_secs(8), "waited {waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_decimal_is_respected() {
    let server = server().await;
    mount_rate_limited_then_page(&server, "2.5").await;
    let client = paused_time_client(&server);

    let started = tokio::time::Instant::now();
    collect(&client).await.unwrap();
    let waited = started.elapsed();

    assert!(waited >= Duration::from_millis(2500), "waited {waited:?}");
    assert!(waited < Duration::from_millis(3500), "waited {waited:?}");
}

#[tokio::test(start_paused = true)]
async fn rate_limited_until_retries_exhausted() {
    let server = server().await;
    mount_first_page(
        &server,
        json(429, "error_rate_limited.json").insert_header("retry-after", "1"),
        3,
    )
    .await;
    let client = paused_time_client(&server);

    let error = collect(&client).await.unwrap_err();

    let Error::RateLimited {
        retry_after,
        attempts,
        api,
    } = &error
    else {
        panic!("expected rate limited, got {error:?}");
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(1)));
    assert_eq!(*attempts, 3);
    assert_eq!(api.code, "rate_limited");
}

#[tokio::test]
async fn retry_after_beyond_max_wait_gives_up() {
    let server = server().await;
    mount_first_page(
        &server,
        json(429, "error_rate_limited.json").insert_header("retry-after", "3600"),
        1,
    )
    .await;

    let error = collect(&client(&server)).await.unwrap_err();

    assert!(
        matches!(
            &error,
            Error::RateLimited { retry_after: Some(wait), attempts: 1, .. }
                if *wait == Duration::from_secs(3600)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn slow_page_times_out_after_retries() {
    let server = server().await;
    mount_first_page(
        &server,
        json(200, "catalog_page2.json").set_delay(Duration::from_secs(5)),
        3,
    )
    .await;
    let config = config(&server).with_timeouts(Timeouts {
        connect: Some(Duration::from_secs(2)),
        request: Some(Duration::from_millis(100)),
        ..Timeouts::default()
    });
    let client = PetraClient::new(config).unwrap();

    let error = collect(&client).await.unwrap_err();

    let Error::Transport {
        delivery,
        attempts,
        source,
        ..
    } = &error
    else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(*attempts, 3);
    assert_eq!(*delivery, petra_client::Delivery::OutcomeUnknown);
    assert!(source.is_timeout());
}

#[tokio::test]
async fn slow_page_error_says_nothing_changed() {
    let server = server().await;
    mount_first_page(
        &server,
        json(200, "catalog_page2.json").set_delay(Duration::from_secs(5)),
        1,
    )
    .await;
    let config = config(&server)
        .with_timeouts(Timeouts {
            connect: Some(Duration::from_secs(2)),
            request: Some(Duration::from_millis(100)),
            ..Timeouts::default()
        })
        .with_retry(fast_retry(0));
    let client = PetraClient::new(config).unwrap();

    let message = collect(&client).await.unwrap_err().to_string();

    assert!(!message.contains("may have reached Petra"), "{message}");
    assert!(message.contains("no complete response"), "{message}");
    assert!(message.contains("changes nothing at Petra"), "{message}");
}
